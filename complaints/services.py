"""Every change to a complaint, one verb per function.

Each runs in one transaction: the complaint re-read under a row lock (`workflow.lock`), the
stage moved through the one transitions table (`workflow.move`), an event row written, and the
customer's email queued in the outbox — delivered after commit. Text a customer controls passes
the redaction gate before it is stored. Who may act is decided in `complaints.independence`.
"""

from collections.abc import Iterable, Sequence
from datetime import datetime
from decimal import Decimal

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from complaints import independence, notices, workflow
from complaints.errors import (
    AppealAlreadyOpen,
    AppealWindowClosed,
    ComplaintInvalid,
    InvalidStage,
)
from complaints.models import (
    APPEAL_STAGES,
    Appeal,
    AppealOutcome,
    Category,
    Complaint,
    ComplaintAttachment,
    ComplaintDeadline,
    ComplaintEvent,
    ComplaintMessage,
    Outcome,
    RootCause,
    Source,
    Stage,
)
from support.services import user_preferred_language
from support.text.analysis import analyze
from support.text.gate import redact_customer_file_name, redact_customer_text
from tickets.models import RemediationAction, Ticket
from tickets.remediation import remediation_request
from tickets.services import attachments_check

TEXT_LIMIT = 10_000
REASON_LIMIT = 5_000
MAX_TICKETS = 20
MAX_TRANSACTIONS = 20
MAX_FILES = 5
Kind = ComplaintEvent.Kind


# --- Submitting -------------------------------------------------------------------------------


def complaint_submit(
    *,
    customer: AbstractBaseUser,
    category: str,
    description: str,
    desired_outcome: str = "",
    ticket_references: Sequence[str] = (),
    transactions: Sequence[str] = (),
    known_transactions: Iterable[str] | None = None,
    language: str | None = None,
    source: str = Source.FORM,
    raised_by: AbstractBaseUser | None = None,
    conversation_id: int | None = None,
    uploads: Sequence = (),
) -> Complaint:
    """File a complaint for `customer` (by themselves, or by staff on their behalf).

    `known_transactions`: the customer's own transaction ids, read from the exchange by the
    caller before this transaction (no network call inside it); a transaction not among them is
    refused. Related tickets must be the customer's own."""
    if category not in Category.values:
        raise ComplaintInvalid(_("Choose what the complaint is about."))
    analysis = analyze(str(description or "")[:TEXT_LIMIT], lang_hint=language)
    text = analysis.redacted_text.strip()
    if not text:
        raise ComplaintInvalid(_("Tell us what happened."))
    wanted_redaction = redact_customer_text(str(desired_outcome or "")[:TEXT_LIMIT], lang=language)
    wanted = wanted_redaction.text
    removed_secrets = bool(analysis.secrets or wanted_redaction.secrets)
    tickets = _own_tickets(customer, ticket_references)
    transaction_ids = _own_transactions(transactions, known_transactions)
    kinds = attachments_check(uploads) if uploads else []
    if len(uploads) > MAX_FILES:
        raise ComplaintInvalid(_("Attach at most %(count)s files.") % {"count": MAX_FILES})
    now = timezone.now()
    with transaction.atomic():
        complaint = Complaint.objects.create(
            customer=customer,
            email=customer.email,
            language=language or user_preferred_language(customer) or analysis.language,
            category=category,
            description=text,
            desired_outcome=wanted.strip(),
            source=source,
            raised_by=raised_by,
            transactions=transaction_ids,
            conversation_id=conversation_id,
            sentiment=analysis.sentiment,
            created_at=now,
        )
        complaint.refresh_from_db(fields=["reference"])
        if tickets:
            complaint.tickets.set(tickets)
        workflow.start(complaint, by=raised_by or customer, now=now)
        _store_files(complaint, None, uploads, kinds)
        notices.notify_customer(complaint, "received", key="received", **_timeline(complaint))
        if removed_secrets:
            notices.warn_about_secrets(complaint, key="secrets:submitted")
    return complaint


def _own_tickets(customer: AbstractBaseUser, references: Sequence[str]) -> list[Ticket]:
    references = list(dict.fromkeys(str(r).strip() for r in references if str(r).strip()))
    if len(references) > MAX_TICKETS:
        raise ComplaintInvalid(_("Link at most %(count)s tickets.") % {"count": MAX_TICKETS})
    tickets = list(Ticket.objects.filter(customer=customer, reference__in=references))
    found = {ticket.reference for ticket in tickets}
    for reference in references:
        if reference not in found:
            raise ComplaintInvalid(
                _("%(reference)s is not one of your tickets.") % {"reference": reference[:40]}
            )
    return tickets


def _own_transactions(wanted: Sequence[str], known: Iterable[str] | None) -> list[str]:
    wanted = list(dict.fromkeys(str(t).strip() for t in wanted if str(t).strip()))
    if len(wanted) > MAX_TRANSACTIONS:
        raise ComplaintInvalid(
            _("Link at most %(count)s transactions.") % {"count": MAX_TRANSACTIONS}
        )
    known = set(known or ())
    for transaction_id in wanted:
        if transaction_id not in known:
            raise ComplaintInvalid(
                _("%(id)s is not one of your transactions.") % {"id": transaction_id[:64]}
            )
    return wanted


def _store_files(complaint, message, uploads: Sequence, kinds: list[str]) -> None:
    for upload, kind in zip(uploads, kinds, strict=False):
        name = redact_customer_file_name(upload.name, lang=complaint.language).text
        attachment = ComplaintAttachment(
            complaint=complaint, message=message, filename=name, content_type=kind, size=upload.size
        )
        attachment.file.save(name, ContentFile(upload.read()), save=False)
        attachment.save()


def _timeline(complaint: Complaint) -> dict:
    """The due times the customer is told about, by target."""
    rows = ComplaintDeadline.objects.filter(complaint=complaint)
    return {f"{row.target}_due": row.due_at for row in rows}


# --- The officer's work ----------------------------------------------------------------------


def complaint_assign(
    *,
    complaint: Complaint,
    officer: AbstractBaseUser,
    by: AbstractBaseUser,
    override: str = "",
) -> Complaint:
    """Give the complaint to `officer` (themselves or, by a supervisor or admin, another)."""
    if officer.pk != by.pk and not _may_assign_others(by):
        raise PermissionDenied
    with transaction.atomic():
        complaint = workflow.lock(complaint)
        if not complaint.is_open or complaint.stage in (Stage.DECIDED, Stage.FINAL_DECISION):
            raise InvalidStage(Stage(complaint.stage).label, _("assigned"))
        _check_handle(officer, complaint, by=by, override=override)
        complaint.officer = officer
        workflow.save(complaint, ["officer"])
        workflow.record(complaint, Kind.ASSIGNED, by=by, person=officer)
    return complaint


def _may_assign_others(user: AbstractBaseUser) -> bool:
    return user.has_perm("support.supervise") or independence.is_admin(user)


def _check_handle(
    person: AbstractBaseUser, complaint: Complaint, *, by: AbstractBaseUser, override: str
) -> None:
    overridden = independence.check_may_handle(person, complaint, override=override, by=by)
    if overridden:
        _record_override(complaint, by=by, refusal=overridden, reason=override)


def _check_review(
    person: AbstractBaseUser, complaint: Complaint, *, by: AbstractBaseUser, override: str
) -> None:
    overridden = independence.check_may_review(person, complaint, override=override, by=by)
    if overridden:
        _record_override(complaint, by=by, refusal=overridden, reason=override)


def _record_override(complaint, *, by, refusal: str, reason: str) -> None:
    workflow.record(complaint, Kind.OVERRIDE, by=by, reason=f"{reason.strip()}\n({refusal})")


def _handling(complaint: Complaint, by: AbstractBaseUser, override: str, version) -> Complaint:
    """The complaint locked for `by`'s work as its officer (assigned to them if nobody is)."""
    complaint = workflow.lock(complaint, version)
    _check_handle(by, complaint, by=by, override=override)
    if complaint.officer_id is None:
        complaint.officer = by
        workflow.save(complaint, ["officer"])
        workflow.record(complaint, Kind.ASSIGNED, by=by, person=by)
    return complaint


def complaint_acknowledge(
    *, complaint: Complaint, by: AbstractBaseUser, override: str = "", version: int | None = None
) -> Complaint:
    """The officer confirms the complaint is in hand; the customer is told by email."""
    with transaction.atomic():
        complaint = _handling(complaint, by, override, version)
        fields = workflow.move(complaint, Stage.ACKNOWLEDGED, by=by)
        workflow.save(complaint, fields)
        notices.notify_customer(
            complaint, "acknowledged", key="acknowledged", **_timeline(complaint)
        )
    return complaint


def complaint_investigate(
    *, complaint: Complaint, by: AbstractBaseUser, override: str = "", version: int | None = None
) -> Complaint:
    with transaction.atomic():
        complaint = _handling(complaint, by, override, version)
        workflow.save(complaint, workflow.move(complaint, Stage.INVESTIGATING, by=by))
    return complaint


def complaint_request_information(
    *, complaint: Complaint, by: AbstractBaseUser, text: str, override: str = ""
) -> ComplaintMessage:
    """Ask the customer for something; the decision clock pauses until they answer."""
    text = _required(text, _("Write what you need from the customer."))
    with transaction.atomic():
        complaint = _handling(complaint, by, override, None)
        fields = workflow.move(complaint, Stage.WAITING_ON_CUSTOMER, by=by)
        workflow.save(complaint, fields)
        message = _message(complaint, ComplaintMessage.Kind.REQUEST, by, text)
        notices.notify_customer(
            complaint, "information_requested", key=f"request:{message.pk}", message=message
        )
    return message


def complaint_message(
    *, complaint: Complaint, by: AbstractBaseUser, text: str, override: str = ""
) -> ComplaintMessage:
    """A message from the complaints team to the customer."""
    text = _required(text, _("Write the message first."))
    with transaction.atomic():
        complaint = _handling_or_reviewing(complaint, by, override)
        message = _message(complaint, ComplaintMessage.Kind.OFFICER, by, text)
        notices.notify_customer(complaint, "message", key=f"message:{message.pk}", message=message)
    return message


def complaint_note(
    *, complaint: Complaint, by: AbstractBaseUser, text: str, override: str = ""
) -> ComplaintMessage:
    """An internal note: never shown to the customer, nor on the public status page."""
    text = _required(text, _("Write the note first."))
    with transaction.atomic():
        complaint = _handling_or_reviewing(complaint, by, override)
        return _message(complaint, ComplaintMessage.Kind.NOTE, by, text)


def _handling_or_reviewing(complaint: Complaint, by: AbstractBaseUser, override: str) -> Complaint:
    """Locked for a message or note: by its handler before an appeal, its reviewer after."""
    complaint = workflow.lock(complaint)
    if complaint.stage == Stage.CLOSED:
        raise InvalidStage(Stage(complaint.stage).label, _("a message"))
    if complaint.stage in (Stage.APPEALED, Stage.UNDER_APPEAL_REVIEW):
        _check_review(by, complaint, by=by, override=override)
    else:
        _check_handle(by, complaint, by=by, override=override)
    return complaint


def _message(complaint: Complaint, kind: str, by, text: str) -> ComplaintMessage:
    return ComplaintMessage.objects.create(complaint=complaint, kind=kind, author=by, body=text)


def _required(text: str, refusal: str, limit: int = REASON_LIMIT) -> str:
    text = str(text or "").strip()
    if not text:
        raise ComplaintInvalid(refusal)
    if len(text) > limit:
        raise ComplaintInvalid(_("Write at most %(limit)s characters.") % {"limit": limit})
    return text


def complaint_set_root_causes(
    *, complaint: Complaint, by: AbstractBaseUser, causes: Sequence[str]
) -> Complaint:
    causes = list(dict.fromkeys(causes))
    if any(cause not in RootCause.values for cause in causes):
        raise ComplaintInvalid(_("Choose root causes from the list."))
    if not (by.has_perm("support.handle_complaints") or by.has_perm("support.review_appeals")):
        raise PermissionDenied
    with transaction.atomic():
        complaint = workflow.lock(complaint)
        before = ", ".join(complaint.root_causes)
        complaint.root_causes = causes
        workflow.save(complaint, ["root_causes"])
        workflow.record(complaint, Kind.TAGS, by=by, reason=f"{before} → {', '.join(causes)}")
    return complaint


def complaint_decide(
    *,
    complaint: Complaint,
    by: AbstractBaseUser,
    outcome: str,
    reason: str,
    remedy: str = "",
    letter: str = "",
    override: str = "",
    version: int | None = None,
) -> Complaint:
    """Decide with a written reason (in the customer's language) and an optional remedy; the
    decision letter (the reason when none is written) goes to the customer."""
    if outcome not in Outcome.values:
        raise ComplaintInvalid(_("Choose a decision."))
    reason = _required(reason, _("Give the reason for the decision."))
    with transaction.atomic():
        complaint = _handling(complaint, by, override, version)
        fields = workflow.move(complaint, Stage.DECIDED, by=by, reason=reason)
        complaint.outcome, complaint.decision_reason = outcome, reason
        complaint.remedy, complaint.decided_by = str(remedy or "").strip()[:REASON_LIMIT], by
        workflow.save(complaint, [*fields, "outcome", "decision_reason", "remedy", "decided_by"])
        letter = str(letter or "").strip() or reason
        message = _message(complaint, ComplaintMessage.Kind.LETTER, by, letter[:TEXT_LIMIT])
        notices.notify_customer(
            complaint, "decided", key="decided", letter=message, **_timeline(complaint)
        )
    return complaint


# --- The customer's side ---------------------------------------------------------------------


def complaint_customer_reply(
    *, complaint: Complaint, customer: AbstractBaseUser, text: str, uploads: Sequence = ()
) -> ComplaintMessage:
    """The customer writes (answering a request resumes the decision clock)."""
    text = redact_customer_text(str(text or "")[:TEXT_LIMIT], lang=complaint.language).text
    text = _required(text, _("Write your message first."), TEXT_LIMIT)
    kinds = attachments_check(uploads) if uploads else []
    with transaction.atomic():
        complaint = workflow.lock(complaint)
        _own(complaint, customer)
        if complaint.stage == Stage.CLOSED:
            raise InvalidStage(Stage(complaint.stage).label, _("a message"))
        message = _message(complaint, ComplaintMessage.Kind.CUSTOMER, customer, text)
        _store_files(complaint, message, uploads, kinds)
        if complaint.stage == Stage.WAITING_ON_CUSTOMER:
            workflow.save(complaint, workflow.move(complaint, Stage.INVESTIGATING, by=customer))
        notices.notify_staff(
            complaint, _handler(complaint), "customer_replied", key=f"reply:{message.pk}"
        )
    return message


def _handler(complaint: Complaint) -> list[AbstractBaseUser]:
    """Who hears of the customer's message: the appeal's reviewer once appealed (the officer
    of the original takes no part in the appeal), else the complaint's officer."""
    if complaint.stage in APPEAL_STAGES:
        appeal = Appeal.objects.select_related("reviewer").filter(complaint=complaint).first()
        return [appeal.reviewer] if appeal and appeal.reviewer_id else []
    return [complaint.officer] if complaint.officer_id else []


def _own(complaint: Complaint, customer: AbstractBaseUser) -> None:
    if complaint.customer_id != customer.pk:
        raise PermissionDenied


def complaint_withdraw(
    *, complaint: Complaint, customer: AbstractBaseUser, reason: str = ""
) -> Complaint:
    """The customer withdraws a complaint not yet decided."""
    with transaction.atomic():
        complaint = workflow.lock(complaint)
        _own(complaint, customer)
        if complaint.stage not in (
            Stage.SUBMITTED,
            Stage.ACKNOWLEDGED,
            Stage.INVESTIGATING,
            Stage.WAITING_ON_CUSTOMER,
        ):
            raise InvalidStage(Stage(complaint.stage).label, Stage.CLOSED.label)
        reason = redact_customer_text(str(reason or "")[:REASON_LIMIT]).text.strip()
        fields = workflow.move(
            complaint, Stage.CLOSED, by=customer, reason=reason or _("Withdrawn")
        )
        workflow.save(complaint, fields)
        notices.notify_customer(complaint, "closed", key="closed")
    return complaint


def complaint_accept(*, complaint: Complaint, customer: AbstractBaseUser) -> Complaint:
    """The customer accepts the decision: the complaint closes without waiting for the window."""
    with transaction.atomic():
        complaint = workflow.lock(complaint)
        _own(complaint, customer)
        if complaint.stage != Stage.DECIDED:
            raise InvalidStage(Stage(complaint.stage).label, Stage.CLOSED.label)
        fields = workflow.move(complaint, Stage.CLOSED, by=customer, reason=_("Decision accepted"))
        workflow.save(complaint, fields)
        notices.notify_customer(complaint, "closed", key="closed")
    return complaint


def complaints_close_after_window(*, complaints: list[Complaint], now: datetime) -> list:
    """The appeal windows of `complaints` ended with no appeal (the deadline sweep, under its
    locks): those still decided are closed, all at once. Their customers are told by
    `notices.closed_notices_send` after the commit (the sweep queues it; the beat's sweep task
    runs it too, so a lost task only delays the emails)."""
    decided = [complaint for complaint in complaints if complaint.stage == Stage.DECIDED]
    workflow.close_many(decided, reason=_("The time to appeal ended."), now=now)
    return decided


def appeal_submit(
    *,
    complaint: Complaint,
    customer: AbstractBaseUser,
    grounds: str,
    now: datetime | None = None,
) -> Appeal:
    """Appeal the decision within the window; one appeal per complaint."""
    grounds = redact_customer_text(str(grounds or "")[:TEXT_LIMIT], lang=complaint.language).text
    grounds = _required(grounds, _("Say why you disagree with the decision."), TEXT_LIMIT)
    now = now or timezone.now()
    with transaction.atomic():
        complaint = workflow.lock(complaint)
        _own(complaint, customer)
        if Appeal.objects.filter(complaint=complaint).exists():
            raise AppealAlreadyOpen
        if complaint.stage != Stage.DECIDED:
            raise InvalidStage(Stage(complaint.stage).label, Stage.APPEALED.label)
        if complaint.appeal_deadline and now > complaint.appeal_deadline:
            raise AppealWindowClosed(local_date(complaint.appeal_deadline, complaint.language))
        appeal = Appeal.objects.create(complaint=complaint, grounds=grounds, created_at=now)
        fields = workflow.move(complaint, Stage.APPEALED, by=customer, now=now)
        workflow.save(complaint, fields)
        notices.notify_customer(
            complaint, "appeal_received", key="appeal_received", **_timeline(complaint)
        )
    return appeal


def local_date(moment: datetime, language: str) -> str:
    """A date and time as the customer's language writes it."""
    with translation.override(language):
        return formats.date_format(timezone.localtime(moment), "DATETIME_FORMAT")


# --- The appeal ------------------------------------------------------------------------------


def appeal_take(*, complaint: Complaint, by: AbstractBaseUser, override: str = "") -> Complaint:
    """A reviewer independent of the first decision takes the appeal for review."""
    return appeal_assign(complaint=complaint, reviewer=by, by=by, override=override)


def appeal_assign(
    *, complaint: Complaint, reviewer: AbstractBaseUser, by: AbstractBaseUser, override: str = ""
) -> Complaint:
    if reviewer.pk != by.pk and not _may_assign_others(by):
        raise PermissionDenied
    with transaction.atomic():
        complaint = workflow.lock(complaint)
        _check_review(reviewer, complaint, by=by, override=override)
        appeal = _appeal_locked(complaint, Stage.UNDER_APPEAL_REVIEW)
        if complaint.stage == Stage.APPEALED:
            workflow.save(complaint, workflow.move(complaint, Stage.UNDER_APPEAL_REVIEW, by=by))
        elif complaint.stage != Stage.UNDER_APPEAL_REVIEW:
            raise InvalidStage(Stage(complaint.stage).label, Stage.UNDER_APPEAL_REVIEW.label)
        appeal.reviewer = reviewer
        appeal.save(update_fields=["reviewer"])
        workflow.record(complaint, Kind.REVIEWER, by=by, person=reviewer)
    return complaint


def _appeal_locked(complaint: Complaint, to: str) -> Appeal:
    """The complaint's appeal, locked; a complaint never appealed cannot move to `to`."""
    appeal = Appeal.objects.select_for_update().filter(complaint=complaint).first()
    if appeal is None:
        raise InvalidStage(Stage(complaint.stage).label, Stage(to).label)
    return appeal


def _admin_override(by: AbstractBaseUser, override: str) -> bool:
    return bool(override.strip()) and independence.is_admin(by)


def appeal_decide(
    *,
    complaint: Complaint,
    by: AbstractBaseUser,
    outcome: str,
    reason: str,
    remedy: str = "",
    letter: str = "",
    override: str = "",
) -> Appeal:
    """The reviewer's final decision with its reason; the complaint then closes."""
    if outcome not in AppealOutcome.values:
        raise ComplaintInvalid(_("Choose a final decision."))
    reason = _required(reason, _("Give the reason for the final decision."))
    with transaction.atomic():
        complaint = workflow.lock(complaint)
        _check_review(by, complaint, by=by, override=override)
        appeal = _appeal_locked(complaint, Stage.FINAL_DECISION)
        if appeal.reviewer_id not in (None, by.pk) and not _admin_override(by, override):
            raise PermissionDenied(_("Another reviewer has this appeal."))
        if complaint.stage == Stage.APPEALED:
            workflow.save(complaint, workflow.move(complaint, Stage.UNDER_APPEAL_REVIEW, by=by))
        now = timezone.now()
        fields = workflow.move(complaint, Stage.FINAL_DECISION, by=by, reason=reason, now=now)
        appeal.reviewer, appeal.outcome, appeal.decision_reason = by, outcome, reason
        appeal.remedy, appeal.decided_at = str(remedy or "").strip()[:REASON_LIMIT], now
        appeal.save(
            update_fields=["reviewer", "outcome", "decision_reason", "remedy", "decided_at"]
        )
        workflow.save(complaint, fields)
        message = _message(
            complaint,
            ComplaintMessage.Kind.LETTER,
            by,
            (str(letter or "").strip() or reason)[:TEXT_LIMIT],
        )
        workflow.save(complaint, workflow.move(complaint, Stage.CLOSED, by=by, now=now))
        notices.notify_customer(complaint, "final_decision", key="final", letter=message)
    return appeal


# --- Remedies --------------------------------------------------------------------------------


def complaint_remedy_request(
    *,
    complaint: Complaint,
    by: AbstractBaseUser,
    action: str,
    reason: str,
    asset: str = "",
    amount: Decimal | None = None,
    withdrawal_id: str = "",
):
    """A remedy on the customer's exchange account through the ticket remediation path (same
    permission, same second-approver rules); only after a decision in the customer's favour."""
    reason = _required(reason, _("Give a reason."))
    with transaction.atomic():
        complaint = workflow.lock(complaint)
        if not remedy_possible(complaint, Appeal.objects.filter(complaint=complaint).first()):
            raise InvalidStage(Stage(complaint.stage).label, _("a remedy"))
        _remedy_check(action, asset, amount, withdrawal_id)
        if Appeal.objects.filter(complaint=complaint).exists():
            _check_review(by, complaint, by=by, override="")
        else:
            _check_handle(by, complaint, by=by, override="")
        remediation = remediation_request(
            ticket=None,
            customer=complaint.customer,
            action=action,
            reason=f"{complaint.reference}: {reason}",
            by=by,
            withdrawal_id=withdrawal_id,
            asset=asset,
            amount=amount,
        )
        complaint.remediations.add(remediation)
        workflow.record(
            complaint, Kind.REMEDY, by=by, reason=remediation.get_action_display(), public=True
        )
    return remediation


def _remedy_check(action: str, asset: str, amount: Decimal | None, withdrawal_id: str) -> None:
    """What each action needs: a known action; a withdrawal to release; a credit's asset and a
    positive amount (a negative one would take money from the customer)."""
    if action not in RemediationAction.values:
        raise ComplaintInvalid(_("Choose a remedy."))
    if action == RemediationAction.RELEASE_WITHDRAWAL and not str(withdrawal_id or "").strip():
        raise ComplaintInvalid(_("Name the withdrawal to release."))
    credits = (RemediationAction.REFUND_FEE, RemediationAction.COMPENSATE)
    if action in credits and not (str(asset or "").strip() and amount and amount > 0):
        raise ComplaintInvalid(_("Give the asset and a positive amount."))


def remedy_possible(complaint: Complaint, appeal: Appeal | None) -> bool:
    """A remedy follows a decision for the customer: upheld or partly upheld, or an appeal that
    overturned or modified the decision. The console asks it to offer the form."""
    if appeal is not None and appeal.outcome:
        return appeal.outcome != AppealOutcome.UPHELD or complaint.outcome != Outcome.REJECTED
    if complaint.stage not in (Stage.DECIDED, Stage.CLOSED):
        return False
    return complaint.outcome in (Outcome.UPHELD, Outcome.PARTLY_UPHELD)
