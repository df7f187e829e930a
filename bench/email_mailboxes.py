"""Mail in through a mailbox: the IMAP poll and the pipe, measured on this machine.

Starts a real IMAP server (pymap, in memory) on a free loopback port, fills a folder with N
real messages (the Zammad corpus of tests/data/mail/zammad/, cycled, each given a Message-ID
of its own), and polls it with the product's poll (tickets/channels/imap.py) until all are
stored. Then runs `manage.py email_pipe` K times, one process per message, as an MTA would.
Uses the database in DATABASE_URL (use a dedicated one: it migrates it and adds tickets):

    createdb bench_mailboxes
    DATABASE_URL=postgres://…/bench_mailboxes REDIS_URL=… SECRET_KEY=x \\
        .venv/bin/python bench/email_mailboxes.py --messages 500 --pipe-runs 10

Reports messages per second for the poll (and for the IMAP part alone: the same fetches
without intake), and the pipe's seconds per message (p50, p95).
"""

import argparse
import os
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402

from tests.conftest import ensure_roles  # noqa: E402
from tests.tickets.imap_server import PASSWORD, USER, ImapServer  # noqa: E402
from tickets.channels import imap  # noqa: E402
from tickets.mailboxes import mailbox_set_password  # noqa: E402
from tickets.models import Mailbox, RawInbound  # noqa: E402

CORPUS = ROOT / "tests" / "data" / "mail" / "zammad"
MESSAGE_ID = re.compile(rb"^Message-Id:.*(\r?\n[ \t].*)*\r?\n", re.IGNORECASE | re.MULTILINE)


def corpus_messages(count: int, run: str) -> list[bytes]:
    """`count` real messages, each with a new Message-ID (the corpus cycled)."""
    raws = [path.read_bytes() for path in sorted(CORPUS.glob("*.box"))]
    messages = []
    for number in range(count):
        raw = MESSAGE_ID.sub(b"", raws[number % len(raws)]).lstrip(b"\r\n")
        raw = raw.split(b"\n", 1)[1] if raw.startswith(b"From ") else raw  # an mbox line
        messages.append(f"Message-ID: <bench-{run}-{number}@bench.example>\r\n".encode() + raw)
    return messages


def fill(server: ImapServer, messages: list[bytes]) -> str:
    folder = server.new_folder()
    with server.client() as client:
        for raw in messages:
            client.append(folder, raw)
    return folder


def imap_only(server: ImapServer, folder: str) -> float:
    """Seconds to fetch the folder as the poll does (sizes, then 20 at a time), nothing else."""
    started = time.perf_counter()
    with server.client() as client:
        client.select_folder(folder)
        uids = client.search(["ALL"])
        client.fetch(uids, ["RFC822.SIZE"])
        for start in range(0, len(uids), imap.FETCH_BATCH):
            client.fetch(uids[start : start + imap.FETCH_BATCH], ["BODY.PEEK[]"])
    return time.perf_counter() - started


def poll_all(server: ImapServer, folder: str, count: int) -> float:
    mailbox = Mailbox.objects.create(
        address=f"{folder}@bench.example",
        host=server.host,
        port=server.port,
        security=Mailbox.Security.NONE,
        username=USER,
        folder=folder,
    )
    mailbox_set_password(mailbox=mailbox, password=PASSWORD)
    before = RawInbound.objects.count()
    started = time.perf_counter()
    while RawInbound.objects.count() - before < count:
        imap.mailbox_poll(mailbox_id=mailbox.pk)  # 50 s a run, like the beat's minutely runs
    return time.perf_counter() - started


def pipe_runs(runs: int, run: str) -> list[float]:
    seconds = []
    for raw in corpus_messages(runs, f"{run}-pipe"):
        started = time.perf_counter()
        subprocess.run([sys.executable, "manage.py", "email_pipe"], input=raw, cwd=ROOT, check=True)
        seconds.append(time.perf_counter() - started)
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=500)
    parser.add_argument("--pipe-runs", type=int, default=10)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    ensure_roles()
    run = str(int(time.time()))
    server = ImapServer()
    try:
        folder = fill(server, corpus_messages(args.messages, run))
        fetch = imap_only(server, folder)
        poll = poll_all(server, folder, args.messages)
    finally:
        server.stop()
    pipe = sorted(pipe_runs(args.pipe_runs, run)) if args.pipe_runs else []
    print(f"nproc={os.cpu_count()} messages={args.messages}")
    print(f"IMAP fetch alone: {fetch:.1f} s, {args.messages / fetch:.0f} messages/s")
    print(f"poll (fetch, store, intake): {poll:.1f} s, {args.messages / poll:.1f} messages/s")
    if pipe:
        p95 = pipe[max(0, round(0.95 * len(pipe)) - 1)]
        print(f"pipe: p50 {statistics.median(pipe):.2f} s, p95 {p95:.2f} s per message")


if __name__ == "__main__":
    main()
