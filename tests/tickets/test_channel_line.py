"""LINE, end to end: webhooks written from the Messaging API's documentation (tests/data/line)
signed and posted to the webhook, read by the worker's code, and replies sent to LINE's
servers, which a local fake stands in for (tests/tickets/line_server.py), the only thing
mocked."""

import base64
import hashlib
import hmac
import json
import re
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.tickets.line_server import FakeLine, without_code
from tickets.channels.email_outbound import DeliveryState, email_timeline_annotate
from tickets.channels.social_common import secret_seal
from tickets.channels.social_outbound import social_outbox_deliver, social_outbox_sweep
from tickets.models import Attachment, Message, RawInbound, Ticket
from tickets.services import ticket_reply
from tickets.social_models import SocialAccount, SocialOutbox
from tickets.timeline import console_timeline

DATA = Path(__file__).resolve().parent.parent / "data" / "line"
CHANNEL_SECRET = "8c570fa6dd201bb328f1c1eac23a96d8"  # noqa: S105 - a test value
CHANNEL_TOKEN = "W1TeHCgfH2Liwa.test.channel.access.token"  # noqa: S105 - a test value
BOT_ID = "U8e742f61d673b39c7fff3cecb7536ef0"
USER = "U4af4980629a1b2c3d4e5f60718293a4b"
SEED = (
    "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about"
)
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01" + b"\x00" * 200
PDF = b"%PDF-1.4\n" + b"1" * 200


def webhook(name: str, *, age_ms: int = 0, redelivery: bool = False) -> dict:
    data = json.loads((DATA / name).read_text())
    for event in data["events"]:
        event["timestamp"] = int(time.time() * 1000) - age_ms
        event["deliveryContext"]["isRedelivery"] = redelivery
    return data


@pytest.fixture
def line(settings):
    fake = FakeLine().start()
    settings.LINE_API_BASE = fake.url
    settings.LINE_DATA_API_BASE = fake.url
    yield fake
    fake.stop()


@pytest.fixture
def account(db, team, line) -> SocialAccount:
    return SocialAccount.objects.create(
        kind=SocialAccount.Kind.LINE,
        team=team,
        name="Exchange Help",
        external_id=BOT_ID,
        secret_sealed=secret_seal(CHANNEL_SECRET),
        token_sealed=secret_seal(CHANNEL_TOKEN),
    )


def signature(body: bytes, secret: str = CHANNEL_SECRET) -> str:
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


@pytest.fixture
def deliver(client, account, django_capture_on_commit_callbacks):
    def post(body, *, sign: str | None = None):
        raw = json.dumps(body).encode()
        url = reverse("channel_webhook", kwargs={"provider": "line", "account": account.pk})
        headers = {"X-Line-Signature": signature(raw) if sign is None else sign}
        if sign == "":
            headers = {}
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(url, data=raw, content_type="application/json", headers=headers)

    return post


def reply_state(ticket: Ticket, message: Message) -> DeliveryState | None:
    timeline = email_timeline_annotate(console_timeline(ticket, language="en"))
    return next(
        e["delivery"] for e in timeline if e["kind"] == "message" and e["message"] == message
    )


# --- Signature and replays ------------------------------------------------------------------------


@pytest.mark.parametrize("sign", ["", "bm90IGEgc2lnbmF0dXJl", signature(b"{}", "other")])
def test_a_missing_or_forged_signature_is_refused_and_nothing_is_stored(deliver, sign):
    """H3: no X-Line-Signature, or one not made with the channel secret over this body."""
    response = deliver(webhook("text.json"), sign=sign)
    assert response.status_code == 401
    assert not RawInbound.objects.exists() and not Ticket.objects.exists()


def test_an_event_older_than_five_minutes_not_flagged_as_redelivery_is_refused(deliver):
    """H3: a captured body replayed later (its events' timestamp > 5 min old): refused."""
    response = deliver(webhook("text.json", age_ms=6 * 60 * 1000))
    assert response.status_code == 401
    assert not RawInbound.objects.exists()


def test_a_late_redelivery_flagged_by_line_is_taken_once(deliver):
    """LINE redelivers late on purpose (isRedelivery): taken, and once only."""
    deliver(webhook("text.json"))
    late = deliver(webhook("text.json", age_ms=40 * 60 * 1000, redelivery=True))
    assert late.status_code == 200
    assert Message.objects.filter(channel="line").count() == 1


def test_the_consoles_verify_request_is_answered(deliver):
    """LINE's "Verify" button posts an empty event list: 200, nothing made."""
    assert deliver({"destination": BOT_ID, "events": []}).status_code == 200
    assert not Ticket.objects.exists()


def test_a_body_for_another_bot_is_refused(deliver):
    body = webhook("text.json")
    body["destination"] = "U00000000000000000000000000000000"
    assert deliver(body).status_code == 400
    assert not RawInbound.objects.exists()


def test_the_same_body_twice_makes_one_message(deliver):
    """H2: LINE's retry of a body: one raw row, one message."""
    body = webhook("text.json")
    assert deliver(body).status_code == deliver(body).status_code == 200
    assert RawInbound.objects.filter(channel="line").count() == 1
    assert Message.objects.filter(channel="line").count() == 1


# --- Messages become tickets ----------------------------------------------------------------------


def test_a_text_message_becomes_a_ticket_of_the_accounts_team(deliver, team):
    deliver(webhook("text.json"))
    ticket = Ticket.objects.get()
    assert ticket.channel == "line" and ticket.team == team and ticket.language == "ja"
    assert ticket.customer.username == f"line:{USER}"
    assert ticket.messages.get().body == "出金が2日間保留のままです。確認してください。"


def test_a_seed_phrase_is_stored_redacted_and_the_customer_warned_by_reply(deliver, line):
    """G1: redacted before storage; the notice uses the event's fresh reply token."""
    body = webhook("text.json")
    body["events"][0]["message"]["text"] = f"my words are {SEED}"
    deliver(body)
    assert "abandon" not in Message.objects.get(channel="line").body
    assert [s.path for s in line.sent] == ["/v2/bot/message/reply"]
    assert line.sent[0].body["replyToken"] == "38ef843bde154d9b91c21320ffd17a0f"
    assert "abandon" not in line.texts()[0]


def test_follow_gets_a_welcome_and_the_rest_is_stored_and_ignored(deliver, line):
    deliver(webhook("follow_unfollow_sticker.json"))
    stored = RawInbound.objects.get()
    assert stored.processed_at is not None and stored.ticket is None
    assert stored.error == "follow; ignored: sticker; ignored: unfollow; ignored: membershipNew"
    assert not Ticket.objects.exists()
    assert len(line.texts()) == 1 and "Welcome to Frontline support" in line.texts()[0]


# --- Files ---------------------------------------------------------------------------------------


def test_an_image_is_read_from_lines_data_host_into_an_attachment(deliver, line):
    line.files["354718705033693859"] = JPEG
    deliver(webhook("image.json"))
    attachment = Attachment.objects.get()
    assert attachment.content_type == "image/jpeg"
    assert attachment.message.ticket.customer.username == f"line:{USER}"
    assert line.downloads == ["354718705033693859"]


def test_a_file_is_taken_with_its_name(deliver, line):
    line.files["325708"] = PDF
    deliver(webhook("file.json"))
    assert Attachment.objects.get().filename == "statement.pdf"


def test_a_file_over_the_limit_is_never_fetched_and_the_customer_told(deliver, line, settings):
    settings.ATTACHMENT_MAX_BYTES = 1000  # the event says 2,138 bytes
    line.files["325708"] = PDF
    deliver(webhook("file.json"))
    assert not Attachment.objects.exists() and not line.downloads
    assert Message.objects.get().metadata["dropped_attachments"] == ["statement.pdf"]
    assert "statement.pdf" in line.texts()[0]


def test_an_image_on_an_external_provider_is_never_fetched(deliver, line):
    """H4: `contentProvider.type: external` names a URL of someone else: not called."""
    body = webhook("image.json")
    body["events"][0]["message"]["contentProvider"] = {
        "type": "external",
        "originalContentUrl": "http://169.254.169.254/latest/meta-data/",
        "previewImageUrl": "http://127.0.0.1:6379/",
    }
    deliver(body)
    assert not Attachment.objects.exists() and not line.downloads
    assert Message.objects.get().metadata["dropped_attachments"]


# --- Replies -------------------------------------------------------------------------------------


@pytest.fixture
def ticket(deliver) -> Ticket:
    deliver(webhook("text.json"))
    return Ticket.objects.get()


def test_an_agent_reply_is_pushed_with_a_retry_key(
    ticket, agent, line, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        message = ticket_reply(ticket=ticket, author=agent, body="出金を確認しました。")
    assert [s.path for s in line.sent] == ["/v2/bot/message/push"]
    assert line.sent[0].authorization == f"Bearer {CHANNEL_TOKEN}"
    # Under the agent's words, the code our verification page knows (docs/verification.md).
    pushed = line.sent[0].body["messages"][0]
    assert re.search(r" [A-Z2-9]{4}-[A-Z2-9]{4}$", pushed["text"])
    pushed["text"] = without_code(pushed["text"])
    assert line.sent[0].body == {
        "to": USER,
        "messages": [{"type": "text", "text": "出金を確認しました。"}],
    }
    assert len(line.sent[0].retry_key) == 36
    assert reply_state(ticket, message) == DeliveryState.SENT


def test_a_429_waits_the_retry_after_line_gives(ticket, agent, line):
    """I7: 429 with Retry-After: pending that long, then sent."""
    message = ticket_reply(ticket=ticket, author=agent, body="Please wait.")
    line.queued.append(
        (429, {"message": "The API rate limit has been exceeded."}, {"Retry-After": "7"})
    )
    row = social_outbox_deliver(outbox_id=SocialOutbox.objects.get(message=message).pk)
    assert row.sent_at is None and "429" in row.last_error
    assert reply_state(ticket, message) == DeliveryState.PENDING
    now = timezone.now()
    assert social_outbox_sweep(now=now + timedelta(seconds=5)) == 0
    assert social_outbox_sweep(now=now + timedelta(seconds=8)) == 1
    assert reply_state(ticket, message) == DeliveryState.SENT
    assert line.texts() == ["Please wait."]


def test_line_down_leaves_the_reply_pending_then_sent_once(ticket, agent, line):
    """I7: 5xx: pending, nothing lost; sent once when LINE is back."""
    message = ticket_reply(ticket=ticket, author=agent, body="Your deposit is credited.")
    line.down = True
    row = social_outbox_deliver(outbox_id=SocialOutbox.objects.get(message=message).pk)
    assert row.attempts == 1 and reply_state(ticket, message) == DeliveryState.PENDING
    line.down = False
    social_outbox_sweep(now=timezone.now() + timedelta(minutes=1))
    social_outbox_sweep(now=timezone.now() + timedelta(minutes=2))
    assert reply_state(ticket, message) == DeliveryState.SENT
    assert line.texts() == ["Your deposit is credited."]


def test_a_push_line_took_before_a_timeout_is_not_sent_twice(ticket, agent, line):
    """The same retry key again: LINE answers 409, which counts as sent."""
    message = ticket_reply(ticket=ticket, author=agent, body="Done.")
    row = SocialOutbox.objects.get(message=message)
    social_outbox_deliver(outbox_id=row.pk)
    SocialOutbox.objects.filter(pk=row.pk).update(sent_at=None, parts_sent=0)  # the answer lost
    again = social_outbox_deliver(outbox_id=row.pk)
    assert again.sent_at is not None and line.texts() == ["Done."]


def test_a_group_mention_gets_only_the_generic_answer_in_the_group(deliver, line):
    """Public: the bot named in a group answers once, with a fixed text asking for a private
    chat (nothing of the message repeated), and makes no ticket."""
    deliver(webhook("group_mention.json"))
    (sent,) = line.sent
    assert sent.path == "/v2/bot/message/reply"
    assert sent.body["replyToken"] == "a1b2c3d4e5f60718293a4b5c6d7e8f90"
    assert sent.body["messages"] == [
        {
            "type": "text",
            "text": "Thanks for reaching out. To keep your account safe we never discuss "
            "account details in public: please send us a private message and we will help "
            "you there.",
        }
    ]
    assert not Ticket.objects.exists()
    assert RawInbound.objects.get().error == "group mention: asked to write privately"
