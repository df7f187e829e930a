"""The SLA sweep: act once on every warning and breach whose time has come.

Reads only tickets with `next_due <= now` (partial index `ticket_next_due_open`), locking them
with SKIP LOCKED so overlapping sweeps share the work; each step is recorded as a unique
SlaEvent row, so a step is never acted on twice, even by a sweep that died half-way and re-ran.
"""

from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from tickets import sla
from tickets.models import EscalationRule, SlaEvent, Ticket
from tickets.services import (
    _save,
    agent_notice_enqueue,
    events_record,
    sla_done_steps,
    ticket_bump_priority,
)

SWEEP_BATCH = 1000


def sla_sweep(*, now: datetime | None = None, batch: int = SWEEP_BATCH) -> int:
    """Process the due steps of up to `batch` tickets; returns how many steps were acted on."""
    now = now or timezone.now()
    acted = 0
    with transaction.atomic():
        tickets = (
            Ticket.objects.due_before(now)
            .select_for_update(skip_locked=True, of=("self",))
            .select_related("sla_policy", "team__supervisor", "assignee")
            .order_by("next_due")[:batch]
        )
        for ticket in tickets:
            acted += _sweep_ticket(ticket, now)
    return acted


def _sweep_ticket(ticket: Ticket, now: datetime) -> int:
    done = sla_done_steps(ticket)
    acted, fields = 0, ["next_due"]
    for step in sla.steps(ticket):
        if step.at > now or step.key in done:
            continue
        if not _record_once(ticket, step):
            continue
        done.add(step.key)
        acted += 1
        if step.kind == SlaEvent.Kind.BREACH:
            fields += ticket_escalate(ticket=ticket, target=step.target, due=step.due)
        elif step.due > now:  # a warning overtaken by its breach is recorded, not sent
            _notify(ticket, reason=f"sla_warning_{step.target}", step=step)
    ticket.next_due = sla.next_due(ticket, done)
    _save(ticket, fields)
    return acted


def _record_once(ticket: Ticket, step: sla.Step) -> bool:
    try:
        with transaction.atomic():
            SlaEvent.objects.create(
                ticket=ticket, target=step.target, kind=step.kind, due_at=step.due
            )
    except IntegrityError:
        return False
    return True


def ticket_escalate(*, ticket: Ticket, target: str, due: datetime) -> list[str]:
    """A breach of `target`: raise the escalation level, apply the matching rule, notify.

    The ticket is locked by the caller; changes are made in memory and the fields returned.
    Bumping the priority here does not recompute the due times (that would breach again at once).
    """
    fields = ["escalation_level"]
    changes = [("escalation_level", ticket.escalation_level, ticket.escalation_level + 1)]
    ticket.escalation_level += 1
    rule = _escalation_rule(ticket, target)
    if rule and rule.bump_priority and (higher := ticket_bump_priority(ticket)):
        changes.append(("priority", ticket.priority, higher))
        ticket.priority = higher
        fields.append("priority")
    old_team = ticket.team
    if rule and rule.move_to_team_id and ticket.team_id != rule.move_to_team_id:
        changes.append(("team", ticket.team, rule.move_to_team))
        ticket.team = rule.move_to_team
        fields.append("team")
    events_record(ticket=ticket, by=None, changes=[("sla_breach", "", target), *changes])
    step = sla.Step(target, SlaEvent.Kind.BREACH, due, due)
    _notify(ticket, reason=f"sla_breach_{target}", step=step, extra_teams=[old_team])
    return fields


def _escalation_rule(ticket: Ticket, target: str) -> EscalationRule | None:
    rules = EscalationRule.objects.filter(
        Q(sla_policy=ticket.sla_policy_id) | Q(sla_policy__isnull=True),
        Q(target=target) | Q(target=""),
    ).select_related("move_to_team")
    return max(
        rules,
        key=lambda rule: (rule.sla_policy_id is not None, bool(rule.target), -rule.pk),
        default=None,
    )


def _notify(ticket: Ticket, *, reason: str, step: sla.Step, extra_teams=()) -> None:
    """The assignee and the supervisors of the ticket's team(s), once per step."""
    people = {ticket.assignee} if ticket.assignee else set()
    for team in {ticket.team, *extra_teams} - {None}:
        if team.supervisor:
            people.add(team.supervisor)
    for person in people:
        agent_notice_enqueue(
            ticket=ticket,
            user=person,
            reason=reason,
            dedupe_key=f"sla:{ticket.pk}:{step.target}:{step.kind}:{step.due.isoformat()}:{person.pk}",
        )
