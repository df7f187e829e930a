"""An agent transfers a chat with a note: the next agent gets the chat and the note, the
customer never sees the note."""

from livechat import messages, transfer
from livechat.models import ChatMessage, Conversation
from tests.livechat.conftest import start_guest_chat


def test_a_transfer_carries_its_note_to_the_next_agent_only(agent, teammate):
    chat = start_guest_chat(email="guest@example.com")
    messages.conversation_post_customer_message(
        conversation_id=chat.pk, client_id="c-1", text="could I talk to a human please"
    )
    Conversation.objects.filter(pk=chat.pk).update(status="assigned", agent=agent)

    transfer.conversation_transfer(
        conversation_id=chat.pk, by=agent, to_agent=teammate, note="Asked twice about fees"
    )

    chat.refresh_from_db()
    assert (chat.agent, chat.transfer_note) == (teammate, "Asked twice about fees")
    note = ChatMessage.objects.get(conversation=chat, body="Asked twice about fees")
    assert (note.internal, note.author) == (True, agent)
    customer_view = ChatMessage.objects.filter(conversation=chat, internal=False)
    assert not customer_view.filter(body__contains="fees").exists()
