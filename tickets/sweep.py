"""The SLA sweep: act once on every warning and breach whose time has come.

Pass 1, `sla_sweep`: reads only tickets with `next_due <= now` (partial index
`ticket_next_due_open`), locked with SKIP LOCKED so overlapping sweeps share the work; records
every due step with one `INSERT … ON CONFLICT DO NOTHING RETURNING` into SlaEvent (unique per
ticket, target, kind and due time) and acts only on the rows that insert returned, so a step
is never acted on twice, even by a sweep that died half-way and re-ran. Breaches escalate in
the same transaction (bulk update, bulk events).

Pass 2, `sla_notify_pending`: turns the SlaEvent rows not yet notified into one digest email
per recipient (assignee, team supervisor), in its own transaction, also with SKIP LOCKED.
"""

import hashlib
from collections import defaultdict
from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.db import connection, transaction
from django.utils import timezone

from support.services import outbox_enqueue_email
from tickets import sla
from tickets.live import tickets_swept
from tickets.models import EscalationRule, Event, SlaEvent, Ticket
from tickets.services import console_queue_url, console_url, ticket_bump_priority

SWEEP_BATCH = 1000
NOTIFY_BATCH = 2000
DIGEST_ROWS = 50  # the email lists this many; the breaching queue has the rest
INSERT_STEPS_SQL = """
INSERT INTO tickets_slaevent (ticket_id, target, kind, due_at, created_at, notified_at)
SELECT * FROM unnest(%s::bigint[], %s::varchar[], %s::varchar[], %s::timestamptz[],
                     %s::timestamptz[], %s::timestamptz[])
ON CONFLICT (ticket_id, target, kind, due_at) DO NOTHING
RETURNING ticket_id, target, kind, due_at
"""
UPDATE_SWEPT_SQL = """
UPDATE tickets_ticket AS t
SET next_due = v.next_due, escalation_level = v.escalation_level, priority = v.priority,
    team_id = v.team_id, version = t.version + 1, updated_at = %s
FROM unnest(%s::bigint[], %s::timestamptz[], %s::smallint[], %s::varchar[], %s::bigint[])
     AS v(id, next_due, escalation_level, priority, team_id)
WHERE t.id = v.id
"""


def sla_sweep(*, now: datetime | None = None, batch: int = SWEEP_BATCH) -> int:
    """Act on the due steps of up to `batch` tickets; returns how many steps were recorded."""
    now = now or timezone.now()
    with transaction.atomic():
        tickets = list(
            Ticket.objects.due_before(now)
            .select_for_update(skip_locked=True, of=("self",))
            .select_related("team")
            .order_by("next_due")[:batch]
        )
        if not tickets:
            return 0
        tickets_swept(tickets)
        done = _done_steps(tickets)
        due = [
            (ticket, step)
            for ticket in tickets
            for step in sla.steps(ticket)
            if step.at <= now and step.key not in done[ticket.pk]
        ]
        recorded = _record_once(due, now)
        rules = list(EscalationRule.objects.select_related("move_to_team"))
        events = []
        for ticket, step in due:
            if (ticket.pk, *step.key) not in recorded:
                continue
            done[ticket.pk].add(step.key)
            if step.kind == SlaEvent.Kind.BREACH:
                events += ticket_escalate(ticket=ticket, target=step.target, rules=rules)
        for ticket in tickets:
            ticket.next_due = sla.next_due(ticket, done[ticket.pk])
        _save_swept(tickets, now)
        Event.objects.bulk_create(events)
    return len(recorded)


def _save_swept(tickets: list[Ticket], now: datetime) -> None:
    """One UPDATE … FROM unnest(…) for the whole batch (Django's bulk_update builds a CASE per
    row and column, quadratic in the batch size)."""
    with connection.cursor() as cursor:
        cursor.execute(
            UPDATE_SWEPT_SQL,
            [
                now,
                [t.pk for t in tickets],
                [t.next_due for t in tickets],
                [t.escalation_level for t in tickets],
                [t.priority for t in tickets],
                [t.team_id for t in tickets],
            ],
        )


def _done_steps(tickets: list[Ticket]) -> dict[int, set]:
    done = defaultdict(set)
    rows = SlaEvent.objects.filter(ticket__in=tickets).values_list(
        "ticket_id", "target", "kind", "due_at"
    )
    for ticket_id, target, kind, due_at in rows:
        done[ticket_id].add((target, kind, due_at))
    return done


def _record_once(due: list[tuple[Ticket, sla.Step]], now: datetime) -> set[tuple]:
    """Insert one SlaEvent per step; the returned keys are the steps this sweep owns."""
    if not due:
        return set()
    columns = [[], [], [], [], [], []]
    for ticket, step in due:
        # A warning overtaken by its breach is recorded as already notified: it is not sent.
        silent = step.kind == SlaEvent.Kind.WARNING and step.due <= now
        for column, value in zip(
            columns,
            (ticket.pk, step.target, step.kind, step.due, now, now if silent else None),
            strict=True,
        ):
            column.append(value)
    with connection.cursor() as cursor:
        cursor.execute(INSERT_STEPS_SQL, columns)
        return {tuple(row) for row in cursor.fetchall()}


def ticket_escalate(*, ticket: Ticket, target: str, rules: list[EscalationRule]) -> list[Event]:
    """A breach of `target`: raise the escalation level, apply the matching rule.

    The ticket is locked by the caller, which saves it; returns the events to write.
    Bumping the priority here does not recompute the due times (that would breach again at once).
    """
    changes = [("escalation_level", str(ticket.escalation_level), ticket.escalation_level + 1)]
    ticket.escalation_level += 1
    rule = _escalation_rule(ticket, target, rules)
    if rule and rule.bump_priority and (higher := ticket_bump_priority(ticket)):
        changes.append(("priority", ticket.priority, higher))
        ticket.priority = higher
    if rule and rule.move_to_team_id and ticket.team_id != rule.move_to_team_id:
        changes.append(("team", ticket.team, rule.move_to_team))
        ticket.team = rule.move_to_team
    return [
        Event(ticket=ticket, field=field, before=str(before or ""), after=str(after))
        for field, before, after in [("sla_breach", None, target), *changes]
    ]


def _escalation_rule(
    ticket: Ticket, target: str, rules: list[EscalationRule]
) -> EscalationRule | None:
    """The most specific rule: for this policy before any policy, this target before any."""
    matching = [
        rule
        for rule in rules
        if rule.sla_policy_id in (None, ticket.sla_policy_id) and rule.target in ("", target)
    ]
    return max(
        matching,
        key=lambda rule: (rule.sla_policy_id is not None, bool(rule.target), -rule.pk),
        default=None,
    )


def sla_notify_pending(*, limit: int = NOTIFY_BATCH) -> int:
    """Tell the assignee and the team's supervisor about each recorded, unnotified step: one
    digest email per person per pass, however many of their tickets are due (a surge must not
    bury a supervisor under a thousand emails)."""
    with transaction.atomic():
        steps = list(
            SlaEvent.objects.filter(notified_at__isnull=True)
            .select_for_update(skip_locked=True, of=("self",))
            .select_related("ticket__assignee__agent_profile", "ticket__team__supervisor")
            .order_by("id")[:limit]
        )
        for person, their_steps in _by_recipient(steps).items():
            sla_digest_enqueue(person=person, steps=their_steps)
        SlaEvent.objects.filter(pk__in=[step.pk for step in steps]).update(
            notified_at=timezone.now()
        )
    return len(steps)


def _by_recipient(steps: list[SlaEvent]) -> dict:
    people = {}
    recipients = defaultdict(list)
    for step in steps:
        ticket = step.ticket
        supervisor = ticket.team.supervisor if ticket.team else None
        for person in {ticket.assignee, supervisor} - {None}:
            people[person.pk] = person
            recipients[person.pk].append(step)
    return {people[pk]: recipients[pk] for pk in sorted(recipients)}


def sla_digest_enqueue(*, person: AbstractBaseUser, steps: list[SlaEvent]) -> None:
    """One outbox email listing `steps` (breaches first), inside the caller's transaction; the
    dedupe key names the steps, so a re-run of the same pass sends nothing twice."""
    steps = sorted(steps, key=lambda step: (step.kind != SlaEvent.Kind.BREACH, step.due_at))
    step_ids = ",".join(str(pk) for pk in sorted(step.pk for step in steps))
    profile = getattr(person, "agent_profile", None)
    breaches = sum(step.kind == SlaEvent.Kind.BREACH for step in steps)
    outbox_enqueue_email(
        dedupe_key=f"sla:{person.pk}:{hashlib.sha256(step_ids.encode()).hexdigest()[:32]}",
        to=person.email,
        template="tickets/emails/sla_digest",
        language=profile.preferred_language if profile else "en",
        context={
            "steps": [(step, console_url(step.ticket)) for step in steps[:DIGEST_ROWS]],
            "more": max(0, len(steps) - DIGEST_ROWS),
            "breaches": breaches,
            "warnings": len(steps) - breaches,
            "queue_url": console_queue_url("breaching"),
        },
    )
