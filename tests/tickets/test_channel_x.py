"""X, end to end: Account Activity webhooks written from X's documentation (tests/data/x)
signed and posted to the webhook, read by the worker's code, and messages sent to the X API,
which a local fake stands in for (tests/tickets/x_server.py), the only thing mocked."""

import base64
import hashlib
import hmac
import json
import re
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from tests.tickets.x_server import MEDIA_ID, without_code
from tickets.channels.email_outbound import DeliveryState, email_timeline_annotate
from tickets.channels.social_common import secret_seal
from tickets.channels.social_outbound import social_outbox_deliver, social_outbox_sweep
from tickets.models import Attachment, Message, RawInbound, Ticket
from tickets.services import ticket_reply
from tickets.social_models import SocialAccount, SocialOutbox
from tickets.timeline import console_timeline

DATA = Path(__file__).resolve().parent.parent / "data" / "x"
CONSUMER_SECRET = "0tWMhkDh5vc5Fq3ib8ZcLRhCxRyUbHXQJ1O4y9Rb2oRq1vXkQ2"  # noqa: S105 - a test value
USER_TOKEN = "bWRWa3gzdnk3WHRGU1o0bmRRcTJ5VUxWX1lZTDdJSUt"  # noqa: S105 - a test value
ACCOUNT_ID = "4337869213"
CUSTOMER = "3001969357"
SEED = (
    "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about"
)
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01" + b"\x00" * 200
MEDIA_PATH = "/1.1/ton/data/dm/954491830116155397/954491819462258688/kX3sYbCp.jpg"


def event(name: str, media: str = "") -> dict:
    return json.loads((DATA / name).read_text().replace("MEDIA/", media + "/"))


@pytest.fixture
def account(db, team, x) -> SocialAccount:
    return SocialAccount.objects.create(
        kind=SocialAccount.Kind.X,
        team=team,
        name="ExchangeHelp",
        external_id=ACCOUNT_ID,
        secret_sealed=secret_seal(CONSUMER_SECRET),
        token_sealed=secret_seal(USER_TOKEN),
    )


def signature(value: bytes, secret: str = CONSUMER_SECRET) -> str:
    digest = hmac.new(secret.encode(), value, hashlib.sha256).digest()
    return "sha256=" + base64.b64encode(digest).decode()


@pytest.fixture
def deliver(client, account, django_capture_on_commit_callbacks):
    def post(body, *, sign: str | None = None):
        raw = json.dumps(body).encode()
        url = reverse("channel_webhook", kwargs={"provider": "twitter", "account": account.pk})
        headers = {"X-Twitter-Webhooks-Signature": signature(raw) if sign is None else sign}
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


# --- CRC and signature ---------------------------------------------------------------------------


def test_the_crc_check_is_answered_with_the_signed_token(client, account):
    url = reverse("channel_webhook", kwargs={"provider": "twitter", "account": account.pk})
    response = client.get(url, {"crc_token": "9b4507b3-9040-4669-9ba3-0b4e7a2e4b43"})
    assert response.status_code == 200
    assert response.json() == {"response_token": signature(b"9b4507b3-9040-4669-9ba3-0b4e7a2e4b43")}
    assert client.get(url).status_code == 403


@pytest.mark.parametrize("sign", ["", "sha256=bm90IGl0", signature(b"{}", "other")])
def test_a_missing_or_forged_signature_is_refused_and_nothing_is_stored(deliver, sign):
    """H3: no x-twitter-webhooks-signature, or one not made with the consumer secret."""
    response = deliver(event("dm_text.json"), sign=sign)
    assert response.status_code == 401
    assert not RawInbound.objects.exists() and not Ticket.objects.exists()


def test_a_body_for_another_account_is_refused(deliver):
    body = event("dm_text.json")
    body["for_user_id"] = "1111111111"
    assert deliver(body).status_code == 400
    assert not RawInbound.objects.exists()


def test_the_same_event_twice_makes_one_message(deliver):
    """H2: X's resend of a body, and the same DM in another body: one message."""
    body = event("dm_text.json")
    assert deliver(body).status_code == deliver(body).status_code == 200
    body["apps"] = {}  # another body, the same event id
    deliver(body)
    assert RawInbound.objects.filter(channel="twitter").count() == 2
    assert Message.objects.filter(channel="twitter").count() == 1


# --- Direct messages become tickets --------------------------------------------------------------


def test_a_direct_message_becomes_a_ticket(deliver, team):
    deliver(event("dm_text.json"))
    ticket = Ticket.objects.get()
    assert ticket.channel == "twitter" and ticket.team == team
    assert ticket.customer.username == f"x:{CUSTOMER}"
    assert ticket.customer.first_name == "Jordan Brinks"
    assert "200 USDT" in ticket.messages.get().body


def test_a_seed_phrase_in_a_dm_is_stored_redacted_and_the_customer_warned(deliver, x):
    body = event("dm_text.json")
    body["direct_message_events"][0]["message_create"]["message_data"]["text"] = SEED
    deliver(body)
    assert "abandon" not in Message.objects.get(channel="twitter").body
    assert len(x.dms()) == 1 and "abandon" not in x.dms()[0]
    assert not x.posts()


def test_our_own_dm_and_other_activity_are_stored_and_ignored(deliver, x):
    body = event("dm_text.json")
    body["direct_message_events"][0]["message_create"]["sender_id"] = ACCOUNT_ID
    deliver(body)
    deliver(event("favorite.json"))
    deliver({"for_user_id": ACCOUNT_ID, "something_new": [{"id": "1"}]})
    notes = sorted(RawInbound.objects.values_list("error", flat=True))
    assert notes == ["", "ignored: favorite_events", "ignored: unknown"]
    assert not Ticket.objects.exists() and not x.sent


# --- Mentions ------------------------------------------------------------------------------------


def test_a_mention_gets_only_the_generic_public_answer(deliver, x):
    """Public: a fixed text asking for a DM; nothing of the tweet (address, email) repeated,
    no ticket, and the same mention again answers nothing more."""
    deliver(event("mention.json"))
    body = event("mention.json")
    body["user_has_blocked"] = True  # another body, the same tweet
    deliver(body)
    (post,) = x.posts()
    assert post.body["reply"] == {"in_reply_to_tweet_id": "1865291003918172160"}
    assert post.body["text"] == (
        "Thanks for reaching out. To keep your account safe we never discuss account details "
        "in public: please send us a direct message at @ExchangeHelp and we will help you there."
    )
    assert not Ticket.objects.exists() and not x.dms()


def test_the_public_answer_is_in_the_tweets_language(deliver, x):
    body = event("mention.json")
    body["tweet_create_events"][0]["lang"] = "ja"
    deliver(body)
    text = x.posts()[0].body["text"]
    assert "@ExchangeHelp" in text and "Thanks" not in text and "0x5290" not in text


def test_an_agents_reply_never_goes_public(deliver, x, agent):
    deliver(event("dm_text.json"))
    row = SocialOutbox.objects.create(
        account=SocialAccount.objects.get(),
        recipient="tweet:1865291003918172160",
        dedupe_key="forged",
        text="Your balance is 3 BTC",
        message=Message.objects.get(),
    )
    social_outbox_deliver(outbox_id=row.pk)
    assert not x.posts()
    row.refresh_from_db()
    assert row.failed_at is not None


# --- Files ---------------------------------------------------------------------------------------


def test_a_dm_photo_is_fetched_from_xs_media_host(deliver, x):
    x.files[MEDIA_PATH] = JPEG
    deliver(event("dm_media.json", media=x.url))
    attachment = Attachment.objects.get()
    assert attachment.content_type == "image/jpeg" and attachment.filename == "kX3sYbCp.jpg"
    assert x.downloads == [MEDIA_PATH]


def test_a_dm_photo_over_the_limit_is_refused_and_the_customer_told(deliver, x, settings):
    settings.ATTACHMENT_MAX_BYTES = 100
    x.files[MEDIA_PATH] = JPEG
    deliver(event("dm_media.json", media=x.url))
    assert not Attachment.objects.exists()
    assert Message.objects.get().metadata["dropped_attachments"] == ["kX3sYbCp.jpg"]
    assert "kX3sYbCp.jpg" in x.dms()[0]


def test_media_outside_xs_hosts_is_never_fetched(deliver, x):
    """H4: a media URL on another host (an internal address): never called."""
    deliver(event("dm_media.json", media="http://169.254.169.254"))
    assert not Attachment.objects.exists() and not x.downloads
    assert Message.objects.get().metadata["dropped_attachments"]


# --- Replies -------------------------------------------------------------------------------------


@pytest.fixture
def ticket(deliver) -> Ticket:
    deliver(event("dm_text.json"))
    return Ticket.objects.get()


def test_an_agent_reply_is_sent_as_a_direct_message(
    ticket, agent, x, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        message = ticket_reply(ticket=ticket, author=agent, body="Your deposit is credited.")
    (sent,) = x.sent
    assert sent.path == f"/2/dm_conversations/with/{CUSTOMER}/messages"
    assert sent.authorization == f"Bearer {USER_TOKEN}"
    # Under the agent's words, the code our verification page knows (docs/verification.md).
    assert re.search(r" [A-Z2-9]{4}-[A-Z2-9]{4}$", sent.body["text"])
    sent.body["text"] = without_code(sent.body["text"])
    assert sent.body == {"text": "Your deposit is credited."}
    assert reply_state(ticket, message) == DeliveryState.SENT


def test_a_429_waits_until_the_rate_limit_resets(ticket, agent, x):
    """I7: 429 with x-rate-limit-reset: pending until then, then sent."""
    message = ticket_reply(ticket=ticket, author=agent, body="Please wait.")
    reset = {"x-rate-limit-reset": str(int(time.time()) + 60)}
    x.queued.append((429, {"title": "Too Many Requests", "status": 429}, reset))
    row = social_outbox_deliver(outbox_id=SocialOutbox.objects.get(message=message).pk)
    assert row.sent_at is None and reply_state(ticket, message) == DeliveryState.PENDING
    now = timezone.now()
    assert social_outbox_sweep(now=now + timedelta(seconds=30)) == 0
    assert social_outbox_sweep(now=now + timedelta(seconds=65)) == 1
    assert reply_state(ticket, message) == DeliveryState.SENT
    assert x.dms() == ["Please wait."]


def test_x_down_leaves_the_reply_pending_then_sent_once(ticket, agent, x):
    message = ticket_reply(ticket=ticket, author=agent, body="Checking.")
    x.down = True
    social_outbox_deliver(outbox_id=SocialOutbox.objects.get(message=message).pk)
    assert reply_state(ticket, message) == DeliveryState.PENDING
    x.down = False
    social_outbox_sweep(now=timezone.now() + timedelta(minutes=1))
    social_outbox_sweep(now=timezone.now() + timedelta(minutes=2))
    assert reply_state(ticket, message) == DeliveryState.SENT
    assert x.dms() == ["Checking."]


# --- Files in agents' replies --------------------------------------------------------------------

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def file_states(ticket: Ticket, message: Message) -> list:
    timeline = email_timeline_annotate(console_timeline(ticket, language="en"))
    entry = next(e for e in timeline if e["kind"] == "message" and e["message"] == message)
    return [state for _attachment, state in entry["files"]]


def test_an_image_is_uploaded_then_sent_in_a_direct_message_with_its_media_id(ticket, agent, x):
    upload = SimpleUploadedFile("screenshot.png", PNG, "image/png")
    message = ticket_reply(ticket=ticket, author=agent, body="Look at this.", attachments=[upload])
    social_outbox_deliver(outbox_id=SocialOutbox.objects.get(message=message).pk)
    assert x.dms() == ["Look at this."]
    (uploaded,) = x.uploads()
    assert uploaded.authorization == f"Bearer {USER_TOKEN}"
    assert uploaded.body == {"media_category": "dm_image", "media_type": "image/png"}
    assert uploaded.files["media"] == ("screenshot.png", "image/png", PNG)
    dm = x.sent[-1]
    assert dm.path == f"/2/dm_conversations/with/{CUSTOMER}/messages"
    assert dm.body == {"attachments": [{"media_id": MEDIA_ID}]}
    assert [state.state for state in file_states(ticket, message)] == [DeliveryState.SENT]


def test_a_dm_that_failed_after_the_upload_reuses_the_media_id(ticket, agent, x):
    """I7: X away between the upload and the direct message: the file waits (pending) and
    its retry sends the message without uploading the file again."""
    upload = SimpleUploadedFile("screenshot.png", PNG, "image/png")
    message = ticket_reply(ticket=ticket, author=agent, body="Look.", attachments=[upload])
    row = SocialOutbox.objects.get(message=message)
    dm_answer = {"data": {"dm_conversation_id": "3001969357-4337869213", "dm_event_id": "1"}}
    upload_answer = {"data": {"id": MEDIA_ID, "media_key": f"3_{MEDIA_ID}", "size": len(PNG)}}
    x.queued += [(201, dm_answer, {}), (200, upload_answer, {})]
    x.queued.append((503, {"title": "Service Unavailable", "status": 503}, {}))
    social_outbox_deliver(outbox_id=row.pk)
    assert [state.state for state in file_states(ticket, message)] == [DeliveryState.PENDING]
    social_outbox_sweep(now=timezone.now() + timedelta(minutes=1))
    assert not x.uploads() and x.dm_media() == [MEDIA_ID]  # one upload (queued), one DM
    assert [state.state for state in file_states(ticket, message)] == [DeliveryState.SENT]


def test_files_x_cannot_carry_are_failed_at_once_and_never_sent(ticket, agent, x):
    files = [
        SimpleUploadedFile("statement.pdf", b"%PDF-1.4\n" + b"1" * 64, "application/pdf"),
        SimpleUploadedFile("screenshot.png", PNG, "image/png"),
    ]
    message = ticket_reply(ticket=ticket, author=agent, body="Two.", attachments=files)
    pdf, png = file_states(ticket, message)
    assert pdf.state == DeliveryState.FAILED and pdf.reason.startswith("this channel cannot")
    assert png.state == DeliveryState.QUEUED
    social_outbox_deliver(outbox_id=SocialOutbox.objects.get(message=message).pk)
    assert [u.files["media"][0] for u in x.uploads()] == ["screenshot.png"]


def test_an_image_over_xs_5_mb_is_not_uploaded(ticket, agent, x, settings):
    big = PNG + b"\x00" * (5 * 1024 * 1024)
    upload = SimpleUploadedFile("huge.png", big, "image/png")
    message = ticket_reply(ticket=ticket, author=agent, body="Big.", attachments=[upload])
    (state,) = file_states(ticket, message)
    assert state.state == DeliveryState.FAILED and "larger than this channel takes" in state.reason
