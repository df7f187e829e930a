"""A merge of two customers (tickets.identities) moves their chats too."""

from livechat.models import Conversation
from tickets.identities.registry import move_rows, register_customer_mover


def move_chats(source, target, ids: list[int] | None = None) -> list[int]:
    return move_rows(Conversation.objects.all(), source=source, target=target, ids=ids)


def register() -> None:
    register_customer_mover("chats", move_chats)
