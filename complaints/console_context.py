"""What the complaint's console page shows, and which of its actions the viewer is offered.

Who may act is decided by `complaints.independence` (the refusal reasons shown here are its
own); which action fits the complaint's stage follows `Complaint.TRANSITIONS` and the services.
A refused viewer sees the reason instead of the action; an administrator sees the action with a
field for the written override. Hiding an action is a courtesy: the services refuse anyway.
"""

import logging
from dataclasses import dataclass, field

from django import forms as django_forms
from django.contrib.auth.models import AbstractBaseUser
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from complaints import console_forms as forms
from complaints import letters
from complaints.console_queue import due_of
from complaints.independence import handling_refusal, is_admin, review_refusal
from complaints.models import (
    APPEAL_STAGES,
    OPEN_STAGES,
    Appeal,
    Complaint,
    ComplaintDeadline,
    ComplaintEvent,
    RootCause,
    Stage,
)
from complaints.services import remedy_possible
from support.exchange import AccountNotFound, ExchangeError, get_exchange
from tickets.customer360 import customer_360
from tickets.transfers import transfer_row

logger = logging.getLogger(__name__)

ACCOUNT_ROWS = 100  # the customer's latest transfers and trades searched for the linked ids

# Which form each action posts, and which refusal of the independence rule governs it: the
# viewer's as a handler, as a reviewer, for a message (a reviewer's during the appeal), for a
# remedy; "" for none (an assignment's refusal is about the person assigned, so the service
# tells it).
ACTIONS = {
    "take": (forms.OverrideForm, "handle"),
    "assign": (forms.AssignForm, ""),
    "acknowledge": (forms.VersionForm, "handle"),
    "investigate": (forms.VersionForm, "handle"),
    "request": (forms.TextForm, "handle"),
    "decide": (forms.DecideForm, "handle"),
    "message": (forms.TextForm, "message"),
    "note": (forms.TextForm, "message"),
    "root_causes": (forms.RootCausesForm, ""),
    "remedy": (forms.RemedyForm, "remedy"),
    "appeal_take": (forms.OverrideForm, "review"),
    "appeal_assign": (forms.ReviewerForm, ""),
    "appeal_decide": (forms.AppealDecideForm, "review"),
    "publish": (forms.PublishForm, ""),
}
ASSIGNING = frozenset({"assign", "appeal_assign"})


@dataclass
class Rules:
    """What the viewer may do on this complaint now. `offered`: the actions that fit the stage
    and the viewer's role; `shown`: those not refused by the independence rule (an
    administrator is shown them all, with an override field); `notices`: the reason of each
    refusal that hid or would hide an offered action."""

    admin: bool
    refusals: dict[str, str] = field(default_factory=dict)
    offered: set[str] = field(default_factory=set)

    def refusal(self, action: str) -> str:
        return self.refusals.get(ACTIONS[action][1], "")

    def overridable(self, action: str) -> bool:
        if action in ASSIGNING:
            return self.admin
        return self.admin and bool(self.refusal(action)) and ACTIONS[action][1] != "remedy"

    @property
    def shown(self) -> set[str]:
        return {name for name in self.offered if not self.refusal(name) or self.overridable(name)}

    @property
    def notices(self) -> dict[str, str]:
        return {ACTIONS[name][1]: self.refusal(name) for name in self.offered if self.refusal(name)}


def rules_for(user: AbstractBaseUser, complaint: Complaint, appeal: Appeal | None) -> Rules:
    stage = complaint.stage
    in_appeal = stage in APPEAL_STAGES
    handle = handling_refusal(user, complaint) or ""
    review = review_refusal(user, complaint) if in_appeal or appeal else ""
    rules = Rules(
        admin=is_admin(user),
        refusals={
            "handle": handle,
            "review": review or "",
            "message": (review or "") if in_appeal else handle,
            "remedy": (review or "") if appeal else handle,
        },
    )
    rules.offered = _stage_actions(user, complaint, appeal, rules)
    return rules


def _stage_actions(user, complaint: Complaint, appeal: Appeal | None, rules: Rules) -> set[str]:
    stage = complaint.stage
    assigns = user.has_perm("support.supervise") or rules.admin
    reviewer_id = appeal.reviewer_id if appeal else None
    candidates = {
        "take": stage in OPEN_STAGES and complaint.officer_id != user.pk,
        "assign": stage in OPEN_STAGES and assigns,
        "acknowledge": stage == Stage.SUBMITTED,
        "investigate": stage in (Stage.ACKNOWLEDGED, Stage.WAITING_ON_CUSTOMER),
        "request": stage in (Stage.ACKNOWLEDGED, Stage.INVESTIGATING),
        "decide": stage in (Stage.ACKNOWLEDGED, Stage.INVESTIGATING),
        "message": stage not in (Stage.CLOSED, Stage.FINAL_DECISION),
        "note": stage not in (Stage.CLOSED, Stage.FINAL_DECISION),
        "root_causes": user.has_perm("support.handle_complaints")
        or user.has_perm("support.review_appeals"),
        "remedy": remedy_possible(complaint, appeal) and user.has_perm("support.remediate_account"),
        "appeal_take": stage in APPEAL_STAGES and reviewer_id != user.pk,
        "appeal_assign": stage in APPEAL_STAGES and assigns,
        "appeal_decide": stage in APPEAL_STAGES and reviewer_id in (None, user.pk),
        "publish": stage == Stage.CLOSED and rules.admin,
    }
    if assigns:  # a supervisor assigns others; taking it themselves is the officers' own
        candidates["take"] = candidates["take"] and user.has_perm("support.handle_complaints")
    return {name for name, shown in candidates.items() if shown}


# --- The action forms -----------------------------------------------------------------------


def action_form(name: str, complaint: Complaint, data=None) -> django_forms.Form:
    """The form of action `name`, bound to `data` when posted (each with its own prefix, so
    many forms share one page with distinct field ids)."""
    form_class = ACTIONS[name][0]
    kwargs: dict = {"prefix": name}
    if issubclass(form_class, forms.LetterForm):
        kwargs["placeholders"] = letters.placeholders(complaint.language)
    return form_class(data, **kwargs) if data is not None else form_class(**kwargs)


def page_forms(complaint: Complaint, rules: Rules, bound: dict | None) -> dict:
    """The forms of the actions offered, blank or as posted (after a refusal)."""
    result = {}
    for name in sorted(rules.shown):
        form = (bound or {}).get(name) or _initial_form(name, complaint)
        if "override" in form.fields and not rules.overridable(name):
            del form.fields["override"]
        result[name] = form
    return result


def _initial_form(name: str, complaint: Complaint) -> django_forms.Form:
    form = action_form(name, complaint)
    if "version" in form.fields:
        form.initial["version"] = complaint.version
    if name == "assign":
        form.initial["officer"] = complaint.officer_id
    if name == "root_causes":
        form.initial["causes"] = complaint.root_causes
    if name in ("decide", "appeal_decide"):
        form.initial["outcome"] = form.fields["outcome"].choices[0][0]
        form.initial["letter"] = letter_drafts(name, complaint)[form.initial["outcome"]]
    return form


def letter_drafts(name: str, complaint: Complaint) -> dict[str, str]:
    if name == "decide":
        return letters.decision_drafts(complaint)
    return letters.appeal_drafts(complaint)


# --- What the page shows -------------------------------------------------------------------


def page_context(user: AbstractBaseUser, complaint: Complaint, bound: dict | None = None) -> dict:
    appeal = Appeal.objects.select_related("reviewer").filter(complaint=complaint).first()
    rules = rules_for(user, complaint, appeal)
    page_forms_ = page_forms(complaint, rules, bound)
    return {
        "complaint": complaint,
        "appeal": appeal,
        "deadlines": deadline_rows(complaint),
        "linked_tickets": list(complaint.tickets.order_by("-id")),
        "transactions": transaction_rows(complaint, user),
        "chat_url": _chat_url(complaint),
        "customer": customer_360(complaint.customer, user=user),
        "attachments": list(complaint.attachments.order_by("id")),
        "timeline": timeline(complaint),
        "remediations": list(
            complaint.remediations.select_related("requested_by", "approved_by", "rejected_by")
        ),
        "root_cause_labels": [RootCause(c).label for c in complaint.root_causes],
        "rules": rules,
        "forms": page_forms_,
        "drafts": _drafts(page_forms_, complaint),
        "console_section": "complaints",
    }


def _drafts(page_forms_: dict, complaint: Complaint) -> dict:
    """The letter drafts of each outcome, for the page's script to switch with the outcome."""
    return {
        name: letter_drafts(name, complaint)
        for name in ("decide", "appeal_decide")
        if name in page_forms_
    }


@dataclass(frozen=True)
class DeadlineRow:
    target: str
    due_at: object
    state: str
    badge: object


def deadline_rows(complaint: Complaint) -> list[DeadlineRow]:
    """Every deadline the complaint had: running (with its countdown), paused, met, missed,
    cancelled."""
    now = timezone.now()
    rows = []
    for deadline in ComplaintDeadline.objects.filter(complaint=complaint).order_by("started_at"):
        running = deadline.met_at is None and deadline.cancelled_at is None
        rows.append(
            DeadlineRow(
                target=deadline.get_target_display(),
                due_at=deadline.due_at,
                state=_deadline_state(deadline),
                badge=due_of(deadline, now) if running else None,
            )
        )
    return rows


def _deadline_state(deadline: ComplaintDeadline) -> str:
    if deadline.cancelled_at:
        return "cancelled"
    if deadline.met_at:
        return "late" if deadline.met_at > deadline.due_at else "met"
    return "paused" if deadline.paused_at else "running"


def _chat_url(complaint: Complaint) -> str:
    if not complaint.conversation_id:
        return ""
    return f"{reverse('livechat_console:chats')}?chat={complaint.conversation_id}"


def transaction_rows(complaint: Complaint, user: AbstractBaseUser) -> dict:
    """The linked transactions: each transfer or trade the exchange shows (amount, status), and
    the ids it does not (older than its latest rows, or the exchange unreachable). The exchange
    down or the account missing is a notice, never a failure."""
    ids = list(complaint.transactions)
    result = {"ids": ids, "transfers": [], "trades": [], "notice": ""}
    if not ids or not user.has_perm("support.view_customer_account"):
        return result
    profile = getattr(complaint.customer, "customer_profile", None)
    account_id = profile.exchange_account_id if profile else None
    if not account_id:
        return result
    exchange = get_exchange()
    try:
        transfers = exchange.transfers(account_id, limit=ACCOUNT_ROWS)
        trades = exchange.trades(account_id, limit=ACCOUNT_ROWS)
    except (AccountNotFound, ExchangeError):
        logger.warning("exchange unavailable for a complaint's transactions", exc_info=True)
        result["notice"] = gettext(
            "The exchange's back office is not answering; the amounts are not shown."
        )
        return result
    result["transfers"] = [transfer_row(t) for t in transfers if t.id in ids]
    result["trades"] = [t for t in trades if t.id in ids]
    found = {t.id for t in result["transfers"]} | {t.id for t in result["trades"]}
    result["ids"] = [i for i in ids if i not in found]  # those the exchange did not show
    return result


# --- The internal timeline ------------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    """One line of the internal timeline: an event or a message (`kind` says which)."""

    kind: str
    at: object
    event: ComplaintEvent | None = None
    message: object = None
    detail: str = ""


def timeline(complaint: Complaint) -> list[Entry]:
    """Every event and every message (internal notes included), oldest first."""
    events = complaint.events.select_related("actor", "person").order_by("id")
    messages = complaint.messages.select_related("author").prefetch_related("files")
    entries = [Entry("event", e.created_at, event=e, detail=_detail(e)) for e in events]
    entries += [Entry("message", m.created_at, message=m) for m in messages.order_by("id")]
    return sorted(entries, key=lambda entry: (entry.at, entry.kind == "message"))


def _detail(event: ComplaintEvent) -> str:
    """The root causes of a tags event by their labels (the row keeps their codes)."""
    if event.kind != ComplaintEvent.Kind.TAGS:
        return event.reason
    labels = dict(RootCause.choices)
    before, _arrow, after = event.reason.partition(" → ")

    def named(codes: str) -> str:
        return ", ".join(str(labels.get(code, code)) for code in codes.split(", ") if code)

    return f"{named(before) or '—'} → {named(after) or '—'}"
