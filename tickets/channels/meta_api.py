"""Calls to Meta's Graph API (Messenger and Instagram messaging), and only to it: the Send API
URL is built from META_GRAPH_BASE (by default https://graph.facebook.com/v21.0), never from
anything in a webhook. Files customers send are fetched only from the origins in
META_FILE_HOSTS (Meta's CDNs), never following a redirect.

Graph errors (https://developers.facebook.com/docs/graph-api/guides/error-handling) come back
as `{"error": {"message", "type", "code", "error_subcode", "fbtrace_id"}}`; codes 4, 17, 32 and
613 are rate limits: we wait (the Retry-After header when there is one, else a minute); code 10
with subcode 2018278 is a message outside the allowed window.

A file of an agent's reply is uploaded with the message that carries it: the Send API as form
data, `recipient`, `messaging_type` (and `tag`), `message` `{"attachment": {"type": "image" |
"file", "payload": {"is_reusable": false}}}` and the bytes as `filedata`.
"""

import json

import requests
from django.conf import settings

from tickets.channels.social_common import (
    TIMEOUTS,
    SocialRefused,
    SocialRetryAfter,
    SocialUnavailable,
    SocialWindowClosed,
    secret_open,
)
from tickets.file_delivery_models import FileDelivery
from tickets.social_models import SocialAccount, SocialOutbox

RATE_LIMIT_CODES = {4, 17, 32, 613}
RATE_LIMIT_WAIT = 60  # seconds, when Meta gives no Retry-After
TEXT_PART = 2000  # the Send API's limit for a text message
PUBLIC_KINDS = ("comment", "post", "igmention")  # outbox recipients answered in public
WINDOW_CLOSED = (10, 2018278)  # (code, error_subcode): outside the allowed messaging window
RESPONSE = {"messaging_type": "RESPONSE"}
IMAGE_TYPES = ("image/png", "image/jpeg", "image/gif")  # sent as "image"; others as "file"


def graph_base() -> str:
    return settings.META_GRAPH_BASE.rstrip("/")


def public_target(row: SocialOutbox, text: str) -> tuple[str, dict]:
    """Where the public answer to a mention goes (`comment:<id>`, `post:<id>` on Facebook,
    `igmention:<media id>:<comment id>` on Instagram) and its body."""
    if row.message_id is not None:  # an agent's reply never goes public
        raise SocialRefused("an agent's reply is not posted publicly")
    kind, _colon, target = row.recipient.partition(":")
    if kind in ("comment", "post") and target.replace("_", "").isdigit():
        return f"/{target}/comments", {"message": text}
    media, _colon, comment = target.partition(":")
    if kind == "igmention" and media.isdigit() and (comment.isdigit() or not comment):
        body = {"media_id": media, "message": text}
        if comment:
            body["comment_id"] = comment
        return f"/{row.account.external_id}/mentions", body
    raise SocialRefused("not a public target")


def is_public(row: SocialOutbox) -> bool:
    return row.recipient.partition(":")[0] in PUBLIC_KINDS


def send_text(row: SocialOutbox, text: str, *, messaging: dict = RESPONSE) -> None:
    """One text message to the customer (a PSID or an Instagram-scoped id), sent as
    `messaging` says (a response, or with the human-agent tag), or the one public answer to a
    mention (a row the adapter wrote for it, never an agent's)."""
    if is_public(row):
        path, body = public_target(row, text)
    else:
        path = "/me/messages"
        body = {"recipient": {"id": row.recipient}, **messaging, "message": {"text": text}}
    _post(row, path, json=body)


def send_file(row: SocialOutbox, delivery: FileDelivery, content: bytes, *, messaging: dict) -> str:
    """One file of an agent's reply, uploaded with the message that carries it; Meta's
    message id."""
    attachment = delivery.attachment
    kind = "image" if attachment.content_type in IMAGE_TYPES else "file"
    message = {"attachment": {"type": kind, "payload": {"is_reusable": False}}}
    fields = {"recipient": {"id": row.recipient}, **messaging, "message": message}
    response = _post(
        row,
        "/me/messages",
        data={name: v if isinstance(v, str) else json.dumps(v) for name, v in fields.items()},
        files={"filedata": (attachment.filename, content, attachment.content_type)},
    )
    try:
        answer = response.json()
    except ValueError:
        answer = {}
    return str(answer.get("message_id", "")) if isinstance(answer, dict) else ""


def _post(row: SocialOutbox, path: str, **body) -> requests.Response:
    token = secret_open(row.account.token_sealed)
    try:
        response = requests.post(
            f"{graph_base()}{path}",
            params={"access_token": token},
            timeout=TIMEOUTS,
            allow_redirects=False,
            **body,
        )
    except requests.RequestException as error:
        raise SocialUnavailable(f"send: {type(error).__name__}") from None
    _check(response)
    return response


def _check(response: requests.Response) -> None:
    try:
        body = response.json()
    except ValueError:
        body = {}
    error = body.get("error") if isinstance(body, dict) else None
    error = error if isinstance(error, dict) else {}
    description = f"{response.status_code} {error.get('code', '')} {error.get('message', '')}"
    if response.status_code == 429 or error.get("code") in RATE_LIMIT_CODES:
        raise SocialRetryAfter(_retry_after(response), description[:300])
    if (error.get("code"), error.get("error_subcode")) == WINDOW_CLOSED:
        raise SocialWindowClosed(f"send: {description[:300]}")
    if response.status_code >= 500:
        raise SocialUnavailable(f"send: {description[:300]}")
    if response.status_code >= 300 or error:
        raise SocialRefused(f"send: {description[:300]}")


def _retry_after(response: requests.Response) -> int:
    value = response.headers.get("Retry-After", "")
    return int(value) if value.isdigit() else RATE_LIMIT_WAIT


def app_secret(account: SocialAccount) -> str:
    return secret_open(account.secret_sealed)
