"""The callback sweep: warn when a callback is at risk and again when it is overdue, each once.

Reads only open requests with `next_due <= now` (partial index `callback_next_due_open`),
locked with SKIP LOCKED so overlapping sweeps share the work; the step's time is stamped
(`warned_at`, `breached_at`) in the same transaction as the notice to the calling team's
supervisor (an outbox email whose dedupe key names the step), so a re-run sends nothing twice.
(Call events no worker read are handed out again by the channels' webhook sweep.)
"""

from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from support.services import outbox_enqueue_email
from tickets.phone.callbacks import callback_next_due, callback_policy
from tickets.phone.models import CallbackRequest
from tickets.phone.numbers import mask_number

SWEEP_BATCH = 500


def callback_sweep(*, now: datetime | None = None, batch: int = SWEEP_BATCH) -> int:
    """Act on the due steps of up to `batch` requests; returns how many steps were taken."""
    now = now or timezone.now()
    taken = 0
    with transaction.atomic():
        due = list(
            CallbackRequest.objects.open()
            .filter(next_due__lte=now)
            .select_for_update(skip_locked=True, of=("self",))
            .order_by("next_due")[:batch]
        )
        supervisor = _supervisor()
        for callback in due:
            # A warning overtaken by its breach is not sent: the breach says more.
            kind = "breach" if callback.due_at <= now else "warning"
            callback.warned_at = callback.warned_at or now
            if kind == "breach":
                callback.breached_at = now
            callback.next_due = callback_next_due(callback)
            callback.save(update_fields=["warned_at", "breached_at", "next_due"])
            if supervisor is not None:
                _notify(callback, kind, supervisor)
            taken += 1
    return taken


def _supervisor():
    team = callback_policy().team
    return team.supervisor if team is not None and team.supervisor_id else None


def _notify(callback: CallbackRequest, kind: str, person) -> None:
    profile = getattr(person, "agent_profile", None)
    outbox_enqueue_email(
        dedupe_key=f"callback:{callback.pk}:{kind}",
        to=person.email,
        template="tickets/emails/callback_sla",
        language=profile.preferred_language if profile else "en",
        context={
            "callback": callback,
            "breach": kind == "breach",
            "number": mask_number(callback.number),
            "url": settings.SITE_URL.rstrip("/") + reverse("phone_console:callbacks"),
        },
    )
