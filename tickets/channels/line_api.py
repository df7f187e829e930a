"""Calls to the LINE Messaging API, and only to it: messages go to LINE_API_BASE (by default
https://api.line.me), files customers send are read from LINE_DATA_API_BASE (by default
https://api-data.line.me) by their message id, never from an address in a webhook.

- A reply to an event whose reply token is still fresh (under 50 seconds: LINE keeps it about a
  minute) goes by `POST /v2/bot/message/reply`; anything later by `POST /v2/bot/message/push`
  with `X-Line-Retry-Key` (a UUID fixed per outbox row and piece), so a retry after a timeout
  is accepted once: LINE answers 409 to a key it has accepted already, which counts as sent.
- An image of an agent's reply: a push of an image message `{"type": "image",
  "originalContentUrl", "previewImageUrl"}`, both signed, expiring https links of ours that
  LINE fetches (tickets/channels/file_links.py). LINE's bots send no other kind of file.
- 429 (rate limit): wait the Retry-After LINE gives, else a minute; a 5xx or a network error:
  try again later; any other answer: refused.
"""

import uuid
from datetime import timedelta

import requests
from django.conf import settings
from django.utils import timezone

from tickets.channels.file_links import file_link, files_base_https
from tickets.channels.social_common import (
    TIMEOUTS,
    SocialRefused,
    SocialRetryAfter,
    SocialUnavailable,
    secret_open,
)
from tickets.file_delivery_models import FileDelivery
from tickets.social_models import SocialAccount, SocialOutbox

TEXT_PART = 5000  # a LINE text message's limit
REPLY_TOKEN_FRESH = timedelta(seconds=50)
RATE_LIMIT_WAIT = 60
RETRY_KEY_SPACE = uuid.UUID("6f1d2c58-3a4b-4e8f-9c1d-2b3a4c5d6e7f")
IMAGE_TYPES = ("image/jpeg", "image/png")
IMAGE_MAX = 10 * 1000 * 1000  # an image message's original: at most 10 MB


def _headers(account: SocialAccount) -> dict:
    return {"Authorization": f"Bearer {secret_open(account.token_sealed)}"}


def send_text(row: SocialOutbox, text: str) -> None:
    """One text message to the customer: a reply while the event's token is fresh (first
    piece only: a token is used once), else a push with a retry key."""
    base = settings.LINE_API_BASE.rstrip("/")
    message = {"type": "text", "text": text}
    headers = _headers(row.account)
    fresh = row.reply_token and timezone.now() - row.created_at < REPLY_TOKEN_FRESH
    if fresh and row.parts_sent == 0:
        url, body = f"{base}/v2/bot/message/reply", {"replyToken": row.reply_token}
    else:
        url, body = f"{base}/v2/bot/message/push", {"to": row.recipient}
        headers["X-Line-Retry-Key"] = str(uuid.uuid5(RETRY_KEY_SPACE, f"{row.pk}:{row.parts_sent}"))
    _post(url, headers, {**body, "messages": [message]})


def send_file(row: SocialOutbox, delivery: FileDelivery, content: bytes) -> str:
    """An image of an agent's reply, pushed as an image message whose image LINE fetches
    from our signed links (the bytes are not sent: LINE takes an address only)."""
    if not files_base_https():
        error = SocialRefused("CHANNEL_FILES_BASE_URL is not https")
        error.failure = "no_public_url"
        raise error
    attachment = delivery.attachment
    message = {
        "type": "image",
        "originalContentUrl": file_link(attachment),
        "previewImageUrl": file_link(attachment, preview=True),
    }
    headers = _headers(row.account)
    headers["X-Line-Retry-Key"] = str(uuid.uuid5(RETRY_KEY_SPACE, f"{row.pk}:file:{delivery.pk}"))
    url = f"{settings.LINE_API_BASE.rstrip('/')}/v2/bot/message/push"
    _post(url, headers, {"to": row.recipient, "messages": [message]})
    return ""


def _post(url: str, headers: dict, body: dict) -> None:
    try:
        response = requests.post(
            url, json=body, headers=headers, timeout=TIMEOUTS, allow_redirects=False
        )
    except requests.RequestException as error:
        raise SocialUnavailable(f"send: {type(error).__name__}") from None
    if response.status_code == 409 and "X-Line-Retry-Key" in headers:
        return  # accepted already under this retry key
    _check(response)


def _check(response: requests.Response) -> None:
    try:
        body = response.json()
    except ValueError:
        body = {}
    message = str(body.get("message", "")) if isinstance(body, dict) else ""
    description = f"{response.status_code} {message}"[:300]
    if response.status_code == 429:
        value = response.headers.get("Retry-After", "")
        raise SocialRetryAfter(int(value) if value.isdigit() else RATE_LIMIT_WAIT, description)
    if response.status_code >= 500:
        raise SocialUnavailable(f"send: {description}")
    if response.status_code >= 300:
        raise SocialRefused(f"send: {description}")


def content(account: SocialAccount, message_id: str, *, limit: int) -> bytes | None:
    """The file of a customer's message, by its id, from LINE's data host; None when larger
    than `limit` (read no further)."""
    if not message_id.isdigit():
        raise SocialRefused("content: not a message id")
    url = f"{settings.LINE_DATA_API_BASE.rstrip('/')}/v2/bot/message/{message_id}/content"
    try:
        with requests.get(
            url, headers=_headers(account), stream=True, timeout=TIMEOUTS, allow_redirects=False
        ) as response:
            if response.status_code == 429 or response.status_code >= 500:
                raise SocialUnavailable(f"content: {response.status_code}")
            if response.status_code >= 300:
                raise SocialRefused(f"content: {response.status_code}")
            found = bytearray()
            for chunk in response.iter_content(64 * 1024):
                found += chunk
                if len(found) > limit:
                    return None
            return bytes(found)
    except requests.RequestException as error:
        raise SocialUnavailable(f"content: {type(error).__name__}") from None
