"""Every state change of people and profiles, and the email outbox."""

import logging
from collections.abc import Iterator
from contextlib import contextmanager

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, Group
from django.core.files.storage import default_storage
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from support.emails import AUTO_GENERATED, automatic_headers, render_email
from support.locks import advisory_claimed
from support.models import AgentProfile, CustomerProfile, OutboxEmail
from support.queueing import task_queue_after_commit
from support.roles import Role

logger = logging.getLogger(__name__)
User = get_user_model()
OUTBOX_MAX_ATTEMPTS = 8


def customer_sign_up(*, email: str, password: str, language: str) -> AbstractBaseUser:
    """Create a customer account; the email is the username. Raises IntegrityError if taken."""
    email = User.objects.normalize_email(email).lower()
    with transaction.atomic():
        user = User.objects.create_user(username=email, email=email, password=password)
        user.groups.add(Group.objects.get(name=Role.CUSTOMER))
        CustomerProfile.objects.create(user=user, preferred_language=language)
    return user


def user_set_language(*, user: AbstractBaseUser, language: str) -> None:
    """Remember the language a person chose, on whichever profile they have."""
    CustomerProfile.objects.filter(user=user).update(preferred_language=language)
    AgentProfile.objects.filter(user=user).update(preferred_language=language)


def user_preferred_language(user: AbstractBaseUser) -> str | None:
    for profile_name in ("customer_profile", "agent_profile"):
        profile = getattr(user, profile_name, None) if user.is_authenticated else None
        if profile is not None:
            return profile.preferred_language
    return None


def agent_set_presence(*, agent: AbstractBaseUser, presence: str) -> AgentProfile:
    profile = AgentProfile.objects.get(user=agent)
    if profile.presence != presence:
        profile.presence = presence
        profile.presence_changed_at = timezone.now()
        profile.save(update_fields=["presence", "presence_changed_at"])
    return profile


def outbox_enqueue_email(
    *,
    dedupe_key: str,
    to: str,
    template: str,
    language: str,
    context: dict,
    deliver_after_commit: bool = True,
    new_key: bool = False,
    headers: dict[str, str] | None = None,
    from_email: str = "",
    attachments: list[dict[str, str]] | None = None,
    auto_submitted: str = AUTO_GENERATED,
) -> OutboxEmail | None:
    """Write an email to the outbox inside the caller's transaction; deliver after commit
    (unless the caller hands the email to a task of its own: `deliver_after_commit=False`).
    Every email is marked as written by a program (`auto_submitted`, support.emails), so that
    autoresponders leave it unanswered, unless the caller says a person wrote it (`""`).

    Returns None when an email with the same dedupe key was already queued. `new_key=True`:
    the key names a row made in the caller's transaction, so no email can have it yet and the
    duplicate check (a savepoint, two more round trips) is skipped. `attachments` name stored
    files ({"name": storage name, "filename", "content_type"}), read when the email is sent.
    """
    from support.tasks import outbox_deliver_task

    subject, text, html = render_email(template, language=language, context=context)
    email = OutboxEmail(
        dedupe_key=dedupe_key[:200],
        to=to,
        language=language,
        subject=subject,
        body_text=text,
        body_html=html,
        headers={**automatic_headers(auto_submitted), **(headers or {})},
        from_email=from_email,
        attachments=attachments or [],
    )
    if new_key:
        email.save(force_insert=True)
    else:
        try:
            with transaction.atomic():
                email.save(force_insert=True)
        except IntegrityError:
            return None
    if deliver_after_commit:
        task_queue_after_commit(outbox_deliver_task, email.pk)  # broker down: the sweep sends
    return email


def outbox_deliver(*, email_id: int) -> OutboxEmail | None:
    """Send one queued email, once, with no transaction open while SMTP is talked to.

    Runs may overlap (the task after commit, a task retried by Celery, the retry sweep): each
    first takes the email's advisory lock (`pg_try_advisory_lock`, held by the session, not by
    a transaction, and released by PostgreSQL if the worker dies), and a run that does not get
    it leaves the email to the one that did. The holder reads the row afresh, counts the
    attempt, sends, and records the outcome, each a single short statement; it unlocks only
    after recording, so the next run sees `sent_at`. Returns None when this run sent nothing.
    """
    with outbox_claimed(email_id) as claimed:
        if not claimed:
            return None
        # By primary key alone: with the undelivered filter in the query, PostgreSQL could pick
        # the undelivered index and scan a whole backlog (seen: 13 ms a delivery at 21 k).
        email = OutboxEmail.objects.filter(pk=email_id).first()
        if email is None or email.sent_at is not None or email.failed_at is not None:
            return None
        OutboxEmail.objects.filter(pk=email.pk).update(attempts=F("attempts") + 1)
        email.attempts += 1
        try:
            outbox_message(email).send()
        except Exception as error:  # SMTP refusals and anything else: recorded, retried
            return outbox_failed(email, error)
        email.sent_at = timezone.now()
        OutboxEmail.objects.filter(pk=email.pk).update(sent_at=email.sent_at)
    return email


OUTBOX_LOCK_CLASS = 0x0B0C  # the first key of the outbox's advisory locks (the second: the id)


@contextmanager
def outbox_claimed(email_id: int) -> Iterator[bool]:
    """Whether this session holds the email's delivery lock, for the block's duration."""
    with advisory_claimed(OUTBOX_LOCK_CLASS, email_id) as claimed:
        yield claimed


def outbox_message(email: OutboxEmail) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        email.subject,
        email.body_text,
        from_email=email.from_email or None,
        to=[email.to],
        headers=email.headers or None,
    )
    if email.body_html:
        message.attach_alternative(email.body_html, "text/html")
    for attachment in email.attachments:
        with default_storage.open(attachment["name"], "rb") as stored:
            content = stored.read()
        message.attach(attachment["filename"], content, attachment["content_type"])
    return message


def outbox_failed(email: OutboxEmail, error: Exception) -> OutboxEmail:
    """Record a failed attempt; after OUTBOX_MAX_ATTEMPTS the email is given up (failed_at)."""
    logger.warning("email delivery failed", extra={"email_id": email.pk})
    email.last_error = str(error)[:2000]
    if email.attempts >= OUTBOX_MAX_ATTEMPTS:
        email.failed_at = timezone.now()
    OutboxEmail.objects.filter(pk=email.pk).update(
        last_error=email.last_error, failed_at=email.failed_at
    )
    return email
