"""IMAP polling against a real IMAP server (pymap, started by these tests): new messages become
tickets of the mailbox's team, a dropped connection resumes without duplicates, a rebuilt
folder is not imported twice, and one failing mailbox stops no other."""

from datetime import timedelta
from email.message import EmailMessage

import psycopg2
import pytest
from django.db import connection
from django.utils import timezone

from support.models import OutboxEmail, Team
from tests.conftest import make_person
from tests.tickets.imap_server import PASSWORD, USER, DroppingRelay, ImapServer, sample
from tickets.channels import imap
from tickets.channels.imap import mailbox_poll
from tickets.mailboxes import LOCK_CLASS, mailbox_set_password
from tickets.models import Mailbox, Message, RawInbound, Ticket
from tickets.tasks import mailboxes_poll_task

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="session")
def imap_server():
    server = ImapServer()
    yield server
    server.stop()


@pytest.fixture
def korea(db) -> Team:
    return Team.objects.create(slug="korea-mail", name="Korea mail")


def imap_mailbox(server, folder, *, address="kr@exchange.example", password=PASSWORD, **fields):
    mailbox = Mailbox.objects.create(
        address=address,
        host=server.host,
        port=fields.pop("port", server.port),
        security=Mailbox.Security.NONE,
        username=USER,
        folder=folder,
        **fields,
    )
    return mailbox_set_password(mailbox=mailbox, password=password)


def customer_email(number: int, *, sender="trader@example.net") -> bytes:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = "kr@exchange.example"
    message["Subject"] = f"Withdrawal {number} pending"
    message["Message-ID"] = f"<withdrawal-{number}@example.net>"
    message.set_content(f"My withdrawal number {number} has been pending since this morning.")
    return message.as_bytes()


def test_new_messages_become_tickets_of_the_mailboxs_team(imap_server, korea, policy):
    folder = imap_server.new_folder()
    imap_server.deliver(folder, sample("mail002.box"), sample("mail001.box"))
    mailbox = imap_mailbox(imap_server, folder, team=korea)

    mailboxes_poll_task.delay()

    tickets = Ticket.objects.order_by("pk")
    subjects = [ticket.subject.strip() for ticket in tickets]  # as in the samples' .yml
    assert subjects == ["aaäöüßad asd", "CI Daten für PublicView"]
    assert [ticket.customer.email for ticket in tickets] == [
        "martin@example.com",
        "john.smith@example.com",
    ]
    assert {(ticket.channel, ticket.team) for ticket in tickets} == {("email", korea)}
    assert imap_server.unseen(folder) == []  # flagged as taken
    mailbox.refresh_from_db()
    assert (mailbox.last_problem, mailbox.last_error, mailbox.failing_since) == ("", "", None)
    assert mailbox.last_polled_at is not None

    mailboxes_poll_task.delay()  # nothing new
    imap_server.deliver(folder, customer_email(1))
    mailboxes_poll_task.delay()
    assert Ticket.objects.count() == 3
    assert Message.objects.count() == 3


def test_a_connection_dropped_mid_fetch_resumes_without_duplicates(
    imap_server, policy, monkeypatch
):
    """I11 / A8: the server's line dies in the middle of the third message."""
    monkeypatch.setattr(imap, "FETCH_BATCH", 1)
    folder = imap_server.new_folder()
    imap_server.deliver(folder, *[customer_email(number) for number in range(1, 5)])
    relay = DroppingRelay(imap_server, cut_at=3)
    mailbox = imap_mailbox(imap_server, folder, port=relay.port)

    mailbox_poll(mailbox_id=mailbox.pk)

    mailbox.refresh_from_db()
    assert Ticket.objects.count() == 2
    assert mailbox.last_problem in (Mailbox.Problem.IMAP, Mailbox.Problem.CONNECT)
    assert mailbox.failing_since is not None
    relay.cut_at = 10**6  # the line is back
    fetches_before = relay.fetches

    mailbox_poll(mailbox_id=mailbox.pk)

    subjects = sorted(Ticket.objects.values_list("subject", flat=True))
    assert subjects == [f"Withdrawal {number} pending" for number in range(1, 5)]
    assert Message.objects.count() == RawInbound.objects.count() == 4
    assert relay.fetches - fetches_before == 2  # the first two were not fetched again
    mailbox.refresh_from_db()
    assert (mailbox.last_problem, mailbox.failing_since) == ("", None)
    relay.close()


def test_wrong_credentials_show_on_the_mailbox_and_others_still_poll(imap_server, policy):
    folder = imap_server.new_folder()
    imap_server.deliver(folder, customer_email(7))
    refused = imap_mailbox(imap_server, folder, address="a@exchange.example", password="wrong-pw")
    working = imap_mailbox(imap_server, folder, address="b@exchange.example")

    mailboxes_poll_task.delay()

    refused.refresh_from_db()
    working.refresh_from_db()
    assert refused.last_problem == Mailbox.Problem.LOGIN
    assert refused.last_error and "wrong-pw" not in refused.last_error
    assert refused.failing_since is not None
    assert working.last_problem == ""
    assert Ticket.objects.get().subject == "Withdrawal 7 pending"


def test_a_mailbox_failing_for_ten_minutes_alerts_the_admins_once(imap_server, policy):
    """I11: credentials revoked: the admins hear of it, once per failure."""
    admin = make_person("admin@exchange.example", "admin", languages=["en"])
    folder = imap_server.new_folder()
    mailbox = imap_mailbox(imap_server, folder, password="revoked")
    mailbox_poll(mailbox_id=mailbox.pk)
    assert not OutboxEmail.objects.exists()  # a first failure may be a blip
    Mailbox.objects.filter(pk=mailbox.pk).update(
        failing_since=timezone.now() - timedelta(minutes=11)
    )

    mailbox_poll(mailbox_id=mailbox.pk)
    mailbox_poll(mailbox_id=mailbox.pk)

    alert = OutboxEmail.objects.get()
    assert alert.to == admin.email
    assert mailbox.address in alert.subject
    assert "The server refused the username or password" in alert.body_text


def test_a_rebuilt_folder_is_read_again_without_importing_twice(imap_server, policy):
    """A new UIDVALIDITY: the messages already stored are not imported again."""
    folder = imap_server.new_folder()
    imap_server.deliver(folder, customer_email(1), customer_email(2))
    mailbox = imap_mailbox(imap_server, folder)
    mailbox_poll(mailbox_id=mailbox.pk)
    mailbox.refresh_from_db()
    first_validity = mailbox.uidvalidity

    imap_server.rebuild(folder, customer_email(1), customer_email(2), customer_email(3))
    mailbox_poll(mailbox_id=mailbox.pk)

    assert Ticket.objects.count() == Message.objects.count() == 3
    mailbox.refresh_from_db()
    assert mailbox.uidvalidity != first_validity
    imap_server.deliver(folder, customer_email(4))
    mailbox_poll(mailbox_id=mailbox.pk)
    assert Message.objects.count() == 4


def test_two_workers_never_poll_one_mailbox_at_once(imap_server, policy):
    folder = imap_server.new_folder()
    imap_server.deliver(folder, customer_email(1))
    mailbox = imap_mailbox(imap_server, folder)
    other_worker = psycopg2.connect(**connection.get_connection_params())
    key = (LOCK_CLASS, mailbox.pk)
    try:
        with other_worker.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s, %s)", key)  # polling, in another process

            assert mailbox_poll(mailbox_id=mailbox.pk) is None
            assert not Ticket.objects.exists()
            cursor.execute("SELECT pg_advisory_unlock(%s, %s)", key)  # done
    finally:
        other_worker.close()
    assert mailbox_poll(mailbox_id=mailbox.pk) == 1


def test_a_message_over_the_size_limit_keeps_its_text(imap_server, policy, settings):
    """A16: the poll reads the first 3 x ATTACHMENT_MAX_BYTES; the text comes first."""
    settings.ATTACHMENT_MAX_BYTES = 20_000
    message = EmailMessage()
    message["From"] = "whale@example.net"
    message["Subject"] = "Large deposit proof"
    message["Message-ID"] = "<large@example.net>"
    message.set_content("Please credit my deposit: the statement is attached.")
    message.add_attachment(b"%PDF-1.4\n" + b"0" * 200_000, "application", "pdf", filename="s.pdf")
    folder = imap_server.new_folder()
    imap_server.deliver(folder, message.as_bytes())
    mailbox = imap_mailbox(imap_server, folder)

    assert mailbox_poll(mailbox_id=mailbox.pk) == 1

    stored = Message.objects.get()
    assert "Please credit my deposit" in stored.body
    assert not stored.attachments.exists()


def test_a_server_without_tls_is_refused_when_tls_is_asked_for(imap_server, policy):
    """The poll never falls back to a clear connection: the mailbox shows why it stopped."""
    folder = imap_server.new_folder()
    imap_server.deliver(folder, customer_email(1))
    mailbox = imap_mailbox(imap_server, folder)
    Mailbox.objects.filter(pk=mailbox.pk).update(security=Mailbox.Security.TLS)

    assert mailbox_poll(mailbox_id=mailbox.pk) == 0

    mailbox.refresh_from_db()
    assert mailbox.last_problem == Mailbox.Problem.TLS
    assert not Ticket.objects.exists()
