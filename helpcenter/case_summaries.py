"""Anonymised complaint case summaries as help-center articles: the one service the complaints
app calls to publish one (`complaints.publishing`). The text arrives anonymised; this module only
files it in its own section (made on first use) and publishes it with a version, like any
article."""

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from helpcenter.models import Article, Category, Section
from helpcenter.services import article_create, article_update
from helpcenter.text import LANGUAGES, field_name

CATEGORY_SLUG = "complaints"
SECTION_SLUG = "case-summaries"
CATEGORY_NAME = _("Complaints")
SECTION_NAME = _("Complaint case summaries")


def _in_every_language(name: str, text) -> dict[str, str]:
    names = {}
    for language in LANGUAGES:
        with translation.override(language):
            names[field_name(name, language)] = str(text)
    return names


def case_summary_section() -> Section:
    """The section case summaries are published in (created with its category if missing)."""
    category, _created = Category.objects.get_or_create(
        slug=CATEGORY_SLUG, defaults=_in_every_language("name", CATEGORY_NAME)
    )
    section, _created = Section.objects.get_or_create(
        category=category,
        slug=SECTION_SLUG,
        defaults=_in_every_language("name", SECTION_NAME),
    )
    return section


def case_summary_article_publish(
    *, slug: str, title: str, body: str, language: str, by: AbstractBaseUser
) -> Article:
    """Publish the summary as the public article `slug` in `language` (a new version of it when
    it exists already)."""
    text = {field_name("title", language): title, field_name("body", language): body}
    with transaction.atomic():
        article = Article.objects.filter(slug=slug).first()
        if article is not None:
            return article_update(
                article=article, by=by, note="case summary", status=Article.Status.PUBLISHED, **text
            )
        return article_create(
            section=case_summary_section(),
            slug=slug,
            by=by,
            status=Article.Status.PUBLISHED,
            audience=Article.Audience.PUBLIC,
            tags=["complaint-case"],
            **text,
        )
