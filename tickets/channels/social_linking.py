"""A direct message carrying a link code from the portal (tickets/identities/social.py), taken
by each social adapter before intake (docs/channels.md, "Linking a social handle").

The sender gets the outcome in the channel, through the outbox, in the customer's language
(LINE: on the event's reply token, unless the message goes on to intake). A message that was
the code and little more makes no ticket; one that also says something and linked nothing goes
on to intake as usual, so that nothing a customer wrote to us is dropped.
"""

import time

from tickets.channels.social_outbound import social_enqueue
from tickets.identities.social import IDENTITY_KINDS, Outcome, social_link_claim
from tickets.social_models import SocialAccount


def link_code_handled(
    account: SocialAccount,
    *,
    sender: str,
    text: object,
    key: str,
    label: str = "",
    language_hint: str = "",
    reply_token: str = "",
) -> bool:
    """Whether the direct message `key` (the provider's message id) from `sender` was a link
    code and nothing more: then it is answered and makes no ticket."""
    claim = social_link_claim(
        account=account,
        sender=sender,
        text=str(text or ""),
        label=label,
        language_hint=language_hint,
    )
    if claim is None:
        return False
    # One answer per message; a throttled sender one an hour, whatever they send.
    reply_key = f"link:{account.pk}:{key}"
    if claim.outcome == Outcome.THROTTLED:
        reply_key = f"link-throttled:{account.pk}:{sender}:{int(time.time() // 3600)}"
    social_enqueue(
        account=account,
        recipient=sender,
        key=reply_key,
        text=claim.reply(IDENTITY_KINDS[account.kind]),
        # A LINE reply token answers once: left to intake's notices when the message goes on.
        reply_token="" if claim.also_message else reply_token,
    )
    return not claim.also_message
