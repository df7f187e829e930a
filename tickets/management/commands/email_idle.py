"""`manage.py email_idle`: wait in IMAP IDLE on every polled mailbox and have it polled as soon
as mail arrives (tickets/channels/imap_idle.py; docs/email.md, "IDLE"). Runs until SIGTERM or
SIGINT, then leaves IDLE and logs out of every mailbox before it exits. Beat's minutely poll
goes on beside it: run one of these per deployment, or none.
"""

import signal
import threading

from django.core.management.base import BaseCommand

from tickets.channels.imap_idle import idle_run


class Command(BaseCommand):
    help = "Wait in IMAP IDLE on every polled mailbox and poll it as soon as mail arrives."

    def handle(self, *args: object, **options: object) -> None:
        stop = threading.Event()
        for signal_number in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signal_number, lambda *_: stop.set())
        self.stdout.write("watching the IMAP mailboxes (IDLE where offered)")
        idle_run(stop=stop)
