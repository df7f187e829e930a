"""The bot's policy: one function deciding what to do with a customer's message.

Order of the rules: a security incident goes straight to the security team; a request for a
person (its patterns, strong anger, then the person-request model) or a second failure hands
off to the queue; otherwise the help center answers, and a weak match gets one clarifying
question. The bot never asks for a password, a code or a seed phrase: none of its replies
does.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field

from django.utils import translation
from django.utils.translation import gettext as _

from livechat import casework, incidents, intents, person_model
from livechat.knowledge import Article, answer_threshold, search_articles_recorded
from support.text import Analysis, analyze

ANSWER = "answer"
CLARIFY = "clarify"
HANDOFF = "handoff"
URGENT_HANDOFF = "urgent_handoff"
THANKS = "thanks"  # the customer thanked the bot after an answer: the chat is bot-resolved
ACTIONS = (ANSWER, CLARIFY, HANDOFF, URGENT_HANDOFF, THANKS)
GREETING = "greeting"  # the bot action stored on the first message, which offers quick replies

CLARIFY_SHARE = 0.5  # weak matches worth showing with a clarifying question: half the threshold
MAX_FAILURES = 2

# Handoff reasons (the values of livechat.models.HandoffReason).
ASKED_FOR_HUMAN = "asked_for_human"
BOT_FAILED = "bot_failed"
NEGATIVE_SENTIMENT = "negative_sentiment"
SECURITY = "security"


@dataclass(frozen=True)
class Decision:
    action: str
    reply: str
    articles: list[Article] = field(default_factory=list)
    reason: str = ""
    search_id: int | None = None  # the help-center search record written for this decision


def decide(
    text: str,
    *,
    lang: str,
    history: Sequence[str] = (),
    analysis: Analysis | None = None,
    record: bool = True,
) -> Decision:
    """What the bot does with `text`; `history` lists the bot's earlier actions in the chat.
    `record=False` (the staff preview) keeps the search out of the help center's records."""
    analysis = analysis or analyze(text, lang_hint=lang)
    with translation.override(lang):
        # An incident told in words goes first; one only the model suspects yields to an
        # explicit request for a person (who reads the chat anyway).
        incident = incidents.how_told(text=analysis.redacted_text, analysis=analysis)
        if incident == incidents.REPORTED:
            return Decision(URGENT_HANDOFF, security_reply(), reason=SECURITY)
        if asks_for_a_person(analysis.redacted_text, history=history):
            return Decision(HANDOFF, handoff_reply(), reason=ASKED_FOR_HUMAN)
        if incident == incidents.MODEL_ONLY:
            return Decision(URGENT_HANDOFF, security_reply(), reason=SECURITY)
        if analysis.strongly_negative and not intents.asks_self_service(analysis.redacted_text):
            return Decision(HANDOFF, sorry_reply(), reason=NEGATIVE_SENTIMENT)
        if person_model.wants_person(analysis.redacted_text):
            return Decision(HANDOFF, handoff_reply(), reason=ASKED_FOR_HUMAN)
        if ANSWER in history and intents.says_thanks(analysis.redacted_text):
            return Decision(THANKS, thanks_reply())
        return _answer(
            analysis.redacted_text, lang=lang, failures=failures(text, history), record=record
        )


def asks_for_a_person(text: str, *, history: Sequence[str]) -> bool:
    """A request for a person, a case only a person can handle, or — once the bot has kept
    the chat — any mention of a person or of the bot: a person is never refused twice."""
    if intents.asks_for_human(text) or casework.needs_person(text):
        return True
    kept = bool(history) and history[-1] in (ANSWER, CLARIFY)
    return kept and intents.mentions_person(text)


def failures(text: str, history: Sequence[str]) -> int:
    """Times the bot has failed so far, counting this message when it says the last answer
    did not help."""
    failed = sum(1 for action in history if action == CLARIFY)
    if history and history[-1] == ANSWER and intents.says_not_helped(text):
        failed += 1
    return failed


def _answer(text: str, *, lang: str, failures: int, record: bool) -> Decision:
    articles, search_id = search_articles_recorded(text, lang=lang, record=record)
    threshold = answer_threshold()
    strong = [article for article in articles if article.score >= threshold]
    if strong and failures < MAX_FAILURES:
        return Decision(ANSWER, answer_reply(strong), strong, search_id=search_id)
    if failures + 1 >= MAX_FAILURES:
        return Decision(HANDOFF, failed_reply(), reason=BOT_FAILED, search_id=search_id)
    weak = [article for article in articles if article.score >= threshold * CLARIFY_SHARE]
    return Decision(CLARIFY, clarify_reply(weak), weak, search_id=search_id)


def is_security_incident(*, text: str, analysis: Analysis) -> bool:
    """An incident in progress (see livechat.incidents): not a question about preventing one."""
    return incidents.is_incident(text=text, analysis=analysis)


def answer_reply(articles: list[Article]) -> str:
    lines = [_("Here is what I found in our help center:")]
    for article in articles:
        snippet = f" — {article.snippet}" if article.snippet else ""
        lines.append(f"• {article.title}{snippet}")
    lines.append(_("Did this answer your question? If not, tell me more or ask for a person."))
    return "\n".join(lines)


def clarify_reply(articles: list[Article]) -> str:
    lines = [
        _(
            "I am not sure I understood. Could you describe the problem in a bit more detail, "
            "for example the coin, the network or the message you see?"
        )
    ]
    if articles:
        lines.append(_("These articles might be related:"))
        lines.extend(f"• {article.title}" for article in articles)
    return "\n".join(lines)


def handoff_reply() -> str:
    return _(
        "I am connecting you with a member of our support team. They will see this "
        "conversation, so you will not need to repeat yourself."
    )


def failed_reply() -> str:
    return _(
        "Sorry, I could not find the answer. I am connecting you with a member of our support "
        "team, who will see this conversation."
    )


def sorry_reply() -> str:
    return _(
        "I am sorry about this experience. I am connecting you with a member of our support "
        "team right away."
    )


def security_reply() -> str:
    return "\n".join(
        [
            _(
                "This looks like a security emergency. I am connecting you with our security "
                "team now, ahead of the queue. Please do these steps right away:"
            ),
            _("1. Change your account password and your email password."),
            _("2. Reset your two-factor authentication and log out of all devices."),
            _("3. Delete your API keys and check your withdrawal address whitelist."),
            _("4. Never share a password, a verification code or your seed phrase with anyone."),
        ]
    )


def security_on_call_reply() -> str:
    """The security reply when nobody of the security team is online (the on-call rule): what
    happens next, then the same protective steps."""
    steps = security_reply().split("\n")[1:]
    return "\n".join(
        [
            _(
                "This looks like a security emergency. Our security team has been alerted and "
                "the person on call will join this chat as soon as possible; keep it open. If "
                "you have to leave, we will answer you by email. Please do these steps right "
                "away:"
            ),
            *steps,
        ]
    )


def thanks_reply() -> str:
    return _(
        "You are welcome! I am glad I could help. You can close this chat, or ask me anything else."
    )


def greeting(lang: str) -> str:
    with translation.override(lang):
        return _(
            "Hello! I am the automated assistant. Ask me anything, or ask for a person at any "
            "time. We will never ask for your password, codes or seed phrase."
        )


def quick_replies(lang: str) -> list[str]:
    """The top intents, offered as buttons under the greeting; each is sent as typed text."""
    with translation.override(lang):
        return [
            _("My deposit has not arrived"),
            _("My withdrawal is pending"),
            _("How do I verify my identity?"),
            _("I lost my two-factor authentication"),
            _("I want to talk to a person"),
        ]
