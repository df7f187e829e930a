"""Live chat for customers on a messaging channel (docs/channels.md, "Telegram, live-chat
mode"): tickets' adapter hands us each message of a bot in live-chat mode (the `ChatBridge`
registered in LivechatConfig.ready()); the customer's first message opens a chat straight in
the team's queue (no bot turn: they came to talk to a person), the next ones join it, and what
agents, the bot and the system say there is relayed back to the channel through its outbox
(right after each customer message, and by a sweep every few seconds for agents' replies).
"""

from django.db import IntegrityError, transaction
from django.db.models import F, Max

from livechat import notify, publish
from livechat.channel_models import ChannelChat
from livechat.handoff import conversation_queue
from livechat.messages import conversation_post_customer_message, is_security_incident
from livechat.models import ChatMessage, Conversation, HandoffReason, SenderKind, Status
from livechat.services import Posted, conversation_lock
from livechat.start import conversation_start
from tickets.channels.adapters import adapter_for

RELAY_BATCH = 200


class ChannelChatBridge:
    def customer_message(
        self,
        *,
        channel: str,
        conversation_key: str,
        customer,
        text: str,
        language: str,
        team_id: int | None,
        attachments: tuple = (),
        message_key: str = "",
    ) -> Conversation:
        link = _open_link(channel, conversation_key)
        if link is None:
            link = _open_chat(channel, conversation_key, customer, language, text)
        posted = conversation_post_customer_message(
            conversation_id=link.conversation_id, client_id=message_key[:64], text=text
        )
        conversation_id = link.conversation_id
        transaction.on_commit(lambda: _after(posted, conversation_id))
        return posted.conversation


def _open_link(channel: str, key: str) -> ChannelChat | None:
    link = ChannelChat.objects.filter(channel=channel, key=key, open=True).first()
    if link is None:
        return None
    if Conversation.objects.filter(pk=link.conversation_id, status=Status.ENDED).exists():
        ChannelChat.objects.filter(pk=link.pk).update(open=False)
        return None
    return link


def _open_chat(channel, key, customer, language, text) -> ChannelChat:
    """A new chat in the queue; the bot's greeting is not relayed (it is the widget's)."""
    conversation = conversation_start(customer=customer, language=language, category="general")
    greeting = conversation.messages.aggregate(last=Max("id"))["last"] or 0
    try:
        with transaction.atomic():
            link = ChannelChat.objects.create(
                conversation=conversation, channel=channel, key=key, relayed_up_to=greeting
            )
    except IntegrityError:  # the same customer's other message opened it first
        return ChannelChat.objects.get(channel=channel, key=key, open=True)
    with transaction.atomic():
        locked = conversation_lock(conversation.pk)
        queued = Posted(locked)
        conversation_queue(
            queued,
            reason=HandoffReason.ASKED_FOR_HUMAN,
            urgent=is_security_incident(text),
            category=None,
        )
    transaction.on_commit(lambda: notify.broadcast(publish.publish(queued)))
    return link


def _after(posted: Posted, conversation_id: int) -> None:
    notify.broadcast(publish.publish(posted))
    channel_chat_relay(conversation_id=conversation_id)


def channel_chat_relay(*, conversation_id: int) -> int:
    """Send our side's new messages of one chat to its channel, once each; how many."""
    with transaction.atomic():
        link = (
            ChannelChat.objects.select_for_update(skip_locked=True)
            .filter(conversation_id=conversation_id)
            .first()
        )
        if link is None:
            return 0
        messages = list(
            ChatMessage.objects.filter(conversation_id=conversation_id, pk__gt=link.relayed_up_to)
            .exclude(sender=SenderKind.CUSTOMER)
            .filter(internal=False)
            .order_by("pk")[:RELAY_BATCH]
        )
        adapter = adapter_for(link.channel)
        for message in messages:
            if message.body.strip():
                adapter.send_text(link.key, key=f"chat:{message.pk}", text=message.body)
        if messages:
            ChannelChat.objects.filter(pk=link.pk).update(relayed_up_to=messages[-1].pk)
            ended = Conversation.objects.filter(pk=conversation_id, status=Status.ENDED)
            if ended.exists():
                ChannelChat.objects.filter(pk=link.pk).update(open=False)
    return len(messages)


def channel_chats_relay() -> int:
    """The sweep: every chat of a channel with messages of ours not relayed yet."""
    waiting = (
        ChannelChat.objects.filter(open=True)
        .filter(conversation__messages__id__gt=F("relayed_up_to"))
        .values_list("conversation_id", flat=True)
        .distinct()
    )
    return sum(channel_chat_relay(conversation_id=pk) for pk in waiting)
