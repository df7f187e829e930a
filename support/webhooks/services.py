"""What admins do with endpoints and deliveries: create (the secret shown once), rotate the
secret, enable again after failures, replay a delivery."""

from datetime import timedelta
from urllib.parse import urlsplit

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from support.audit import audit_record
from support.audit_models import AuditAction
from support.webhooks.emit import deliver_after_commit, subscriptions_changed
from support.webhooks.models import WebhookDelivery, WebhookEndpoint
from support.webhooks.signing import secret_generate, secret_seal, secret_unseal

ROTATION_OVERLAP = timedelta(hours=24)  # the former secret still signs this long


def endpoint_secrets(endpoint: WebhookEndpoint) -> list[str]:
    """The secrets that sign a delivery now: the current one, and the former one during the
    overlap after a rotation."""
    in_use = [secret_unseal(endpoint.secret_sealed)]
    until = endpoint.previous_secret_until
    if until is not None and until > timezone.now():
        in_use.append(secret_unseal(endpoint.previous_secret_sealed))
    return [secret for secret in in_use if secret]


def webhook_endpoint_create(
    *, name: str, url: str, events: list[str], by: AbstractBaseUser | None, enabled: bool = True
) -> tuple[WebhookEndpoint, str]:
    """A new endpoint and its signing secret, in clear for this once."""
    secret = secret_generate()
    with transaction.atomic():
        endpoint = WebhookEndpoint.objects.create(
            name=name, url=url, events=events, enabled=enabled, secret_sealed=secret_seal(secret)
        )
        _audit(endpoint, by, "created")
        subscriptions_changed()
    return endpoint, secret


def webhook_endpoint_update(
    *, endpoint: WebhookEndpoint, changed: list[str], by: AbstractBaseUser | None
) -> WebhookEndpoint:
    """Save an admin's edits (`changed`: the fields). Enabling it again starts its failure
    count afresh."""
    fields = list(changed)
    if "enabled" in changed and endpoint.enabled:
        endpoint.consecutive_failures, endpoint.failing_since = 0, None
        endpoint.disabled_at = None
        fields += ["consecutive_failures", "failing_since", "disabled_at"]
    with transaction.atomic():
        if fields:
            endpoint.save(update_fields=fields)
        _audit(endpoint, by, "changed", fields=sorted(changed))
        subscriptions_changed()
    return endpoint


def webhook_endpoint_rotate_secret(
    *, endpoint: WebhookEndpoint, by: AbstractBaseUser | None
) -> str:
    """A new secret (returned in clear, once); the former one keeps signing for
    ROTATION_OVERLAP, beside it, so receivers can switch without losing deliveries."""
    secret = secret_generate()
    with transaction.atomic():
        endpoint = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
        endpoint.previous_secret_sealed = endpoint.secret_sealed
        endpoint.previous_secret_until = timezone.now() + ROTATION_OVERLAP
        endpoint.secret_sealed = secret_seal(secret)
        endpoint.save(
            update_fields=["previous_secret_sealed", "previous_secret_until", "secret_sealed"]
        )
        _audit(endpoint, by, "secret rotated")
    return secret


def webhook_replay(*, delivery: WebhookDelivery, by: AbstractBaseUser | None) -> WebhookDelivery:
    """Send a delivery again: a new row with the same event, event id and body, due now."""
    with transaction.atomic():
        replay = WebhookDelivery.objects.create(
            endpoint_id=delivery.endpoint_id,
            event=delivery.event,
            event_id=delivery.event_id,
            body=delivery.body,
            next_attempt_at=timezone.now(),
            replay_of=delivery,
        )
        deliver_after_commit(replay.pk)
    return replay


def _audit(endpoint: WebhookEndpoint, by: AbstractBaseUser | None, what: str, **extra) -> None:
    """The admin's change in the audit log: the URL's host only (a path may hold a token)."""
    audit_record(
        AuditAction.WEBHOOK_ENDPOINT_CHANGED,
        actor=by,
        target=endpoint,
        detail={
            "what": what,
            "host": urlsplit(endpoint.url).hostname,
            "events": list(endpoint.events),
            **extra,
        },
    )
