"""The emails of the complaint workflow, written to the outbox inside the caller's transaction
(delivered after commit, retried by the outbox sweep). Each has a dedupe key naming the
complaint and the step, so a step run twice sends one email.

Customers are written to in the complaint's language at the complaint's address; staff in their
own preferred language. Templates: `complaints/templates/complaints/emails/<name>.*`.
"""

import functools
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import CharField, Exists, OuterRef, Q, Value
from django.db.models.functions import Cast, Concat
from django.urls import reverse
from django.utils import timezone, translation

from complaints.models import Complaint, ComplaintEvent, Stage
from support.emails import AUTO_GENERATED
from support.models import OutboxEmail
from support.services import outbox_enqueue_email, user_preferred_language
from support.text.messages import security_notice

# Emails carrying what a member of staff wrote (a message, a question, a decision): no
# Auto-Submitted header, as for an agent's reply. The others are notices a program writes.
WRITTEN_BY_STAFF = frozenset({"message", "information_requested", "decided", "final_decision"})

# What each customer email is about: the template of its name.
CUSTOMER_EMAILS = (
    "received",  # on submission: the reference and the timeline
    "acknowledged",
    "information_requested",
    "message",
    "decided",
    "appeal_received",
    "final_decision",
    "closed",
    "tracking_code",
)


def absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def customer_url(complaint: Complaint) -> str:
    """The customer's page of the complaint (logged in), in the complaint's language."""
    with translation.override(complaint.language):
        return absolute(reverse("complaints:detail", args=[complaint.reference]))


def tracking_url(complaint: Complaint) -> str:
    """The public status page (reference and an emailed one-time code)."""
    return _tracking_url(settings.SITE_URL, complaint.language)


@functools.cache
def _tracking_url(site: str, language: str) -> str:
    """One address per site and language (a sweep closing hundreds of complaints asks it for
    each)."""
    with translation.override(language):
        return site.rstrip("/") + reverse("complaints:track")


def console_url(complaint: Complaint) -> str:
    return absolute(reverse("complaints_console:complaint", args=[complaint.reference]))


def notify_customer(
    complaint: Complaint, name: str, *, key: str, new_key: bool = False, **context
) -> None:
    """Queue the customer email `name`; `key` makes it once per complaint and step (`new_key`:
    the step happened in the caller's transaction, so no email can have the key yet)."""
    outbox_enqueue_email(
        new_key=new_key,
        dedupe_key=f"complaint:{complaint.pk}:{key}",
        to=complaint.email,
        template=f"complaints/emails/{name}",
        language=complaint.language,
        context={
            "complaint": complaint,
            "url": customer_url(complaint),
            "tracking_url": tracking_url(complaint),
            **context,
        },
        auto_submitted="" if name in WRITTEN_BY_STAFF else AUTO_GENERATED,
    )


def notify_staff(
    complaint: Complaint, people: list[AbstractBaseUser], name: str, *, key: str, **context
) -> int:
    """Queue the staff email `name` to each of `people`, once per person and `key`."""
    sent = 0
    for person in people:
        if not person.email:
            continue
        outbox_enqueue_email(
            dedupe_key=f"complaint:{complaint.pk}:{key}:{person.pk}",
            to=person.email,
            template=f"complaints/emails/{name}",
            language=user_preferred_language(person) or "en",
            context={"complaint": complaint, "url": console_url(complaint), **context},
        )
        sent += 1
    return sent


def people_with_role(*roles: str) -> list[AbstractBaseUser]:
    """Active people in any of `roles`, with the profiles `notify_staff` reads their language
    from (no query per person)."""
    users = get_user_model().objects.filter(is_active=True)
    users = users.filter(Q(groups__name__in=roles)).select_related(
        "agent_profile", "customer_profile"
    )
    return list(users.distinct().order_by("pk"))


# How far back a closing by the appeal window is looked for when its email is missing.
CLOSED_NOTICE_DAYS = 7
CLOSED_NOTICE_BATCH = 500


def closed_notices_send(*, batch: int = CLOSED_NOTICE_BATCH) -> int:
    """Tell each customer whose complaint the deadline sweep closed (its appeal window ended)
    and who has no "closed" email yet; returns how many were queued. Safe to run twice at
    once: the email's dedupe key makes it one per complaint."""
    since = timezone.now() - timedelta(days=CLOSED_NOTICE_DAYS)
    emailed = OutboxEmail.objects.filter(
        dedupe_key=Concat(Value("complaint:"), Cast(OuterRef("pk"), CharField()), Value(":closed"))
    )
    by_sweep = ComplaintEvent.objects.filter(
        complaint=OuterRef("pk"),
        kind=ComplaintEvent.Kind.STAGE,
        from_stage=Stage.DECIDED,
        to_stage=Stage.CLOSED,
        actor__isnull=True,
    )
    waiting = (
        Complaint.objects.filter(stage=Stage.CLOSED, closed_at__gte=since)
        .filter(Exists(by_sweep))
        .exclude(Exists(emailed))
        .order_by("closed_at", "pk")[:batch]
    )
    sent = 0
    for complaint in waiting:
        with transaction.atomic():
            notify_customer(complaint, "closed", key="closed")
        sent += 1
    return sent


def warn_about_secrets(complaint: Complaint, *, key: str) -> None:
    """Tell the customer we removed a secret (a seed phrase, a key, a password) from what they
    wrote, and what to do now: the same notice a ticket gets."""
    outbox_enqueue_email(
        dedupe_key=f"complaint:{complaint.pk}:{key}",
        to=complaint.email,
        template="tickets/emails/security_notice",
        language=complaint.language,
        context={
            "ticket": {"reference": complaint.reference},
            "notice": security_notice(complaint.language),
        },
    )
