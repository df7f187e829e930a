"""The public help center, under the language prefix (`/<lang>/help/…`)."""

from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import translate_url
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from helpcenter import selectors, services
from helpcenter.forms import FeedbackForm
from helpcenter.learning.visitors import visitor_key
from helpcenter.models import SearchRecord
from helpcenter.rendering import plain_summary, render_article
from helpcenter.search import search_with_community
from helpcenter.text import LANGUAGES, article_text, localized_name
from support import throttle

LAST_QUERY_KEY = "helpcenter_last_query"
VOTED_KEY = "helpcenter_voted"  # one vote per article per browser session
MAX_VOTES_REMEMBERED = 200
MAX_QUERY_CHARS = 200


def reader_language() -> str:
    language = get_language() or "en"
    return language if language in LANGUAGES else "en"


def _seo(request: HttpRequest, description: str = "") -> dict:
    path = request.path
    alternates = [
        {"lang": lang, "url": request.build_absolute_uri(translate_url(path, lang))}
        for lang in LANGUAGES
    ]
    default = request.build_absolute_uri(translate_url(path, "en"))
    return {
        "canonical": request.build_absolute_uri(path),
        "alternates": alternates,
        "x_default": default,
        "description": description,
    }


def home(request: HttpRequest) -> HttpResponse:
    language = reader_language()
    categories = selectors.categories_with_sections(user=request.user)
    popular = selectors.popular_articles(user=request.user)
    context = {
        "categories": [(c, localized_name(c, language)) for c in categories],
        "popular": [(a, article_text(a, language).title) for a in popular],
        **_seo(request, _("Answers about deposits, withdrawals, verification, security and fees.")),
    }
    return render(request, "helpcenter/home.html", context)


def category_detail(request: HttpRequest, category: str) -> HttpResponse:
    language = reader_language()
    found = selectors.category_get(user=request.user, slug=category)
    sections = found.visible_sections
    grouped = selectors.articles_by_section(user=request.user, sections=sections)
    context = {
        "category": found,
        "name": localized_name(found, language),
        "sections": [
            (
                s,
                localized_name(s, language),
                [(a, article_text(a, language).title) for a in grouped[s.pk]],
            )
            for s in sections
        ],
        **_seo(request),
    }
    return render(request, "helpcenter/category.html", context)


def section_detail(request: HttpRequest, category: str, section: str) -> HttpResponse:
    language = reader_language()
    found, articles = selectors.section_articles(
        user=request.user, category_slug=category, slug=section
    )
    context = {
        "section": found,
        "name": localized_name(found, language),
        "category_name": localized_name(found.category, language),
        "articles": [(a, article_text(a, language).title) for a in articles],
        **_seo(request),
    }
    return render(request, "helpcenter/section.html", context)


def article_detail(request: HttpRequest, slug: str) -> HttpResponse:
    language = reader_language()
    article = selectors.article_get_for_user(user=request.user, slug=slug)
    services.article_record_view(article=article)
    text = article_text(article, language)
    query = _last_query(request)
    context = {
        "article": article,
        "text": text,
        "rendered": render_article(text.body),
        "section_name": localized_name(article.section, language),
        "category_name": localized_name(article.section.category, language),
        "form": FeedbackForm(initial={"q": query}),
        "voted": article.slug in request.session.get(VOTED_KEY, []),
        "contact_url": contact_url(language, article.slug, query),
        **_seo(request, plain_summary(text.body)),
    }
    return render(request, "helpcenter/article.html", context)


def contact_url(language: str, slug: str, query: str) -> str:
    """The contact form (tickets app), told which article and search did not help."""
    return f"/{language}/contact/?" + urlencode({"article": slug, "q": query})


def _last_query(request: HttpRequest) -> str:
    query = request.GET.get("q", "").strip()[:MAX_QUERY_CHARS]
    if query:
        request.session[LAST_QUERY_KEY] = query
        return query
    return request.session.get(LAST_QUERY_KEY, "")


@require_POST
def article_feedback(request: HttpRequest, slug: str) -> HttpResponse:
    article = selectors.article_get_for_user(user=request.user, slug=slug)
    form = FeedbackForm(request.POST)
    voted = request.session.get(VOTED_KEY, [])
    if form.is_valid() and article.slug not in voted:
        request.session[VOTED_KEY] = [*voted, article.slug][-MAX_VOTES_REMEMBERED:]
        services.feedback_record(
            article=article,
            helpful=form.cleaned_data["helpful"],
            comment=form.cleaned_data["comment"],
            query=form.cleaned_data["q"],
            language=reader_language(),
            user=request.user,
            visitor=visitor_key(request),
        )
        messages.success(request, _("Thank you for your feedback."))
    return redirect(f"{article.get_absolute_url()}#feedback")


def search_page(request: HttpRequest) -> HttpResponse:
    """A submitted search: settled, so it is recorded (suggestions while typing are not)."""
    language = reader_language()
    query = request.GET.get("q", "").strip()[:MAX_QUERY_CHARS]
    results, community, record = [], [], None
    if query and (wait := throttle.search_hit(request)):
        message = throttle.retry_message(wait)
        context = {"query": query, "throttled": message, "language": language, **_seo(request)}
        return throttle.too_many_requests(render(request, "helpcenter/search.html", context), wait)
    if query:
        request.session[LAST_QUERY_KEY] = query
        results, community = search_with_community(query, language=language, user=request.user)
        record = services.search_record_results(
            query=query,
            language=language,
            source=SearchRecord.Source.HELP_SEARCH,
            results=results,
            visitor=visitor_key(request),
        )
    context = {
        "query": query,
        "results": results,
        "community": community,
        "search_id": record.pk if record else None,
        "language": language,
        **_seo(request),
    }
    return render(request, "helpcenter/search.html", context)
