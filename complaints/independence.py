"""Who may act on a complaint: the one place every entry point asks (API, console, admin).

- Complaint officers (`support.handle_complaints`) handle complaints; appeal reviewers
  (`support.review_appeals`) decide appeals.
- Anyone who acted on the original complaint — was assigned it, moved or decided it, wrote to
  the customer or left a note — may not review its appeal.
- Nobody handles or reviews a complaint about themselves.
- An administrator may override either rule with a written reason, which is recorded as an
  event (`complaints.services.complaint_override`).
"""

from django.contrib.auth.models import AbstractBaseUser
from django.utils.translation import gettext as _

from complaints.errors import NotIndependent
from complaints.models import Complaint, ComplaintEvent, ComplaintMessage
from support.roles import Role, has_role

STAFF_MESSAGES = (
    ComplaintMessage.Kind.OFFICER,
    ComplaintMessage.Kind.REQUEST,
    ComplaintMessage.Kind.LETTER,
    ComplaintMessage.Kind.NOTE,
)


def handled_by(complaint: Complaint) -> set[int]:
    """The ids of everyone who acted on the complaint before any appeal: assigned, acted on
    its stage, wrote to the customer or left a note."""
    people = {complaint.officer_id, complaint.decided_by_id}
    events = ComplaintEvent.objects.filter(complaint=complaint).exclude(
        kind__in=(ComplaintEvent.Kind.REVIEWER, ComplaintEvent.Kind.OVERRIDE)
    )
    appeal = getattr(complaint, "appeal", None) if _has_appeal(complaint) else None
    if appeal is not None:
        events = events.filter(created_at__lt=appeal.created_at)
    for actor_id, person_id in events.values_list("actor_id", "person_id"):
        people.update((actor_id, person_id))
    messages = ComplaintMessage.objects.filter(complaint=complaint, kind__in=STAFF_MESSAGES)
    if appeal is not None:
        messages = messages.filter(created_at__lt=appeal.created_at)
    people.update(messages.values_list("author_id", flat=True))
    people.discard(None)
    people.discard(complaint.customer_id)
    return people


def _has_appeal(complaint: Complaint) -> bool:
    try:
        complaint.appeal  # noqa: B018 - a reverse one-to-one raises when missing
    except Complaint.appeal.RelatedObjectDoesNotExist:
        return False
    return True


def is_about(user: AbstractBaseUser, complaint: Complaint) -> bool:
    return complaint.about_staff.filter(pk=user.pk).exists()


def is_admin(user: AbstractBaseUser) -> bool:
    return bool(getattr(user, "is_superuser", False)) or has_role(user, Role.ADMIN)


def handling_refusal(user: AbstractBaseUser, complaint: Complaint) -> str | None:
    """Why `user` may not handle the complaint (None: they may)."""
    if not user.has_perm("support.handle_complaints"):
        return _("Only complaint officers handle complaints.")
    if is_about(user, complaint):
        return _("This complaint is about you, so someone else must handle it.")
    return None


def review_refusal(user: AbstractBaseUser, complaint: Complaint) -> str | None:
    """Why `user` may not review the complaint's appeal (None: they may)."""
    if not user.has_perm("support.review_appeals"):
        return _("Only appeal reviewers decide appeals.")
    if is_about(user, complaint):
        return _("This complaint is about you, so someone else must review its appeal.")
    if user.pk in handled_by(complaint):
        return _(
            "You acted on this complaint before its appeal (assigned, decided or wrote to the "
            "customer), so its appeal must be reviewed by someone independent."
        )
    return None


def check_may_handle(
    user: AbstractBaseUser,
    complaint: Complaint,
    *,
    override: str = "",
    by: AbstractBaseUser | None = None,
) -> str:
    """Raise NotIndependent with the reason, unless an administrator (`by`, the person acting:
    `user` themselves when not given) overrides it in writing; returns the overridden refusal
    ("" if none), for the caller to record."""
    return _check(handling_refusal(user, complaint), by or user, override)


def check_may_review(
    user: AbstractBaseUser,
    complaint: Complaint,
    *,
    override: str = "",
    by: AbstractBaseUser | None = None,
) -> str:
    return _check(review_refusal(user, complaint), by or user, override)


def _check(refusal: str | None, actor: AbstractBaseUser, override: str) -> str:
    if refusal is None:
        return ""
    if override.strip() and is_admin(actor):
        return refusal
    raise NotIndependent(refusal)
