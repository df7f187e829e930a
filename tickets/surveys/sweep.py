"""The survey sweep: send, remind and expire the surveys whose time has come.

It reads only invitations with `next_at <= now` (partial indexes `survey_next`, `nps_next`:
one indexed query per table when nothing is due), locked FOR UPDATE SKIP LOCKED so overlapping
runs share the work. Each step is marked on the row in the same transaction that writes its
email to the outbox, with a dedupe key per invitation and step: a sweep run twice, or a worker
killed before or during delivery, sends each email once (the outbox delivers and retries).
"""

from datetime import datetime, timedelta

from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation

from support.services import outbox_enqueue_email
from tickets.models import Status
from tickets.survey_models import NpsInvitation, SurveyInvitation, SurveyState
from tickets.surveys.scheduling import survey_excluded, survey_policy, surveyed_recently
from tickets.surveys.tokens import absolute, derive_token, link_token, token_hash

SWEEP_BATCH = 200
NPS_LINK_DAYS = 14


def survey_sweep(*, now: datetime | None = None, batch: int = SWEEP_BATCH) -> int:
    """Act on up to `batch` due satisfaction and NPS invitations; returns how many."""
    now = now or timezone.now()
    with transaction.atomic():
        due = (
            SurveyInvitation.objects.filter(next_at__lte=now)
            .order_by("next_at")
            .select_for_update(skip_locked=True, of=("self",))
            .select_related("ticket", "customer")[:batch]
        )
        rows = list(due)
        for row in rows:
            _step(row, now)
    return len(rows) + nps_sweep(now=now, batch=batch)


def _step(row: SurveyInvitation, now: datetime) -> None:
    if row.state == SurveyState.SCHEDULED:
        _send(row, now)
    elif row.expires_at is None or now >= row.expires_at:
        _close(row, state=SurveyState.EXPIRED)
    elif row.state == SurveyState.SENT and row.reminded_at is None:
        _remind(row, now)
    else:
        row.next_at = row.expires_at
        row.save(update_fields=["next_at"])


def _send(row: SurveyInvitation, now: datetime) -> None:
    """The first email, unless the ticket changed or the customer was surveyed meanwhile."""
    if reason := _no_longer_wanted(row, now):
        row.state, row.cancelled_at, row.cancel_reason = SurveyState.CANCELLED, now, reason
        _close(row, state=SurveyState.CANCELLED, extra=["cancelled_at", "cancel_reason"])
        return
    policy = survey_policy(row.channel)
    token = derive_token("survey", row.pk, now)
    row.state, row.sent_at, row.token_hash = SurveyState.SENT, now, token_hash(token)
    row.expires_at = now + timedelta(days=policy.link_valid_days)
    row.remind_at = now + timedelta(hours=policy.reminder_after_hours)
    row.next_at = min(row.remind_at, row.expires_at)
    row.save(update_fields=["state", "sent_at", "token_hash", "expires_at", "remind_at", "next_at"])
    _email(row, token, step="invite", template="survey")


def _no_longer_wanted(row: SurveyInvitation, now: datetime) -> str:
    """Checked again at sending: the ticket may have been merged, tagged spam or reopened since
    it was solved, and another of the customer's surveys may have gone out (fatigue rule)."""
    ticket = row.ticket
    if ticket.status not in (Status.SOLVED, Status.CLOSED):
        return "reopened"
    if reason := survey_excluded(ticket):
        return reason
    policy = survey_policy(row.channel)
    if policy is None or not policy.enabled:
        return "disabled"
    if surveyed_recently(customer_id=row.customer_id, now=now, quiet_days=policy.quiet_days):
        return "recently surveyed"
    return ""


def _remind(row: SurveyInvitation, now: datetime) -> None:
    token = link_token("survey", row.pk, row.sent_at, row.token_hash)
    row.state, row.reminded_at, row.next_at = SurveyState.REMINDED, now, row.expires_at
    row.save(update_fields=["state", "reminded_at", "next_at"])
    if token is not None:
        _email(row, token, step="reminder", template="survey_reminder")


def _close(row, *, state: str, extra: list[str] | None = None) -> None:
    row.state, row.next_at = state, None
    row.save(update_fields=["state", "next_at", *(extra or [])])


def _email(row: SurveyInvitation, token: str, *, step: str, template: str) -> None:
    with translation.override(row.language):
        url = absolute(reverse("surveys:answer", args=[token]))
    outbox_enqueue_email(
        dedupe_key=f"survey:{row.pk}:{step}",
        to=row.email,
        template=f"tickets/emails/{template}",
        language=row.language,
        context={"ticket": row.ticket, "url": url, "expires_at": row.expires_at},
    )


def nps_sweep(*, now: datetime, batch: int = SWEEP_BATCH) -> int:
    """Send the due NPS invitations (no reminder) and expire the unanswered ones."""
    with transaction.atomic():
        due = (
            NpsInvitation.objects.filter(next_at__lte=now)
            .order_by("next_at")
            .select_for_update(skip_locked=True)[:batch]
        )
        rows = list(due)
        for row in rows:
            if row.state == SurveyState.SCHEDULED:
                _nps_send(row, now)
            else:
                _close(row, state=SurveyState.EXPIRED)
    return len(rows)


def _nps_send(row: NpsInvitation, now: datetime) -> None:
    token = derive_token("nps", row.pk, now)
    row.state, row.sent_at, row.token_hash = SurveyState.SENT, now, token_hash(token)
    row.expires_at = row.next_at = now + timedelta(days=NPS_LINK_DAYS)
    row.save(update_fields=["state", "sent_at", "token_hash", "expires_at", "next_at"])
    with translation.override(row.language):
        url = absolute(reverse("surveys:nps", args=[token]))
    outbox_enqueue_email(
        dedupe_key=f"nps:{row.pk}:invite",
        to=row.email,
        template="tickets/emails/survey_nps",
        language=row.language,
        context={"url": url, "expires_at": row.expires_at},
    )
