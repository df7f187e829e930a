"""The emails of the complaint workflow, written to the outbox inside the caller's transaction
(delivered after commit, retried by the outbox sweep). Each has a dedupe key naming the
complaint and the step, so a step run twice sends one email.

Customers are written to in the complaint's language at the complaint's address; staff in their
own preferred language. Templates: `complaints/templates/complaints/emails/<name>.*`.
"""

import hashlib

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Q
from django.urls import reverse
from django.utils import translation

from complaints.models import Complaint, Target
from support.services import outbox_enqueue_email, user_preferred_language
from support.text.messages import security_notice

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


def _absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def customer_url(complaint: Complaint) -> str:
    """The customer's page of the complaint (logged in), in the complaint's language."""
    with translation.override(complaint.language):
        return _absolute(reverse("complaints:detail", args=[complaint.reference]))


def tracking_url(complaint: Complaint) -> str:
    """The public status page (reference and an emailed one-time code)."""
    with translation.override(complaint.language):
        return _absolute(reverse("complaints:track"))


def console_url(complaint: Complaint) -> str:
    return _absolute(reverse("complaints_console:complaint", args=[complaint.reference]))


def notify_customer(complaint: Complaint, name: str, *, key: str, **context) -> None:
    """Queue the customer email `name`; `key` makes it once per complaint and step."""
    outbox_enqueue_email(
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


# A digest lists at most this many complaints; the rest are counted and linked to the queue.
DIGEST_ROWS = 50


class DeadlineDigest:
    """One email per person per sweep run listing their complaints whose target is near or
    missed, breaches first. The dedupe key names the person and the steps, so a run repeated
    on the same steps sends nothing twice (and a later run's steps are new ones)."""

    def __init__(self) -> None:
        self.people: dict[int, AbstractBaseUser] = {}
        self.items: dict[int, list[tuple[bool, object]]] = {}

    def add(self, people: list[AbstractBaseUser], row, *, missed: bool) -> None:
        """Tell each of `people` (once each) about the deadline `row`."""
        for person in people:
            if not person.email:
                continue
            their = self.items.setdefault(person.pk, [])
            if any(item is row for _missed, item in their):
                continue
            self.people[person.pk] = person
            their.append((missed, row))

    def enqueue(self) -> int:
        """Queue the digests in the caller's transaction; returns how many."""
        for pk in sorted(self.items):
            _enqueue_digest(self.people[pk], self.items[pk])
        return len(self.items)


def _enqueue_digest(person: AbstractBaseUser, items: list[tuple[bool, object]]) -> None:
    items = sorted(items, key=lambda item: (not item[0], item[1].due_at, item[1].complaint_id))
    steps = sorted(
        f"{row.complaint_id}:{row.target}:{'breach' if missed else 'warn'}" for missed, row in items
    )
    named = hashlib.sha256(",".join(steps).encode()).hexdigest()[:32]
    missed = sum(1 for is_missed, _row in items if is_missed)
    outbox_enqueue_email(
        dedupe_key=f"complaint-deadlines:{person.pk}:{named}",
        to=person.email,
        template="complaints/emails/deadline_digest",
        language=user_preferred_language(person) or "en",
        context={
            "rows": [
                {
                    "missed": is_missed,
                    "complaint": row.complaint,
                    "target": Target(row.target).label,
                    "due": row.due_at,
                    "url": console_url(row.complaint),
                }
                for is_missed, row in items[:DIGEST_ROWS]
            ],
            "more": max(0, len(items) - DIGEST_ROWS),
            "missed": missed,
            "near": len(items) - missed,
            "queue_url": _absolute(reverse("complaints_console:queue")),
        },
    )


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
