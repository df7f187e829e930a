"""What the customer's complaint pages show, read and shaped for the templates.

Staff appear only by role ("Complaints officer", "Appeal reviewer"), never by name; only the
customer-visible messages and public events are read (`complaints.selectors`). The pick lists
of the complaint form come from the customer's own records: their tickets, their transfers at
the exchange (read before any transaction: a network call) and their chats (through the
customer-360 registry, so complaints never imports livechat).
"""

import logging
import math
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Prefetch, Q, QuerySet
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from complaints import timers
from complaints.deadlines import business_days_left
from complaints.models import (
    Appeal,
    Complaint,
    ComplaintAttachment,
    ComplaintDeadline,
    ComplaintEvent,
    ComplaintMessage,
    Stage,
    Target,
    Unit,
)
from complaints.selectors import customer_events, customer_messages
from support.assets import asset_amount
from support.exchange import AccountNotFound, ExchangeError, get_exchange
from support.exchange.labels import transfer_kind_label, transfer_status_label
from support.registry import customer_panels
from support.roles import Role
from tickets.models import Ticket

logger = logging.getLogger(__name__)

RECENT = 20  # tickets, transfers and chats offered on the form
PAGE_SIZE = 25
PARSE_ERRORS = (AttributeError, KeyError, TypeError, ValueError, ArithmeticError)
REVIEWER_STAGES = frozenset({Stage.UNDER_APPEAL_REVIEW, Stage.FINAL_DECISION})
OPEN_STAGE_VALUES = frozenset(
    {Stage.SUBMITTED, Stage.ACKNOWLEDGED, Stage.INVESTIGATING, Stage.WAITING_ON_CUSTOMER}
)


# --- The form's pick lists -------------------------------------------------------------------


def ticket_choices(customer: AbstractBaseUser, wanted: list[str]) -> list[tuple[str, str]]:
    """The customer's latest tickets, and any older one of theirs that `wanted` names."""
    tickets = Ticket.objects.filter(customer=customer).only("reference", "subject")
    rows = list(tickets.order_by("-id")[:RECENT])
    missing = [ref for ref in wanted if ref not in {t.reference for t in rows}]
    if missing:
        rows += list(tickets.filter(reference__in=missing[:RECENT]))
    return [(t.reference, f"{t.reference} · {t.subject}") for t in rows]


@dataclass
class Transfers:
    choices: list[tuple[str, str]] = field(default_factory=list)
    notice: str = ""

    @property
    def ids(self) -> list[str]:
        return [value for value, _label in self.choices]


def exchange_transfers(customer: AbstractBaseUser) -> Transfers:
    """The customer's latest deposits and withdrawals; with the exchange away, none and a
    notice (the complaint can still be filed)."""
    profile = getattr(customer, "customer_profile", None)
    account_id = profile.exchange_account_id if profile else None
    if not account_id:
        return Transfers()
    try:
        rows = get_exchange().transfers(account_id, limit=RECENT)
        return Transfers([(str(t.id)[:64], _transfer_label(t)) for t in rows])
    except AccountNotFound:  # nothing at the exchange to pick from
        return Transfers()
    except (ExchangeError, *PARSE_ERRORS):
        logger.warning("exchange unavailable for the complaint form", exc_info=True)
        return Transfers(
            notice=_(
                "We cannot list your exchange transactions right now. You can still send the "
                "complaint: name the transactions in what happened."
            )
        )


def _transfer_label(transfer) -> str:
    day = formats.date_format(timezone.localtime(transfer.created_at), "SHORT_DATE_FORMAT")
    kind, status = transfer_kind_label(transfer.kind), transfer_status_label(transfer.status)
    amount = asset_amount(transfer.amount, transfer.asset)
    return f"{transfer.id} · {kind} {amount} {transfer.asset} · {status} · {day}"


def chat_choices(customer: AbstractBaseUser) -> list[tuple[int, str]]:
    """The customer's latest chats, as the chats panel of the customer 360 lists them."""
    try:
        rows = customer_panels(customer).get("chats", [])
    except Exception:  # another app's panel must not break the complaint form
        logger.exception("customer panel failed on the complaint form")
        return []
    choices = []
    for row in rows[:RECENT]:
        chat_id = chat_row_id(row)
        if chat_id is not None:
            day = formats.date_format(timezone.localtime(row["created_at"]), "SHORT_DATE_FORMAT")
            choices.append((chat_id, f"{day} · {row['subject']} · {row['status']}"))
    return choices


def chat_row_id(row: dict) -> int | None:
    """A chat row's id: its `id`, else the `#<id>` reference of a chat with no ticket."""
    if isinstance(row.get("id"), int):
        return row["id"]
    reference = str(row.get("reference", ""))
    return int(reference[1:]) if reference[:1] == "#" and reference[1:].isdigit() else None


# --- My complaints ---------------------------------------------------------------------------


def customer_complaint_page(customer: AbstractBaseUser, *, before: int | None) -> list[Complaint]:
    """A page of the customer's complaints, newest first, each with its running deadlines."""
    complaints: QuerySet[Complaint] = Complaint.objects.of_customer(customer)
    if before:
        complaints = complaints.filter(id__lt=before)
    running = Prefetch(
        "deadlines",
        queryset=ComplaintDeadline.objects.running().order_by("due_at"),
        to_attr="running_deadlines",
    )
    return list(complaints.prefetch_related(running).order_by("-id")[:PAGE_SIZE])


def next_date(complaint: Complaint) -> dict | None:
    """The one date the list shows: what happens next, and by when."""
    rows = getattr(complaint, "running_deadlines", None)
    rows = timers.running_deadlines(complaint) if rows is None else rows
    return _deadline_row(rows[0], now=None) if rows else None


# --- The complaint's page --------------------------------------------------------------------

DEADLINE_LABELS = {
    Target.ACKNOWLEDGE: lambda: _("We acknowledge it by"),
    Target.DECIDE: lambda: _("Our decision by"),
    Target.APPEAL_WINDOW: lambda: _("You may appeal until"),
    Target.APPEAL_DECIDE: lambda: _("Appeal decision by"),
}


def deadline_rows(complaint: Complaint, *, now: datetime) -> list[dict]:
    """The running deadlines the customer cares about, with the time left on each."""
    return [_deadline_row(row, now=now) for row in timers.running_deadlines(complaint)]


def _deadline_row(row: ComplaintDeadline, *, now: datetime | None) -> dict:
    paused = row.paused_at is not None
    shown = {"label": DEADLINE_LABELS[row.target](), "due": row.due_at, "paused": paused}
    if paused:
        shown["state"] = _("Paused while we wait for your answer")
    elif now is not None:
        shown["state"] = _time_left(row, now)
    return shown


def _time_left(row: ComplaintDeadline, now: datetime) -> str:
    if row.due_at <= now:
        return _("ended") if row.target == Target.APPEAL_WINDOW else _("past due")
    _amount, unit, _warn, calendar = timers.target_rule(row.target)
    if unit == Unit.BUSINESS_DAYS:
        days = business_days_left(now=now, due=row.due_at, calendar=calendar)
        text = ngettext("%(count)s business day left", "%(count)s business days left", days)
        return text % {"count": days}
    left = row.due_at - now
    if left < timedelta(days=1):
        hours = math.ceil(left / timedelta(hours=1))
        return ngettext("%(count)s hour left", "%(count)s hours left", hours) % {"count": hours}
    days = math.ceil(left / timedelta(days=1))
    return ngettext("%(count)s day left", "%(count)s days left", days) % {"count": days}


def timeline(complaint: Complaint, *, with_people: bool) -> list[dict]:
    """The public events: what happened and when; with `with_people`, who by role."""
    rows = []
    for event in customer_events(complaint).only(
        "kind", "from_stage", "to_stage", "actor_id", "created_at"
    ):
        row = {"title": _event_title(event, complaint), "at": event.created_at, "by": ""}
        if with_people and event.kind == ComplaintEvent.Kind.STAGE:
            row["by"] = _stage_mover(event, complaint)
        rows.append(row)
    return rows


def _event_title(event: ComplaintEvent, complaint: Complaint) -> str:
    if event.kind == ComplaintEvent.Kind.REMEDY:
        return _("Remedy ordered")
    if event.kind != ComplaintEvent.Kind.STAGE:
        return str(event.get_kind_display())
    if event.to_stage != Stage.CLOSED:
        return str(Stage(event.to_stage).label)
    by_customer = event.actor_id == complaint.customer_id
    if event.from_stage == Stage.DECIDED:
        return _("Closed: decision accepted") if by_customer else _("Closed: time to appeal ended")
    if event.from_stage in OPEN_STAGE_VALUES and by_customer:
        return _("Closed: withdrawn")
    return str(Stage.CLOSED.label)


def _stage_mover(event: ComplaintEvent, complaint: Complaint) -> str:
    if event.actor_id is None:
        return ""
    if event.actor_id == complaint.customer_id:
        return pgettext("message author: the customer reading it", "You")
    if event.to_stage == Stage.SUBMITTED:
        return _("Our staff, for you")
    if event.to_stage in REVIEWER_STAGES or event.from_stage == Stage.FINAL_DECISION:
        return str(Role.APPEAL_REVIEWER.label)
    return str(Role.COMPLAINTS_OFFICER.label)


def appeal_of(complaint: Complaint) -> Appeal | None:
    return Appeal.objects.filter(complaint=complaint).first()


def message_rows(complaint: Complaint, appeal: Appeal | None) -> list[dict]:
    """The conversation the customer sees (never internal notes), each with its files."""
    reviewer_id = appeal.reviewer_id if appeal else None
    rows = []
    for message in customer_messages(complaint).prefetch_related("files"):
        if message.kind == ComplaintMessage.Kind.CUSTOMER:
            who = pgettext("message author: the customer reading it", "You")
        elif reviewer_id and message.author_id == reviewer_id:
            who = str(Role.APPEAL_REVIEWER.label)
        else:
            who = str(Role.COMPLAINTS_OFFICER.label)
        rows.append({"message": message, "who": who, "files": list(message.files.all())})
    return rows


def complaint_files(complaint: Complaint) -> list[ComplaintAttachment]:
    """The files sent with the complaint itself (a reply's files are shown with the reply)."""
    return list(complaint.attachments.filter(message__isnull=True).order_by("id"))


def attachment_for_customer(complaint: Complaint, pk: int) -> ComplaintAttachment | None:
    """One of the complaint's files the customer may download (not one on a staff note)."""
    visible = Q(message__isnull=True) | Q(message__kind__in=ComplaintMessage.CUSTOMER_VISIBLE)
    return complaint.attachments.filter(visible, pk=pk).first()


def remedy_rows(complaint: Complaint) -> list[dict]:
    """The remedies ordered: what and how far along, nothing of the staff's reasons."""
    return [
        {"action": r.get_action_display(), "state": r.get_state_display()}
        for r in complaint.remediations.order_by("id")
    ]
