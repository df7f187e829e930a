"""Live chat's part of the dashboard's deflection figures (tickets.metrics.deflection),
registered in support.registry: chats the bot answered, and those that ended without a person
or a ticket. A chat the bot handled alone belongs to no team: the scope's languages and
categories apply, its teams and channels do not, and a scope narrowed to one agent has none."""

from django.db.models import Count, Exists, OuterRef, Q

from livechat import bot
from livechat.models import ChatMessage, Conversation, SenderKind, Status


def deflection_figures(scope) -> dict:
    """{"bot_answers": chats ended in the period in which the bot sent an answer,
    "ended_without_ticket": those never queued for a person and with no ticket}."""
    answered = Exists(
        ChatMessage.objects.filter(
            conversation=OuterRef("pk"), sender=SenderKind.BOT, bot_action=bot.ANSWER
        )
    )
    chats = Conversation.objects.filter(
        status=Status.ENDED, ended_at__gte=scope.start, ended_at__lt=scope.end
    ).filter(answered)
    if scope.agent is not None:
        chats = chats.none()
    if scope.languages:
        chats = chats.filter(language__in=scope.languages)
    if scope.categories:
        chats = chats.filter(category__in=scope.categories)
    alone = Q(queued_at__isnull=True, agent__isnull=True, ticket_reference="")
    return chats.aggregate(bot_answers=Count("pk"), ended_without_ticket=Count("pk", filter=alone))
