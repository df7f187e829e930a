"""One customer across channels: a handle linked by a code sent through it (email, Telegram,
SMS), intake filing the linked handle's messages under the customer, and merging two customers
(audited, undone exactly). Telegram is the local fake of its servers, the only thing mocked."""

import json
import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from complaints.services import complaint_submit
from livechat.start import conversation_start
from support.audit_models import AuditEntry
from support.models import OutboxEmail
from support.roles import Role
from tests.conftest import make_person
from tests.tickets.telegram_server import FakeTelegram
from tickets.channels.telegram_api import telegram_bot_set_token
from tickets.channels.telegram_outbound import telegram_outbox_deliver
from tickets.identities.merging import MergeRefused, customer_merge, customer_unmerge
from tickets.identities.models import CustomerIdentity, CustomerMerge, IdentityCode
from tickets.identities.selectors import customer_for_handle, customer_with_profile_for_handle
from tickets.identities.sms import LogSmsSender
from tickets.intake import InboundMessage, intake_message
from tickets.models import Ticket
from tickets.telegram_models import TelegramBot, TelegramOutbox

DATA = Path(__file__).resolve().parent.parent / "data" / "telegram"
TOKEN = "7000000001:AAEhBP0av28FKSnvDkA9X3kQyF0wEJm1uQs"
CODE_RE = re.compile(r"\b(\d{6})\b")
LINKED = "/en/account/linked/"

pytestmark = pytest.mark.django_db


def email_in(address: str, text: str) -> Ticket:
    return intake_message(
        InboundMessage(channel="email", customer_email=address, subject=text, text=text)
    )


def ask_code(client, kind: str, handle: str, lang: str = "en"):
    return client.post(f"/{lang}/account/linked/code/", {"kind": kind, "handle": handle})


def pending(customer) -> CustomerIdentity:
    return customer.identities.get(verified_at__isnull=True)


def confirm(client, identity: CustomerIdentity, code: str, lang: str = "en"):
    return client.post(f"/{lang}/account/linked/{identity.pk}/confirm/", {"code": code})


def emailed_code(address: str) -> str:
    return CODE_RE.search(OutboxEmail.objects.filter(to=address).latest("id").body_text).group(1)


@pytest.fixture
def signed_in(client, customer):
    client.force_login(customer)
    return client


# --- Linking by email --------------------------------------------------------------------------


def test_an_email_code_links_the_address_and_its_next_email_files_under_the_customer(
    signed_in, customer
):
    response = ask_code(signed_in, "email", " Second@Example.COM ")
    assert response.status_code == 302
    identity = pending(customer)
    assert identity.value == "second@example.com"
    code = emailed_code("second@example.com")
    assert code not in identity.codes.get().code_hash  # stored hashed
    assert confirm(signed_in, identity, code).status_code == 302
    identity.refresh_from_db()
    assert identity.verified_at is not None and identity.verified_by == "code"

    ticket = email_in("second@example.com", "My deposit has not arrived.")

    assert ticket.customer == customer
    assert not get_user_model().objects.filter(username="second@example.com").exists()
    page = signed_in.get(LINKED)
    assert "s•••@example.com" in page.content.decode()


def test_a_wrong_code_is_refused_and_the_address_stays_unlinked(signed_in, customer):
    ask_code(signed_in, "email", "second@example.com")
    code = emailed_code("second@example.com")
    wrong = f"{(int(code) + 1) % 10**6:06d}"

    response = confirm(signed_in, pending(customer), wrong)

    assert response.status_code == 400
    assert "This code is not right" in response.content.decode()
    assert email_in("second@example.com", "Hello").customer != customer


def test_an_expired_code_is_refused(signed_in, customer):
    ask_code(signed_in, "email", "second@example.com")
    code = emailed_code("second@example.com")
    IdentityCode.objects.update(expires_at=timezone.now() - timedelta(seconds=1))

    response = confirm(signed_in, pending(customer), code)

    assert response.status_code == 400
    assert "expired" in response.content.decode()
    assert pending(customer).verified_at is None


def test_a_code_works_once(signed_in, customer):
    ask_code(signed_in, "email", "second@example.com")
    identity = pending(customer)
    code = emailed_code("second@example.com")
    assert confirm(signed_in, identity, code).status_code == 302

    again = confirm(signed_in, identity, code)

    assert again.status_code == 400
    assert "Nothing is waiting for a code" in again.content.decode()


def test_a_new_code_replaces_the_old_one(signed_in, customer):
    ask_code(signed_in, "email", "second@example.com")
    first = emailed_code("second@example.com")
    ask_code(signed_in, "email", "second@example.com")

    response = confirm(signed_in, pending(customer), first)

    assert response.status_code == 400
    assert pending(customer).verified_at is None


def test_five_wrong_codes_use_up_the_code(signed_in, customer):
    ask_code(signed_in, "email", "second@example.com")
    identity = pending(customer)
    code = emailed_code("second@example.com")
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    for _attempt in range(5):
        assert confirm(signed_in, identity, wrong).status_code == 400

    response = confirm(signed_in, identity, code)

    assert response.status_code == 400
    assert "Too many wrong codes" in response.content.decode()
    assert pending(customer).verified_at is None


def test_asking_for_codes_is_throttled(signed_in):
    for _attempt in range(5):
        assert ask_code(signed_in, "email", "second@example.com").status_code == 302

    response = ask_code(signed_in, "email", "second@example.com")

    assert response.status_code == 429
    assert OutboxEmail.objects.filter(to="second@example.com").count() == 5


def test_another_customers_address_is_refused_without_naming_them(
    signed_in, customer, other_customer
):
    response = ask_code(signed_in, "email", "outsider@example.com")

    assert response.status_code == 400
    text = response.content.decode()
    assert "cannot be linked to your account" in text and "contact" in text
    assert not OutboxEmail.objects.filter(to="outsider@example.com").exists()
    assert not customer.identities.exists()


def test_another_customers_verified_handle_is_refused(signed_in, customer, other_customer):
    CustomerIdentity.objects.create(
        customer=other_customer,
        kind="phone",
        value="+821012345678",
        verified_at=timezone.now(),
        verified_by="code",
    )

    response = ask_code(signed_in, "phone", "+82 10-1234-5678")

    assert response.status_code == 400
    assert "cannot be linked to your account" in response.content.decode()


def test_an_unreadable_handle_is_refused_with_how_to_write_it(signed_in, customer):
    response = ask_code(signed_in, "phone", "call me")

    assert response.status_code == 400
    assert "country code" in response.content.decode()
    assert not customer.identities.exists()


def test_someone_elses_pending_identity_cannot_be_confirmed(client, signed_in, other_customer):
    ask_code(signed_in, "email", "second@example.com")
    code = emailed_code("second@example.com")
    identity = CustomerIdentity.objects.get()
    client.force_login(other_customer)

    response = confirm(client, identity, code)

    assert response.status_code == 400
    identity.refresh_from_db()
    assert identity.verified_at is None


def test_the_page_asks_anonymous_visitors_to_sign_in(client):
    assert client.get(LINKED).status_code == 302
    assert client.post("/en/account/linked/code/", {"kind": "email"}).status_code == 302
    assert not CustomerIdentity.objects.exists()


# --- Linking by SMS ---------------------------------------------------------------------------


def test_a_phone_code_goes_through_the_sms_sender(
    signed_in, customer, django_capture_on_commit_callbacks
):
    LogSmsSender.sent = []
    with django_capture_on_commit_callbacks(execute=True):
        ask_code(signed_in, "phone", "+82 10-1234-5678")
    to, text = LogSmsSender.sent[-1]
    assert to == "+821012345678"

    assert confirm(signed_in, pending(customer), CODE_RE.search(text).group(1)).status_code == 302
    assert customer.identities.get().verified_at is not None


# --- Linking by Telegram ------------------------------------------------------------------------


@pytest.fixture
def bot(team, telegram) -> TelegramBot:
    bot = TelegramBot.objects.create(team=team, username="ExchangeHelpBot")
    return telegram_bot_set_token(bot=bot, token=TOKEN)


@pytest.fixture
def deliver(client, bot, django_capture_on_commit_callbacks):
    def post(update_id: int, text: str):
        body = json.loads((DATA / "private_text.json").read_text())
        body["update_id"] = update_id
        body["message"]["message_id"] = update_id
        body["message"]["text"] = text
        url = reverse("channel_webhook", kwargs={"provider": "telegram", "account": bot.pk})
        headers = {"X-Telegram-Bot-Api-Secret-Token": bot.webhook_secret}
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(url, json.dumps(body), "application/json", headers=headers)

    return post


def telegram_code(telegram: FakeTelegram) -> str:
    for row in TelegramOutbox.objects.filter(sent_at__isnull=True):
        telegram_outbox_deliver(outbox_id=row.pk)
    texts = [call.data["text"] for call in telegram.sent() if CODE_RE.search(call.data["text"])]
    return CODE_RE.search(texts[-1]).group(1)


def test_a_telegram_code_links_the_user_and_their_next_message_files_under_the_customer(
    client, customer, deliver, telegram
):
    deliver(845000201, "Hello, my withdrawal is stuck.")
    first = Ticket.objects.get()
    assert first.customer.username == "telegram:601234568"
    client.force_login(customer)

    assert ask_code(client, "telegram", "@Alex_Trader").status_code == 302
    identity = pending(customer)
    assert (identity.value, identity.label) == ("601234568", "@alex_trader")
    assert confirm(client, identity, telegram_code(telegram)).status_code == 302

    deliver(845000202, "Another question about a deposit, REF T-999999.")
    newest = Ticket.objects.order_by("-id").first()
    assert newest.customer == customer
    assert CustomerIdentity.objects.get(kind="telegram").customer == customer


def test_a_telegram_user_who_never_wrote_to_us_is_told_to_write_first(signed_in, customer, bot):
    response = ask_code(signed_in, "telegram", "@nobody_here")

    assert response.status_code == 400
    assert "Write to our Telegram bot first" in response.content.decode()
    assert not TelegramOutbox.objects.exists()


def test_japanese_customer_links_telegram_and_reads_the_page_in_japanese(
    client, customer, deliver, telegram
):
    """The request-level stand-in for the phone-width browser test (docs/channels.md)."""
    deliver(845000301, "出金が届きません")
    client.force_login(customer)
    page = client.get("/ja/account/linked/")
    assert "連携" in page.content.decode()

    assert ask_code(client, "telegram", "alex_trader", lang="ja").status_code == 302
    code = telegram_code(telegram)
    sent = [call.data["text"] for call in telegram.sent() if code in call.data["text"]][-1]
    assert "コード" in sent
    assert confirm(client, pending(customer), code, lang="ja").status_code == 302
    assert customer.identities.get(kind="telegram").verified_at is not None


# --- Merging ------------------------------------------------------------------------------------


@pytest.fixture
def twin(db):
    return make_person("twin@example.com", Role.CUSTOMER, preferred_language="en")


def test_a_merge_moves_everything_and_is_audited_and_an_unmerge_restores_exactly(
    customer, twin, agent
):
    kept_ticket = email_in(customer.email, "My own ticket")
    moved_ticket = email_in(twin.email, "The twin's ticket")
    chat = conversation_start(customer=twin, language="en", category="general")
    complaint = complaint_submit(
        customer=twin, category="transfer_delay", description="My withdrawal W-9 is held."
    )
    linked = CustomerIdentity.objects.create(
        customer=twin, kind="phone", value="+821012345678", verified_at=timezone.now()
    )

    merge = customer_merge(kept=customer, merged=twin, by=agent, reason="Same passport")

    assert Ticket.objects.get(pk=moved_ticket.pk).customer == customer
    chat.refresh_from_db()
    complaint.refresh_from_db()
    linked.refresh_from_db()
    assert (chat.customer, complaint.customer, linked.customer) == (customer, customer, customer)
    twin.refresh_from_db()
    assert not twin.is_active
    entry = AuditEntry.objects.get(action="customer_merged")
    assert entry.actor == agent and entry.customer == customer
    assert entry.detail["moved"]["tickets"] == [moved_ticket.pk]
    assert entry.detail["moved"]["chats"] == [chat.pk]
    assert entry.detail["moved"]["complaints"] == [complaint.pk]
    after_merge = email_in(twin.email, "Writing from my old address")
    assert after_merge.customer == customer and after_merge.pk != moved_ticket.pk

    customer_unmerge(merge=merge, by=agent)

    assert Ticket.objects.get(pk=moved_ticket.pk).customer == twin
    assert Ticket.objects.get(pk=kept_ticket.pk).customer == customer
    assert Ticket.objects.get(pk=after_merge.pk).customer == customer  # not moved by the merge
    chat.refresh_from_db()
    complaint.refresh_from_db()
    linked.refresh_from_db()
    assert (chat.customer, complaint.customer, linked.customer) == (twin, twin, twin)
    twin.refresh_from_db()
    assert twin.is_active
    assert not CustomerIdentity.objects.filter(customer=customer).exists()
    undo = AuditEntry.objects.get(action="customer_unmerged")
    assert undo.detail["moved"]["tickets"] == [moved_ticket.pk]
    assert email_in(twin.email, "And again").customer == twin


@pytest.mark.parametrize(
    "case, message",
    [
        ("self", "cannot be merged into themselves"),
        ("staff", "Staff accounts are not merged"),
        ("merged", "was merged already"),
    ],
)
def test_merges_are_refused_with_a_reason(customer, twin, agent, other_customer, case, message):
    if case == "merged":
        customer_merge(kept=other_customer, merged=twin, by=agent, reason="Same person")
    other = {"self": customer, "staff": agent, "merged": twin}[case]

    with pytest.raises(MergeRefused, match=message):
        customer_merge(kept=customer, merged=other, by=agent, reason="Same person")

    assert CustomerMerge.objects.filter(kept=customer).count() == 0
    assert not AuditEntry.objects.filter(action="customer_merged", customer=customer).exists()


def test_the_console_compares_merges_and_undoes(client, customer, twin, agent):
    email_in(twin.email, "The twin's ticket")
    client.force_login(agent)
    url = f"/console/customers/{customer.pk}/merge/?with={twin.email}"

    page = client.get(url)
    assert page.status_code == 200
    assert "twin@example.com" in page.content.decode()
    assert client.post(url, {"reason": ""}).status_code == 400
    refused = client.post(
        f"/console/customers/{customer.pk}/merge/?with={customer.pk}", {"reason": "x"}
    )
    assert refused.status_code == 409
    assert "themselves" in refused.content.decode()

    assert client.post(url, {"reason": "Same passport"}).status_code == 302
    merge = CustomerMerge.objects.get()
    detail = client.get(f"/console/customers/{customer.pk}/")
    assert "Every channel" in detail.content.decode()
    assert "twin@example.com" in detail.content.decode()
    assert client.post(f"/console/customers/merges/{merge.pk}/undo/").status_code == 302
    merge.refresh_from_db()
    assert merge.undone_at is not None


def test_customers_may_not_merge(client, customer, twin):
    client.force_login(customer)

    response = client.post(
        f"/console/customers/{customer.pk}/merge/?with={twin.pk}", {"reason": "mine"}
    )

    assert response.status_code == 403
    assert not CustomerMerge.objects.exists()


def test_the_360_shows_identities_and_every_channels_history(client, customer, agent):
    email_in(customer.email, "My deposit has not arrived")
    conversation_start(customer=customer, language="en", category="general")
    CustomerIdentity.objects.create(
        customer=customer,
        kind="phone",
        value="+821012345678",
        verified_at=timezone.now(),
        verified_by="code",
    )
    client.force_login(agent)

    page = client.get(f"/console/customers/{customer.pk}/").content.decode()

    identities = page.split('data-testid="customer-identities"')[1].split("</section>")[0]
    assert "+82 ••••• 5678" in identities and "Code sent through the channel" in identities
    assert "o•••@example.com" in identities and "+821012345678" not in page
    history = page.split('data-testid="customer-history"')[1].split("</section>")[0]
    assert "My deposit has not arrived" in history
    assert history.index("Live chat") < history.index("Email")  # newest first


# --- Phone calls ----------------------------------------------------------------------------------


def test_a_call_from_a_linked_number_files_under_its_customer(
    client, customer, other_customer, policy, django_capture_on_commit_callbacks
):
    from tests.tickets.phone_helpers import make_provider, signed
    from tickets.phone.models import CallRecord, CustomerPhone

    _provider, secret = make_provider()
    CustomerPhone.objects.create(customer=other_customer, number="+821012345678", source="agent")
    CustomerIdentity.objects.create(
        customer=customer, kind="phone", value="+821012345678", verified_at=timezone.now()
    )
    event = {
        "event": "call.started",
        "call_id": "c-2001",
        "direction": "inbound",
        "from": "+821012345678",
        "to": "+8215880000",
        "started_at": "2026-12-07T03:00:00+00:00",
        "ended_at": None,
        "recording_url": None,
        "agent_email": "",
    }
    body, signature = signed(secret, event)

    with django_capture_on_commit_callbacks(execute=True):
        client.post("/channels/phone/pbx/events", body, "application/json", **signature)

    assert CallRecord.objects.get().customer == customer


def test_staff_do_not_link_handles(client, agent):
    client.force_login(agent)

    response = ask_code(client, "email", "agent.private@example.com")

    assert response.status_code == 403
    assert not CustomerIdentity.objects.exists()
    assert not OutboxEmail.objects.filter(to="agent.private@example.com").exists()


def test_a_merge_drops_the_kept_customers_waiting_codes_instead_of_clashing(
    signed_in, customer, twin, agent
):
    ask_code(signed_in, "email", "shared@example.com")
    CustomerIdentity.objects.create(
        customer=twin, kind="email", value="shared@example.com", verified_at=timezone.now()
    )

    customer_merge(kept=customer, merged=twin, by=agent, reason="Same passport")

    assert CustomerIdentity.objects.get(value="shared@example.com").customer == customer
    assert email_in("shared@example.com", "Hello from the shared address").customer == customer


# --- Whose is an email address: the plain-SQL lookup intake uses ------------------------------


def _orm_lookup(address: str):
    users = get_user_model().objects.select_related("customer_profile")
    return customer_for_handle(users, kind="email", value=address, username=address)


def _same_person(found, expected) -> bool:
    fields = get_user_model()._meta.concrete_fields
    same = all(getattr(found, f.attname) == getattr(expected, f.attname) for f in fields)
    profile = getattr(found, "customer_profile", None)
    wanted = getattr(expected, "customer_profile", None)
    if wanted is None:
        return same and profile is None
    return same and all(
        getattr(profile, f.attname) == getattr(wanted, f.attname)
        for f in wanted._meta.concrete_fields
    )


def test_the_intake_lookup_finds_the_same_person_and_profile_as_the_orm(
    customer, other_customer, django_assert_num_queries
):
    """By the account's own address, by a verified link (which wins over an account of that
    name), nobody for an unknown address, and a person without a profile (staff) as such:
    each in one statement, the profile loaded with the person."""
    CustomerIdentity.objects.create(
        customer=other_customer,
        kind="email",
        value=customer.username,
        verified_at=timezone.now(),
        verified_by="code",
    )
    agent = make_person("agent.lookup@example.com", Role.AGENT)
    for address in (other_customer.username, customer.username, agent.username):
        with django_assert_num_queries(1):
            found = customer_with_profile_for_handle(kind="email", value=address, username=address)
            getattr(found, "customer_profile", None)
        assert _same_person(found, _orm_lookup(address))
    assert (
        customer_with_profile_for_handle(
            kind="email", value="nobody@example.com", username="nobody@example.com"
        )
        is None
    )
    assert _same_person(
        customer_with_profile_for_handle(
            kind="email", value=customer.username, username=customer.username
        ),
        other_customer,
    )
