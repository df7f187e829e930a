"""Our side of a chat relayed to the messaging channel its customer writes from (Telegram in
live-chat mode; docs/channels.md, "Live-chat mode").

Every message of ours that is not an internal note — an agent's reply, the bot's, the system's
(joined, transferred, ended) — is relayed right after the transaction that stored it commits
(`chat_relay_on_commit`, called by the functions that store messages, livechat.services). The
relay writes one row per message to the channel's outbox (its key `chat:<message id>` makes
it once) and moves the chat's `relayed_up_to` in the same transaction, under the link's row
lock; the outbox sends it. `channel_chats_relay` (beat, every 5 s) is the safety net for a
relay lost between the commit and its callback (a worker killed, the database away): it finds
only the messages past `relayed_up_to`, so nothing is queued twice.
"""

from django.db import transaction
from django.db.models import F

from livechat.channel_models import ChannelChat
from livechat.models import ChatMessage, Conversation, SenderKind, Status
from tickets.channels.adapters import adapter_for

RELAY_BATCH = 200
OUR_SIDE = (SenderKind.AGENT, SenderKind.BOT, SenderKind.SYSTEM)


def chat_relay_on_commit(message: ChatMessage) -> None:
    """Relay `message` to the chat's channel once the caller's transaction commits; nothing
    for the customer's own messages and internal notes. A relay that fails is logged and left
    to the sweep: the message is stored, the agent is not told of an error."""
    if message.sender not in OUR_SIDE or message.internal:
        return
    conversation_id = message.conversation_id
    transaction.on_commit(lambda: _relay_now(conversation_id), robust=True)


def _relay_now(conversation_id: int) -> None:
    if ChannelChat.objects.filter(conversation_id=conversation_id).exists():  # widget: no more
        channel_chat_relay(conversation_id=conversation_id, wait=True)


def channel_chat_relay(*, conversation_id: int, wait: bool = False) -> int:
    """Write our side's messages not relayed yet of one chat to its channel's outbox, once
    each; how many. `wait`: for the link's row lock (the relay after a commit, so that a sweep
    holding it does not make it skip a message); without it a locked link is skipped."""
    with transaction.atomic():
        link = (
            ChannelChat.objects.select_for_update(skip_locked=not wait)
            .filter(conversation_id=conversation_id)
            .first()
        )
        if link is None:
            return 0
        messages = list(
            ChatMessage.objects.filter(conversation_id=conversation_id, pk__gt=link.relayed_up_to)
            .filter(sender__in=OUR_SIDE, internal=False)
            .prefetch_related("attachments")
            .order_by("pk")[:RELAY_BATCH]
        )
        adapter = adapter_for(link.channel)
        for message in messages:
            _relay_one(adapter, link, message)
        if messages:
            ChannelChat.objects.filter(pk=link.pk).update(relayed_up_to=messages[-1].pk)
            ended = Conversation.objects.filter(pk=conversation_id, status=Status.ENDED)
            if ended.exists():
                ChannelChat.objects.filter(pk=link.pk).update(open=False)
    return len(messages)


def _relay_one(adapter, link: ChannelChat, message: ChatMessage) -> None:
    """A message with files is sent as its files (its text is their name); any other as text."""
    files = [
        {"name": row.file.name, "filename": row.name, "content_type": row.content_type}
        for row in message.attachments.all()
    ]
    text = "" if files else message.body
    if text.strip() or files:
        adapter.send_text(link.key, key=f"chat:{message.pk}", text=text, files=files)


def channel_chats_relay() -> int:
    """The sweep: every chat of a channel with messages of ours not relayed yet."""
    waiting = (
        ChannelChat.objects.filter(open=True)
        .filter(
            conversation__messages__id__gt=F("relayed_up_to"),
            conversation__messages__sender__in=OUR_SIDE,
            conversation__messages__internal=False,
        )
        .values_list("conversation_id", flat=True)
        .distinct()
    )
    return sum(channel_chat_relay(conversation_id=pk) for pk in waiting)
