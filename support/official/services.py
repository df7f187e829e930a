"""Checking a value against our official channels, and issuing and finding verification codes.

How a channel adds a code to an agent's message (docs/verification.md):

    line = verification_line_for(channel="telegram", source=f"ticket-message:{message.pk}",
                                 language=ticket.language)
    text = f"{message.body}\n\n{line}"

The same source always gets the same code, so a retried send prints the same line.
"""

import secrets
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models.signals import post_delete, post_save
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.translation import gettext as _

from support.official import matching
from support.official.models import ChannelCheck, OfficialChannel, VerificationCode
from support.process_copies import ProcessCopy
from support.text import redact_customer_text

CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: read aloud and typed
CODE_LENGTH = 8
CODE_ATTEMPTS = 5


@dataclass(frozen=True)
class CheckResult:
    kind: str
    normalised: str
    official: OfficialChannel | None = None
    looks_like: OfficialChannel | None = None
    check: ChannelCheck | None = None  # the recorded check, when it looked like ours

    @property
    def valid(self) -> bool:
        return bool(self.normalised)


def channel_check(*, kind: str, value: str, language: str) -> CheckResult:
    """Is `value` one of our channels of `kind`? A look-alike is recorded (ChannelCheck), its
    value through the redaction gate first: it is text a stranger typed."""
    normalised = matching.normalise(kind, value)
    rows = list(OfficialChannel.objects.active())
    found = matching.matches(kind, normalised, [_official(row) for row in rows])
    official = _row(rows, found.official)
    looks_like = _row(rows, found.looks_like)
    if looks_like is None and found.looks_like is not None:
        looks_like = _email_row_for_domain(rows, found.looks_like.value)
    check = None
    if looks_like is not None:
        stored = redact_customer_text(normalised, lang=language).text
        check = ChannelCheck.objects.create(
            kind=kind, value=stored[:254], looks_like=looks_like, language=language
        )
    return CheckResult(kind, normalised, official=official, looks_like=looks_like, check=check)


def channel_check_reported(check_id: int | None) -> None:
    if check_id:
        ChannelCheck.objects.filter(pk=check_id).update(reported=True)


def _official(row: OfficialChannel) -> matching.Official:
    return matching.Official(row.kind, row.normalised, row.covers_subdomains)


def _row(rows: list[OfficialChannel], official: matching.Official | None) -> OfficialChannel | None:
    if official is None:
        return None
    return next(
        (r for r in rows if (r.kind, r.normalised) == (official.kind, official.value)), None
    )


def _email_row_for_domain(rows: list[OfficialChannel], domain: str) -> OfficialChannel | None:
    """A domain official only through an email address: answer with that address."""
    return next((r for r in rows if r.normalised.endswith("@" + domain)), None)


def official_domains() -> list[str]:
    """Our domains, and the domains of our email addresses (kept in each process: every
    inbound message naming a domain asks)."""
    return list(_domains.get())


def _load_domains() -> tuple[str, ...]:
    rows = OfficialChannel.objects.active().filter(kind__in=[matching.DOMAIN, matching.EMAIL])
    values = rows.values_list("kind", "normalised")
    return tuple(sorted({v if k == matching.DOMAIN else v.partition("@")[2] for k, v in values}))


_domains = ProcessCopy(
    key="support:official-domains:version", name="official domains", load=_load_domains
)


def connect_receivers() -> None:
    """Mark the kept domains stale on every change of an official channel (connected by
    SupportConfig.ready): the only receivers here, and they do nothing else."""
    post_save.connect(_changed, sender=OfficialChannel, dispatch_uid="official-domains-saved")
    post_delete.connect(_changed, sender=OfficialChannel, dispatch_uid="official-domains-deleted")


def _changed(**kwargs) -> None:
    _domains.changed()


def official_list(language: str) -> list[OfficialChannel]:
    return list(OfficialChannel.objects.active().for_language(language))


# --- Verification codes --------------------------------------------------------------------------


def verification_code_for(*, channel: str, source: str) -> VerificationCode:
    """The code printed under the message named by `source`: made on first call, the same one
    after. Safe inside the caller's transaction (a savepoint guards each insert)."""
    existing = VerificationCode.objects.filter(source=source).first()
    if existing is not None:
        return existing
    for _attempt in range(CODE_ATTEMPTS):
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        try:
            with transaction.atomic():
                return VerificationCode.objects.create(code=code, channel=channel, source=source)
        except IntegrityError:
            existing = VerificationCode.objects.filter(source=source).first()
            if existing is not None:
                return existing  # a concurrent send of the same message made it
    raise RuntimeError("no free verification code after several attempts")


def verification_code_find(text: str) -> VerificationCode | None:
    """The code a customer typed (any case, with or without the dash or spaces)."""
    code = "".join(c for c in (text or "").upper() if c.isalnum())
    if len(code) != CODE_LENGTH or any(c not in CODE_ALPHABET for c in code):
        return None
    return VerificationCode.objects.filter(code=code).first()


def code_display(code: str) -> str:
    return f"{code[:4]}-{code[4:]}"


def verification_url(language: str) -> str:
    """The public page where codes and handles are checked, in `language`."""
    with translation.override(language):
        try:
            path = reverse("helpcenter:verify")
        except NoReverseMatch:
            path = f"/{language}/help/verify/"
    return settings.SITE_URL.rstrip("/") + path


def verification_line(code: VerificationCode, *, language: str) -> str:
    """The line under our message, in the customer's language."""
    with translation.override(language):
        return _("Verify this message at %(url)s: code %(code)s") % {
            "url": verification_url(language),
            "code": code_display(code.code),
        }


def verification_line_for(*, channel: str, source: str, language: str) -> str:
    """One call for a channel adapter: the code of `source` and its line in `language`."""
    return verification_line(
        verification_code_for(channel=channel, source=source), language=language
    )
