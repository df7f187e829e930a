"""Telegram in live-chat mode, end to end: updates written from the Bot API's documentation
posted to the webhook and read by the worker's code; agents answer through the live-chat
services the console calls; Telegram's servers are the local fake (the only thing mocked)."""

import pytest
from django.test import Client

from livechat.attachments import Upload, conversation_attach
from livechat.channel_relay import channel_chats_relay
from livechat.ending import conversation_end
from livechat.handoff import conversation_accept
from livechat.messages import conversation_post_agent_message
from livechat.models import ChatAttachment, ChatMessage, Conversation, SenderKind, Status
from tests.tickets.telegram_server import JPEG, OGG, update
from tickets.models import RawInbound, Ticket
from tickets.telegram_models import TelegramBot, TelegramOutbox

CHAT = 601234568
SEED = (
    "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about"
)


@pytest.fixture
def live_bot(bot) -> TelegramBot:
    TelegramBot.objects.filter(pk=bot.pk).update(mode=TelegramBot.Mode.LIVE_CHAT)
    bot.mode = TelegramBot.Mode.LIVE_CHAT
    return bot


@pytest.fixture
def chat(live_bot, deliver, agent, django_capture_on_commit_callbacks) -> Conversation:
    """The customer wrote; `agent` took the chat from the queue (what the console's accept
    frame does)."""
    deliver(update("private_text.json"))
    conversation = Conversation.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        conversation_accept(conversation_id=conversation.pk, agent=agent)
    return conversation


def agent_words(telegram) -> list[str]:
    """What reached the customer's chat of an agent's reply (the verification line cut off)."""
    return [text.split("\n\n")[0] for text in telegram.texts_to(CHAT)]


# --- Our side reaches Telegram when it commits ---------------------------------------------------


def test_the_customer_waits_in_the_queue_and_is_told_so_in_telegram(live_bot, deliver, telegram):
    deliver(update("private_text.json"))

    conversation = Conversation.objects.get()
    assert conversation.status == Status.QUEUED
    assert conversation.customer.username == f"telegram:{CHAT}"
    said = conversation.messages.get(sender=SenderKind.CUSTOMER)
    assert said.body.startswith("My BTC withdrawal")
    assert not Ticket.objects.exists()
    told = telegram.texts_to(CHAT)  # what happens next, not the widget's greeting
    assert told and all("My BTC" not in text for text in told)


def test_an_agents_reply_reaches_telegram_when_it_commits_without_the_sweep(
    chat, agent, telegram, django_capture_on_commit_callbacks
):
    before = len(telegram.sent())

    with django_capture_on_commit_callbacks(execute=True):
        conversation_post_agent_message(
            conversation_id=chat.pk, agent=agent, client_id="a1", text="Checking now."
        )
        conversation_post_agent_message(
            conversation_id=chat.pk, agent=agent, client_id="a2", text="internal", internal=True
        )

    sent = telegram.sent()[before:]
    assert [text.split("\n\n")[0] for text in (c.data["text"] for c in sent)] == ["Checking now."]
    reply = chat.messages.get(client_message_id="a1")
    assert TelegramOutbox.objects.get(dedupe_key=f"chat:{reply.pk}").sent_at is not None


def test_the_sweep_after_the_relay_queues_nothing_again(
    chat, agent, telegram, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        conversation_post_agent_message(
            conversation_id=chat.pk, agent=agent, client_id="a1", text="Checking now."
        )
    sent = len(telegram.sent())

    with django_capture_on_commit_callbacks(execute=True):
        assert channel_chats_relay() == 0

    assert len(telegram.sent()) == sent
    assert agent_words(telegram).count("Checking now.") == 1


def test_a_relay_lost_after_the_commit_is_sent_once_by_the_sweep(
    chat, agent, telegram, django_capture_on_commit_callbacks
):
    """The process died between the commit and its relay (no callbacks run here): nothing
    reached Telegram, and the sweep sends it, once."""
    conversation_post_agent_message(
        conversation_id=chat.pk, agent=agent, client_id="a1", text="Checking now."
    )
    assert "Checking now." not in agent_words(telegram)

    with django_capture_on_commit_callbacks(execute=True):
        assert channel_chats_relay() == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert channel_chats_relay() == 0

    assert agent_words(telegram).count("Checking now.") == 1


def test_the_end_of_the_chat_reaches_telegram_and_the_next_message_opens_a_new_chat(
    chat, agent, deliver, telegram, django_capture_on_commit_callbacks
):
    before = len(telegram.texts_to(CHAT))
    last = chat.messages.last().pk

    with django_capture_on_commit_callbacks(execute=True):
        conversation_end(conversation_id=chat.pk, by=agent)

    said = list(chat.messages.filter(pk__gt=last).values_list("body", flat=True))
    assert said and telegram.texts_to(CHAT)[before:] == said
    again = update("private_text.json", update_id=845000200)
    again["message"].update(message_id=30, text="One more question.")
    deliver(again)
    assert Conversation.objects.count() == 2
    assert Conversation.objects.first().messages.filter(body="One more question.").exists()


def test_an_agents_file_is_sent_to_telegram_as_a_document(
    chat, agent, telegram, django_capture_on_commit_callbacks
):
    pdf = b"%PDF-1.4\n" + b"1" * 300

    with django_capture_on_commit_callbacks(execute=True):
        conversation_attach(
            conversation_id=chat.pk,
            sender=SenderKind.AGENT,
            author=agent,
            client_id="f1",
            upload=Upload(name="fee-schedule.pdf", content=pdf),
        )

    document = telegram.sent("sendDocument")[0]
    assert int(document.data["chat_id"]) == CHAT
    assert document.files["document"] == ("fee-schedule.pdf", pdf)
    assert "fee-schedule.pdf" not in telegram.texts_to(CHAT)  # the file, not its name as text


# --- The customer's files ------------------------------------------------------------------------


def test_a_photo_with_its_caption_reaches_the_agent_as_a_chat_attachment(
    chat, agent, deliver, telegram
):
    telegram.files["AgACAgIAAxkBAAIBQ2VwPhotoLarge"] = JPEG

    deliver(update("photo_caption.json"))

    said = chat.messages.filter(sender=SenderKind.CUSTOMER).order_by("pk")
    assert [m.body for m in said][1:] == [
        "Screenshot of the withdrawal screen",
        "photo-AQADlarge.jpg",
    ]
    attachment = ChatAttachment.objects.get()
    assert (attachment.message, attachment.content_type) == (said.last(), "image/jpeg")
    assert (attachment.name, attachment.size) == ("photo-AQADlarge.jpg", len(JPEG))
    console = Client()
    console.force_login(agent)
    download = console.get(f"/api/v1/livechat/attachments/{attachment.pk}/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == JPEG
    assert not Ticket.objects.exists()


def test_a_voice_note_opens_the_chat_and_a_document_joins_it_as_attachments(
    live_bot, deliver, telegram
):
    telegram.files["AwACAgIAAxkBAAIBRmVwVoiceNote"] = OGG
    telegram.files["BQACAgIAAxkBAAIBRGVwDocument"] = b"%PDF-1.4\n" + b"0" * 100

    deliver(update("voice.json"))
    deliver(update("document.json"))

    conversation = Conversation.objects.get()
    assert conversation.status == Status.QUEUED
    said = conversation.messages.filter(sender=SenderKind.CUSTOMER).order_by("pk")
    assert [m.body for m in said] == [
        "voice-AgADvoice.ogg",
        "Statement for the deposit",  # the caption, then its file
        "bank-statement.pdf",
    ]
    kinds = dict(ChatAttachment.objects.values_list("name", "content_type"))
    assert kinds == {"voice-AgADvoice.ogg": "audio/ogg", "bank-statement.pdf": "application/pdf"}


def test_a_50_mb_file_is_refused_in_the_customers_language_and_nothing_is_written(
    live_bot, deliver, telegram
):
    body = update("document_large.json")
    body["message"]["from"]["language_code"] = "ko"

    deliver(body)

    assert not telegram.sent("getFile") and not telegram.downloads  # never fetched
    told = telegram.texts_to(CHAT)
    assert len(told) == 1
    assert "screen-recording.mp4" in told[0] and "파일" in told[0] and "10 MB" in told[0]
    assert not Conversation.objects.exists() and not ChatAttachment.objects.exists()


def test_a_file_of_a_type_we_do_not_take_is_refused_and_the_text_still_reaches_the_chat(
    chat, deliver, telegram
):
    body = update("document.json")
    body["message"]["document"].update(file_name="setup.exe", mime_type="application/x-msdownload")
    body["message"]["caption"] = "Here is the app I installed"
    telegram.files["BQACAgIAAxkBAAIBRGVwDocument"] = b"MZ\x90\x00" + b"\x00" * 100
    before = len(telegram.texts_to(CHAT))

    deliver(body)

    told = telegram.texts_to(CHAT)[before:]
    assert len(told) == 1 and "setup.exe" in told[0]
    assert chat.messages.filter(body="Here is the app I installed").exists()
    assert not ChatAttachment.objects.exists()
    note = chat.messages.get(internal=True)  # the agent sees what was not taken, and why
    assert note.sender == SenderKind.SYSTEM and "setup.exe" in note.body and "type" in note.body
    assert all("not accepted" not in text for text in telegram.texts_to(CHAT))  # never relayed


def test_a_seed_phrase_in_a_text_file_is_removed_and_the_customer_warned(chat, deliver, telegram):
    """G5: a secret inside a .txt attachment is redacted before it is stored."""
    body = update("document.json")
    body["message"]["document"].update(file_name="notes.txt", mime_type="text/plain")
    telegram.files["BQACAgIAAxkBAAIBRGVwDocument"] = f"my wallet words: {SEED}\n".encode()
    before = len(telegram.texts_to(CHAT))

    deliver(body)

    attachment = ChatAttachment.objects.get()
    content = attachment.file.open("rb").read()
    assert b"abandon" not in content and attachment.content_type == "text/plain"
    told = telegram.texts_to(CHAT)[before:]
    assert len(told) == 1 and "seed phrase" in told[0]


def test_telegram_away_while_fetching_a_file_writes_nothing_until_it_is_back(
    chat, deliver, telegram, django_capture_on_commit_callbacks
):
    from tickets.channels.webhooks import webhook_replay

    telegram.files["AgACAgIAAxkBAAIBQ2VwPhotoLarge"] = JPEG
    telegram.down = True
    messages = ChatMessage.objects.count()

    deliver(update("photo_caption.json"))

    stored = RawInbound.objects.get(key__endswith=":845000104")
    assert stored.processed_at is None and stored.error == ""  # the retry's, the sweep's
    assert ChatMessage.objects.count() == messages and not ChatAttachment.objects.exists()
    telegram.down = False
    with django_capture_on_commit_callbacks(execute=True):
        webhook_replay(raw_id=stored.pk)
    assert ChatAttachment.objects.get().size == len(JPEG)
    assert chat.messages.filter(body="Screenshot of the withdrawal screen").count() == 1


def test_a_refused_file_is_noted_for_the_agent_in_the_chats_language(chat, deliver, telegram):
    body = update("document_large.json")
    body["message"]["from"]["language_code"] = "ja"
    body["message"]["caption"] = "画面録画です"
    chat.language = "ja"
    chat.save(update_fields=["language"])

    deliver(body)

    note = chat.messages.get(internal=True)
    assert "screen-recording.mp4" in note.body and "大きすぎる" in note.body
