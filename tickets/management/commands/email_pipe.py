"""`manage.py email_pipe [--mailbox ADDRESS]`: one raw email on standard input, for a Postfix
or Exim pipe (docs/email.md, "The pipe"). The message is stored, then processed.

Exit codes are those of sysexits.h, which both MTAs read: 0 stored; 75 (EX_TEMPFAIL) the
database cannot be reached, the mailbox is unknown, or anything else went wrong: the MTA keeps
the message and delivers it again later (a second delivery changes nothing); 65 (EX_DATAERR)
nothing came on standard input.
"""

import sys
from typing import BinaryIO

from django.core.management.base import BaseCommand, CommandError
from django.db import Error as DatabaseError

from tickets.channels.email import email_receive
from tickets.mailboxes import mailbox_named, raw_limit

EX_DATAERR = 65
EX_TEMPFAIL = 75
READ_CHUNK = 1024 * 1024


class Command(BaseCommand):
    help = "Store and process one raw email read on standard input (for an MTA's pipe)."
    requires_system_checks: list = []  # started once per message: no time for the checks

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--mailbox",
            default="",
            help="The address it was delivered to (its team and default language apply); "
            "without it, the first of our mailboxes among the message's recipients.",
        )

    def handle(self, *args: object, mailbox: str = "", **options: object) -> None:
        raw = read_message(sys.stdin.buffer, limit=raw_limit())
        if not raw.strip():
            raise CommandError("no message on standard input", returncode=EX_DATAERR)
        try:
            ticket = _receive(raw, mailbox)
        except CommandError:
            raise
        except DatabaseError as error:
            message = f"database unavailable ({type(error).__name__}): the MTA will retry"
            raise CommandError(message, returncode=EX_TEMPFAIL) from error
        except Exception as error:  # noqa: BLE001 - the MTA keeps the message; it is not lost
            message = f"not processed ({type(error).__name__}): the MTA will retry"
            raise CommandError(message, returncode=EX_TEMPFAIL) from error
        if options.get("verbosity", 1) > 1:
            self.stdout.write(ticket.reference if ticket else "stored, not readable")


def _receive(raw: bytes, address: str):
    mailbox = None
    if address:
        mailbox = mailbox_named(address)
        if mailbox is None:
            message = f"no mailbox {address!r}: add it in the admin; the MTA will retry"
            raise CommandError(message, returncode=EX_TEMPFAIL)
    return email_receive(raw=raw, mailbox=mailbox)


def read_message(stream: BinaryIO, *, limit: int) -> bytes:
    """The first `limit` bytes; the rest is read and dropped (an MTA whose pipe is left
    unread reports a failed delivery)."""
    raw = stream.read(limit)
    while stream.read(READ_CHUNK):
        pass
    return raw
