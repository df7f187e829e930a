"""Calls to the X API, and only to it: direct messages and the one public answer to a mention go
to X_API_BASE (by default https://api.x.com), with the account's OAuth 2.0 user token; files in
direct messages are fetched only from the origins in X_MEDIA_HOSTS.

- A direct message: `POST /2/dm_conversations/with/<user id>/messages` `{"text": …}`.
- The public answer to a mention: `POST /2/tweets` `{"text": …, "reply":
  {"in_reply_to_tweet_id": …}}`, only for rows the adapter wrote for a mention (no agent's
  reply is ever posted publicly).
- 429: wait until `x-rate-limit-reset` (epoch seconds), else a minute; a 5xx or a network
  error: try again later; any other answer: refused.
"""

import time

import requests
from django.conf import settings

from tickets.channels.social_common import (
    TIMEOUTS,
    SocialRefused,
    SocialRetryAfter,
    SocialUnavailable,
    secret_open,
)
from tickets.social_models import SocialAccount, SocialOutbox

TEXT_PART = 10000  # a direct message's limit
PUBLIC_PREFIX = "tweet:"  # an outbox recipient naming the tweet a public answer replies to
RATE_LIMIT_WAIT = 60


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
    try:
        response = requests.post(
            url, json=body, headers=auth(row.account), timeout=TIMEOUTS, allow_redirects=False
        )
    except requests.RequestException as error:
        raise SocialUnavailable(f"send: {type(error).__name__}") from None
    _check(response)


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
