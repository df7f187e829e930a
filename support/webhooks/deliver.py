"""Sending one delivery, recording how it went, the retry schedule, and disabling an endpoint
that keeps failing.

No transaction is open while the receiver is called. A run first claims the delivery with one
conditional UPDATE (due now → due after a lease, the attempt counted): a second run at the same
time (the task after commit and the sweep's) finds it not due and leaves it; a worker that dies
mid-send leaves it due again when the lease ends.
"""

import logging
import random
import time
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from support.roles import Role
from support.webhooks import sender
from support.webhooks.emit import subscriptions_changed
from support.webhooks.models import WebhookDelivery, WebhookEndpoint
from support.webhooks.signing import SIGNATURE_HEADER, SecretUnreadable, signature_header
from support.webhooks.url_guard import Resolver, UrlRefused, system_resolver, url_check

logger = logging.getLogger(__name__)

# After the nth failed attempt the next one is due this much later (±JITTER); after the last
# the delivery is given up (about 45 hours after it was written).
RETRY_DELAYS = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=6),
    timedelta(hours=12),
    timedelta(hours=24),
)
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1
JITTER = 0.2
LEASE = timedelta(minutes=2)  # longer than any attempt (both timeouts together)
# An endpoint is disabled after this many failed attempts in a row, failing for this long.
DISABLE_AFTER_FAILURES = 10
DISABLE_AFTER = timedelta(days=1)
MAX_ERROR_CHARS = 1000


def retry_delay(attempts: int) -> timedelta:
    """The wait after `attempts` failed attempts, jittered so endpoints' retries spread out."""
    nominal = RETRY_DELAYS[min(attempts, len(RETRY_DELAYS)) - 1]
    return nominal * random.uniform(1 - JITTER, 1 + JITTER)


def webhook_deliver(
    *, delivery_id: int, resolver: Resolver = system_resolver, now: datetime | None = None
) -> WebhookDelivery | None:
    """Send the delivery if it is due and nobody else is sending it; None when not sent."""
    now = now or timezone.now()
    claimed = WebhookDelivery.objects.filter(pk=delivery_id, next_attempt_at__lte=now).update(
        next_attempt_at=now + LEASE, attempts=F("attempts") + 1
    )
    if not claimed:
        return None
    delivery = WebhookDelivery.objects.select_related("endpoint").get(pk=delivery_id)
    if not delivery.endpoint.enabled:
        return _give_up(delivery, _("The endpoint is disabled."), now=now)
    answer = _send(delivery, resolver)
    if answer.ok:
        return _delivered(delivery, answer, now=timezone.now())
    return _failed(delivery, answer, now=timezone.now())


def _send(delivery: WebhookDelivery, resolver: Resolver) -> sender.Answer:
    from support.webhooks.services import endpoint_secrets

    try:
        target = url_check(delivery.endpoint.url, resolver=resolver)
    except UrlRefused as refusal:
        return sender.Answer(None, _("Refused: %(reason)s") % {"reason": refusal})
    try:
        secrets_in_use = endpoint_secrets(delivery.endpoint)
    except SecretUnreadable:
        return sender.Answer(
            None,
            _(
                "The signing secret cannot be decrypted: the key it was sealed with is no longer "
                "configured (RAW_INBOUND_KEY, SECRET_KEY_FALLBACKS). Rotate the secret."
            ),
        )
    body = delivery.body.encode()
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": "exchange-support-webhooks/1",
        "X-Support-Event": delivery.event,
        "X-Support-Event-Id": str(delivery.event_id),
        "X-Support-Delivery": str(delivery.pk),
        SIGNATURE_HEADER: signature_header(secrets_in_use, int(time.time()), body),
    }
    return sender.post(
        target,
        body,
        headers,
        connect_timeout=settings.WEBHOOK_CONNECT_TIMEOUT,
        read_timeout=settings.WEBHOOK_READ_TIMEOUT,
    )


def _delivered(delivery: WebhookDelivery, answer: sender.Answer, *, now: datetime):
    delivery.delivered_at, delivery.next_attempt_at = now, None
    delivery.response_status, delivery.last_error = answer.status, ""
    delivery.save(
        update_fields=["delivered_at", "next_attempt_at", "response_status", "last_error"]
    )
    WebhookEndpoint.objects.filter(pk=delivery.endpoint_id).exclude(
        consecutive_failures=0, failing_since=None
    ).update(consecutive_failures=0, failing_since=None)
    return delivery


def _failed(delivery: WebhookDelivery, answer: sender.Answer, *, now: datetime):
    logger.warning(
        "webhook delivery failed",
        extra={"delivery_id": delivery.pk, "endpoint_id": delivery.endpoint_id},
    )
    delivery.response_status = answer.status
    delivery.last_error = answer.error[:MAX_ERROR_CHARS]
    if delivery.attempts >= MAX_ATTEMPTS:
        delivery.failed_at, delivery.next_attempt_at = now, None
    else:
        delivery.next_attempt_at = now + retry_delay(delivery.attempts)
    delivery.save(update_fields=["response_status", "last_error", "failed_at", "next_attempt_at"])
    _endpoint_failed(delivery.endpoint, now=now)
    return delivery


def _give_up(delivery: WebhookDelivery, reason: str, *, now: datetime) -> WebhookDelivery:
    delivery.failed_at, delivery.next_attempt_at, delivery.last_error = now, None, reason
    delivery.save(update_fields=["failed_at", "next_attempt_at", "last_error"])
    return delivery


def _endpoint_failed(endpoint: WebhookEndpoint, *, now: datetime) -> None:
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(
        consecutive_failures=F("consecutive_failures") + 1,
        failing_since=Coalesce("failing_since", now),
    )
    endpoint.refresh_from_db(fields=["consecutive_failures", "failing_since", "enabled"])
    if (
        endpoint.enabled
        and endpoint.consecutive_failures >= DISABLE_AFTER_FAILURES
        and now - endpoint.failing_since >= DISABLE_AFTER
    ):
        endpoint_disable_failing(endpoint, now=now)


def endpoint_disable_failing(endpoint: WebhookEndpoint, *, now: datetime) -> bool:
    """Disable the endpoint (once, whoever gets here first), give up its waiting deliveries,
    and email every admin a notice. True when this call disabled it."""
    from support.services import outbox_enqueue_email

    with transaction.atomic():
        changed = WebhookEndpoint.objects.filter(pk=endpoint.pk, enabled=True).update(
            enabled=False, disabled_at=now
        )
        if not changed:
            return False
        endpoint.enabled, endpoint.disabled_at = False, now
        subscriptions_changed()
        WebhookDelivery.objects.filter(endpoint=endpoint, next_attempt_at__isnull=False).update(
            next_attempt_at=None, failed_at=now, last_error=_("The endpoint was disabled.")
        )
        for admin in _admins():
            profile = getattr(admin, "agent_profile", None)
            outbox_enqueue_email(
                dedupe_key=f"webhook:{endpoint.pk}:disabled:{now.timestamp():.0f}:{admin.pk}",
                to=admin.email,
                template="support/emails/webhook_disabled",
                language=profile.preferred_language if profile else "en",
                context={"endpoint": endpoint, "url": _admin_url(endpoint)},
            )
    logger.warning("webhook endpoint disabled", extra={"endpoint_id": endpoint.pk})
    return True


def _admins():
    return (
        get_user_model()
        .objects.filter(groups__name=Role.ADMIN, is_active=True)
        .exclude(email="")
        .select_related("agent_profile")
    )


def _admin_url(endpoint: WebhookEndpoint) -> str:
    path = reverse("admin:support_webhookendpoint_change", args=[endpoint.pk])
    return settings.SITE_URL.rstrip("/") + path
