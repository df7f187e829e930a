"""Publishing an anonymised summary of a closed complaint to the help center.

An administrator writes the summary; before it is stored or published it passes the redaction
gate (a secret quoted from the case) and `complaints.anonymise`, which also removes every name
and id this complaint knows: its customer's, the staff who acted on it, its references, accounts
and transactions. The anonymised text is kept on the complaint (`published_summary`), a
PUBLISHED event records who published it as which article, and the article is filed through the
help center's own service (`helpcenter.case_summaries`), with a version like any article. The
article's address is random: it must not carry the complaint's reference.
"""

import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from complaints import independence, workflow
from complaints.anonymise import anonymise
from complaints.errors import ComplaintInvalid, InvalidStage
from complaints.models import Appeal, Complaint, ComplaintEvent, Stage
from helpcenter.case_summaries import case_summary_article_publish
from helpcenter.models import Article
from helpcenter.text import LANGUAGES
from support.text.gate import redact_customer_text

TITLE_LIMIT = 150
SUMMARY_LIMIT = 20_000
ARTICLE_TITLE_LIMIT = 200


def case_summary_publish(
    *, complaint: Complaint, by: AbstractBaseUser, title: str, summary: str, language: str
) -> Article:
    """Anonymise `title` and `summary` (written in `language`) and publish them as a public
    help-center article; publishing again updates the same article. Administrators only,
    closed complaints only."""
    if not independence.is_admin(by):
        raise PermissionDenied
    if language not in LANGUAGES:
        raise ComplaintInvalid(_("Choose a language of the help center."))
    title = _text(title, _("Give the case summary a title."), TITLE_LIMIT)
    summary = _text(summary, _("Write the case summary."), SUMMARY_LIMIT)
    with transaction.atomic():
        complaint = workflow.lock(complaint)
        if complaint.stage != Stage.CLOSED:
            raise InvalidStage(Stage(complaint.stage).label, _("published"))
        names, identifiers = case_identities(complaint)
        with translation.override(language):
            title = _anonymised(title, language, names, identifiers)[:ARTICLE_TITLE_LIMIT]
            summary = _anonymised(summary, language, names, identifiers)
        slug = _article_slug(complaint)
        article = case_summary_article_publish(
            slug=slug, title=title, body=_without_links(summary), language=language, by=by
        )
        complaint.published_summary = summary
        workflow.save(complaint, ["published_summary"])
        workflow.record(complaint, ComplaintEvent.Kind.PUBLISHED, by=by, reason=slug)
    return article


def _text(value: str, refusal: str, limit: int) -> str:
    value = str(value or "").strip()
    if not value:
        raise ComplaintInvalid(refusal)
    if len(value) > limit:
        raise ComplaintInvalid(_("Write at most %(limit)s characters.") % {"limit": limit})
    return value


def _anonymised(text: str, language: str, names: set[str], identifiers: set[str]) -> str:
    gated = redact_customer_text(text, lang=language).text
    return anonymise(gated, names=names, identifiers=identifiers).strip()


def _without_links(summary: str) -> str:
    """The body as Markdown in which a placeholder ("[amount] (fee)") never reads as a link."""
    return summary.replace("[", "\\[").replace("]", "\\]")


def _article_slug(complaint: Complaint) -> str:
    """The slug of the article published before for this complaint, else a new random one."""
    published = (
        ComplaintEvent.objects.filter(complaint=complaint, kind=ComplaintEvent.Kind.PUBLISHED)
        .order_by("-id")
        .values_list("reason", flat=True)
        .first()
    )
    return published or f"case-{secrets.token_hex(6)}"


def case_identities(complaint: Complaint) -> tuple[set[str], set[str]]:
    """(names, identifiers) the complaint knows: of its customer and every staff member who
    acted on it or whom it is about; its references, account, transactions and remedies."""
    people = _people(complaint)
    names: set[str] = set()
    for person in people:
        first, last = person.first_name.strip(), person.last_name.strip()
        names.update({first, last, f"{first} {last}", f"{last} {first}", f"{last}{first}"})
        names.update({person.username, person.email.partition("@")[0]})
    identifiers = {complaint.reference, complaint.email, *complaint.transactions}
    identifiers.update(person.email for person in people)
    identifiers.update(complaint.tickets.values_list("reference", flat=True))
    for withdrawal_id, result in complaint.remediations.values_list("withdrawal_id", "result"):
        identifiers.update({withdrawal_id, result[:80]})
    profile = getattr(complaint.customer, "customer_profile", None)
    if profile is not None:
        identifiers.add(profile.exchange_account_id or "")
    return {name for name in names if name.strip()}, {i for i in identifiers if i.strip()}


def _people(complaint: Complaint) -> list[AbstractBaseUser]:
    ids = {complaint.customer_id, complaint.officer_id, complaint.decided_by_id}
    ids.update(complaint.events.values_list("actor_id", flat=True))
    ids.update(complaint.messages.values_list("author_id", flat=True))
    ids.update(complaint.about_staff.values_list("pk", flat=True))
    ids.update(Appeal.objects.filter(complaint=complaint).values_list("reviewer_id", flat=True))
    ids.discard(None)
    return list(get_user_model().objects.filter(pk__in=ids))
