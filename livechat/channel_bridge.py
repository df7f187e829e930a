"""Live chat for customers on a messaging channel (docs/channels.md, "Telegram, live-chat
mode"): tickets' adapter hands us each message of a bot in live-chat mode (the `ChatBridge`
registered in LivechatConfig.ready()); the customer's first message opens a chat straight in
the team's queue (no bot turn: they came to talk to a person), the next ones join it. Their
files (checked and gated by the adapter, like a ticket's) become messages with attachments, as
the widget's do. What agents, the bot and the system say there goes back to the channel
(livechat/channel_relay.py).
"""

from django.db import IntegrityError, transaction
from django.db.models import Max

from livechat import notify, publish, texts
from livechat.attachments import Upload, conversation_attach
from livechat.channel_models import ChannelChat
from livechat.handoff import conversation_queue
from livechat.messages import conversation_post_customer_message, is_security_incident
from livechat.models import Conversation, HandoffReason, SenderKind, Status
from livechat.services import Posted, conversation_lock, store_message
from livechat.start import conversation_start


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
        refused: tuple = (),
        message_key: str = "",
    ) -> Conversation:
        """Post the customer's text (if any), then each file as a message of its own, in the
        caller's transaction: all of it or, when anything fails, none."""
        link = _open_link(channel, conversation_key)
        if link is None:
            link = _open_chat(channel, conversation_key, customer, language, text)
        posts = []
        if text.strip():
            posts.append(
                conversation_post_customer_message(
                    conversation_id=link.conversation_id, client_id=message_key[:64], text=text
                )
            )
        for index, file in enumerate(attachments):
            upload = Upload(name=file.name, content=file.content, content_type=file.content_type)
            posts.append(
                conversation_attach(
                    conversation_id=link.conversation_id,
                    sender=SenderKind.CUSTOMER,
                    author=None,
                    client_id=f"{message_key[:56]}:file:{index}",
                    upload=upload,
                )
            )
        if refused:
            posts.append(_refused_note(link.conversation_id, language, refused))
        transaction.on_commit(lambda: _broadcast(posts))
        return posts[-1].conversation if posts else link.conversation


def _refused_note(conversation_id: int, language: str, refused: tuple) -> Posted:
    """An internal note for the agents (never relayed): the files the channel's customer sent
    that we did not take, and why, as a ticket's message lists its dropped files."""
    conversation = conversation_lock(conversation_id)
    lines = [texts.file_refused(language, name=name, why=why) for name, why in refused]
    note = store_message(conversation, SenderKind.SYSTEM, "\n".join(lines), internal=True)
    return Posted(conversation=conversation, messages=[note])


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
    try:
        with transaction.atomic():  # the chat and its link, or neither
            conversation = conversation_start(
                customer=customer, language=language, category="general"
            )
            greeting = conversation.messages.aggregate(last=Max("id"))["last"] or 0
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


def _broadcast(posts: list[Posted]) -> None:
    for posted in posts:
        notify.broadcast(publish.publish(posted))
