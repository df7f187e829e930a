"""Chat: every agent reply carries a verification code in the customer's language; a customer
who says "support" reached them elsewhere, or pastes a look-alike link, gets one automatic
safety notice, which the agent sees in the chat too."""

import pytest

from livechat import handoff, messages
from livechat.models import ChatMessage, ConversationEvent, SenderKind
from support.official.models import OfficialChannel, VerificationCode
from support.official.services import verification_code_find
from tests.livechat.test_offers import _routed, queued_chat  # noqa: F401 - _routed is autouse

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def official(db):
    OfficialChannel.objects.create(kind="domain", value="exchange.example")


def notices(chat) -> list[str]:
    return list(
        ChatMessage.objects.filter(
            conversation=chat, sender=SenderKind.SYSTEM, body__startswith="Safety notice"
        ).values_list("body", flat=True)
    )


def test_an_agent_reply_ends_with_a_code_the_verification_page_knows(agent):
    chat = queued_chat()
    handoff.conversation_accept(conversation_id=chat.pk, agent=agent)

    posted = messages.conversation_post_agent_message(
        conversation_id=chat.pk, agent=agent, client_id="a-1", text="Your deposit arrived."
    )

    body = posted.messages[0].body
    code = VerificationCode.objects.get(source=f"chat:{chat.pk}:a-1")
    assert body == (
        "Your deposit arrived.\n\nVerify this message at "
        f"http://localhost:8000/en/help/verify/: code {code.code[:4]}-{code.code[4:]}"
    )
    assert code.channel == "chat"
    assert verification_code_find(code.code) == code


def test_the_same_client_id_sent_again_keeps_one_message_and_one_code(agent):
    chat = queued_chat()
    handoff.conversation_accept(conversation_id=chat.pk, agent=agent)

    for _ in range(2):
        messages.conversation_post_agent_message(
            conversation_id=chat.pk, agent=agent, client_id="a-1", text="Hello"
        )

    assert ChatMessage.objects.filter(conversation=chat, sender=SenderKind.AGENT).count() == 1
    assert VerificationCode.objects.count() == 1


def test_an_internal_note_carries_no_code(agent):
    chat = queued_chat()
    handoff.conversation_accept(conversation_id=chat.pk, agent=agent)

    posted = messages.conversation_post_agent_message(
        conversation_id=chat.pk, agent=agent, client_id="n-1", text="VIP", internal=True
    )

    assert posted.messages[0].body == "VIP"
    assert VerificationCode.objects.count() == 0


def test_a_korean_chat_gets_the_line_in_korean(agent):
    chat = queued_chat()
    chat.language = "ko"
    chat.save(update_fields=["language"])
    handoff.conversation_accept(conversation_id=chat.pk, agent=agent)

    posted = messages.conversation_post_agent_message(
        conversation_id=chat.pk, agent=agent, client_id="a-1", text="확인했습니다."
    )

    assert "/ko/help/verify/" in posted.messages[0].body
    assert "Verify this message" not in posted.messages[0].body


def test_being_contacted_on_telegram_brings_one_safety_notice(official):
    chat = queued_chat()

    messages.conversation_post_customer_message(
        conversation_id=chat.pk,
        client_id="c-2",
        text="Someone from support messaged me on Telegram about my withdrawal",
    )
    messages.conversation_post_customer_message(
        conversation_id=chat.pk, client_id="c-3", text="The admin also called me on WhatsApp"
    )

    [notice] = notices(chat)
    assert "http://localhost:8000/en/help/verify/" in notice
    assert (
        ConversationEvent.objects.filter(conversation=chat, kind="impersonation_suspected").count()
        == 1
    )


def test_a_lookalike_link_in_the_chat_brings_the_notice(official):
    chat = queued_chat()

    messages.conversation_post_customer_message(
        conversation_id=chat.pk, client_id="c-2", text="is exchange-help.example/login yours?"
    )

    assert len(notices(chat)) == 1


def test_an_ordinary_chat_gets_no_notice(official):
    chat = queued_chat()

    messages.conversation_post_customer_message(
        conversation_id=chat.pk,
        client_id="c-2",
        text="Your support team helped me on the website chat yesterday, thanks",
    )

    assert notices(chat) == []
