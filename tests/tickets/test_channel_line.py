"""LINE, end to end: webhooks written from the Messaging API's documentation (tests/data/line)
signed and posted to the webhook, read by the worker's code, and replies sent to LINE's
servers, which a local fake stands in for (tests/tickets/line_server.py), the only thing
mocked."""

import base64
import hashlib
import hmac
import json
import os
import re
import time
from datetime import timedelta
from io import BytesIO
from pathlib import Path

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from tests.tickets.line_server import without_code
from tickets.channels.email_outbound import DeliveryState, email_timeline_annotate
from tickets.channels.file_links import file_link
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


# --- Files in agents' replies --------------------------------------------------------------------

FILES_BASE = "https://files.example.com"


def photo_png(side: int = 800) -> bytes:
    """A real PNG of noise, over LINE's 1 MB preview limit at 800 px."""
    image = Image.frombytes("RGB", (side, side), os.urandom(side * side * 3))
    out = BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def file_states(ticket: Ticket, message: Message) -> list:
    timeline = email_timeline_annotate(console_timeline(ticket, language="en"))
    entry = next(e for e in timeline if e["kind"] == "message" and e["message"] == message)
    return [state for _attachment, state in entry["files"]]


def fetch(client, url: str):
    """What LINE gets when it fetches one of our links (served by our own app)."""
    assert url.startswith(FILES_BASE + "/channels/files/")
    return client.get(url.removeprefix(FILES_BASE))


@pytest.fixture
def files_base(settings):
    settings.CHANNEL_FILES_BASE_URL = FILES_BASE
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "files.example.com"]


def test_an_image_is_pushed_as_an_image_message_linking_to_our_signed_file(
    ticket, agent, line, client, files_base
):
    png = photo_png()
    upload = SimpleUploadedFile("screenshot.png", png, "image/png")
    message = ticket_reply(ticket=ticket, author=agent, body="See this.", attachments=[upload])
    social_outbox_deliver(outbox_id=SocialOutbox.objects.get(message=message).pk)
    assert line.texts() == ["See this."]
    (image,) = line.images()
    pushed = line.sent[-1]
    assert pushed.path == "/v2/bot/message/push" and pushed.body["to"] == USER
    assert len(pushed.retry_key) == 36 and pushed.retry_key != line.sent[0].retry_key
    original = fetch(client, image["originalContentUrl"])
    assert original.status_code == 200 and original["Content-Type"] == "image/png"
    assert b"".join(original.streaming_content) == png
    preview = fetch(client, image["previewImageUrl"])
    small = b"".join(preview.streaming_content)
    assert preview["Content-Type"] == "image/jpeg" and len(png) > 1_000_000 > len(small)
    assert max(Image.open(BytesIO(small)).size) <= 480
    assert [state.state for state in file_states(ticket, message)] == [DeliveryState.SENT]


def test_a_file_link_expires_and_cannot_be_bent_to_another_file(
    deliver, ticket, agent, line, client, settings, files_base
):
    """D4: the link names one file and lives CHANNEL_FILE_URL_MAX_AGE; a changed link, an
    expired one, or a signed link to a file that is no reply's image: 404 alike."""
    upload = SimpleUploadedFile("screenshot.png", photo_png(40), "image/png")
    message = ticket_reply(ticket=ticket, author=agent, body="See this.", attachments=[upload])
    social_outbox_deliver(outbox_id=SocialOutbox.objects.get(message=message).pk)
    url = line.images()[0]["originalContentUrl"]
    assert fetch(client, url).status_code == 200
    assert fetch(client, url[:-3] + "AAA").status_code == 404
    settings.CHANNEL_FILE_URL_MAX_AGE = 60
    with time_machine.travel(timezone.now() + timedelta(minutes=2), tick=False):
        assert fetch(client, url).status_code == 404
    line.files["354718705033693859"] = JPEG
    deliver(webhook("image.json"))  # the customer's own image: not ours to hand out
    customers = Attachment.objects.get(message__kind=Message.Kind.CUSTOMER)
    assert fetch(client, file_link(customers)).status_code == 404


def test_files_line_cannot_carry_are_failed_and_the_agent_told_before(
    ticket, agent, line, client, files_base
):
    client.force_login(agent)
    page = client.get(reverse("tickets_console:ticket", args=[ticket.reference])).content
    assert "LINE carries JPEG and PNG images" in page.decode()
    upload = SimpleUploadedFile("statement.pdf", PDF, "application/pdf")
    message = ticket_reply(ticket=ticket, author=agent, body="Statement.", attachments=[upload])
    (state,) = file_states(ticket, message)
    assert state.state == DeliveryState.FAILED and "cannot carry" in state.reason
    social_outbox_deliver(outbox_id=SocialOutbox.objects.get(message=message).pk)
    assert not line.images() and line.texts() == ["Statement."]


def test_without_an_https_address_for_files_the_image_fails_with_the_setting_named(
    ticket, agent, line, settings
):
    settings.CHANNEL_FILES_BASE_URL = "http://localhost:8000"
    upload = SimpleUploadedFile("screenshot.png", photo_png(40), "image/png")
    message = ticket_reply(ticket=ticket, author=agent, body="See this.", attachments=[upload])
    (state,) = file_states(ticket, message)
    assert state.state == DeliveryState.FAILED and "CHANNEL_FILES_BASE_URL" in state.reason
