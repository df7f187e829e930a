"""Telegram, end to end: updates written from the Bot API's documentation (tests/data/telegram)
posted to the webhook, read by the worker's code, and replies sent to Telegram's servers,
which a local fake stands in for (tests/tickets/telegram_server.py), the only thing mocked."""

import json
import re
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from tests.tickets.telegram_server import JPEG, OGG, TOKEN, customer_texts, update
from tickets.channels.email_outbound import DeliveryState, email_timeline_annotate
from tickets.channels.telegram_outbound import (
    send_slot_wait,
    telegram_outbox_deliver,
    telegram_outbox_sweep,
)
from tickets.models import Attachment, Message, RawInbound, Ticket
from tickets.services import ticket_reply
from tickets.telegram_models import TelegramBot, TelegramOutbox
from tickets.timeline import console_timeline

SEED = (
    "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about"
)


def reply_text(call) -> str:
    """What the agent wrote, without the verification line under it."""
    return call.data["text"].split("\n\n")[0]


# --- The webhook ---------------------------------------------------------------------------------


@pytest.mark.parametrize("secret", ["", "wrong-secret"])
def test_a_missing_or_wrong_secret_is_refused_and_nothing_is_stored(deliver, secret):
    """H1: no or a wrong X-Telegram-Bot-Api-Secret-Token: 401, nothing stored."""
    response = deliver(update("private_text.json"), secret=secret)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthorized"
    assert not RawInbound.objects.exists()
    assert not Ticket.objects.exists()


def test_an_unknown_or_disabled_bot_is_refused(client, bot):
    TelegramBot.objects.filter(pk=bot.pk).update(enabled=False)
    url = reverse("channel_webhook", kwargs={"provider": "telegram", "account": bot.pk})
    headers = {"X-Telegram-Bot-Api-Secret-Token": bot.webhook_secret}
    body = json.dumps(update("private_text.json"))
    assert (
        client.post(url, body, content_type="application/json", headers=headers).status_code == 401
    )
    url = reverse("channel_webhook", kwargs={"provider": "nowhere", "account": bot.pk})
    assert (
        client.post(url, body, content_type="application/json", headers=headers).status_code == 401
    )
    assert not RawInbound.objects.exists()


def test_a_body_that_is_no_update_is_refused_with_a_message(deliver):
    response = deliver(None, raw=b'{"message": "no update id"')
    assert response.status_code == 400
    assert response.json()["error"]["message"]
    assert not RawInbound.objects.exists()


def test_the_same_update_delivered_twice_makes_one_message(deliver, telegram):
    """H2: Telegram's retry of an update_id: one raw row, one message."""
    first = deliver(update("private_text.json"))
    again = deliver(update("private_text.json"))
    assert first.status_code == again.status_code == 200
    assert RawInbound.objects.filter(channel="telegram").count() == 1
    assert Message.objects.filter(channel="telegram").count() == 1


def test_the_webhook_only_stores_and_answers(client, bot):
    """H5: the answer waits for nothing but the stored row: no parsing, intake or Telegram
    call before the 200; the reading is queued for after the commit (a worker's)."""
    url = reverse("channel_webhook", kwargs={"provider": "telegram", "account": bot.pk})
    headers = {"X-Telegram-Bot-Api-Secret-Token": bot.webhook_secret}
    body = json.dumps(update("private_text.json"))
    response = client.post(url, body, content_type="application/json", headers=headers)
    assert response.status_code == 200 and response.json() == {"ok": True}
    stored = RawInbound.objects.get(channel="telegram")
    assert stored.processed_at is None and stored.process_after is not None  # the sweep's turn
    assert not Ticket.objects.exists()


def test_the_raw_update_is_stored_sealed_before_it_is_read(deliver):
    deliver(update("private_text.json"))
    stored = RawInbound.objects.get(channel="telegram")
    assert stored.encrypted and b"withdrawal" not in bytes(stored.payload)
    assert stored.processed_at is not None and stored.ticket is not None


# --- Private chats become tickets ----------------------------------------------------------------


def test_a_private_message_becomes_a_ticket_of_the_bots_team(deliver, bot, team):
    deliver(update("private_text.json"))
    ticket = Ticket.objects.get()
    customer = ticket.customer
    assert ticket.channel == "telegram" and ticket.team == team
    assert ticket.external_conversation == f"tg:{bot.pk}:601234568"
    assert customer.username == "telegram:601234568" and customer.first_name == "Alex"
    assert customer.customer_profile.preferred_language == "en"
    assert ticket.messages.get().body.startswith("My BTC withdrawal has been pending")


def test_the_next_message_of_the_chat_joins_the_same_ticket(deliver):
    deliver(update("private_text.json"))
    deliver(update("edited_message.json"))
    ticket = Ticket.objects.get()
    assert ticket.messages.count() == 2
    assert ticket.messages.last().metadata.get("edited") is True


def test_a_seed_phrase_is_redacted_and_the_customer_warned_in_telegram(deliver, telegram):
    body = update("private_text.json")
    body["message"]["text"] = f"my words are {SEED} please help"
    deliver(body)
    stored = Message.objects.get()
    assert "abandon" not in stored.body
    assert "abandon" not in json.dumps(stored.metadata)
    assert stored.ticket.security_followup
    assert len(customer_texts(telegram, 601234568)) == 1  # the security notice


def test_a_message_without_a_secret_gets_no_security_notice(deliver, telegram):
    body = update("private_text.json")
    body["message"]["text"] = "Is [seed phrase removed] what your app shows? 12 words, no."
    deliver(body)
    assert "[seed phrase removed]" in Message.objects.get().body
    assert not customer_texts(telegram, 601234568)


def test_a_korean_customer_gets_a_korean_ticket(deliver):
    deliver(update("private_korean.json"))
    ticket = Ticket.objects.get()
    assert ticket.language == "ko"
    assert ticket.customer.customer_profile.preferred_language == "ko"


# --- /start, groups and other updates ------------------------------------------------------------


def test_start_is_answered_in_the_customers_language_and_makes_no_ticket(deliver, telegram):
    deliver(update("start.json"))
    deliver(update("start_payload.json"))
    texts = customer_texts(telegram, 501234567)
    assert len(texts) == 2
    assert "Welcome" not in texts[0] and "지원" in texts[0]  # Korean, from language_code "ko"
    assert not Ticket.objects.exists()


def test_group_messages_are_ignored_unless_the_bot_is_addressed(deliver, telegram):
    deliver(update("group_plain.json"))
    assert not telegram.sent() and not Ticket.objects.exists()
    deliver(update("group_mention.json"))
    deliver(update("group_reply_to_bot.json"))
    answers = telegram.sent()
    assert len(answers) == 2
    assert {int(a.data["chat_id"]) for a in answers} == {-1001987654321}
    assert "t.me/ExchangeHelpBot" in answers[0].data["text"]
    assert not Ticket.objects.exists()  # account matters are not discussed in a group


@pytest.mark.parametrize("name", ["my_chat_member.json", None])
def test_other_updates_are_stored_and_ignored(deliver, telegram, name):
    body = update(name) if name else {"update_id": 845000999, "business_message": {"x": 1}}
    assert deliver(body).status_code == 200
    stored = RawInbound.objects.get(channel="telegram")
    assert stored.processed_at is not None and stored.error.startswith("ignored")
    assert not Ticket.objects.exists() and not telegram.calls


def test_a_button_press_is_answered_once_and_nothing_else_is_done(deliver, telegram):
    """The customer's app shows a spinner until answerCallbackQuery; our bot sends no buttons,
    so the press (of an old or forwarded message's button) changes nothing else. H2: a second
    delivery of the update answers nothing more."""
    first = deliver(update("callback_query.json"))
    again = deliver(update("callback_query.json"))

    assert first.status_code == again.status_code == 200
    answers = telegram.sent("answerCallbackQuery")
    assert [call.data for call in answers] == [{"callback_query_id": "4382bfdwdsb323b2d9"}]
    assert answers[0].token == TOKEN
    assert {call.method for call in telegram.calls} == {"answerCallbackQuery"}
    stored = RawInbound.objects.get(channel="telegram")
    assert (stored.processed_at is not None, stored.error) == (True, "callback_query: answered")
    assert not Ticket.objects.exists()
    assert TelegramOutbox.objects.get().sent_at is not None


def test_a_button_answer_refused_by_telegram_is_given_up_not_retried(deliver, telegram):
    """A query answered too late: Telegram answers 400 ("query is too old"); asking again
    would get the same answer."""
    telegram.queued.append(
        (
            400,
            {
                "ok": False,
                "error_code": 400,
                "description": "Bad Request: query is too old and response timeout expired",
            },
        )
    )
    deliver(update("callback_query.json"))

    row = TelegramOutbox.objects.get()
    assert row.failed_at is not None and "query is too old" in row.last_error
    assert telegram_outbox_sweep(now=timezone.now() + timedelta(minutes=5)) == 0


def test_a_button_answer_waits_only_for_the_bots_limit_not_the_chats():
    """answerCallbackQuery posts nothing in the chat: it counts against the bot's 30 a second
    but leaves the chat's one message a second to the next message."""
    cache.clear()
    now = 1_800_000_000.2
    assert send_slot_wait(9, None, now=now) == 0.0
    assert send_slot_wait(9, 601234568, now=now) == 0.0  # the chat's slot still free
    assert send_slot_wait(9, 601234568, now=now) > 0  # now taken


# --- Files ---------------------------------------------------------------------------------------


def test_a_photo_is_fetched_from_telegram_and_stored_with_its_caption(deliver, telegram):
    telegram.files["AgACAgIAAxkBAAIBQ2VwPhotoLarge"] = JPEG
    deliver(update("photo_caption.json"))
    attachment = Attachment.objects.get()
    assert attachment.content_type == "image/jpeg" and attachment.size == len(JPEG)
    assert attachment.filename == "photo-AQADlarge.jpg"
    assert attachment.message.body == "Screenshot of the withdrawal screen"
    assert [c.data["file_id"] for c in telegram.sent("getFile")] == [
        "AgACAgIAAxkBAAIBQ2VwPhotoLarge"
    ]


def test_a_document_and_a_voice_note_become_attachments(deliver, telegram):
    telegram.files["BQACAgIAAxkBAAIBRGVwDocument"] = b"%PDF-1.4\n" + b"0" * 100
    telegram.files["AwACAgIAAxkBAAIBRmVwVoiceNote"] = OGG
    deliver(update("document.json"))
    deliver(update("voice.json"))
    kinds = dict(Attachment.objects.values_list("filename", "content_type"))
    assert kinds == {"bank-statement.pdf": "application/pdf", "voice-AgADvoice.ogg": "audio/ogg"}


def test_a_50_mb_file_is_refused_with_a_message_to_the_customer(deliver, telegram):
    deliver(update("document_large.json"))
    assert not telegram.sent("getFile") and not telegram.downloads  # never fetched
    texts = customer_texts(telegram, 601234568)
    assert len(texts) == 1 and "screen-recording.mp4" in texts[0] and "10 MB" in texts[0]
    assert not Attachment.objects.exists()


def test_a_file_of_a_type_we_do_not_take_is_refused_with_a_message(deliver, telegram):
    body = update("document.json")
    body["message"]["document"].update(file_name="setup.exe", mime_type="application/x-msdownload")
    telegram.files["BQACAgIAAxkBAAIBRGVwDocument"] = b"MZ\x90\x00" + b"\x00" * 100
    deliver(body)
    texts = customer_texts(telegram, 601234568)
    assert len(texts) == 1 and "setup.exe" in texts[0]
    assert not Attachment.objects.exists()
    assert Message.objects.get().metadata["dropped_attachments"] == ["setup.exe"]


def test_a_file_telegram_no_longer_has_is_told_and_the_text_kept(deliver, telegram):
    deliver(update("photo_caption.json"))  # the fake has no such file: getFile answers 400
    assert Message.objects.get().body == "Screenshot of the withdrawal screen"
    assert not Attachment.objects.exists()
    assert len(customer_texts(telegram, 601234568)) == 1  # please send it again


def test_telegram_away_while_fetching_a_file_leaves_the_update_for_later(deliver, telegram):
    telegram.down = True
    deliver(update("photo_caption.json"))
    stored = RawInbound.objects.get(channel="telegram")
    assert stored.processed_at is None and stored.error == ""  # the worker's retry, the sweep
    assert not Ticket.objects.exists()


def test_a_file_is_fetched_only_from_the_configured_host(deliver, telegram, monkeypatch):
    """getFile's file_path is Telegram's word, never a host: a path naming another host is
    still asked of the configured one (and not found there)."""
    original = telegram.answer

    def answer(method, data):
        status, body = original(method, data)
        if method == "getFile":
            telegram._paths["http://169.254.169.254/latest"] = data["file_id"]
            body["result"]["file_path"] = "http://169.254.169.254/latest"
        return status, body

    monkeypatch.setattr(telegram, "answer", answer)
    telegram.files["AgACAgIAAxkBAAIBQ2VwPhotoLarge"] = JPEG
    deliver(update("photo_caption.json"))
    assert telegram.downloads == ["http://169.254.169.254/latest"]  # a path on our fake's host


# --- Replies -------------------------------------------------------------------------------------


@pytest.fixture
def ticket(deliver) -> Ticket:
    deliver(update("private_text.json"))
    return Ticket.objects.get()


def reply_state(ticket: Ticket, message: Message) -> DeliveryState | None:
    timeline = email_timeline_annotate(console_timeline(ticket, language="en"))
    return next(
        e["delivery"] for e in timeline if e["kind"] == "message" and e["message"] == message
    )


def test_an_agent_reply_is_sent_to_the_customers_chat(
    ticket, agent, telegram, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        message = ticket_reply(ticket=ticket, author=agent, body="We found your withdrawal.")
    sent = telegram.sent()
    assert [(int(c.data["chat_id"]), reply_text(c)) for c in sent] == [
        (601234568, "We found your withdrawal.")
    ]
    # Under it, the code the customer can check on our verification page.
    assert re.search(r"code [A-Z2-9]{4}-[A-Z2-9]{4}$", sent[0].data["text"])
    assert sent[0].token == TOKEN
    assert reply_state(ticket, message) == DeliveryState.SENT
    assert not TelegramOutbox.objects.filter(sent_at__isnull=True).exists()


def test_the_outbox_row_is_written_with_the_reply(ticket, agent, telegram):
    with pytest.raises(RuntimeError):
        from django.db import transaction

        with transaction.atomic():
            ticket_reply(ticket=ticket, author=agent, body="Rolled back")
            assert TelegramOutbox.objects.filter(text__startswith="Rolled back").exists()
            raise RuntimeError
    assert not TelegramOutbox.objects.filter(text__startswith="Rolled back").exists()


def test_a_429_waits_the_retry_after_telegram_gives(ticket, agent, telegram):
    """I7: a 429 with retry_after: the reply waits that long (pending), then is sent."""
    message = ticket_reply(ticket=ticket, author=agent, body="Please wait.")
    telegram.refuse_next(retry_after=7)
    row = telegram_outbox_deliver(outbox_id=TelegramOutbox.objects.get(message=message).pk)
    assert row.sent_at is None and "429" in row.last_error
    assert reply_state(ticket, message) == DeliveryState.PENDING
    now = timezone.now()
    assert telegram_outbox_sweep(now=now + timedelta(seconds=5)) == 0  # not before 7 s
    assert telegram_outbox_sweep(now=now + timedelta(seconds=8)) == 1
    assert reply_state(ticket, message) == DeliveryState.SENT
    assert [reply_text(c) for c in telegram.sent()] == ["Please wait.", "Please wait."]


def test_telegram_down_leaves_the_reply_pending_then_the_sweep_sends_it_once(
    ticket, agent, telegram
):
    """I7: Telegram answering 5xx: the reply waits longer each time (pending), nothing lost;
    the sweep sends it once Telegram is back."""
    message = ticket_reply(ticket=ticket, author=agent, body="Your deposit is credited.")
    telegram.down = True
    row = telegram_outbox_deliver(outbox_id=TelegramOutbox.objects.get(message=message).pk)
    row = telegram_outbox_deliver(outbox_id=row.pk)  # tried again: still down, waits longer
    assert row.attempts == 2 and row.next_attempt_at > timezone.now() + timedelta(seconds=5)
    assert reply_state(ticket, message) == DeliveryState.PENDING
    telegram.down = False
    telegram_outbox_sweep(now=timezone.now() + timedelta(minutes=1))
    telegram_outbox_sweep(now=timezone.now() + timedelta(minutes=2))  # nothing left to send
    assert reply_state(ticket, message) == DeliveryState.SENT
    delivered = [c for c in telegram.sent() if reply_text(c) == "Your deposit is credited."]
    assert len(delivered) == 3  # two refused while down, one taken


def test_a_chat_that_blocked_the_bot_marks_the_reply_failed(ticket, agent, telegram):
    message = ticket_reply(ticket=ticket, author=agent, body="Hello?")
    body = {"ok": False, "error_code": 403, "description": "Forbidden: bot was blocked by the user"}
    telegram.queued.append((403, body))
    telegram_outbox_deliver(outbox_id=TelegramOutbox.objects.get(message=message).pk)
    assert reply_state(ticket, message) == DeliveryState.FAILED


def test_a_long_reply_with_a_file_is_sent_in_parts_in_order(ticket, agent, telegram):
    upload = SimpleUploadedFile("guide.pdf", PDF, "application/pdf")
    text = "a" * 5000
    message = ticket_reply(ticket=ticket, author=agent, body=text, attachments=[upload])
    telegram_outbox_deliver(outbox_id=TelegramOutbox.objects.get(message=message).pk)
    methods = [c.method for c in telegram.calls if c.method.startswith("send")]
    assert methods == ["sendMessage", "sendMessage", "sendDocument"]
    assert telegram.sent("sendDocument")[0].files["document"][0] == "guide.pdf"


# --- Files in agents' replies --------------------------------------------------------------------

PDF = b"%PDF-1.4\n" + b"1" * 50
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def file_states(ticket: Ticket, message: Message) -> list:
    timeline = email_timeline_annotate(console_timeline(ticket, language="en"))
    entry = next(e for e in timeline if e["kind"] == "message" and e["message"] == message)
    return [(attachment.filename, state) for attachment, state in entry["files"]]


def test_an_image_goes_as_a_photo_and_a_pdf_as_a_document_each_with_its_state(
    ticket, agent, telegram
):
    files = [
        SimpleUploadedFile("screenshot.png", PNG, "image/png"),
        SimpleUploadedFile("guide.pdf", PDF, "application/pdf"),
    ]
    message = ticket_reply(ticket=ticket, author=agent, body="See these.", attachments=files)
    assert [s.state for _n, s in file_states(ticket, message)] == [DeliveryState.QUEUED] * 2
    telegram_outbox_deliver(outbox_id=TelegramOutbox.objects.get(message=message).pk)
    methods = [c.method for c in telegram.calls if c.method.startswith("send")]
    assert methods == ["sendMessage", "sendPhoto", "sendDocument"]
    (photo,) = telegram.sent("sendPhoto")
    assert photo.data["chat_id"] == "601234568" and photo.files["photo"] == ("screenshot.png", PNG)
    assert [s.state for _n, s in file_states(ticket, message)] == [DeliveryState.SENT] * 2


def test_a_photo_telegram_will_not_take_as_a_photo_goes_as_a_document(ticket, agent, telegram):
    upload = SimpleUploadedFile("wide.png", PNG, "image/png")
    message = ticket_reply(ticket=ticket, author=agent, body="Wide.", attachments=[upload])
    telegram.queued.append((200, {"ok": True, "result": {"message_id": 7}}))  # the text
    description = "Bad Request: PHOTO_INVALID_DIMENSIONS"
    refused = {"ok": False, "error_code": 400, "description": description}
    telegram.queued.append((400, refused))
    telegram_outbox_deliver(outbox_id=TelegramOutbox.objects.get(message=message).pk)
    assert telegram.sent("sendDocument")[0].files["document"][0] == "wide.png"
    assert file_states(ticket, message)[0][1].state == DeliveryState.SENT


def test_a_429_on_a_file_leaves_it_pending_then_it_is_sent_once(ticket, agent, telegram):
    """I7: the text went, then Telegram's limit: the file waits (pending), the text is not
    sent again, and the file goes once when its turn comes."""
    upload = SimpleUploadedFile("guide.pdf", PDF, "application/pdf")
    message = ticket_reply(ticket=ticket, author=agent, body="The guide.", attachments=[upload])
    row = TelegramOutbox.objects.get(message=message)
    telegram.queued.append((200, {"ok": True, "result": {"message_id": 7}}))
    telegram.refuse_next(retry_after=3)
    telegram_outbox_deliver(outbox_id=row.pk)
    assert file_states(ticket, message)[0][1].state == DeliveryState.PENDING
    assert reply_state(ticket, message) == DeliveryState.PENDING
    telegram_outbox_sweep(now=timezone.now() + timedelta(seconds=4))
    assert file_states(ticket, message)[0][1].state == DeliveryState.SENT
    assert [c.method for c in telegram.calls if c.method.startswith("send")] == [
        "sendMessage", "sendDocument", "sendDocument"
    ]  # fmt: skip


def test_a_file_telegram_refuses_fails_alone_with_telegrams_words(ticket, agent, telegram):
    files = [
        SimpleUploadedFile("guide.pdf", PDF, "application/pdf"),
        SimpleUploadedFile("notes.txt", b"order 1234", "text/plain"),
    ]
    message = ticket_reply(ticket=ticket, author=agent, body="Two files.", attachments=files)
    telegram.queued.append((200, {"ok": True, "result": {"message_id": 7}}))
    too_big = {"ok": False, "error_code": 400, "description": "Bad Request: file is too big"}
    telegram.queued.append((400, too_big))
    telegram_outbox_deliver(outbox_id=TelegramOutbox.objects.get(message=message).pk)
    (_pdf, refused), (_txt, sent) = file_states(ticket, message)
    assert refused.state == DeliveryState.FAILED and "file is too big" in refused.reason
    assert sent.state == DeliveryState.SENT
    assert reply_state(ticket, message) == DeliveryState.SENT


def test_a_refused_reply_fails_its_files_with_the_same_reason(ticket, agent, telegram):
    upload = SimpleUploadedFile("guide.pdf", PDF, "application/pdf")
    message = ticket_reply(ticket=ticket, author=agent, body="Hello?", attachments=[upload])
    body = {"ok": False, "error_code": 403, "description": "Forbidden: bot was blocked by the user"}
    telegram.queued.append((403, body))
    telegram_outbox_deliver(outbox_id=TelegramOutbox.objects.get(message=message).pk)
    timeline = email_timeline_annotate(console_timeline(ticket, language="en"))
    entry = next(e for e in timeline if e["kind"] == "message" and e["message"] == message)
    assert "bot was blocked by the user" in entry["delivery_reason"]
    assert "bot was blocked" in file_states(ticket, message)[0][1].reason
    assert not telegram.sent("sendDocument")


# --- Telegram's limits ---------------------------------------------------------------------------


def test_one_message_a_second_to_a_chat_and_thirty_a_second_per_bot():
    cache.clear()
    assert send_slot_wait(1, 10, now=1000.2) == 0
    assert send_slot_wait(1, 10, now=1000.4) == pytest.approx(0.6)  # same chat, same second
    assert send_slot_wait(1, 10, now=1001.0) == 0  # the next second
    for chat in range(11, 41):
        assert send_slot_wait(1, chat, now=2000.0) == 0
    assert send_slot_wait(1, 99, now=2000.5) == pytest.approx(0.5)  # the 31st this second
    assert send_slot_wait(2, 99, now=2000.5) == 0  # another bot has its own


def test_with_redis_away_messages_go_slower_not_never(settings):
    caches = {"default": {**settings.CACHES["default"], "LOCATION": "redis://127.0.0.1:1/0"}}
    settings.CACHES = caches
    assert send_slot_wait(1, 10) < 0  # go, after a pause


# --- Setting the webhook -------------------------------------------------------------------------


def test_set_webhook_sends_the_secret_token_and_the_updates_we_read(bot, telegram, settings):
    from django.core.management import call_command

    settings.SITE_URL = "https://support.example.com"
    call_command("telegram_set_webhook", "ExchangeHelpBot")
    call = telegram.sent("setWebhook")[0]
    assert call.data["url"] == f"https://support.example.com/channels/telegram/{bot.pk}/webhook"
    assert call.data["secret_token"] == bot.webhook_secret
    assert "message" in call.data["allowed_updates"]
    bot.refresh_from_db()
    assert bot.webhook_set_at is not None


def test_the_token_is_stored_sealed(bot):
    assert TOKEN.encode() not in bytes(bot.token_sealed)
    assert get_user_model().objects.count() >= 0


# --- The admin -----------------------------------------------------------------------------------


def test_an_admin_adds_a_bot_whose_token_is_never_shown_and_registers_its_webhook(
    admin_user, team, telegram, settings
):
    from django.test import Client

    client = Client()
    client.force_login(admin_user)
    add = reverse("admin:tickets_telegrambot_add")
    form = {"username": "@SupportKrBot", "team": team.pk, "mode": "tickets", "enabled": "on"}
    refused = client.post(add, {**form, "token": "not-a-token"})
    assert refused.status_code == 200 and not TelegramBot.objects.exists()
    assert "BotFather" in refused.content.decode()
    assert client.post(add, {**form, "token": TOKEN}).status_code == 302
    bot = TelegramBot.objects.get(username="SupportKrBot")
    assert bot.token_sealed and TOKEN.encode() not in bytes(bot.token_sealed)
    page = client.get(reverse("admin:tickets_telegrambot_change", args=[bot.pk])).content.decode()
    assert TOKEN not in page and bot.webhook_secret not in page
    assert f"/channels/telegram/{bot.pk}/webhook" in page

    settings.SITE_URL = "https://support.example.com"
    changelist = reverse("admin:tickets_telegrambot_changelist")
    client.post(changelist, {"action": "register_webhook", "_selected_action": [bot.pk]})
    call = telegram.sent("setWebhook")[0]
    assert call.token == TOKEN and call.data["secret_token"] == bot.webhook_secret
