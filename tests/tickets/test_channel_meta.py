"""Facebook Messenger and Instagram, end to end: webhooks written from Meta's documentation
(tests/data/meta) signed and posted to the webhook, read by the worker's code, and replies sent
to the Send API, which a local fake stands in for (tests/tickets/meta_server.py), the only
thing mocked."""

import hashlib
import hmac
import json
import re
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation

from tests.tickets.meta_server import without_code
from tickets.channels.email_outbound import DeliveryState, email_timeline_annotate
from tickets.channels.social_common import secret_seal
from tickets.channels.social_outbound import social_outbox_deliver, social_outbox_sweep
from tickets.models import Attachment, Message, RawInbound, Ticket
from tickets.services import ticket_reply
from tickets.social_models import SocialAccount, SocialOutbox
from tickets.timeline import console_timeline

DATA = Path(__file__).resolve().parent.parent / "data" / "meta"
APP_SECRET = "4f1c2d3e5a6b7c8d9e0f1a2b3c4d5e6f"  # noqa: S105 - a test value
PAGE_TOKEN = "EAAGm0PX4ZCpsBAKTESTPAGETOKEN"  # noqa: S105 - a test value
PSID = "6789012345678901"
SEED = (
    "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about"
)
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01" + b"\x00" * 200


def payload(name: str, cdn: str = "", *, age: timedelta = timedelta(0)) -> dict:
    """A recorded webhook, its messages written `age` ago (Meta's `timestamp`, ms): the
    messaging window runs from it."""
    body = json.loads((DATA / name).read_text().replace("CDN/", cdn + "/cdn/"))
    stamp = int((timezone.now() - age).timestamp() * 1000)
    for entry in body.get("entry", []):
        for event in entry.get("messaging", []):
            event["timestamp"] = stamp
    return body


def make_account(team, kind, external_id) -> SocialAccount:
    return SocialAccount.objects.create(
        kind=kind,
        team=team,
        name="Exchange Help",
        external_id=external_id,
        secret_sealed=secret_seal(APP_SECRET),
        token_sealed=secret_seal(PAGE_TOKEN),
    )


@pytest.fixture
def page(db, team, meta) -> SocialAccount:
    return make_account(team, SocialAccount.Kind.MESSENGER, "104455178512345")


@pytest.fixture
def instagram(db, team, meta) -> SocialAccount:
    return make_account(team, SocialAccount.Kind.INSTAGRAM, "17841405309211844")


def signature(body: bytes, secret: str = APP_SECRET) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


@pytest.fixture
def deliver(client, page, django_capture_on_commit_callbacks):
    """Post a webhook as Meta does; the worker's task (eager here) runs before this returns."""

    def post(body, *, account=None, sign: str | None = None):
        account = account or page
        raw = json.dumps(body).encode()
        url = reverse("channel_webhook", kwargs={"provider": "facebook", "account": account.pk})
        headers = {"X-Hub-Signature-256": signature(raw) if sign is None else sign}
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


# --- Verification and signature ------------------------------------------------------------------


def test_metas_subscription_check_gets_the_challenge_back(client, page):
    url = reverse("channel_webhook", kwargs={"provider": "facebook", "account": page.pk})
    query = {"hub.mode": "subscribe", "hub.verify_token": page.verify_token}
    response = client.get(url, {**query, "hub.challenge": "1158201444"})
    assert response.status_code == 200 and response.content == b"1158201444"
    wrong = client.get(url, {**query, "hub.verify_token": "guess", "hub.challenge": "1"})
    assert wrong.status_code == 403


@pytest.mark.parametrize("sign", ["", "sha256=" + "0" * 64, signature(b"{}", "other-secret")])
def test_a_missing_or_forged_signature_is_refused_and_nothing_is_stored(deliver, sign):
    """H3: no X-Hub-Signature-256, or one not made with the app secret over this body: 401."""
    response = deliver(payload("messenger_text.json"), sign=sign)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthorized"
    assert not RawInbound.objects.exists() and not Ticket.objects.exists()


def test_a_body_of_another_object_is_refused_with_a_message(deliver, page):
    response = deliver(payload("instagram_text.json"))  # object "instagram" to a page's URL
    assert response.status_code == 400 and response.json()["error"]["message"]
    assert not RawInbound.objects.exists()


def test_the_same_webhook_twice_makes_one_message(deliver):
    """H2/H3: Meta's retry of a body, and the same message in another batch: one message."""
    body = payload("messenger_text.json")
    assert deliver(body).status_code == deliver(body).status_code == 200
    assert RawInbound.objects.filter(channel="facebook").count() == 1
    body["entry"][0]["time"] += 5000  # re-batched: another body, the same mid
    deliver(body)
    assert RawInbound.objects.filter(channel="facebook").count() == 2
    assert Message.objects.filter(channel="facebook").count() == 1


# --- Messages become tickets ----------------------------------------------------------------------


def test_a_messenger_message_becomes_a_ticket_of_the_pages_team(deliver, team):
    deliver(payload("messenger_text.json"))
    ticket = Ticket.objects.get()
    assert ticket.channel == "facebook" and ticket.team == team
    assert ticket.customer.username == f"messenger:{PSID}"
    assert "pending for two days" in ticket.messages.get().body
    stored = RawInbound.objects.get()
    assert stored.encrypted and b"withdrawal" not in bytes(stored.payload)


def test_the_next_message_continues_the_conversations_ticket(deliver):
    deliver(payload("messenger_text.json"))
    body = payload("messenger_text.json")
    body["entry"][0]["messaging"][0]["message"] = {"mid": "m_second", "text": "Any news?"}
    deliver(body)
    assert Ticket.objects.count() == 1
    assert Ticket.objects.get().messages.count() == 2


def test_an_instagram_message_becomes_a_ticket(deliver, instagram):
    deliver(payload("instagram_text.json"), account=instagram)
    ticket = Ticket.objects.get()
    assert ticket.customer.username == "instagram:3456789012345678"
    assert ticket.messages.get().body == "입금이 아직 안 들어왔어요"
    assert ticket.language == "ko"


def test_a_seed_phrase_is_stored_redacted_and_the_customer_warned(deliver, meta):
    """G1: a seed phrase sent on Messenger never reaches the database; the customer is told."""
    body = payload("messenger_text.json")
    body["entry"][0]["messaging"][0]["message"]["text"] = f"my words are {SEED}"
    deliver(body)
    stored = Message.objects.get(channel="facebook").body
    assert "abandon" not in stored and "[" in stored
    assert len(meta.sent) == 1 and meta.sent[0].body["recipient"] == {"id": PSID}
    assert "abandon" not in meta.texts()[0]


def test_echoes_receipts_and_unknown_events_are_stored_and_ignored(deliver, meta):
    deliver(payload("messenger_others.json"))
    stored = RawInbound.objects.get()
    assert stored.processed_at is not None and stored.ticket is None
    assert stored.error == "ignored: message; ignored: delivery; ignored: read; ignored: unknown"
    assert not Ticket.objects.exists() and not meta.sent
    assert not get_user_model().objects.filter(username__startswith="messenger:").exists()


# --- Files ---------------------------------------------------------------------------------------


def test_an_image_is_fetched_from_metas_cdn_into_an_attachment(deliver, meta):
    meta.files["/cdn/v/t1.15752-9/screenshot_n.jpg"] = JPEG
    deliver(payload("messenger_image.json", cdn=meta.url))
    attachment = Attachment.objects.get()
    assert attachment.content_type == "image/jpeg" and attachment.filename == "image-1.jpg"
    assert attachment.message.ticket.customer.username == f"messenger:{PSID}"
    assert meta.downloads == ["/cdn/v/t1.15752-9/screenshot_n.jpg"]


def test_a_file_over_the_limit_is_refused_with_a_message_to_the_customer(deliver, meta, settings):
    settings.ATTACHMENT_MAX_BYTES = 100
    meta.files["/cdn/v/t1.15752-9/screenshot_n.jpg"] = JPEG
    deliver(payload("messenger_image.json", cdn=meta.url))
    assert not Attachment.objects.exists()
    message = Message.objects.get(channel="facebook")
    assert message.metadata["dropped_attachments"] == ["image-1.jpg"]
    assert len(meta.texts()) == 1 and "image-1.jpg" in meta.texts()[0]


def test_a_file_address_outside_metas_hosts_is_never_fetched(deliver, meta):
    """H4: a payload naming http://169.254.169.254/ (or any host but Meta's CDN): not fetched."""
    body = payload("messenger_image.json")
    attachment = body["entry"][0]["messaging"][0]["message"]["attachments"][0]
    attachment["payload"]["url"] = "http://169.254.169.254/latest/meta-data/"
    deliver(body)
    assert not Attachment.objects.exists() and not meta.downloads
    assert Message.objects.get(channel="facebook").metadata["dropped_attachments"]
    assert "again" in meta.texts()[0]


def test_meta_away_while_fetching_leaves_the_webhook_for_the_retry(deliver, meta):
    meta.files["/cdn/v/t1.15752-9/screenshot_n.jpg"] = JPEG
    meta.down = True
    deliver(payload("messenger_image.json", cdn=meta.url))
    stored = RawInbound.objects.get()
    assert stored.processed_at is None and stored.error == ""
    assert not Ticket.objects.exists()


# --- Replies -------------------------------------------------------------------------------------


@pytest.fixture
def ticket(deliver) -> Ticket:
    deliver(payload("messenger_text.json"))
    return Ticket.objects.get()


def test_an_agent_reply_is_sent_with_the_send_api(
    ticket, agent, meta, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        message = ticket_reply(ticket=ticket, author=agent, body="We found your withdrawal.")
    assert [(s.path, s.access_token) for s in meta.sent] == [("/v21.0/me/messages", PAGE_TOKEN)]
    # Under the agent's words, the code our verification page knows (docs/verification.md).
    assert re.search(r" [A-Z2-9]{4}-[A-Z2-9]{4}$", meta.sent[0].body["message"]["text"])
    meta.sent[0].body["message"]["text"] = without_code(meta.sent[0].body["message"]["text"])
    assert meta.sent[0].body == {
        "recipient": {"id": PSID},
        "messaging_type": "RESPONSE",
        "message": {"text": "We found your withdrawal."},
    }
    assert reply_state(ticket, message) == DeliveryState.SENT


def test_a_rate_limit_waits_the_retry_after_meta_gives(ticket, agent, meta):
    """I7: code 613 with Retry-After: the reply waits that long (pending), then is sent."""
    message = ticket_reply(ticket=ticket, author=agent, body="Please wait.")
    meta.rate_limit_next(retry_after=7)
    row = social_outbox_deliver(outbox_id=SocialOutbox.objects.get(message=message).pk)
    assert row.sent_at is None and "613" in row.last_error
    assert reply_state(ticket, message) == DeliveryState.PENDING
    now = timezone.now()
    assert social_outbox_sweep(now=now + timedelta(seconds=5)) == 0  # not before 7 s
    assert social_outbox_sweep(now=now + timedelta(seconds=8)) == 1
    assert reply_state(ticket, message) == DeliveryState.SENT
    assert meta.texts() == ["Please wait.", "Please wait."]


def test_meta_down_leaves_the_reply_pending_then_the_sweep_sends_it_once(ticket, agent, meta):
    """I7: the Send API answering 5xx: pending, nothing lost; sent once when it is back."""
    message = ticket_reply(ticket=ticket, author=agent, body="Your deposit is credited.")
    meta.down = True
    row = social_outbox_deliver(outbox_id=SocialOutbox.objects.get(message=message).pk)
    row = social_outbox_deliver(outbox_id=row.pk)
    assert row.attempts == 2 and row.next_attempt_at > timezone.now() + timedelta(seconds=5)
    assert reply_state(ticket, message) == DeliveryState.PENDING
    meta.down = False
    social_outbox_sweep(now=timezone.now() + timedelta(minutes=1))
    social_outbox_sweep(now=timezone.now() + timedelta(minutes=2))
    assert reply_state(ticket, message) == DeliveryState.SENT
    assert meta.texts().count("Your deposit is credited.") == 3  # two refused, one taken


def test_a_refusal_marks_the_reply_failed(ticket, agent, meta):
    message = ticket_reply(ticket=ticket, author=agent, body="Hello?")
    error = {"message": "(#551) This person isn't available right now.", "code": 551}
    meta.queued.append((400, {"error": error}, {}))
    social_outbox_deliver(outbox_id=SocialOutbox.objects.get(message=message).pk)
    assert reply_state(ticket, message) == DeliveryState.FAILED


def test_a_long_reply_is_sent_in_pieces_of_2000_characters(ticket, agent, meta):
    message = ticket_reply(ticket=ticket, author=agent, body="a" * 4500)
    social_outbox_deliver(outbox_id=SocialOutbox.objects.get(message=message).pk)
    assert [len(text) for text in meta.texts()] == [2000, 2000, 500]


# --- Public mentions -----------------------------------------------------------------------------

GENERIC = (
    "Thanks for reaching out. To keep your account safe we never discuss account details in "
    "public: please send us a private message and we will help you there."
)


def test_a_page_mention_gets_only_the_generic_public_answer(deliver, meta):
    """Public: a fixed text under the comment; nothing of it (address, email) repeated, no
    ticket; the same mention again answers nothing more; a reaction is ignored."""
    deliver(payload("page_mention.json"))
    body = payload("page_mention.json")
    body["entry"][0]["time"] += 1  # another body, the same mention
    deliver(body)
    (post,) = meta.public()
    assert post.path == "/v21.0/998877665544332_112233445566778/comments"
    assert post.body == {"message": GENERIC} and post.access_token == PAGE_TOKEN
    assert not Ticket.objects.exists() and not meta.texts()
    notes = RawInbound.objects.order_by("pk").first().error
    assert notes == "mention: asked to write a private message; ignored: change feed"


def test_an_instagram_mention_is_answered_through_the_mentions_edge(deliver, instagram, meta):
    deliver(payload("instagram_mention.json"), account=instagram)
    (post,) = meta.public()
    assert post.path == "/v21.0/17841405309211844/mentions"
    assert post.body == {
        "media_id": "17887498072083520",
        "comment_id": "17894227972186120",
        "message": GENERIC,
    }


def test_an_agents_reply_is_never_posted_publicly(ticket, agent, meta):
    row = SocialOutbox.objects.create(
        account=SocialAccount.objects.get(),
        recipient="comment:998877665544332_112233445566778",
        dedupe_key="forged",
        text="Your balance is 3 BTC",
        message=Message.objects.get(),
    )
    social_outbox_deliver(outbox_id=row.pk)
    row.refresh_from_db()
    assert row.failed_at is not None and not meta.public()


# --- Meta's messaging window ---------------------------------------------------------------------


def send_reply(ticket, agent, body: str, **fields) -> Message:
    """An agent's reply, and the worker's delivery of it (as the task does after commit)."""
    message = ticket_reply(ticket=ticket, author=agent, body=body, **fields)
    social_outbox_deliver(outbox_id=SocialOutbox.objects.get(message=message).pk)
    return message


def reply_entry(ticket: Ticket, message: Message, language: str = "en") -> dict:
    with translation.override(language):
        timeline = email_timeline_annotate(console_timeline(ticket, language=language))
    return next(e for e in timeline if e["kind"] == "message" and e["message"] == message)


def test_within_24_hours_a_reply_is_a_standard_response(ticket, agent, meta):
    send_reply(ticket, agent, "We found your withdrawal.")
    assert meta.sent[0].body["messaging_type"] == "RESPONSE" and "tag" not in meta.sent[0].body


def test_after_24_hours_an_agents_reply_goes_with_the_human_agent_tag(ticket, agent, meta):
    with time_machine.travel(timezone.now() + timedelta(days=2), tick=False):
        message = send_reply(ticket, agent, "Sorry for the wait: it is credited now.")
    (sent,) = meta.sent
    assert sent.body["messaging_type"] == "MESSAGE_TAG" and sent.body["tag"] == "HUMAN_AGENT"
    assert meta.texts() == ["Sorry for the wait: it is credited now."]
    assert reply_state(ticket, message) == DeliveryState.SENT


def test_after_7_days_meta_is_not_called_and_the_agent_reads_why(ticket, agent, meta):
    """Beyond Meta's 7 days nothing is sent; the reply fails with a translated reason that
    points to another channel, and its file fails with it."""
    upload = SimpleUploadedFile("receipt.png", PNG, "image/png")
    with time_machine.travel(timezone.now() + timedelta(days=8), tick=False):
        message = send_reply(ticket, agent, "Are you still there?", attachments=[upload])
    assert not meta.sent
    entry = reply_entry(ticket, message)
    assert entry["delivery"] == DeliveryState.FAILED
    assert "more than 7 days ago" in entry["delivery_reason"]
    assert "another way" in entry["delivery_reason"]
    ((_file, state),) = entry["files"]
    assert state.state == DeliveryState.FAILED and "7 days" in state.reason
    korean = reply_entry(ticket, message, "ko")
    assert "7일" in korean["delivery_reason"]


def test_the_window_runs_from_metas_time_of_the_customers_message(deliver, agent, meta):
    """A message Meta delivered late (it retries for hours) opens no new window: written 8
    days ago by Meta's clock, it is 8 days old whenever it reaches us."""
    deliver(payload("messenger_text.json", age=timedelta(days=8)))
    message = send_reply(Ticket.objects.get(), agent, "Hello?")
    assert not meta.sent and reply_state(message.ticket, message) == DeliveryState.FAILED


def test_metas_own_window_refusal_fails_the_reply_with_the_reason(ticket, agent, meta):
    error = {
        "message": "(#10) This message is sent outside of allowed window.",
        "type": "OAuthException",
        "code": 10,
        "error_subcode": 2018278,
        "fbtrace_id": "AbCdEfGh124",
    }
    meta.queued.append((400, {"error": error}, {}))
    message = send_reply(ticket, agent, "Hello?")
    assert "7 days" in reply_entry(ticket, message)["delivery_reason"]


def test_the_console_warns_before_a_reply_outside_the_windows(ticket, agent, client):
    client.force_login(agent)
    url = reverse("tickets_console:ticket", args=[ticket.reference])
    assert "human agent tag" not in client.get(url).content.decode()
    with time_machine.travel(timezone.now() + timedelta(days=2), tick=False):
        assert "human agent tag" in client.get(url).content.decode()
    with time_machine.travel(timezone.now() + timedelta(days=8), tick=False):
        page = client.get(url).content.decode()
    assert "will not take a reply now" in page


# --- Files in agents' replies --------------------------------------------------------------------

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.4\n" + b"1" * 64


def test_a_replys_files_are_uploaded_with_the_send_api_after_its_text(ticket, agent, meta):
    files = [
        SimpleUploadedFile("receipt.png", PNG, "image/png"),
        SimpleUploadedFile("statement.pdf", PDF, "application/pdf"),
    ]
    message = send_reply(ticket, agent, "Here are your documents.", attachments=files)
    assert meta.texts() == ["Here are your documents."]
    image, document = meta.uploads()
    assert image.path == document.path == "/v21.0/me/messages"
    assert image.body == {
        "recipient": {"id": PSID},
        "messaging_type": "RESPONSE",
        "message": {"attachment": {"type": "image", "payload": {"is_reusable": False}}},
    }
    assert image.files["filedata"] == ("receipt.png", "image/png", PNG)
    assert document.body["message"]["attachment"]["type"] == "file"
    assert document.files["filedata"][:2] == ("statement.pdf", "application/pdf")
    states = [state.state for _file, state in reply_entry(ticket, message)["files"]]
    assert states == [DeliveryState.SENT, DeliveryState.SENT]


def test_a_file_after_24_hours_carries_the_human_agent_tag(ticket, agent, meta):
    upload = SimpleUploadedFile("receipt.png", PNG, "image/png")
    with time_machine.travel(timezone.now() + timedelta(days=3), tick=False):
        send_reply(ticket, agent, "Here it is.", attachments=[upload])
    (image,) = meta.uploads()
    assert image.body["messaging_type"] == "MESSAGE_TAG" and image.body["tag"] == "HUMAN_AGENT"


def test_a_rate_limit_on_a_file_waits_then_sends_it_once(ticket, agent, meta):
    """I7: the text went, the file met Meta's limit: the file is pending (the text stays
    sent), then the sweep sends the file alone."""
    upload = SimpleUploadedFile("receipt.png", PNG, "image/png")
    message = ticket_reply(ticket=ticket, author=agent, body="One moment.", attachments=[upload])
    row = SocialOutbox.objects.get(message=message)
    meta.queued.append((200, {"recipient_id": PSID, "message_id": "m_text"}, {}))
    meta.rate_limit_next(retry_after=7)
    social_outbox_deliver(outbox_id=row.pk)
    ((_file, state),) = reply_entry(ticket, message)["files"]
    assert state.state == DeliveryState.PENDING
    social_outbox_sweep(now=timezone.now() + timedelta(seconds=8))
    ((_file, state),) = reply_entry(ticket, message)["files"]
    assert state.state == DeliveryState.SENT
    assert meta.texts() == ["One moment."] and len(meta.uploads()) == 2  # refused, then taken


def test_a_file_meta_refuses_fails_alone_with_metas_words(ticket, agent, meta):
    files = [
        SimpleUploadedFile("receipt.png", PNG, "image/png"),
        SimpleUploadedFile("statement.pdf", PDF, "application/pdf"),
    ]
    message = ticket_reply(ticket=ticket, author=agent, body="Two files.", attachments=files)
    meta.queued.append((200, {"recipient_id": PSID, "message_id": "m_text"}, {}))
    error = {"message": "(#100) Upload attachment failure.", "type": "OAuthException", "code": 100}
    meta.queued.append((400, {"error": error}, {}))
    social_outbox_deliver(outbox_id=SocialOutbox.objects.get(message=message).pk)
    entry = reply_entry(ticket, message)
    (_png, refused), (_pdf, sent) = entry["files"]
    assert refused.state == DeliveryState.FAILED and "Upload attachment failure" in refused.reason
    assert sent.state == DeliveryState.SENT and entry["delivery"] == DeliveryState.SENT


def test_instagram_files_it_cannot_carry_are_failed_before_any_call(
    deliver, instagram, agent, meta, client
):
    deliver(payload("instagram_text.json"), account=instagram)
    ticket = Ticket.objects.get()
    files = [
        SimpleUploadedFile("notes.txt", b"my order numbers", "text/plain"),
        SimpleUploadedFile("receipt.png", PNG, "image/png"),
    ]
    message = ticket_reply(ticket=ticket, author=agent, body="Files.", attachments=files)
    (_txt, not_carried), (_png, queued) = reply_entry(ticket, message)["files"]
    assert not_carried.state == DeliveryState.FAILED and "cannot carry" in not_carried.reason
    assert queued.state == DeliveryState.QUEUED
    social_outbox_deliver(outbox_id=SocialOutbox.objects.get(message=message).pk)
    assert [s.files["filedata"][0] for s in meta.uploads()] == ["receipt.png"]
    client.force_login(agent)
    page = client.get(reverse("tickets_console:ticket", args=[ticket.reference])).content.decode()
    assert "Instagram carries PNG, JPEG and GIF images" in page  # told before sending
    assert page.count('data-testid="file-delivery"') == 2
