"""A seed phrase typed into the chat — whole, or split over a customer's consecutive messages —
is removed before it is stored, broadcast or searched, and the earlier parts are removed too:
from the stored messages, the bot's search records, the agents' summary, the chat's ticket and
the transcript email; open clients replace the text, and the customer is warned once. The
database is read back afterwards. Phrases are real BIP39 phrases (valid checksums) made by the
`mnemonic` package from fixed entropy, so every run sees the same ones."""

import logging
import random
import re

import pytest
from asgiref.sync import async_to_sync
from django.core.files.uploadedfile import SimpleUploadedFile
from mnemonic import Mnemonic
from rest_framework.test import APIClient

from helpcenter.models import SearchRecord
from livechat.models import ChatMessage, Conversation
from livechat.selectors import guest_token
from support.models import OutboxEmail
from tests.conftest import ensure_roles
from tests.livechat.conftest import (
    agent_socket,
    customer_socket,
    of_type,
    receive_until,
    session_cookie,
    start_guest_chat,
)
from tickets.models import Message, Ticket

pytestmark = pytest.mark.django_db(transaction=True)

MARKER = "[seed phrase removed]"
NOTICE = "For your safety we removed a secret from your message."
# Words of the markers in every language ("seed", "phrase"... and 助记词已移除): a phrase using
# one would make "no word of the phrase remains" ambiguous.
MARKER_TEXT = "[seed phrase removed] [private key removed] [password removed] [助记词已移除]"


@pytest.fixture(autouse=True)
def _roles():
    ensure_roles()


def phrase(seed: int, *, language: str = "english", words: int = 12) -> list[str]:
    """A real BIP39 phrase, the same for the same seed; none of its words in a marker."""
    for attempt in range(seed * 100, seed * 100 + 100):
        entropy = random.Random(attempt).randbytes(words * 4 // 3)
        found = Mnemonic(language).to_mnemonic(entropy).split(" ")
        if not any(word in MARKER_TEXT for word in found):
            return found
    raise AssertionError("no phrase without marker words")


def tokens(text: str) -> set[str]:
    return set(re.findall(r"\w+", text.lower()))


def customer_lines(transcript: str) -> str:
    """What the customer wrote, as a transcript quotes it ("[time] You: …")."""
    return "\n".join(re.findall(r"\] You: (.*)", transcript))


def assert_gone(words: list[str], chat: Conversation) -> None:
    """No word of the phrase in anything the chat left in the database, and no two of its
    words side by side anywhere."""
    chat.refresh_from_db()
    customer = ChatMessage.objects.filter(conversation=chat, sender="customer")
    stored = {
        "messages": " ".join(customer.values_list("body", flat=True)),
        "searches": " ".join(
            f"{query} {normalized}"
            for query, normalized in SearchRecord.objects.values_list("query", "normalized_query")
        ),
        "summary": chat.bot_summary,
    }
    everything = dict(stored)
    ticket = Ticket.objects.filter(reference=chat.ticket_reference).first()
    if ticket is not None:
        bodies = " ".join(Message.objects.filter(ticket=ticket).values_list("body", flat=True))
        stored["ticket"] = customer_lines(bodies)
        everything["ticket"] = f"{ticket.subject} {bodies}"
    email = OutboxEmail.objects.filter(dedupe_key=f"livechat-transcript-{chat.pk}").first()
    if email is not None:
        stored["transcript"] = customer_lines(email.body_text)
        everything["transcript"] = f"{email.subject} {email.body_text} {email.body_html}"
    for where, text in stored.items():
        assert not tokens(text) & set(words), (where, text)
    pairs = [f"{first} {second}" for first, second in zip(words, words[1:], strict=False)]
    for where, text in everything.items():
        assert not [pair for pair in pairs if pair in text], (where, text)


async def say(socket, client_id: str, text: str, *, until=None) -> list[dict]:
    await socket.send_json_to({"type": "message", "client_id": client_id, "text": text})
    return await receive_until(socket, until or of_type("message", sender="bot"), limit=60)


def test_a_phrase_split_over_two_messages_is_removed_from_both_and_everything_made_of_them(
    caplog, agent
):
    """G1: redacted before the database, the broadcast, the search index, the ticket and the
    transcript; the customer is warned once and the earlier part is replaced on screen. (The
    bot hands off to the online agent, so the chat ends as a ticket.)"""
    caplog.set_level(logging.DEBUG)
    words = phrase(1)
    chat = start_guest_chat()

    async def scenario():
        socket = customer_socket(chat)
        assert (await socket.connect())[0]
        first = await say(socket, "c-1", "here you go: " + " ".join(words[:6]))
        second = await say(socket, "c-2", " ".join(words[6:]) + " thanks")
        await socket.send_json_to({"type": "end"})
        await receive_until(socket, of_type("state", status="ended"))
        await socket.disconnect()
        return first, second

    first, second = async_to_sync(scenario)()

    bodies = list(
        ChatMessage.objects.filter(conversation=chat, sender="customer").values_list("body", "pk")
    )
    assert [body for body, _pk in bodies] == [f"here you go: {MARKER}", f"{MARKER} thanks"]
    redacted = [frame for frame in second if frame["type"] == "redacted"]
    assert redacted == [
        {"type": "redacted", "conversation": chat.pk, "id": bodies[0][1], "body": bodies[0][0]}
    ]
    notices = [f for f in first + second if f.get("sender") == "system" and NOTICE in f["body"]]
    assert len(notices) == 1
    assert SearchRecord.objects.filter(source="chat").count() == 2
    assert_gone(words, chat)
    assert Ticket.objects.filter(reference=chat.ticket_reference).exists()
    logged = " ".join(record.getMessage() for record in caplog.records)
    assert not tokens(logged) & set(words)


def test_a_24_word_phrase_in_three_list_messages_reaches_the_agent_removed(agent):
    """The agent following the chat sees each earlier part replaced; numbered, comma-separated
    and one-per-line parts alike."""
    words = phrase(2, words=24)
    parts = [
        " ".join(f"{n}. {word}" for n, word in enumerate(words[:8], 1)),
        ", ".join(words[8:16]),
        "\n".join(words[16:]),
    ]
    chat = start_guest_chat()
    Conversation.objects.filter(pk=chat.pk).update(status="assigned", agent=agent)
    cookie = session_cookie(agent)

    async def scenario():
        socket, console = customer_socket(chat), agent_socket(cookie)
        for client in (socket, console):
            assert (await client.connect())[0]
        await console.send_json_to({"type": "join", "conversation": chat.pk, "after": 0})
        await receive_until(console, of_type("resumed"))
        for number, part in enumerate(parts):
            await say(socket, f"c-{number}", part, until=of_type("ack"))
        seen = await receive_until(console, of_type("message", client_id="c-2"), limit=60)
        for client in (socket, console):
            await client.disconnect()
        return seen

    seen = async_to_sync(scenario)()

    stored = list(
        ChatMessage.objects.filter(conversation=chat, sender="customer").values_list("pk", "body")
    )
    assert [body for _pk, body in stored] == [f"1. {MARKER}", MARKER, MARKER]
    # the first part was stored as typed; the second, with it, made a secret; the third is the
    # rest of the phrase
    replaced = [(frame["id"], frame["body"]) for frame in seen if frame["type"] == "redacted"]
    assert replaced == [stored[0]]
    shown = [frame["body"] for frame in seen if frame.get("sender") == "customer"]
    assert shown[1:] == [MARKER, MARKER]
    assert_gone(words, Conversation.objects.get(pk=chat.pk))


def test_the_agents_summary_loses_the_part_quoted_at_handoff(agent):
    """A part sent to the bot with a request for a person is quoted in the summary the agent
    reads; the part that completes the phrase after the handoff removes it there too."""
    words = phrase(3)
    chat = start_guest_chat()

    async def scenario():
        socket = customer_socket(chat)
        assert (await socket.connect())[0]
        asked = "could I talk to a human please, my wallet words: " + " ".join(words[:6])
        await say(socket, "c-1", asked, until=of_type("state", status="queued"))
        seen = await say(socket, "c-2", " ".join(words[6:]), until=of_type("ack"))
        seen += await receive_until(socket, of_type("message", sender="system"))
        await socket.disconnect()
        return seen

    async_to_sync(scenario)()

    chat.refresh_from_db()
    assert (
        "Customer: could I talk to a human please, my wallet words: " + MARKER in chat.bot_summary
    )
    assert_gone(words, chat)


def test_leaving_a_message_that_completes_a_phrase(settings):
    """No agent online: the message left (which ends the chat as a ticket) completes the
    phrase; the ticket and the transcript are made from the redacted messages."""
    words = phrase(4)
    chat = start_guest_chat()
    Conversation.objects.filter(pk=chat.pk).update(status="queued")

    async def scenario():
        socket = customer_socket(chat)
        assert (await socket.connect())[0]
        await say(socket, "c-1", " ".join(words[:5]), until=of_type("ack"))
        await socket.send_json_to(
            {"type": "leave_message", "client_id": "c-2", "text": " ".join(words[5:])}
        )
        seen = await receive_until(socket, of_type("state", status="ended"))
        await socket.disconnect()
        return seen

    seen = async_to_sync(scenario)()

    assert [frame["type"] for frame in seen].count("redacted") == 1
    chat.refresh_from_db()
    assert chat.ticket_reference
    assert OutboxEmail.objects.filter(dedupe_key=f"livechat-transcript-{chat.pk}").exists()
    assert_gone(words, chat)


def test_a_chinese_phrase_split_in_a_chinese_chat(agent):
    """The bot hands off to the online agent after its second failure."""
    words = phrase(5, language="chinese_simplified")
    chat = start_guest_chat(language="zh-hans")

    async def scenario():
        socket = customer_socket(chat)
        assert (await socket.connect())[0]
        await say(socket, "c-1", "助记词 " + " ".join(words[:6]))
        await say(socket, "c-2", " ".join(words[6:]))
        await socket.disconnect()

    async_to_sync(scenario)()

    bodies = "".join(
        ChatMessage.objects.filter(conversation=chat, sender="customer").values_list(
            "body", flat=True
        )
    )
    assert all(word not in bodies for word in words)
    searched = "".join(SearchRecord.objects.values_list("query", flat=True))
    assert all(word not in searched for word in words)


def test_an_ordinary_conversation_is_stored_as_written():
    """G7: a customer's ordinary messages, judged together, stay exactly as typed."""
    messages = [
        "hello I sent some money to my account yesterday",
        "it has not arrived and I am worried about it",
        "can you please check the status of the transfer for me",
    ]
    chat = start_guest_chat()

    async def scenario():
        socket = customer_socket(chat)
        assert (await socket.connect())[0]
        seen = []
        for number, text in enumerate(messages):
            seen += await say(socket, f"c-{number}", text, until=of_type("ack"))
        await socket.send_json_to({"type": "resume", "after": 0})
        seen += await receive_until(socket, of_type("resumed"), limit=60)
        await socket.disconnect()
        return seen

    seen = async_to_sync(scenario)()

    stored = ChatMessage.objects.filter(conversation=chat, sender="customer").order_by("id")
    assert list(stored.values_list("body", flat=True)) == messages
    assert not [frame for frame in seen if frame["type"] == "redacted"]
    assert not [frame for frame in seen if NOTICE in frame.get("body", "")]


def test_a_phrase_spelled_into_a_file_name_is_removed(settings, tmp_path):
    """G1 for files: the name a customer gives a file passes the gate too."""
    settings.MEDIA_ROOT = tmp_path
    words = phrase(6)
    chat = start_guest_chat()
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64

    response = APIClient().post(
        f"/api/v1/livechat/conversations/{chat.pk}/attachments/",
        {
            "file": SimpleUploadedFile("_".join(words) + ".png", png),
            "client_id": "f-1",
            "token": guest_token(chat),
        },
    )

    assert response.status_code == 201
    message = ChatMessage.objects.get(pk=response.json()["id"])
    names = f"{message.body} {message.attachments.get().name}"
    assert not tokens(names.replace("_", " ")) & set(words)


@pytest.mark.parametrize("split", [False, True], ids=["one message", "two messages"])
def test_a_phrase_followed_by_a_wordlist_word_keeps_none_of_its_words(split):
    """ "[seed phrase removed] physical" must not hold the phrase's last word: a wordlist word
    after the phrase stays, the whole phrase goes."""
    words = phrase(7)
    assert "physical" not in words
    chat = start_guest_chat()
    parts = [" ".join(words[:6]), " ".join(words[6:]) + " physical"]
    messages = parts if split else [" ".join(parts)]

    async def scenario():
        socket = customer_socket(chat)
        assert (await socket.connect())[0]
        for number, text in enumerate(messages):
            await say(socket, f"c-{number}", text, until=of_type("ack"))
        await socket.disconnect()

    async_to_sync(scenario)()

    stored = ChatMessage.objects.filter(conversation=chat, sender="customer").order_by("id")
    last = list(stored.values_list("body", flat=True))[-1]
    assert last == f"{MARKER} physical" if not split else last.startswith(MARKER)
    assert_gone(words, chat)
