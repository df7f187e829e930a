"""Who should own a ticket: a team by rules, then an online agent with the language and skill."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Count, F, Max, Q

from support.models import AgentProfile, Team
from support.taxonomy import Category
from tickets.live import ticket_changed
from tickets.models import OPEN_STATUSES, Priority, RoutingRule, Ticket
from tickets.services import events_record, lock_ticket, notify_agent, save_ticket


def is_security_incident(ticket: Ticket) -> bool:
    return ticket.category == Category.SECURITY_INCIDENT and ticket.priority == Priority.URGENT


def team_for(ticket: Ticket) -> Team | None:
    return routed_team(
        category=ticket.category,
        language=ticket.language,
        tier=ticket.tier,
        security=is_security_incident(ticket),
    )


def routed_team(*, category: str, language: str, tier: str = "", security: bool) -> Team | None:
    """The security team for security incidents, else the first matching routing rule. Tickets
    and chats share it."""
    if security:
        team = Team.objects.filter(handles_security=True).order_by("pk").first()
        if team:
            return team
    rules = RoutingRule.objects.select_related("team").filter(
        Q(category=category) | Q(category=""),
        Q(language=language) | Q(language=""),
        Q(tier=tier) | Q(tier=""),
    )
    rule = rules.order_by("position", "id").first()
    return rule.team if rule else None


def available_agents(ticket: Ticket, team: Team):
    """Online agents of `team` speaking the ticket's language, with the skill, under capacity,
    least loaded first (or, for a round-robin team, the one given a ticket longest ago)."""
    profiles = AgentProfile.objects.filter(
        teams=team, presence=AgentProfile.Presence.ONLINE, languages__contains=[ticket.language]
    )
    if ticket.category != Category.GENERAL:
        profiles = profiles.filter(skills__contains=[ticket.category])
    profiles = profiles.annotate(
        load=Count(
            "user__assigned_tickets", filter=Q(user__assigned_tickets__status__in=OPEN_STATUSES)
        ),
        last_given=Max("user__assigned_tickets__id"),
    ).filter(load__lt=F("max_open_tickets"))
    if team.round_robin:
        return profiles.order_by(F("last_given").asc(nulls_first=True), "pk")
    return profiles.order_by("load", "pk")


def agent_for(ticket: Ticket, team: Team) -> AbstractBaseUser | None:
    profile = available_agents(ticket, team).select_related("user").first()
    return profile.user if profile else None


def online_members(team: Team) -> list[AbstractBaseUser]:
    return list(
        get_user_model().objects.filter(
            agent_profile__teams=team, agent_profile__presence=AgentProfile.Presence.ONLINE
        )
    )


def _team(ticket: Ticket) -> Team | None:
    """The team a ticket already has (from the mailbox it reached, a transfer, an escalation)
    stays, but for a security incident; else the routing rules decide."""
    if ticket.team_id and not is_security_incident(ticket):
        return ticket.team
    return team_for(ticket) or ticket.team


def ticket_route(*, ticket_id: int) -> Ticket:
    """Give an unowned ticket a team and, if one is free, an agent; else it waits in the queue.

    Safe to run twice: an assigned ticket is left alone.
    """
    with transaction.atomic():
        ticket = lock_ticket(Ticket.objects.get(pk=ticket_id))
        if ticket.assignee_id or not ticket.is_open:
            return ticket
        team = _team(ticket)
        if team is None:
            return ticket
        agent = None if is_security_incident(ticket) else agent_for(ticket, team)
        changes, fields = [], []
        if ticket.team_id != team.pk:
            changes.append(("team", ticket.team, team))
            ticket.team, fields = team, ["team"]
        if agent is not None:
            changes.append(("assignee", "", agent))
            ticket.assignee = agent
            fields.append("assignee")
        if fields:
            events_record(ticket=ticket, by=None, changes=changes)
            save_ticket(ticket, fields)
            ticket_changed(ticket=ticket, by=None, changes=changes)
        to_notify = online_members(team) if is_security_incident(ticket) else [agent]
        for person in filter(None, to_notify):
            transaction.on_commit(
                lambda pk=person.pk: notify_agent(ticket_id=ticket.pk, user_id=pk, reason="routed")
            )
    return ticket
