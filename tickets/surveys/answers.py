"""A customer's answer to a survey link: found by the hash of its token, stored once.

`survey_find` says what the link is (open, used, expired, cancelled, unknown) without locking;
`survey_answer` locks the invitation, checks again and stores the answer, so two submits of
the same link (two tabs, a double click) store one answer and the second is refused.
"""

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from support.services import outbox_enqueue_email, user_preferred_language
from support.text.analysis import analyze
from support.text.gate import cut_customer_text, redact_customer_text
from tickets.models import Status
from tickets.survey_models import (
    NpsAnswer,
    NpsInvitation,
    SurveyAnswer,
    SurveyFollowUp,
    SurveyInvitation,
    SurveyState,
)
from tickets.surveys.tokens import absolute, token_hash
from tickets.webhook_events import webhooks_survey_answered

COMMENT_LIMIT = 2000
LOW_SCORE = 2
OPEN_STATES = (SurveyState.SENT, SurveyState.REMINDED)


class LinkRefused(Exception):
    """The link cannot be answered: `reason` is "unknown", "used", "expired" or "closed"."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Reply:
    score: int
    solved: bool | None = None
    comment: str = ""


def link_check(invitation, now: datetime) -> None:
    """Raise LinkRefused unless `invitation` (a satisfaction or NPS one) may be answered now."""
    if invitation is None or invitation.state == SurveyState.SCHEDULED:
        raise LinkRefused("unknown")
    if invitation.state == SurveyState.ANSWERED:
        raise LinkRefused("used")
    if invitation.state == SurveyState.EXPIRED or now >= invitation.expires_at:
        raise LinkRefused("expired")
    if invitation.state not in OPEN_STATES:
        raise LinkRefused("closed")


def survey_find(token: str) -> SurveyInvitation | None:
    return SurveyInvitation.objects.filter(token_hash=token_hash(token)).first()


def nps_find(token: str) -> NpsInvitation | None:
    return NpsInvitation.objects.filter(token_hash=token_hash(token)).first()


def survey_answer(*, token: str, reply: Reply, now: datetime | None = None) -> SurveyAnswer:
    """Store the answer of the link's customer; LinkRefused if the link is not open."""
    now = now or timezone.now()
    with transaction.atomic():
        invitation = (
            SurveyInvitation.objects.select_for_update(of=("self",))
            .select_related("ticket", "customer", "team__supervisor")
            .filter(token_hash=token_hash(token))
            .first()
        )
        link_check(invitation, now)
        answer = _answer_create(invitation, reply, now)
        _rate_ticket(invitation, reply.score)
        webhooks_survey_answered(answer, kind="satisfaction")
        if reply.score <= LOW_SCORE or answer.negative:
            follow_up_open(answer=answer, team=invitation.team)
    return answer


def _answer_create(invitation: SurveyInvitation, reply: Reply, now: datetime) -> SurveyAnswer:
    comment = _gated(reply.comment, invitation.language)
    sentiment = analyze(comment, lang_hint=invitation.language) if comment else None
    negative = bool(
        sentiment and (sentiment.sentiment == "negative" or sentiment.strongly_negative)
    )
    invitation.state, invitation.answered_at, invitation.next_at = SurveyState.ANSWERED, now, None
    invitation.save(update_fields=["state", "answered_at", "next_at"])
    return SurveyAnswer.objects.create(
        invitation=invitation,
        ticket=invitation.ticket,
        agent_id=invitation.agent_id,
        team_id=invitation.team_id,
        channel=invitation.channel,
        language=invitation.language,
        score=reply.score,
        solved=reply.solved,
        comment=comment,
        negative=negative,
        created_at=now,
    )


def _gated(text: str, language: str) -> str:
    return redact_customer_text(cut_customer_text(text, COMMENT_LIMIT), lang=language).text.strip()


def _rate_ticket(invitation: SurveyInvitation, score: int) -> None:
    """The ticket's satisfaction score, through the service the ticket page uses."""
    from tickets.services import ticket_rate  # tickets.services imports this package

    if invitation.ticket.status in (Status.SOLVED, Status.CLOSED):
        ticket_rate(ticket=invitation.ticket, score=score, by=invitation.customer)


def follow_up_open(*, answer: SurveyAnswer, team) -> SurveyFollowUp:
    """A task for the team's supervisor (none: the list of every supervisor shows it), and an
    email to them in their language."""
    lead = team.supervisor if team is not None else None
    reason = "low score" if answer.score <= LOW_SCORE else "negative comment"
    follow_up = SurveyFollowUp.objects.create(
        answer=answer, team=team, assignee=lead, reason=reason
    )
    if lead is not None and lead.email:
        outbox_enqueue_email(
            dedupe_key=f"survey:{answer.invitation_id}:follow-up",
            to=lead.email,
            template="tickets/emails/survey_follow_up",
            language=user_preferred_language(lead) or "en",
            context={
                "answer": answer,
                "reference": answer.ticket.reference,
                "url": absolute(reverse("survey_console:follow_ups")),
            },
        )
    return follow_up


def nps_answer(*, token: str, score: int, reason: str, now: datetime | None = None) -> NpsAnswer:
    """Store the NPS answer (0–10 and why) of the link's customer; LinkRefused otherwise."""
    now = now or timezone.now()
    with transaction.atomic():
        invitation = (
            NpsInvitation.objects.select_for_update().filter(token_hash=token_hash(token)).first()
        )
        link_check(invitation, now)
        invitation.state, invitation.answered_at, invitation.next_at = (
            SurveyState.ANSWERED,
            now,
            None,
        )
        invitation.save(update_fields=["state", "answered_at", "next_at"])
        answer = NpsAnswer.objects.create(
            invitation=invitation,
            customer_id=invitation.customer_id,
            language=invitation.language,
            score=score,
            reason=_gated(reason, invitation.language),
            created_at=now,
        )
        webhooks_survey_answered(answer, kind="nps")
        return answer
