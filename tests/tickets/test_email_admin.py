"""The admin pages of the email models that had none: the people copied into tickets'
conversations (found by address and by the ticket's status, never added or moved, removable),
and how long raw emails are kept."""

from email.message import EmailMessage

import pytest
from django.test import Client
from django.urls import reverse

from support.models import RetentionPeriod
from tests.conftest import PASSWORD
from tickets.channels.email import email_receive
from tickets.models import EmailParticipant, Ticket

pytestmark = pytest.mark.django_db
PARTICIPANTS = reverse("admin:tickets_emailparticipant_changelist")


def mail(*, sender: str, message_id: str, subject: str, cc: str = "") -> bytes:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = "support@example.com"
    if cc:
        message["Cc"] = cc
    message["Subject"] = subject
    message["Message-ID"] = message_id
    message.set_content("My deposit of 0.5 ETH has not arrived after two hours.")
    return message.as_bytes()


@pytest.fixture
def admin_client(admin_user) -> Client:
    client = Client()
    client.force_login(admin_user)
    return client


@pytest.fixture
def tickets(policy) -> tuple[Ticket, Ticket]:
    """Kim copied her boss on an open ticket; Lee copied an accountant on one now solved."""
    kim = email_receive(
        raw=mail(
            sender="kim@example.com",
            cc="boss@corp.example",
            message_id="<p1@mail.example>",
            subject="Deposit missing",
        )
    )
    lee = email_receive(
        raw=mail(
            sender="lee@example.com",
            cc="accounts@firm.example",
            message_id="<p2@mail.example>",
            subject="Withdrawal fee question",
        )
    )
    Ticket.objects.filter(pk=lee.pk).update(status=Ticket.Status.SOLVED)
    return kim, lee


def test_participants_are_found_by_address_and_by_the_ticket_s_status(admin_client, tickets):
    kim, lee = tickets

    found = admin_client.get(PARTICIPANTS, {"q": "boss@corp"}).content.decode()
    solved = admin_client.get(PARTICIPANTS, {"status": "solved"}).content.decode()

    assert "boss@corp.example" in found and "accounts@firm.example" not in found
    assert f'href="/console/tickets/{kim.reference}/"' in found
    assert "accounts@firm.example" in solved and "boss@corp.example" not in solved
    assert "Solved" in solved


def test_the_participants_page_is_in_the_admin_s_language(admin_client, tickets, settings):
    admin_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ko"

    page = admin_client.get(PARTICIPANTS).content.decode()

    assert "티켓 상태" in page  # "ticket status": the column and the filter


def test_a_participant_cannot_be_added_or_moved_to_another_ticket(admin_client, tickets):
    kim, lee = tickets
    participant = EmailParticipant.objects.get(email="boss@corp.example")
    change = reverse("admin:tickets_emailparticipant_change", args=[participant.pk])

    added = admin_client.post(
        reverse("admin:tickets_emailparticipant_add"), {"email": "x@evil.example"}
    )
    moved = admin_client.post(change, {"email": "boss@corp.example", "ticket": lee.pk})

    assert added.status_code == 403
    assert moved.status_code == 403
    participant.refresh_from_db()
    assert (participant.ticket_id, participant.email) == (kim.pk, "boss@corp.example")
    assert not EmailParticipant.objects.filter(email="x@evil.example").exists()
    assert "boss@corp.example" in admin_client.get(change).content.decode()  # still readable


def test_a_removed_participant_s_next_email_opens_a_ticket_of_its_own(admin_client, tickets):
    kim, _lee = tickets
    participant = EmailParticipant.objects.get(email="boss@corp.example")
    delete = reverse("admin:tickets_emailparticipant_delete", args=[participant.pk])

    admin_client.post(delete, {"post": "yes"})
    answer = email_receive(
        raw=mail(
            sender="boss@corp.example",
            message_id="<p3@mail.example>",
            subject=f"Re: [{kim.reference}] Deposit missing",
        )
    )

    assert not EmailParticipant.objects.filter(email="boss@corp.example").exists()
    assert answer.pk != kim.pk


def test_an_agent_cannot_open_the_participants_page(client, agent, tickets):
    client.login(username=agent.username, password=PASSWORD)
    participant = EmailParticipant.objects.get(email="boss@corp.example")

    listing = client.get(PARTICIPANTS)
    deleted = client.post(
        reverse("admin:tickets_emailparticipant_delete", args=[participant.pk]), {"post": "yes"}
    )

    assert listing.status_code == 302 and "/admin/login/" in listing["Location"]
    assert deleted.status_code == 302
    assert EmailParticipant.objects.filter(pk=participant.pk).exists()


def test_an_admin_sets_how_long_raw_emails_are_kept(admin_client):
    period = RetentionPeriod.objects.get(kind=RetentionPeriod.Kind.RAW_EMAIL)
    listing = reverse("admin:support_retentionperiod_changelist")
    rows = list(RetentionPeriod.objects.order_by("kind"))
    form = {
        "form-TOTAL_FORMS": str(len(rows)),
        "form-INITIAL_FORMS": str(len(rows)),
        "_save": "Save",
    }
    for number, row in enumerate(rows):
        form[f"form-{number}-id"] = str(row.pk)
        form[f"form-{number}-days"] = "7" if row.pk == period.pk else str(row.days)

    assert "Raw inbound emails" in admin_client.get(listing).content.decode()
    admin_client.post(listing, form)

    period.refresh_from_db()
    assert period.days == 7
