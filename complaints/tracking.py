"""The public status page's one-time codes: issued to the complaint's email address, stored
only as a keyed hash, good for 15 minutes and one look.

Nothing here tells a caller whether a reference exists: asking for a code answers nothing,
and redeeming one answers the complaint or None whether the reference is unknown or the code
wrong, used or expired — one query on the code's hash either way (the hash binds the code to
its reference). The pages throttle both steps per client (support.throttle).
"""

import secrets
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac

from complaints import customer_pages, notices
from complaints.models import AppealOutcome, Complaint, Outcome, TrackingCode

CODE_DIGITS = 12  # ~40 bits; shown in groups of four
CODE_MINUTES = 15
REISSUE_AFTER = timedelta(minutes=1)  # one new code per complaint a minute at most
HASH_SALT = "complaints.tracking.code"


def code_hash(reference: str, code: str) -> str:
    """HMAC-SHA256 (keyed with SECRET_KEY) of the code bound to its reference."""
    return salted_hmac(HASH_SALT, f"{reference}:{code}", algorithm="sha256").hexdigest()


def new_code() -> str:
    return "".join(secrets.choice("0123456789") for _ in range(CODE_DIGITS))


def grouped(code: str) -> str:
    """`123456789012` as `1234 5678 9012`: easier to read and type."""
    return " ".join(code[i : i + 4] for i in range(0, len(code), 4))


def tracking_code_issue(*, reference: str, now: datetime | None = None) -> TrackingCode | None:
    """Email a new code for the complaint `reference`; None (silently) when there is no such
    complaint or it was sent one less than a minute ago. Callers answer the same either way."""
    now = now or timezone.now()
    with transaction.atomic():
        complaint = Complaint.objects.select_for_update().filter(reference=reference).first()
        if complaint is None:
            return None
        recent = TrackingCode.objects.filter(
            complaint=complaint, created_at__gt=now - REISSUE_AFTER
        )
        if recent.exists():
            return None
        code = new_code()
        row = TrackingCode.objects.create(
            complaint=complaint,
            code_hash=code_hash(complaint.reference, code),
            created_at=now,
            expires_at=now + timedelta(minutes=CODE_MINUTES),
        )
        notices.notify_customer(
            complaint,
            "tracking_code",
            key=f"tracking:{row.pk}",
            code=grouped(code),
            minutes=CODE_MINUTES,
        )
    return row


def tracking_code_redeem(
    *, reference: str, code: str, now: datetime | None = None
) -> Complaint | None:
    """The complaint, once, for a valid unused unexpired code of `reference`; else None."""
    now = now or timezone.now()
    digest = code_hash(reference, code)
    with transaction.atomic():
        used = TrackingCode.objects.filter(
            code_hash=digest, used_at__isnull=True, expires_at__gt=now
        ).update(used_at=now)
        if not used:
            return None
        return Complaint.objects.filter(tracking_codes__code_hash=digest).first()


def public_status(complaint: Complaint, *, now: datetime | None = None) -> dict:
    """All the public status page shows: the stage, its dates and deadlines, the decisions with
    their reasons and the public timeline; no messages, notes, people or customer details."""
    now = now or timezone.now()
    appeal = customer_pages.appeal_of(complaint)
    final = None
    if appeal is not None and appeal.outcome:
        final = {
            "outcome": AppealOutcome(appeal.outcome).label,
            "reason": appeal.decision_reason,
            "at": appeal.decided_at,
        }
    decision = None
    if complaint.outcome:
        decision = {
            "outcome": Outcome(complaint.outcome).label,
            "reason": complaint.decision_reason,
            "at": complaint.decided_at,
        }
    return {
        "reference": complaint.reference,
        "category": complaint.get_category_display(),
        "stage": complaint.get_stage_display(),
        "submitted_at": complaint.created_at,
        "acknowledged_at": complaint.acknowledged_at,
        "closed_at": complaint.closed_at,
        "deadlines": customer_pages.deadline_rows(complaint, now=now),
        "decision": decision,
        "final": final,
        "timeline": customer_pages.timeline(complaint, with_people=False),
    }
