"""Which text of an article a reader sees in a language, and the notice that goes with it.

Human text first; traditional Chinese falls back to the simplified text converted the Taiwan
way (`helpcenter.zh_hant`: OpenCC s2twp, our phrase table, 「」 quotes); any other missing
language falls back to English.
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from helpcenter.models import Announcement, Article
from helpcenter.zh_hant import to_traditional

LANGUAGES = ("en", "zh-hans", "zh-hant", "ko", "ja")
INDEXED_LANGUAGES = LANGUAGES


@dataclass(frozen=True)
class LocalizedText:
    title: str
    body: str
    language: str  # the language of the text shown
    notice: str = ""  # why it is not the human text in the language asked for
    converted: bool = False


def field_name(name: str, language: str) -> str:
    return f"{name}_{language.replace('-', '_')}"


def human_text(obj: Article | Announcement, language: str) -> LocalizedText | None:
    title = getattr(obj, field_name("title", language), "") or ""
    if not title.strip():
        return None
    body = getattr(obj, field_name("body", language), "") or ""
    return LocalizedText(title=title, body=body, language=language)


def text_source(obj: Article | Announcement, language: str) -> str:
    """Where a reader's text comes from: "human", "converted" (zh-hant made from zh-hans) or
    "missing" (another language is shown)."""
    if human_text(obj, language) is not None:
        return "human"
    if language == "zh-hant" and human_text(obj, "zh-hans") is not None:
        return "converted"
    return "missing"


def article_text(article: Article | Announcement, language: str) -> LocalizedText:
    """The text of an article (or announcement) for a reader of `language`, with fallbacks."""
    text = human_text(article, language)
    if text is not None:
        return text
    simplified = human_text(article, "zh-hans")
    if language == "zh-hant" and simplified is not None:
        return LocalizedText(
            title=to_traditional(simplified.title),
            body=to_traditional(simplified.body),
            language="zh-hant",
            notice=_(
                "This article was converted automatically from Simplified Chinese; "
                "a reviewed Traditional Chinese version is not available yet."
            ),
            converted=True,
        )
    available = [human_text(article, lang) for lang in ("en", *LANGUAGES)]
    fallback = next((text for text in available if text is not None), None)
    if fallback is None:
        return LocalizedText(article.title or "", article.body or "", language)
    notice = _("This article is not yet available in your language.")
    return LocalizedText(fallback.title, fallback.body, fallback.language, notice)


def localized_name(obj: object, language: str) -> str:
    """A category or section name in a language, with the same fallbacks as articles."""
    name = getattr(obj, field_name("name", language), "") or ""
    if name:
        return name
    simplified = getattr(obj, "name_zh_hans", "") or ""
    if language == "zh-hant" and simplified:
        return to_traditional(simplified)
    return getattr(obj, "name_en", "") or obj.name
