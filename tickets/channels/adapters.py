"""The channel adapter interface and its registry (docs/channels.md, "The adapter interface").

A provider's module (tickets/channels/telegram.py, …) does four things and nothing else:
verify a webhook request, turn a stored raw payload into an inbound message for intake, send a
reply through its outbox, and fetch a file. The generic webhook (tickets/channels/webhooks.py)
and the agent's reply (tickets.services.ticket_reply) find it here by its channel name.

Live chat is an app above tickets: where a provider can hand a customer to the live-chat queue,
livechat registers a `ChatBridge` for it in its AppConfig.ready(); tickets never imports it.
"""

from collections.abc import Iterable, Sequence
from typing import Protocol

from django.http import HttpRequest

from tickets.models import Message, RawInbound, Ticket


class ChannelAdapter(Protocol):
    channel: str  # a tickets.models.Channel value, also the webhook URL's <provider>

    def account(self, account_id: str) -> object | None:
        """The enabled account (bot, page) the webhook URL names, or None."""

    def verify(self, request: HttpRequest, account: object) -> bool:
        """Whether the request carries the account's secret or signature (constant-time)."""

    def key(self, account: object, body: bytes) -> str | None:
        """The payload's unique key for this account (a retry has the same), None: malformed."""

    temporary: tuple[type[Exception], ...]  # failures worth a retry (the provider is away)

    def prepare(self, stored: RawInbound, payload: bytes) -> object:
        """The network work a payload needs before it is stored (its files fetched), done
        outside any transaction; raises one of `temporary` to be tried again later."""

    def process(
        self, stored: RawInbound, payload: bytes, prepared: object
    ) -> tuple[Ticket | None, str]:
        """Turn the payload into intake's inbound message (or nothing), inside the raw row's
        lock: (its ticket, a note for the raw row such as why it was ignored)."""

    def reply_enqueue(self, message: Message) -> bool:
        """Write an agent's public reply to the provider's outbox, in the caller's transaction;
        False when the ticket cannot be answered there (then it is emailed)."""

    def send_text(
        self, conversation_key: str, *, key: str, text: str, files: Sequence[dict] = ()
    ) -> None:
        """Write a message of ours to a channel conversation's outbox, once per `key` (live
        chat's relay), in the caller's transaction; `files` ({"name": storage name,
        "filename", "content_type"}) are sent after the text where the provider takes files."""

    def deliveries(self, messages: Iterable[Message]) -> dict[int, str]:
        """The delivery state (tickets.channels.email_outbound.DeliveryState) of each reply."""

    # Optional, looked up by the webhook (docs/channels.md, "The adapter interface"):
    # `challenge(request, account)` answers a provider's GET check of the URL;
    # `accepted(account, *, body, repeated)` is the provider's own answer for a stored body;
    # `unauthorized()` is its own refusal (a WebhookRefused) of a request it cannot trust; and
    # `verify` may raise WebhookRefused for a refusal with its own status and code.
    # Optional: `delivery_reasons(messages)`, why each failed reply failed (for the agent);
    # `reply_notices(ticket)`, what the agent must know before answering on the channel
    # (which files it carries, Meta's messaging window).


class ChatBridge(Protocol):
    """How live chat takes a channel's customer into its queue (registered by livechat)."""

    def customer_message(
        self,
        *,
        channel: str,
        conversation_key: str,
        customer,
        text: str,
        language: str,
        team_id: int | None,
        attachments: tuple,
        message_key: str,
    ) -> object:
        """Post the customer's message to their open chat, opening one in the queue if none.
        `attachments` (tickets.intake.InboundAttachment) are already checked by tickets' rules
        (tickets/files.py), their names and text contents through the redaction gate."""


_adapters: dict[str, ChannelAdapter] = {}
_chat_bridges: dict[str, ChatBridge] = {}


def register_adapter(adapter: ChannelAdapter) -> None:
    _adapters[adapter.channel] = adapter


def adapter_for(channel: str) -> ChannelAdapter | None:
    return _adapters.get(channel)


def adapters() -> list[ChannelAdapter]:
    return [adapter for _name, adapter in sorted(_adapters.items())]


def channel_reply_notices(ticket: Ticket) -> list[str]:
    """What the console tells the agent above the reply box of a ticket from a chat channel."""
    adapter = adapter_for(ticket.channel)
    if adapter is None or not hasattr(adapter, "reply_notices"):
        return []
    return adapter.reply_notices(ticket)


def register_chat_bridge(channel: str, bridge: ChatBridge) -> None:
    _chat_bridges[channel] = bridge


def chat_bridge(channel: str) -> ChatBridge | None:
    return _chat_bridges.get(channel)
