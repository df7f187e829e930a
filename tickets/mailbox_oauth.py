"""OAuth2 sign-in (XOAUTH2) for IMAP mailboxes at Microsoft 365 and Google, whose IMAP refuses
passwords (Microsoft) or wants an app password or OAuth2 (Google). docs/email.md, "OAuth2".

The admin stores the app's client ID (and secret, if it has one) and a refresh token, sealed
like the password (tickets/mailboxes.py). Each IMAP login needs an access token: the one kept
while it has more than five minutes left, else a new one from the provider's token endpoint
(RFC 6749 section 6). Microsoft may answer with a new refresh token: it replaces the old one.
A refusal (`invalid_grant`: revoked, expired, the account's password changed) is recorded on
the mailbox as "sign in again"; the provider being away is a connection problem like the IMAP
server being away. Refreshes of one mailbox never run at once (an advisory lock), so two
processes cannot both spend a refresh token Microsoft has just rotated.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from urllib.parse import urlsplit

import requests
from django.db import connection
from django.utils import timezone

from tickets.mailboxes import mailbox_seal, mailbox_unseal
from tickets.models import Mailbox

TOKEN_URLS = {
    Mailbox.Provider.MICROSOFT: "https://login.microsoftonline.com/{tenant}/oauth2/v2.0/token",
    Mailbox.Provider.GOOGLE: "https://oauth2.googleapis.com/token",
}
# Microsoft needs the scope named again on each refresh (Google keeps the one granted), and
# its national clouds name their own Exchange: found by the sign-in host of the token endpoint.
MICROSOFT_SCOPE = "https://{exchange}/IMAP.AccessAsUser.All offline_access"
MICROSOFT_EXCHANGES = {
    "login.chinacloudapi.cn": "partner.outlook.cn",  # operated by 21Vianet
    "login.microsoftonline.us": "outlook.office365.us",  # US Government (GCC High, DoD)
}
MICROSOFT_EXCHANGE = "outlook.office.com"
MICROSOFT_ANY_TENANT = "organizations"  # any work or school account
EARLY = timedelta(minutes=5)  # an access token this close to expiring is renewed first
TIMEOUT_SECONDS = 15
LOCK_CLASS = 0x3A13  # the first key of the refreshes' advisory locks (the second: the id)


class OAuthRefused(Exception):
    """The provider refused the refresh token: someone must sign in again."""


def mailbox_access_token(mailbox: Mailbox, *, now: datetime | None = None) -> str:
    """A valid access token for `mailbox`, renewed from its refresh token when needed."""
    now = now or timezone.now()
    if _still_valid(mailbox, now):
        return mailbox_unseal(mailbox, mailbox.oauth_access_token_sealed)
    with _refresh_lock(mailbox.pk):
        current = Mailbox.objects.get(pk=mailbox.pk)  # renewed meanwhile by another process?
        if not _still_valid(current, now):
            _refresh(current, now=now)
    _copy_tokens(current, mailbox)
    return mailbox_unseal(mailbox, mailbox.oauth_access_token_sealed)


def mailbox_set_oauth_secrets(
    *, mailbox: Mailbox, client_secret: str | None = None, refresh_token: str | None = None
) -> Mailbox:
    """Store what the admin entered, sealed (None: keep the stored one; "": remove it). A new
    refresh token drops the access token kept, which belonged to the old one."""
    fields: dict[str, object] = {}
    if client_secret is not None:
        fields["oauth_client_secret_sealed"] = mailbox_seal(client_secret)
    if refresh_token is not None:
        fields["oauth_refresh_token_sealed"] = mailbox_seal(refresh_token)
        fields.update(oauth_access_token_sealed=b"", oauth_access_expires_at=None)
    Mailbox.objects.filter(pk=mailbox.pk).update(**fields)
    for name, value in fields.items():
        setattr(mailbox, name, value)
    return mailbox


def mailbox_access_token_rejected(mailbox: Mailbox) -> None:
    """The IMAP server refused the access token kept: the next login asks for a new one."""
    Mailbox.objects.filter(pk=mailbox.pk).update(
        oauth_access_token_sealed=b"", oauth_access_expires_at=None
    )
    mailbox.oauth_access_token_sealed, mailbox.oauth_access_expires_at = b"", None


def token_url(mailbox: Mailbox) -> str:
    if mailbox.oauth_token_url:
        return mailbox.oauth_token_url
    url = TOKEN_URLS[mailbox.oauth_provider]
    return url.format(tenant=mailbox.oauth_tenant.strip() or MICROSOFT_ANY_TENANT)


def microsoft_scope(url: str) -> str:
    host = urlsplit(url).hostname or ""
    return MICROSOFT_SCOPE.format(exchange=MICROSOFT_EXCHANGES.get(host, MICROSOFT_EXCHANGE))


def _still_valid(mailbox: Mailbox, now: datetime) -> bool:
    expires = mailbox.oauth_access_expires_at
    return bool(mailbox.oauth_access_token_sealed) and expires is not None and expires - EARLY > now


def _refresh(mailbox: Mailbox, *, now: datetime) -> None:
    """Ask the provider for a new access token (a network call: never inside a transaction)."""
    form = {
        "grant_type": "refresh_token",
        "refresh_token": mailbox_unseal(mailbox, mailbox.oauth_refresh_token_sealed),
        "client_id": mailbox.oauth_client_id,
    }
    if secret := mailbox_unseal(mailbox, mailbox.oauth_client_secret_sealed):
        form["client_secret"] = secret
    if mailbox.oauth_provider == Mailbox.Provider.MICROSOFT:
        form["scope"] = microsoft_scope(token_url(mailbox))
    if not form["refresh_token"]:
        raise OAuthRefused("no refresh token is stored")
    response = requests.post(
        token_url(mailbox),
        data=form,
        timeout=TIMEOUT_SECONDS,
        headers={"Accept": "application/json"},
    )
    body = _json(response)
    if response.status_code in (400, 401):  # RFC 6749 5.2: invalid_grant, invalid_client, …
        reason = f"{body.get('error', response.status_code)}: {body.get('error_description', '')}"
        raise OAuthRefused(reason.strip()[:500])
    response.raise_for_status()  # 5xx: the provider is away, tried again at the next poll
    fields = {
        "oauth_access_token_sealed": mailbox_seal(str(body["access_token"])),
        "oauth_access_expires_at": now + timedelta(seconds=int(body.get("expires_in", 3600))),
    }
    if body.get("refresh_token"):  # rotated: the old one may stop working
        fields["oauth_refresh_token_sealed"] = mailbox_seal(str(body["refresh_token"]))
    Mailbox.objects.filter(pk=mailbox.pk).update(**fields)
    for name, value in fields.items():
        setattr(mailbox, name, value)


def _json(response: requests.Response) -> dict:
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def _copy_tokens(source: Mailbox, target: Mailbox) -> None:
    for name in ("oauth_access_token_sealed", "oauth_access_expires_at"):
        setattr(target, name, getattr(source, name))
    target.oauth_refresh_token_sealed = source.oauth_refresh_token_sealed


@contextmanager
def _refresh_lock(mailbox_id: int) -> Iterator[None]:
    key = (LOCK_CLASS, mailbox_id % 2**31)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s, %s)", key)
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s, %s)", key)
