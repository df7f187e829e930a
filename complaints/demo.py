"""Demo complaints: every stage and every language, by the demo people (idempotent: a story
whose complaint exists is not told again).

Each story of `complaints.demo_stories` is played through the services, so its events,
deadlines, emails and remedy are the real ones. Services act at the present moment; a story's
past is made by moving everything the complaint has so far back in time between its steps (the
complaint's times, events, messages, appeal and deadline rows by the same amount), then
recomputing each deadline's due time from its moved start on its calendar, so business-day
targets count business days and overdue cases are overdue for the console and the sweep.
"""

from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone

from complaints import deadlines, notices, services, timers, workflow
from complaints.demo_stories import STORIES, Step, Story
from complaints.models import (
    APPEAL_STAGES,
    Appeal,
    Complaint,
    ComplaintDeadline,
    ComplaintEvent,
    ComplaintMessage,
    Stage,
    Target,
)
from support.exchange.demo import DemoExchange
from tickets.demo import TICKETS
from tickets.demo import load_demo as load_demo_tickets
from tickets.models import Message

OFFICER = "complaints@example.com"
REVIEWER = "appeals@example.com"
COMPLAINT_TIMES = (
    "created_at",
    "updated_at",
    "acknowledged_at",
    "decided_at",
    "appeal_deadline",
    "closed_at",
    "paused_at",
)
DEADLINE_TIMES = (
    "started_at",
    "warn_at",
    "due_at",
    "next_at",
    "paused_at",
    "warned_at",
    "breached_at",
    "met_at",
    "cancelled_at",
)


def load_demo_complaints(stdout) -> None:
    load_demo_tickets(None)  # the tickets some complaints name (that loader runs after this one)
    oldest_first = sorted(STORIES, key=lambda story: story.steps[0].ago, reverse=True)
    told = sum(_tell(story) for story in oldest_first)  # references then follow filing order
    stdout.write(f"complaints: {len(STORIES)} demo complaints ({told} new)\n")


def _person(email: str) -> AbstractBaseUser:
    return get_user_model().objects.get(username=email)


def _tell(story: Story) -> bool:
    """Play `story` unless its complaint exists; all of it or nothing."""
    customer = _person(story.customer)
    if Complaint.objects.filter(customer=customer, description=story.description).exists():
        return False
    with transaction.atomic():
        complaint = None
        later = [step.ago for step in story.steps[1:]] + [timedelta()]
        for step, next_ago in zip(story.steps, later, strict=True):
            if next_ago > step.ago:
                raise ValueError(f"{story.description[:30]}: steps out of time order")
            if complaint is not None:
                complaint = Complaint.objects.get(pk=complaint.pk)
            complaint = ACTIONS[step.verb](complaint, step, story) or complaint
            _move_back(complaint, step.ago - next_ago)
        _recompute_deadlines(complaint)
    return True


# --- The steps --------------------------------------------------------------------------------


def _submit(_complaint: None, step: Step, story: Story) -> Complaint:
    customer = _person(story.customer)
    return services.complaint_submit(
        customer=customer,
        category=story.category,
        description=story.description,
        desired_outcome=story.desired,
        ticket_references=_ticket_references(story.tickets),
        transactions=story.transactions,
        known_transactions=_known_transactions(customer) if story.transactions else None,
        language=customer.customer_profile.preferred_language,
    )


def _ticket_references(external_ids: tuple[str, ...]) -> list[str]:
    channels = {external_id: channel for external_id, _email, channel, *_ in TICKETS}
    return [
        Message.objects.get(external_id=external_id, channel=channels[external_id]).ticket.reference
        for external_id in external_ids
    ]


def _known_transactions(customer: AbstractBaseUser) -> set[str]:
    """The customer's transfers and trades at the demo exchange (the demo customers' accounts
    are demo exchange accounts whatever exchange the site is configured with)."""
    exchange, account = DemoExchange(), customer.customer_profile.exchange_account_id
    transfers = {item.id for item in exchange.transfers(account, limit=100)}
    return transfers | {item.id for item in exchange.trades(account, limit=100)}


def _staff(complaint: Complaint) -> AbstractBaseUser:
    """Who works on the case now: the reviewer once it is appealed, else the officer."""
    return _person(REVIEWER if complaint.stage in APPEAL_STAGES else OFFICER)


def _officer_step(service: Callable) -> Callable:
    return lambda complaint, step, story: service(complaint=complaint, by=_person(OFFICER))


def _note(complaint: Complaint, step: Step, story: Story) -> None:
    services.complaint_note(complaint=complaint, by=_staff(complaint), text=step.text)


def _message(complaint: Complaint, step: Step, story: Story) -> None:
    services.complaint_message(complaint=complaint, by=_staff(complaint), text=step.text)


def _request(complaint: Complaint, step: Step, story: Story) -> None:
    services.complaint_request_information(complaint=complaint, by=_person(OFFICER), text=step.text)


def _reply(complaint: Complaint, step: Step, story: Story) -> None:
    services.complaint_customer_reply(
        complaint=complaint, customer=complaint.customer, text=step.text
    )


def _causes(complaint: Complaint, step: Step, story: Story) -> None:
    causes = step.choice.split(",")
    services.complaint_set_root_causes(complaint=complaint, by=_staff(complaint), causes=causes)


def _decide(complaint: Complaint, step: Step, story: Story) -> None:
    services.complaint_decide(
        complaint=complaint,
        by=_person(OFFICER),
        outcome=step.choice,
        reason=step.text,
        remedy=step.remedy,
    )


def _withdraw(complaint: Complaint, step: Step, story: Story) -> None:
    services.complaint_withdraw(complaint=complaint, customer=complaint.customer, reason=step.text)


def _appeal(complaint: Complaint, step: Step, story: Story) -> None:
    services.appeal_submit(complaint=complaint, customer=complaint.customer, grounds=step.text)


def _take(complaint: Complaint, step: Step, story: Story) -> None:
    services.appeal_take(complaint=complaint, by=_person(REVIEWER))


def _final(complaint: Complaint, step: Step, story: Story) -> None:
    services.appeal_decide(
        complaint=complaint,
        by=_person(REVIEWER),
        outcome=step.choice,
        reason=step.text,
        remedy=step.remedy,
    )


def _window_ends(complaint: Complaint, step: Step, story: Story) -> None:
    """What the deadline sweep does when the appeal window has ended (the window was moved
    into the past by the steps before)."""
    now = timezone.now()
    window = ComplaintDeadline.objects.select_for_update().get(
        complaint=complaint, target=Target.APPEAL_WINDOW
    )
    if window.due_at > now:
        raise ValueError(f"{complaint.reference}: the appeal window has not ended")
    window.met_at, window.next_at = now, None
    window.save(update_fields=["met_at", "next_at"])
    services.complaints_close_after_window(complaints=[workflow.lock(complaint)], now=now)
    transaction.on_commit(notices.closed_notices_send)  # as the sweep's task does


def _remedy(complaint: Complaint, step: Step, story: Story) -> None:
    services.complaint_remedy_request(
        complaint=complaint,
        by=_person(OFFICER),
        action=step.choice,
        reason=step.text,
        asset=step.asset,
        amount=Decimal(step.amount) if step.amount else None,
    )


ACTIONS: dict[str, Callable] = {
    "submit": _submit,
    "acknowledge": _officer_step(services.complaint_acknowledge),
    "investigate": _officer_step(services.complaint_investigate),
    "note": _note,
    "message": _message,
    "request": _request,
    "reply": _reply,
    "causes": _causes,
    "decide": _decide,
    "withdraw": _withdraw,
    "appeal": _appeal,
    "take": _take,
    "final": _final,
    "window_ends": _window_ends,
    "remedy": _remedy,
}


# --- The past ---------------------------------------------------------------------------------


def _earlier(rows: QuerySet, fields: tuple[str, ...], by: timedelta) -> None:
    rows.update(**{field: F(field) - by for field in fields})


def _move_back(complaint: Complaint, by: timedelta) -> None:
    """Everything the complaint has so far happened `by` earlier (a remedy, which is a row of
    tickets' remediations, is always a story's last step, so it needs no moving)."""
    if not by:
        return
    _earlier(Complaint.objects.filter(pk=complaint.pk), COMPLAINT_TIMES, by)
    _earlier(ComplaintEvent.objects.filter(complaint=complaint), ("created_at",), by)
    _earlier(ComplaintMessage.objects.filter(complaint=complaint), ("created_at",), by)
    _earlier(Appeal.objects.filter(complaint=complaint), ("created_at", "decided_at"), by)
    _earlier(ComplaintDeadline.objects.filter(complaint=complaint), DEADLINE_TIMES, by)


def _pauses(complaint: Complaint) -> list[tuple]:
    """(paused, resumed) of each wait on the customer that has ended."""
    moves = complaint.events.filter(kind=ComplaintEvent.Kind.STAGE).order_by("id")
    pauses, paused = [], None
    for event in moves:
        if event.to_stage == Stage.WAITING_ON_CUSTOMER:
            paused = event.created_at
        elif event.from_stage == Stage.WAITING_ON_CUSTOMER and paused is not None:
            pauses.append((paused, event.created_at))
            paused = None
    return pauses


def _recompute_deadlines(complaint: Complaint) -> None:
    """Each deadline's due time, warning and next sweep time from its (moved) start, as the
    timers compute them: a start moved to a Saturday counts from Monday."""
    pauses = _pauses(complaint)
    for row in ComplaintDeadline.objects.filter(complaint=complaint):
        amount, unit, warn_hours, calendar = timers.target_rule(row.target)
        due = deadlines.due_time(start=row.started_at, amount=amount, unit=unit, calendar=calendar)
        counted_from = row.started_at
        for paused, resumed in pauses if row.target == Target.DECIDE else ():
            if row.met_at is None or resumed <= row.met_at:
                due = deadlines.after_pause(
                    due=due, paused_at=paused, resumed_at=resumed, unit=unit, calendar=calendar
                )
                counted_from = resumed
        row.due_at = due
        row.warn_at = deadlines.warn_time(due=due, warn_before_hours=warn_hours, now=counted_from)
        running = row.met_at is None and row.cancelled_at is None and row.paused_at is None
        row.next_at = _next_sweep(row) if running else None
        row.save(update_fields=["due_at", "warn_at", "next_at"])
        if row.target == Target.APPEAL_WINDOW:
            Complaint.objects.filter(pk=complaint.pk).update(appeal_deadline=due)
    timers.next_due_refresh(complaint)


def _next_sweep(row: ComplaintDeadline):
    """When the sweep next acts on a running row: its warning, else its due time."""
    if row.breached_at is not None:
        return None
    if row.warned_at is None and row.warn_at is not None:
        return row.warn_at
    return row.due_at
