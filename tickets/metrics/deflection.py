"""Contacts we never had to handle: help-center searches and bot answers that ended without a
ticket (docs/metrics.md). The rows are the help center's and live chat's, which tickets does
not import: each app registers its provider (support.registry.register_metric)."""

from support.registry import metric
from tickets.metrics.base import pct
from tickets.metrics.scope import Scope


def deflection(scope: Scope) -> dict:
    """{"searches", "bot_answers", "ended_without_ticket", "rate"}: help-center searches of
    the period; chats the bot answered; contact-form suggestions after which the customer did
    not submit plus bot-answered chats that ended without a handoff or ticket; rate = those ÷
    (contact-form suggestions + bot-answered chats)."""
    help_center = metric("helpcenter.deflection", scope) or {}
    chats = metric("livechat.deflection", scope) or {}
    ended = help_center.get("deflected", 0) + chats.get("ended_without_ticket", 0)
    chances = help_center.get("suggested", 0) + chats.get("bot_answers", 0)
    return {
        "searches": help_center.get("searches", 0),
        "bot_answers": chats.get("bot_answers", 0),
        "ended_without_ticket": ended,
        "rate": pct(ended, chances),
    }


def top_unanswered_searches(scope: Scope, limit: int = 10) -> list[dict]:
    """The searches of the period with no result or no good one, grouped by their normalised
    text, most frequent first: [{"query", "count"}]."""
    return metric("helpcenter.unanswered_searches", scope, limit=limit) or []
