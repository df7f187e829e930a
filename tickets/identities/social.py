"""Linking a social handle (X, Facebook, Instagram, LINE, KakaoTalk) from the portal: the proof
runs the other way round from an email address's (docs/channels.md, "Linking a social handle").

We may message a social user only after they have written to us (the providers' rules), and
their id there (a page-scoped id, a LINE user id, a Kakao bot user key) is nothing a customer
knows or could type. So the portal shows the signed-in customer a one-time code and our
official accounts for the channel (the registry of support/official), and the customer sends the
code to one of them by direct message. Each social adapter hands a direct message to
`social_link_claim` before intake (tickets/channels/social_linking.py): a live code links the
sender's id to the customer who asked for it, verified, and is answered in the channel instead
of becoming a ticket.

Codes are ten characters of letters and digits without look-alikes (at least one of each, so
never a word), stored as an HMAC of the channel and the code, valid 10 minutes, used once; a
new code replaces the customer's last one for the channel. Asking shares the budget of the
other codes (5 an hour, linking.SEND_LIMIT). A sender may send 5 code-shaped messages an hour;
past that their messages are not looked up at all, so the codes (about 8 × 10^14) cannot be
guessed.
"""

import re
import secrets
import unicodedata
from dataclasses import dataclass
from enum import StrEnum
from urllib.parse import quote, urlsplit

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone, translation
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from support.audit import audit_record
from support.audit_models import AuditAction
from support.official.models import OfficialChannel
from support.taxonomy import LANGUAGE_CODES
from support.throttle import Limit, limit_hit
from tickets.identities.handles import CHANNEL_ACCOUNT_KINDS, masked
from tickets.identities.linking import (
    CODE_TTL,
    identity_audit_target,
    refuse_past_send_limit,
    refuse_unlinkable,
)
from tickets.identities.models import CustomerIdentity, IdentityKind, SocialLinkCode, VerifiedBy
from tickets.social_models import SocialAccount

CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L
CODE_HALF = 5  # shown as two halves: K7Q4M-X2PAB
SOCIAL_KINDS = (
    IdentityKind.X,
    IdentityKind.FACEBOOK,
    IdentityKind.INSTAGRAM,
    IdentityKind.LINE,
    IdentityKind.KAKAOTALK,
)
# The kind of our social account that receives each kind's direct messages, and back.
ACCOUNT_KINDS = {
    IdentityKind.X: SocialAccount.Kind.X,
    IdentityKind.FACEBOOK: SocialAccount.Kind.MESSENGER,
    IdentityKind.INSTAGRAM: SocialAccount.Kind.INSTAGRAM,
    IdentityKind.LINE: SocialAccount.Kind.LINE,
    IdentityKind.KAKAOTALK: SocialAccount.Kind.KAKAO,
}
IDENTITY_KINDS = {account: identity for identity, account in ACCOUNT_KINDS.items()}
DM_TRY_LIMIT = Limit("identity_dm_code_try", 5, 3600)
DASHED_RE = re.compile(r"(?<![A-Za-z0-9])([A-Za-z2-9]{5})-([A-Za-z2-9]{5})(?![A-Za-z0-9])")
OTHER_WORDS_MAX = 20  # letters and digits besides the code: more, and the message says more
NAME_RE = re.compile(r"^[A-Za-z0-9_.\-]{1,64}$")


class Outcome(StrEnum):
    LINKED = "linked"
    ALREADY = "already"  # linked to this customer before (the same sender again)
    TAKEN = "taken"  # the sender is linked to another customer
    INVALID = "invalid"  # no such code, expired, used by another sender
    THROTTLED = "throttled"


class State(StrEnum):
    """A shown code as the portal's page tells it."""

    WAITING = "waiting"
    LINKED = "linked"
    TAKEN = "taken"
    EXPIRED = "expired"


@dataclass(frozen=True)
class ShownCode:
    row: SocialLinkCode
    code: str  # in plain text only here: shown once, never stored

    @property
    def display(self) -> str:
        return f"{self.code[:CODE_HALF]}-{self.code[CODE_HALF:]}"


@dataclass(frozen=True)
class Claim:
    outcome: Outcome
    language: str
    also_message: bool  # the customer wrote more than the code and it linked nothing

    def reply(self, kind: str) -> str:
        """The answer in the channel, in the customer's language."""
        with translation.override(self.language):
            return _claim_text(self.outcome, IdentityKind(kind).label)


@dataclass(frozen=True)
class Offer:
    kind: str
    label: str
    officials: list[dict]  # {"value", "url", "description"}: where to send the code


# --- The portal ----------------------------------------------------------------------------------


def social_link_offers(language: str) -> list[Offer]:
    """The channels a customer can link here: those with one of our accounts taking direct
    messages and an official handle for readers of `language` to send the code to."""
    enabled = set(SocialAccount.objects.filter(enabled=True).values_list("kind", flat=True))
    rows = list(
        OfficialChannel.objects.active().for_language(language).filter(kind__in=SOCIAL_KINDS)
    )
    offers = []
    for kind in SOCIAL_KINDS:
        officials = [
            {
                "value": row.value,
                "url": dm_url(kind, row.value),
                "description": row.description_in(language),
            }
            for row in rows
            if row.kind == kind
        ]
        if ACCOUNT_KINDS[kind] in enabled and officials:
            offers.append(Offer(kind, IdentityKind(kind).label, officials))
    return offers


def dm_url(kind: str, value: str) -> str:
    """Where a customer opens a chat with our official handle `value` (as admins typed it:
    `@name`, a profile URL); "" when no address can be made (a Kakao search id)."""
    name = value.strip()
    if "/" in name:
        path = urlsplit(name if "://" in name else "https://" + name).path
        segments = [segment for segment in path.split("/") if segment]
        name = segments[-1] if segments else ""
    name = name.lstrip("@")
    if not NAME_RE.match(name):
        return ""
    name = quote(name)
    return {
        IdentityKind.X: f"https://x.com/{name}",
        IdentityKind.FACEBOOK: f"https://m.me/{name}",
        IdentityKind.INSTAGRAM: f"https://ig.me/m/{name}",
        IdentityKind.LINE: f"https://line.me/R/ti/p/@{name}",
        # A channel's profile id starts with "_"; its search id opens nothing.
        IdentityKind.KAKAOTALK: f"https://pf.kakao.com/{name}/chat" if name[:1] == "_" else "",
    }.get(kind, "")


def social_link_start(*, customer: AbstractBaseUser, kind: str, language: str) -> ShownCode:
    """A new code for `customer` to send us on `kind`; their last one for it stops working."""
    refuse_unlinkable(customer, kind, SOCIAL_KINDS)
    refuse_past_send_limit(customer)
    now = timezone.now()
    with transaction.atomic():
        SocialLinkCode.objects.filter(
            customer=customer, kind=kind, used_at__isnull=True, expires_at__gt=now
        ).update(expires_at=now)
        for _attempt in range(5):
            code = new_code()
            try:
                with transaction.atomic():
                    row = SocialLinkCode.objects.create(
                        customer=customer,
                        kind=kind,
                        code_hash=code_hash(kind, code),
                        language=language if language in LANGUAGE_CODES else "en",
                        expires_at=now + CODE_TTL,
                    )
            except IntegrityError:  # the same code live for someone else: draw again
                continue
            return ShownCode(row, code)
    raise RuntimeError("no free link code after several draws")


def social_code_get_for_user(*, user: AbstractBaseUser, pk: int) -> SocialLinkCode:
    """One of the signed-in customer's codes; 404 for a missing one and another's alike."""
    row = SocialLinkCode.objects.filter(pk=pk, customer=user).select_related("identity").first()
    if row is None:
        raise Http404
    return row


def social_codes_recent(customer: AbstractBaseUser) -> list[SocialLinkCode]:
    """The customer's codes of the last ten minutes that are not linked: waiting for their
    message, or refused because the sender is another customer's."""
    since = timezone.now() - CODE_TTL
    rows = SocialLinkCode.objects.filter(customer=customer, created_at__gte=since)
    return [row for row in rows.order_by("-id")[:5] if social_link_state(row) != State.LINKED]


def social_link_state(row: SocialLinkCode) -> State:
    if row.outcome == SocialLinkCode.Outcome.LINKED:
        return State.LINKED
    if row.outcome == SocialLinkCode.Outcome.TAKEN:
        return State.TAKEN
    if row.used_at is not None or row.expires_at <= timezone.now():
        return State.EXPIRED
    return State.WAITING


def social_link_state_text(row: SocialLinkCode) -> str:
    """What the page says about a shown code, in the active language."""
    state = social_link_state(row)
    kind = row.get_kind_display()
    if state == State.LINKED:
        handle = masked(row.kind, row.identity.label or row.identity.value) if row.identity else ""
        return _("Linked: %(kind)s %(handle)s. Messages from it now reach us as yours.") % {
            "kind": kind,
            "handle": handle,
        }
    if state == State.TAKEN:
        return _(
            "This %(kind)s account is linked to another support account, so it was not linked "
            "to yours. If both are yours, please contact our support."
        ) % {"kind": kind}
    if state == State.EXPIRED:
        return _("This code has expired or was replaced. Ask for a new code.")
    return _("Waiting for your message with the code on %(kind)s.") % {"kind": kind}


# --- A direct message carrying a code ----------------------------------------------------------


def social_link_claim(
    *,
    account: SocialAccount,
    sender: str,
    text: str,
    label: str = "",
    language_hint: str = "",
) -> Claim | None:
    """What a direct message from `sender` to our `account` does to the links; None when it
    carries no link code (an ordinary message). A throttled sender's code is not looked up."""
    kind = IDENTITY_KINDS[account.kind]
    code = code_in(text)
    if code is None or not sender:
        return None
    also_message = _says_more(text, code)
    fallback = _sender_language(kind, sender, language_hint)
    if limit_hit(DM_TRY_LIMIT, f"{kind}:{sender}"):
        return Claim(Outcome.THROTTLED, fallback, also_message)
    with transaction.atomic():
        row = (
            SocialLinkCode.objects.select_for_update(of=("self",))
            .select_related("customer", "identity")
            .filter(code_hash=code_hash(kind, code))
            .first()
        )
        outcome = _claim(row, kind=kind, sender=sender, label=label, account=account)
    if outcome == Outcome.INVALID:  # in the sender's language: nothing of the code's owner
        return Claim(outcome, fallback, also_message)
    return Claim(outcome, row.language, False)


def _claim(row, *, kind: str, sender: str, label: str, account: SocialAccount) -> Outcome:
    """Under the code's row lock."""
    if row is None or not row.customer.is_active:
        return Outcome.INVALID
    if row.used_at is not None:
        same = row.outcome == SocialLinkCode.Outcome.LINKED and row.identity is not None
        return Outcome.ALREADY if same and row.identity.value == sender else Outcome.INVALID
    if row.expires_at <= timezone.now():
        return Outcome.INVALID
    outcome, identity = _link(row.customer, kind=kind, sender=sender, label=label, account=account)
    row.used_at = timezone.now()
    row.outcome = (
        SocialLinkCode.Outcome.TAKEN if outcome == Outcome.TAKEN else SocialLinkCode.Outcome.LINKED
    )
    row.identity = identity
    row.save(update_fields=["used_at", "outcome", "identity"])
    return outcome


def _link(customer, *, kind: str, sender: str, label: str, account: SocialAccount):
    """(outcome, identity): `sender` verified for `customer`, unless it is another's."""
    verified = CustomerIdentity.objects.filter(kind=kind, value=sender, verified_at__isnull=False)
    mine = verified.filter(customer=customer).first()
    if mine is not None:
        return Outcome.ALREADY, mine
    if verified.exists():
        return Outcome.TAKEN, None
    try:
        with transaction.atomic():
            identity, _created = CustomerIdentity.objects.get_or_create(
                customer=customer, kind=kind, value=sender
            )
            identity.label = label[:254]
            identity.verified_at = timezone.now()
            identity.verified_by = VerifiedBy.MESSAGE
            identity.reach = {"account": account.pk}
            identity.save(update_fields=["label", "verified_at", "verified_by", "reach"])
    except IntegrityError:  # verified for another customer in the meantime
        return Outcome.TAKEN, None
    audit_record(
        AuditAction.IDENTITY_LINKED,
        actor=customer,
        target=identity_audit_target(identity),
        customer=customer,
        detail={"kind": kind, "verified_by": VerifiedBy.MESSAGE.value, "account": account.pk},
    )
    return Outcome.LINKED, identity


def _sender_language(kind: str, sender: str, hint: str) -> str:
    """The language to answer a sender in when no code of theirs tells it: the provider's
    hint, else the language of the account intake made for them, else English."""
    if hint in LANGUAGE_CODES:
        return hint
    prefix = next((p for p, k in CHANNEL_ACCOUNT_KINDS.items() if k == kind), "")
    profile = (
        get_user_model()
        .objects.filter(username=f"{prefix}:{sender}")
        .values_list("customer_profile__preferred_language", flat=True)
        .first()
    )
    return profile if profile in LANGUAGE_CODES else "en"


def _claim_text(outcome: Outcome, kind: str) -> str:
    if outcome == Outcome.LINKED:
        return _(
            "Done: this %(kind)s account is now linked to your support account, and what you "
            "send us here reaches us as yours. You can unlink it on the Linked accounts page."
        ) % {"kind": kind}
    if outcome == Outcome.ALREADY:
        return _("This account is linked to your support account already.")
    if outcome == Outcome.TAKEN:
        return _(
            "This account is linked to another support account, so it was not linked to "
            "yours. If both are yours, write to us here and an agent will help."
        )
    if outcome == Outcome.THROTTLED:
        return _("Too many codes were sent from this account. Please try again in an hour.")
    return _(
        "This code is not valid or has expired. Ask for a new code on the Linked accounts "
        "page of our support site and send it within 10 minutes."
    )


# --- Codes ---------------------------------------------------------------------------------------


def new_code() -> str:
    """Ten characters of CODE_ALPHABET with at least one letter and one digit."""
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(2 * CODE_HALF))
        if _is_code(code):
            return code


def code_hash(kind: str, code: str) -> str:
    return salted_hmac("identity-social-code", f"{kind}:{code}", algorithm="sha256").hexdigest()


def code_in(text: str) -> str | None:
    """The link code a message carries: the whole message (any case, full-width or not, with
    spaces or a dash), or a `K7Q4M-X2PAB` among other words; None when there is none."""
    text = unicodedata.normalize("NFKC", text or "")
    compact = re.sub(r"[\s\-]", "", text).upper()
    if _is_code(compact):
        return compact
    for found in DASHED_RE.finditer(text):
        code = (found.group(1) + found.group(2)).upper()
        if _is_code(code):
            return code
    return None


def _is_code(value: str) -> bool:
    return (
        len(value) == 2 * CODE_HALF
        and all(char in CODE_ALPHABET for char in value)
        and any(char.isdigit() for char in value)
        and any(char.isalpha() for char in value)
    )


def _says_more(text: str, code: str) -> bool:
    """Whether the message holds more than the code and a few words around it ("code:")."""
    text = unicodedata.normalize("NFKC", text or "").upper()
    rest = re.sub(r"[\W_]", "", text).replace(code, "", 1)
    return len(rest) > OTHER_WORDS_MAX
