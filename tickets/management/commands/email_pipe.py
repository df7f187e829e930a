"""`manage.py email_pipe [--mailbox ADDRESS]`: one raw email on standard input, for a Postfix
or Exim pipe (docs/email.md, "The pipe"). The message is stored (sealed) and queued for a
worker, which reads it and makes its ticket: the MTA waits for the storing only.

Exit codes are those of sysexits.h, which both MTAs read: 0 stored (the row is the durable
copy: a broker that is down delays the reading, the sweep queues it again); 75 (EX_TEMPFAIL)
the database cannot be reached, the mailbox is unknown, or anything else went wrong: the MTA
keeps the message and delivers it again later (a second delivery changes nothing); 65
(EX_DATAERR) nothing came on standard input.
"""

import sys
from typing import BinaryIO

from django.core.management.base import BaseCommand, CommandError
from django.db import Error as DatabaseError

from support.queueing import task_queue
from support.unavailable import Unavailable
from tickets.channels.email_raw import email_store_for_worker
from tickets.mailboxes import mailbox_named, raw_limit
from tickets.models import RawInbound
from tickets.tasks import email_process_task

EX_DATAERR = 65
EX_TEMPFAIL = 75
READ_CHUNK = 1024 * 1024


class Command(BaseCommand):
    help = "Store one raw email read on standard input and queue it (for an MTA's pipe)."
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
            stored = _store(raw, mailbox)
        except CommandError:
            raise
        except (DatabaseError, Unavailable) as error:
            message = f"database unavailable ({type(error).__name__}): the MTA will retry"
            raise CommandError(message, returncode=EX_TEMPFAIL) from error
        except Exception as error:  # noqa: BLE001 - the MTA keeps the message; it is not lost
            message = f"not stored ({type(error).__name__}): the MTA will retry"
            raise CommandError(message, returncode=EX_TEMPFAIL) from error
        if stored.processed_at is None:
            task_queue(email_process_task, stored.pk)  # broker down: the sweep queues it
        if options.get("verbosity", 1) > 1:
            self.stdout.write(f"stored as raw email {stored.pk}")


def _store(raw: bytes, address: str) -> RawInbound:
    mailbox = None
    if address:
        mailbox = mailbox_named(address)
        if mailbox is None:
            message = f"no mailbox {address!r}: add it in the admin; the MTA will retry"
            raise CommandError(message, returncode=EX_TEMPFAIL)
    return email_store_for_worker(raw=raw, mailbox=mailbox)


def read_message(stream: BinaryIO, *, limit: int) -> bytes:
    """The first `limit` bytes; the rest is read and dropped (an MTA whose pipe is left
    unread reports a failed delivery)."""
    raw = stream.read(limit)
    while stream.read(READ_CHUNK):
        pass
    return raw
