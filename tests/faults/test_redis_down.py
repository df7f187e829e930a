"""Redis is down: nothing a customer sends is lost, and people can still sign in and work.

Redis here is stopped for real (nothing listens on the socket the cache, the channel layer and
the Celery broker use); PostgreSQL is up.
"""

import logging
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from helpcenter.models import Article, Category, Section
from helpcenter.search import engine
from helpcenter.services import article_create
from support.models import OutboxEmail
from support.tasks import outbox_retry_task
from tests.conftest import PASSWORD, totp_code, totp_device
from tests.faults.conftest import tasks_run_here, wait_for
from tests.tickets.test_channel_email import raw_email
from tickets.follow_up import follow_up_sweep
from tickets.intake import InboundMessage, intake_message
from tickets.models import Message, SlaPolicy, Ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def policy(db) -> SlaPolicy:
    return SlaPolicy.objects.create(
        name="Default", first_response_minutes=60, next_response_minutes=120, resolution_minutes=480
    )


def token_client(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


def test_an_api_ticket_is_saved_with_its_sla(customer, policy, redis_down):
    body = {"subject": "KYC stuck", "text": "My KYC is pending for a week", "category": "kyc"}
    response = token_client(customer).post("/api/v1/tickets/", body, format="json")
    assert response.status_code == 201
    ticket = Ticket.objects.get(reference=response.json()["reference"])
    assert ticket.customer == customer
    assert ticket.sla_policy == policy
    assert ticket.first_response_due == ticket.created_at + timedelta(minutes=60)


def test_sign_in_then_the_contact_form_and_my_tickets(client, customer, policy, redis_down):
    response = client.post(
        "/en/accounts/log-in/", {"username": customer.username, "password": PASSWORD}
    )
    assert response.status_code == 302
    form = {
        "category": "deposit_withdrawal",
        "subject": "Withdrawal pending",
        "description": "My USDT withdrawal has been pending for six hours.",
    }
    response = client.post("/en/contact/", form)
    assert response.status_code == 302
    ticket = Ticket.objects.get(customer=customer)
    assert ticket.subject == "Withdrawal pending"
    assert ticket.sla_policy == policy
    assert client.get("/en/tickets/").status_code == 200
    assert client.get(ticket.get_absolute_url()).status_code == 200


def test_an_agent_signs_in_and_works_in_the_console(client, agent, customer, policy, redis_down):
    ticket = intake_message(
        InboundMessage(channel="web", customer_email=customer.email, text="Deposit missing")
    )
    response = client.post(
        "/en/accounts/log-in/", {"username": agent.username, "password": PASSWORD}
    )
    assert response.status_code == 302
    response = client.post(response["Location"], {"otp_token": totp_code(totp_device(agent))})
    assert response["Location"] == "/console/"  # the second factor needs no Redis either
    assert client.get("/console/").status_code == 200
    assert client.get("/console/tickets/").status_code == 200
    assert client.get(f"/console/tickets/{ticket.reference}/").status_code == 200


def test_an_inbound_email_becomes_a_ticket(customer, policy, staff_token, redis_down):
    response = staff_token.post(
        "/api/v1/tickets/inbound/email/", raw_email(), content_type="message/rfc822"
    )
    assert response.status_code == 202
    ticket = Ticket.objects.get(reference=response.json()["reference"])
    assert ticket.sla_policy == policy
    assert ticket.messages.get().body.startswith("I sent 0.5 ETH")


@pytest.fixture
def staff_token(agent) -> APIClient:
    return token_client(agent)


def test_an_agent_reply_is_saved_and_its_email_sent_later(
    agent, customer, policy, staff_token, redis_down, caplog, django_capture_on_commit_callbacks
):
    """I5: the email's task could not be queued (broker down): the reply and its outbox row are
    saved, one warning is logged, and the outbox sweep sends the email once Redis is back."""
    ticket = intake_message(
        InboundMessage(channel="web", customer_email=customer.email, text="Deposit missing")
    )
    caplog.set_level(logging.WARNING)
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_token.post(
            f"/api/v1/tickets/{ticket.reference}/messages/", {"body": "On it."}, format="json"
        )
    assert response.status_code == 201
    message = Message.objects.get(ticket=ticket, body="On it.")
    reply_email = OutboxEmail.objects.get(dedupe_key=f"reply:{message.pk}")
    assert reply_email.sent_at is None
    assert [r.message for r in caplog.records if r.name == "support.queueing"] == [
        "task not queued; its sweep will run it"
    ]
    with tasks_run_here(), time_machine.travel(timezone.now() + timedelta(minutes=2)):
        outbox_retry_task.delay()  # beat's sweep, once Redis (the broker) is back
    reply_email.refresh_from_db()
    assert reply_email.sent_at is not None
    assert [m.subject for m in mail.outbox] == [reply_email.subject]


def test_a_new_tickets_acknowledgement_waits_for_the_sweep(
    customer, policy, redis_down, caplog, django_capture_on_commit_callbacks
):
    """I5: the follow-up job (acknowledgement, routing) could not be published: the ticket keeps
    its mark, and the sweep acknowledges it once its grace period is over, exactly once."""
    caplog.set_level(logging.WARNING)
    with django_capture_on_commit_callbacks(execute=True):
        ticket = intake_message(
            InboundMessage(channel="web", customer_email=customer.email, text="Deposit missing")
        )
    wait_for(lambda: "task not queued" in caplog.text, what="the failed publish")
    ticket.refresh_from_db()
    assert ticket.follow_up_after is not None
    assert not OutboxEmail.objects.filter(dedupe_key=f"ack:{ticket.reference}").exists()
    with tasks_run_here():
        assert follow_up_sweep(now=ticket.follow_up_after) == 1
        assert follow_up_sweep(now=ticket.follow_up_after + timedelta(hours=1)) == 0
    ticket.refresh_from_db()
    assert ticket.follow_up_after is None
    assert OutboxEmail.objects.get(dedupe_key=f"ack:{ticket.reference}").sent_at is not None
    assert len(mail.outbox) == 1


def test_help_center_search_finds_an_article_published_while_redis_is_down(
    client, redis_down, django_capture_on_commit_callbacks
):
    """The contact page's suggestions and the chat bot search the help center: with Redis down
    every search reads the index afresh, so an article published meanwhile is found."""
    engine._index.clear()
    section = Section.objects.create(
        category=Category.objects.create(slug="wallet", name_en="Wallet"), slug="basics"
    )
    with django_capture_on_commit_callbacks(execute=True):  # its index change is announced
        article_create(  # on commit: with Redis down, once Redis answers again
            section=section,
            slug="cold-storage",
            by=None,
            title_en="Cold storage of customer funds",
            body_en="We keep most customer funds in cold storage wallets.",
            status=Article.Status.PUBLISHED,
        )
    response = client.get("/api/v1/helpcenter/search/", {"q": "cold storage", "lang": "en"})
    assert response.status_code == 200
    assert [hit["slug"] for hit in response.json()["results"]] == ["cold-storage"]


def test_health_names_redis_and_the_worker_as_down(client, redis_down):
    response = client.get("/healthz")
    assert response.status_code == 503
    checks = response.json()["checks"]
    assert checks["database"] == {"ok": True}
    assert checks["redis"]["ok"] is False
    assert checks["worker"]["ok"] is False
    assert response.json()["ok"] is False
