"""No loops, no storms: mail that a program wrote gets no acknowledgement, an address gets at
most a few acknowledgements an hour, and our own mail coming back never opens a ticket.

An auto-reply is recognised the way RFC 3834 and the big mail systems mark one
(`Auto-Submitted` other than `no`, `Precedence: bulk/junk/list/auto_reply`, `X-Autoreply`,
`X-Autorespond`, Microsoft's `X-Auto-Response-Suppress`, a mailing list's `List-Id`, a null
return path) or, when the sender's program marks nothing, by an out-of-office subject in any
of our five languages (and German, French and Spanish, which office mail servers often use).
"""

import hashlib
import logging
import re
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from tickets.channels.email_acks import acks_written, hour_start
from tickets.channels.email_mime import ReadEmail
from tickets.channels.email_threads import email_message_id_verified

logger = logging.getLogger(__name__)

AUTO_PRECEDENCE = {"bulk", "junk", "list", "auto_reply", "auto-reply"}
AUTO_FLAG_HEADERS = ("X-Autoreply", "X-Autorespond", "X-Autoresponder", "X-Auto-Reply")
OUT_OF_OFFICE_RE = re.compile(
    r"(?i)\b(out of (the )?office|auto(matic|matische)?[ -]?(reply|response|antwort)"
    r"|away from (the )?office|on (annual )?leave|vacation reply|abwesenheit"
    r"|r[ée]ponse automatique|absence du bureau|respuesta autom[aá]tica|fuera de la oficina)"
    r"|自动回复|自動回覆|自動回复|自动答复|休假|不在办公室|不在辦公室|外出中|外出のお知らせ"
    r"|自動応答|自動返信|不在通知|不在のお知らせ|休暇のお知らせ"
    r"|자동\s?응답|자동\s?회신|부재\s?중|부재\s?알림|휴가\s?중"
)
ROBOT_SENDERS_RE = re.compile(r"(?i)^(mailer-daemon|postmaster|no-?reply|do-?not-?reply)@")


def auto_reply_reason(read: ReadEmail) -> str:
    """Why this mail is an auto-reply or bulk mail ("" when a person wrote it)."""
    if read.message is None:
        return ""
    submitted = read.header("Auto-Submitted").strip().lower()
    if submitted and not submitted.startswith("no"):
        return "auto-submitted"
    if read.header("Precedence").strip().lower() in AUTO_PRECEDENCE:
        return "precedence"
    if any(read.header(name).strip() for name in AUTO_FLAG_HEADERS):
        return "autoreply-header"
    suppress = read.header("X-Auto-Response-Suppress").lower()
    if "all" in suppress or "oof" in suppress or "autoreply" in suppress:
        return "autoreply-header"
    if read.header("List-Id").strip() or read.header("List-Unsubscribe").strip():
        return "mailing-list"
    if read.header("Return-Path").strip() == "<>" or ROBOT_SENDERS_RE.match(read.sender):
        return "robot-sender"
    if OUT_OF_OFFICE_RE.search(read.subject):
        return "out-of-office"
    return ""


# --- Our own mail --------------------------------------------------------------------------------


def is_own_mail(read: ReadEmail) -> bool:
    """Mail we sent, come back (a forward to our own address, a misconfigured alias): its
    Message-ID is one of ours with a valid signature, which nobody outside can make."""
    return bool(read.message_id) and email_message_id_verified(read.message_id) is not None


# --- At most N acknowledgements an hour per address ----------------------------------------------


def acks_per_hour() -> int:
    return settings.EMAIL_ACKS_PER_HOUR


def ack_allowed(address: str, *, now=None) -> bool:
    """Whether `address` may get another acknowledgement this hour (a fixed window per
    clock hour, counted in Redis; while Redis is down, counted from the outbox). A first
    answer: the one that counts is taken when it is written (email_acks.email_ack_due)."""
    now = now or timezone.now()
    try:
        sent = cache.get(_ack_key(address, now), 0)
    except Exception:  # Redis down: the outbox knows (and decides again when writing one)
        logger.warning("acknowledgement counter unavailable", exc_info=True)
        sent = acks_written(address, since=hour_start(now))
    return sent < acks_per_hour()


def ack_counted(address: str, *, now=None) -> None:
    """Count one acknowledgement to `address` (after the ticket that causes it was stored)."""
    key = _ack_key(address, now or timezone.now())
    try:
        if not cache.add(key, 1, timeout=int(timedelta(hours=2).total_seconds())):
            cache.incr(key)
    except Exception:
        logger.warning("acknowledgement counter unavailable", exc_info=True)


def _ack_key(address: str, now) -> str:
    digest = hashlib.sha256(address.strip().lower().encode()).hexdigest()[:24]
    return f"email-acks:{digest}:{now:%Y%m%d%H}"
