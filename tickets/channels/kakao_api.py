"""Calls to Kakao i Open Builder's Event API, and only to it: KAKAO_BOT_API_BASE (by default
https://bot-api.kakao.com) with the account's REST API key (`Authorization: KakaoAK <key>`).

`POST /v2/bots/<bot id>/talk` `{"event": {"name": KAKAO_REPLY_EVENT, "data": {"text": …}},
"user": [{"type": "botUserKey", "id": …}]}` asks the bot to run the block bound to that event
for the user; the block shows `{{#webhook.text}}`. The answer is `{"taskId", "status":
"SUCCESS" | "FAIL" | "ERROR", "message", "timestamp"}`; 429: wait the Retry-After (else a
minute), a 5xx or a network error: later, anything else or a status other than SUCCESS: refused.
"""

import requests
from django.conf import settings

from tickets.channels.social_common import (
    TIMEOUTS,
    SocialRefused,
    SocialRetryAfter,
    SocialUnavailable,
    secret_open,
)
from tickets.social_models import SocialOutbox

TEXT_PART = 1000  # a simpleText output's limit
RATE_LIMIT_WAIT = 60


def send_text(row: SocialOutbox, text: str) -> None:
    base = settings.KAKAO_BOT_API_BASE.rstrip("/")
    body = {
        "event": {"name": settings.KAKAO_REPLY_EVENT, "data": {"text": text}},
        "user": [{"type": "botUserKey", "id": row.recipient}],
    }
    headers = {"Authorization": f"KakaoAK {secret_open(row.account.token_sealed)}"}
    try:
        response = requests.post(
            f"{base}/v2/bots/{row.account.external_id}/talk",
            json=body,
            headers=headers,
            timeout=TIMEOUTS,
            allow_redirects=False,
        )
    except requests.RequestException as error:
        raise SocialUnavailable(f"send: {type(error).__name__}") from None
    try:
        answer = response.json()
    except ValueError:
        answer = {}
    answer = answer if isinstance(answer, dict) else {}
    description = f"{response.status_code} {answer.get('status', '')} {answer.get('message', '')}"
    if response.status_code == 429:
        value = response.headers.get("Retry-After", "")
        raise SocialRetryAfter(int(value) if value.isdigit() else RATE_LIMIT_WAIT, description)
    if response.status_code >= 500:
        raise SocialUnavailable(f"send: {description[:300]}")
    if response.status_code >= 300 or answer.get("status") != "SUCCESS":
        raise SocialRefused(f"send: {description[:300]}")
