"""Linking a handle to a signed-in customer: a code sent through the handle's own channel,
entered on the portal (docs/channels.md, "One customer across channels").

Codes are six digits, stored as an HMAC, valid for ten minutes, used once, with five tries
each; a customer may ask for five codes an hour and try twenty codes an hour (throttles in
Redis, like the site's others). A handle verified for another customer is refused without
saying whose it is, except a Telegram user's own account (the one intake made when they
wrote to our bot): proving the handle moves it, and an agent may merge the two.
"""

import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from support.audit import AuditTarget, audit_record
from support.audit_models import AuditAction
from support.roles import is_staff_member
from support.throttle import Limit, limit_hit
from tickets.identities.handles import masked, normalise
from tickets.identities.models import CustomerIdentity, IdentityCode, IdentityKind, VerifiedBy
from tickets.identities.sms import sms_sender
from tickets.models import Channel, Message

CODE_TTL = timedelta(minutes=10)
CODE_TRIES = 5
LINKABLE = (IdentityKind.EMAIL, IdentityKind.PHONE, IdentityKind.TELEGRAM)
SEND_LIMIT = Limit("identity_code_send", 5, 3600)
TRY_LIMIT = Limit("identity_code_try", 20, 3600)
CHANNEL_ACCOUNT_PREFIX = "telegram:"  # accounts intake makes for a channel's user


class LinkRefused(Exception):
    """A refusal the customer reads (translated), and the page's status for it."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class Pending:
    identity: CustomerIdentity
    code: str  # in plain text only here: sent, never stored


def identity_link_start(
    *, customer: AbstractBaseUser, kind: str, handle: str, language: str
) -> CustomerIdentity:
    """Send a code through `handle` (its channel); the identity waits, unverified, for it."""
    refuse_unlinkable(customer, kind, LINKABLE)
    value = normalise(kind, handle, language=language)
    reach, label = _reach(kind, value)
    _refuse_taken(customer, kind, reach.get("value", value))
    refuse_past_send_limit(customer)
    with transaction.atomic():
        identity, _created = CustomerIdentity.objects.get_or_create(
            customer=customer,
            kind=kind,
            value=reach.pop("value", value),
            defaults={"label": label, "reach": reach},
        )
        if identity.verified_at is not None:
            raise LinkRefused(_("This account is linked to you already."))
        identity.codes.filter(used_at__isnull=True).update(expires_at=timezone.now())
        pending = Pending(identity, f"{secrets.randbelow(10**6):06d}")
        code = IdentityCode.objects.create(
            identity=identity,
            code_hash=_hash(identity, pending.code),
            expires_at=timezone.now() + CODE_TTL,
        )
        _send(pending, code, language)
    return identity


def refuse_unlinkable(customer: AbstractBaseUser, kind: str, linkable: tuple[str, ...]) -> None:
    """Refuse a kind that this way of linking does not take, and any staff account (staff link
    no handles, whichever the way)."""
    if kind not in linkable:
        raise LinkRefused(_("This kind of account cannot be linked here."))
    if is_staff_member(customer):
        raise LinkRefused(_("Staff accounts do not link handles."), 403)


def refuse_past_send_limit(customer: AbstractBaseUser) -> None:
    """Count one more code asked for by `customer` (sent or shown, any channel: one budget),
    refused past SEND_LIMIT."""
    if limit_hit(SEND_LIMIT, str(customer.pk)):
        raise LinkRefused(_("Too many codes asked for. Please try again in an hour."), 429)


def identity_link_confirm(*, customer: AbstractBaseUser, pk: int, code: str) -> CustomerIdentity:
    """Link the identity `pk` of `customer` when `code` is its latest code's; each try counts."""
    if limit_hit(TRY_LIMIT, str(customer.pk)):
        raise LinkRefused(_("Too many tries. Please try again in an hour."), 429)
    with transaction.atomic():
        identity = (
            CustomerIdentity.objects.select_for_update()
            .filter(pk=pk, customer=customer, verified_at__isnull=True)
            .first()
        )
        latest = identity.codes.order_by("-id").first() if identity else None
        refusal = _code_refusal(identity, latest, code)
        if refusal is None:
            _verify(identity, latest)
    if refusal is not None:
        raise LinkRefused(refusal)
    return identity


def _code_refusal(identity, latest: IdentityCode | None, code: str) -> str | None:
    """Why `code` does not link `identity` (None: it does); a wrong code uses up a try."""
    if identity is None:
        return _("Nothing is waiting for a code. Ask for a new code.")
    if latest is None or latest.used_at or latest.expires_at <= timezone.now():
        return _("This code has expired or was used already. Ask for a new code.")
    if latest.attempts >= CODE_TRIES:
        return _("Too many wrong codes. Ask for a new code.")
    IdentityCode.objects.filter(pk=latest.pk).update(attempts=F("attempts") + 1)
    if not constant_time_compare(latest.code_hash, _hash(identity, code.strip())):
        return _("This code is not right. Check it and try again.")
    return None


def _verify(identity: CustomerIdentity, code: IdentityCode) -> None:
    now = timezone.now()
    IdentityCode.objects.filter(pk=code.pk).update(used_at=now)
    _refuse_taken(identity.customer, identity.kind, identity.value)  # raced by another
    # A Telegram user's own account gives its claim up to the person who proved the handle.
    CustomerIdentity.objects.filter(kind=identity.kind, value=identity.value).exclude(
        pk=identity.pk
    ).filter(customer__username__startswith=CHANNEL_ACCOUNT_PREFIX).delete()
    identity.verified_at = now
    identity.verified_by = VerifiedBy.CODE
    identity.save(update_fields=["verified_at", "verified_by"])
    audit_record(
        AuditAction.IDENTITY_LINKED,
        actor=identity.customer,
        target=identity_audit_target(identity),
        customer=identity.customer,
        detail={"kind": identity.kind, "verified_by": VerifiedBy.CODE.value},
    )


def identity_unlink(*, identity: CustomerIdentity, by: AbstractBaseUser) -> None:
    """Remove a verified link (found through selectors.identity_get_for_customer): messages
    from the handle no longer reach us as the customer's. Audited, without the handle."""
    with transaction.atomic():
        locked = CustomerIdentity.objects.select_for_update().filter(pk=identity.pk).first()
        if locked is None:
            return  # unlinked already (a second click)
        audit_record(
            AuditAction.IDENTITY_UNLINKED,
            actor=by,
            target=identity_audit_target(locked),
            customer=locked.customer,
            detail={"kind": locked.kind, "verified_by": locked.verified_by},
        )
        locked.delete()


def identity_audit_target(identity: CustomerIdentity) -> AuditTarget:
    """The identity as the audit log names it: its kind and a masked handle, never in full."""
    shown = masked(identity.kind, identity.label or identity.value)
    return AuditTarget("customer identity", str(identity.pk), f"{identity.kind}: {shown}")


def _refuse_taken(customer: AbstractBaseUser, kind: str, value: str) -> None:
    """Refuse a handle that is another customer's: a verified link of theirs, or the email
    address of their account."""
    taken = CustomerIdentity.objects.filter(kind=kind, value=value, verified_at__isnull=False)
    taken = taken.exclude(customer=customer).exclude(
        customer__username__startswith=CHANNEL_ACCOUNT_PREFIX
    )
    owned = kind == IdentityKind.EMAIL and (
        get_user_model()
        .objects.filter(Q(username=value) | Q(email__iexact=value))
        .exclude(pk=customer.pk)
        .exists()
    )
    if owned or taken.exists():
        raise LinkRefused(
            _("This cannot be linked to your account. If it is yours, please contact our support.")
        )


def _reach(kind: str, value: str) -> tuple[dict, str]:
    """How to send to the handle, and its label; a Telegram user must have written to one of
    our bots (a bot cannot start a chat): found by their username or id in our messages."""
    if kind != IdentityKind.TELEGRAM:
        return {}, value
    telegram = Message.objects.filter(channel=Channel.TELEGRAM).select_related("ticket")
    if value.isdigit():
        telegram = telegram.filter(metadata__telegram__user_id=int(value))
    else:
        telegram = telegram.filter(metadata__telegram__username__iexact=value)
    found = telegram.order_by("-id").first()
    if found is None or not found.ticket.external_conversation.startswith("tg:"):
        raise LinkRefused(
            _(
                "We have no Telegram chat with this account. Write to our Telegram bot "
                "first, then ask for the code again."
            )
        )
    _tg, bot, chat = found.ticket.external_conversation.split(":")
    sender = found.metadata["telegram"]
    label = f"@{sender['username']}" if sender.get("username") else str(sender["user_id"])
    return {"value": str(sender["user_id"]), "bot": int(bot), "chat": int(chat)}, label


def _hash(identity: CustomerIdentity, code: str) -> str:
    return salted_hmac("identity-code", f"{identity.pk}:{code}", algorithm="sha256").hexdigest()


def _send(pending: Pending, code: IdentityCode, language: str) -> None:
    """The code through the identity's own channel, in `language`: email and Telegram as
    outbox rows of this transaction; a text message after commit (no network in here)."""
    identity = pending.identity
    key = f"identity-code:{code.pk}"
    if identity.kind == IdentityKind.EMAIL:
        from support.services import outbox_enqueue_email

        outbox_enqueue_email(
            dedupe_key=key,
            to=identity.value,
            template="tickets/emails/identity_code",
            language=language,
            context={"code": pending.code, "minutes": int(CODE_TTL.total_seconds() // 60)},
            new_key=True,
        )
        return
    with translation.override(language):
        text = _(
            "Your code to link this account to your support account: %(code)s. It expires in "
            "%(minutes)s minutes. We will never ask you for it in a chat or a call."
        ) % {"code": pending.code, "minutes": int(CODE_TTL.total_seconds() // 60)}
    if identity.kind == IdentityKind.TELEGRAM:
        from tickets.channels.telegram_outbound import telegram_notice_enqueue
        from tickets.telegram_models import TelegramBot

        bot = TelegramBot.objects.get(pk=identity.reach["bot"])
        telegram_notice_enqueue(bot=bot, chat_id=identity.reach["chat"], key=key, text=text)
        return
    transaction.on_commit(lambda: sms_sender().send(identity.value, text))
