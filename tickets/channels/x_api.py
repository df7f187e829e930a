"""Calls to the X API, and only to it: direct messages and the one public answer to a mention go
to X_API_BASE (by default https://api.x.com), with the account's OAuth 2.0 user token; files in
direct messages are fetched only from the origins in X_MEDIA_HOSTS.

- A direct message: `POST /2/dm_conversations/with/<user id>/messages` `{"text": …}`.
- The public answer to a mention: `POST /2/tweets` `{"text": …, "reply":
  {"in_reply_to_tweet_id": …}}`, only for rows the adapter wrote for a mention (no agent's
  reply is ever posted publicly).
- A file of an agent's reply: uploaded first, `POST /2/media/upload` (form data: `media`, the
  bytes; `media_category` `dm_image`; `media_type`), whose answer `{"data": {"id", "media_key",
  "expires_after_secs", …}}` names it; then a direct message `{"attachments": [{"media_id":
  …}]}`. The media id is kept, so a retry of the message does not upload the file again.
- 429: wait until `x-rate-limit-reset` (epoch seconds), else a minute; a 5xx or a network
  error: try again later; any other answer: refused.
"""

import time

import requests
from django.conf import settings

from tickets.channels.reply_files import file_ref_keep
from tickets.channels.social_common import (
    TIMEOUTS,
    SocialRefused,
    SocialRetryAfter,
    SocialUnavailable,
    secret_open,
)
from tickets.file_delivery_models import FileDelivery
from tickets.social_models import SocialAccount, SocialOutbox

TEXT_PART = 10000  # a direct message's limit
PUBLIC_PREFIX = "tweet:"  # an outbox recipient naming the tweet a public answer replies to
RATE_LIMIT_WAIT = 60
IMAGE_TYPES = ("image/jpeg", "image/png", "image/webp")  # what a one-shot upload takes
IMAGE_MAX = 5 * 1024 * 1024  # X's limit for an image


def auth(account: SocialAccount) -> dict:
    return {"Authorization": f"Bearer {secret_open(account.token_sealed)}"}


def send_text(row: SocialOutbox, text: str) -> None:
    base = settings.X_API_BASE.rstrip("/")
    if row.recipient.startswith(PUBLIC_PREFIX):
        if row.message_id is not None:  # an agent's reply never goes public
            raise SocialRefused("an agent's reply is not posted publicly")
        tweet_id = row.recipient.removeprefix(PUBLIC_PREFIX)
        url, body = f"{base}/2/tweets", {"text": text, "reply": {"in_reply_to_tweet_id": tweet_id}}
    else:
        if not row.recipient.isdigit():
            raise SocialRefused("not a user id")
        url, body = f"{base}/2/dm_conversations/with/{row.recipient}/messages", {"text": text}
    _post(row, url, json=body)


def send_file(row: SocialOutbox, delivery: FileDelivery, content: bytes) -> str:
    """One image of an agent's reply: uploaded (once), then sent in a direct message of its
    own; the media id."""
    if not row.recipient.isdigit():
        raise SocialRefused("not a user id")
    base = settings.X_API_BASE.rstrip("/")
    if not delivery.provider_ref:
        attachment = delivery.attachment
        fields = {"media_category": "dm_image", "media_type": attachment.content_type}
        files = {"media": (attachment.filename, content, attachment.content_type)}
        answer = _post(row, f"{base}/2/media/upload", data=fields, files=files).json()
        media_id = str(((answer or {}).get("data") or {}).get("id") or "")
        if not media_id.isdigit():
            raise SocialRefused("upload: no media id in the answer")
        file_ref_keep(delivery, media_id)
    body = {"attachments": [{"media_id": delivery.provider_ref}]}
    _post(row, f"{base}/2/dm_conversations/with/{row.recipient}/messages", json=body)
    return delivery.provider_ref


def _post(row: SocialOutbox, url: str, **body) -> requests.Response:
    try:
        response = requests.post(
            url, headers=auth(row.account), timeout=TIMEOUTS, allow_redirects=False, **body
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
    detail = str(body.get("detail") or body.get("title") or "") if isinstance(body, dict) else ""
    description = f"{response.status_code} {detail}"[:300]
    if response.status_code == 429:
        reset = response.headers.get("x-rate-limit-reset", "")
        wait = int(reset) - int(time.time()) if reset.isdigit() else RATE_LIMIT_WAIT
        raise SocialRetryAfter(max(wait, 1), description)
    if response.status_code >= 500:
        raise SocialUnavailable(f"send: {description}")
    if response.status_code >= 300:
        raise SocialRefused(f"send: {description}")
