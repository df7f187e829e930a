"""The impersonation warning on tickets, and the verification code under agents' emails.

A customer who writes that "support" reached them on Telegram, or who pastes a look-alike of our
domain, gets one automatic safety notice in their language, and agents see a warning on the
ticket. Each email is read as the SMTP server received it (a real server on a local port)."""

from email.message import EmailMessage

import pytest

from support.models import OutboxEmail
from support.official.models import OfficialChannel, VerificationCode
from support.official.services import verification_code_find
from tests.faults.smtp import SmtpServer
from tickets.channels.email import email_receive
from tickets.intake import InboundMessage, intake_message
from tickets.models import Event, Ticket
from tickets.services import ticket_reply

pytestmark = pytest.mark.django_db


@pytest.fixture
def official(db):
    OfficialChannel.objects.create(kind="domain", value="exchange.example")
    OfficialChannel.objects.create(kind="telegram", value="@exchange_support")


def customer_mail(body: str, *, message_id: str = "<imp1@mail.example>") -> bytes:
    message = EmailMessage()
    message["From"] = "Kim <kim@example.com>"
    message["To"] = "support@example.com"
    message["Subject"] = "Is this you?"
    message["Message-ID"] = message_id
    message.set_content(body)
    return message.as_bytes()


def notices(smtp: SmtpServer) -> list:
    keys = OutboxEmail.objects.filter(dedupe_key__startswith="impersonation:")
    subjects = {" ".join(subject.split()) for subject in keys.values_list("subject", flat=True)}
    return [m for m in smtp.accepted if " ".join(str(m["Subject"]).split()) in subjects]


def test_being_contacted_by_support_on_telegram_flags_the_ticket_and_sends_one_notice(
    smtp, policy, official, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        ticket = email_receive(
            raw=customer_mail("Your support contacted me on Telegram and asked for my 2FA code.")
        )

    ticket.refresh_from_db()
    assert ticket.impersonation_suspected
    [notice] = notices(smtp)
    assert notice["To"] == "kim@example.com"
    assert notice["Auto-Submitted"] == "auto-replied"
    body = notice.get_body(("plain",)).get_content()
    assert "claiming to be our support" in body
    assert "/en/help/verify/" in body
    assert Event.objects.filter(ticket=ticket, field="impersonation_suspected").count() == 1


def test_a_second_such_message_on_the_ticket_sends_no_second_notice(
    smtp, policy, official, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        ticket = email_receive(raw=customer_mail("An admin DMed me on X about my account."))
    with django_capture_on_commit_callbacks(execute=True):
        again = intake_message(
            InboundMessage(
                channel="web",
                customer_id=ticket.customer_id,
                reference_hint=ticket.reference,
                text="And now support called me from a phone call center too, on WhatsApp.",
            )
        )

    assert again.pk == ticket.pk
    assert len(notices(smtp)) == 1
    assert OutboxEmail.objects.filter(dedupe_key__startswith="impersonation:").count() == 1


def test_a_lookalike_link_flags_the_ticket_and_records_the_domain_for_agents(
    smtp, policy, official, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        ticket = email_receive(
            raw=customer_mail("I logged in at https://exchange-support.example/login, is it real?")
        )

    ticket.refresh_from_db()
    assert ticket.impersonation_suspected
    links = Event.objects.get(ticket=ticket, field="impersonation_links")
    assert links.after == "exchange-support.example"
    assert len(notices(smtp)) == 1


def test_the_notice_is_in_the_customer_s_language(
    smtp, policy, official, customer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        ticket = intake_message(
            InboundMessage(
                channel="web",
                customer_id=customer.pk,
                subject="출금 문의",
                text="고객센터라고 텔레그램으로 연락이 왔어요. 지갑 주소를 보내라고 했어요.",
                language_hint="ko",
            )
        )

    assert ticket.language == "ko"
    [notice] = notices(smtp)
    assert "/ko/help/verify/" in notice.get_body(("plain",)).get_content()
    assert "안전" in notice["Subject"] or "사칭" in notice["Subject"]


@pytest.mark.parametrize(
    "text",
    [
        "Our support team helped me on the website chat, thank you.",
        "I followed https://exchange.example/help/articles/fees/ and still have a question.",
        "My withdrawal is stuck, the support line was busy.",
    ],
)
def test_ordinary_messages_raise_no_warning(
    smtp, policy, official, text, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        ticket = email_receive(raw=customer_mail(text))

    ticket.refresh_from_db()
    assert not ticket.impersonation_suspected
    assert notices(smtp) == []


def test_a_quoted_reply_of_ours_naming_telegram_raises_no_warning(
    smtp, policy, official, django_capture_on_commit_callbacks
):
    body = (
        "Thanks, that worked.\n\n"
        "On Mon, 7 Dec 2026 at 10:00, Exchange Support <support@exchange.example> wrote:\n"
        "> Our support team never contacts you on Telegram or by phone call.\n"
        "> Visit https://exchange.example/help/ for more.\n"
    )
    with django_capture_on_commit_callbacks(execute=True):
        ticket = email_receive(raw=customer_mail(body))

    ticket.refresh_from_db()
    assert not ticket.impersonation_suspected
    assert notices(smtp) == []


def test_the_console_shows_the_warning_to_agents(client, agent, policy, official):
    ticket = email_receive(raw=customer_mail("Support messaged me on WhatsApp about a refund."))
    client.force_login(agent)

    page = client.get(f"/console/tickets/{ticket.reference}/")

    assert page.status_code == 200
    assert b'data-testid="impersonation-warning"' in page.content


def test_an_agent_s_email_reply_carries_a_code_the_verification_page_knows(
    smtp, policy, agent, official, django_capture_on_commit_callbacks
):
    ticket = email_receive(raw=customer_mail("Where is my deposit?"))
    smtp.accepted.clear()

    with django_capture_on_commit_callbacks(execute=True):
        reply = ticket_reply(ticket=ticket, author=agent, body="We found your deposit.")

    [sent] = smtp.accepted
    text = sent.get_body(("plain",)).get_content()
    code = VerificationCode.objects.get(source=f"ticket-message:{reply.pk}")
    shown = f"{code.code[:4]}-{code.code[4:]}"
    assert f"Verify this message at http://localhost:8000/en/help/verify/: code {shown}" in text
    assert shown in sent.get_body(("html",)).get_content()
    assert verification_code_find(shown.lower()) == code
    assert code.channel == "email"
    assert Ticket.objects.get(pk=ticket.pk).impersonation_suspected is False
