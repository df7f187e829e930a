"""A small support floor with known timestamps, for the figures' tests (docs/metrics.md).

Tickets go through the services (intake, reply, transition); their times are then set by
queryset updates. The calendar is 24/7, so business minutes are wall minutes. Hand-computed
figures for the period PERIOD are in test_metrics.py.
"""

from datetime import UTC, datetime, timedelta

from tickets.metrics import rollups
from tickets.models import Event, Message, SlaEvent, SlaTarget, Status, Ticket
from tickets.services import ticket_reply, ticket_transition

START = datetime(2026, 3, 2, tzinfo=UTC)
END = datetime(2026, 3, 5, tzinfo=UTC)


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 3, day, hour, minute, tzinfo=UTC)


def open_ticket(receive, *, created: datetime, team, assignee=None, email="owner@example.com"):
    ticket = receive(customer_email=email, subject=f"Ticket at {created:%d %H:%M}")
    Ticket.objects.filter(pk=ticket.pk).update(
        created_at=created,
        team=team,
        assignee=assignee,
        first_response_due=created + timedelta(minutes=60),
        resolution_due=created + timedelta(minutes=480),
        next_due=None,
    )
    ticket.messages.update(created_at=created)
    Event.objects.filter(ticket=ticket).update(created_at=created)
    ticket.refresh_from_db()
    return ticket


def reply(ticket: Ticket, agent, when: datetime) -> None:
    first = Ticket.objects.get(pk=ticket.pk).first_responded_at is None
    message = ticket_reply(ticket=ticket, author=agent, body="Here is what happened.")
    Message.objects.filter(pk=message.pk).update(created_at=when)
    Event.objects.filter(ticket=ticket, created_at__gt=when).update(created_at=when)
    if first:
        Ticket.objects.filter(pk=ticket.pk).update(first_responded_at=when)


def customer_writes(ticket: Ticket, when: datetime) -> None:
    message = Message.objects.create(
        ticket=ticket, kind=Message.Kind.CUSTOMER, channel=ticket.channel, body="Still waiting."
    )
    Message.objects.filter(pk=message.pk).update(created_at=when)


def move(ticket: Ticket, to: str, by, when: datetime) -> None:
    ticket_transition(ticket=Ticket.objects.get(pk=ticket.pk), to=to, by=by)
    last = Event.objects.filter(ticket=ticket, field="status", after=to).order_by("-id").first()
    Event.objects.filter(pk=last.pk).update(created_at=when)
    if to == Status.SOLVED:
        Ticket.objects.filter(pk=ticket.pk).update(solved_at=when)


def breach(ticket: Ticket, target: str, due: datetime) -> None:
    """The row the SLA sweep writes when a target comes due unmet."""
    SlaEvent.objects.create(
        ticket=ticket, target=target, kind=SlaEvent.Kind.BREACH, due_at=due, created_at=due
    )


def build(receive, *, team, other_team, agent, supervisor) -> dict[str, Ticket]:
    """A: answered in 30 min, solved in 2 h (first contact). B: answered late (breach), a
    second cycle answered in 30 min, solved the next day (late). C (other team): never
    answered, strongly negative. D: answered in 10 min, solved, reopened, open now."""
    a = open_ticket(receive, created=at(2, 9), team=team, assignee=agent)
    reply(a, agent, at(2, 9, 30))
    move(a, Status.SOLVED, agent, at(2, 11))

    b = open_ticket(receive, created=at(2, 10), team=team, assignee=agent)
    reply(b, agent, at(2, 12))
    breach(b, SlaTarget.FIRST_RESPONSE, at(2, 11))
    customer_writes(b, at(2, 12, 30))
    reply(b, agent, at(2, 13))
    move(b, Status.SOLVED, agent, at(3, 10))
    breach(b, SlaTarget.RESOLUTION, at(2, 18))

    c = open_ticket(receive, created=at(3, 8), team=other_team)
    Ticket.objects.filter(pk=c.pk).update(strongly_negative=True)
    breach(c, SlaTarget.FIRST_RESPONSE, at(3, 9))

    d = open_ticket(receive, created=at(4, 8), team=team, assignee=agent)
    reply(d, agent, at(4, 8, 10))
    move(d, Status.SOLVED, agent, at(4, 8, 20))
    move(d, Status.OPEN, supervisor, at(4, 9))
    count_rollups()
    return {"a": a, "b": b, "c": c, "d": d}


def count_rollups() -> None:
    """What the beat's roll-up task does every minute: count every row still to count."""
    while rollups.refresh():
        pass
