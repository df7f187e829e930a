from django.contrib import admin, messages
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TabbedTranslationAdmin

from helpcenter import selectors, services
from helpcenter.learning.services import learning_reset
from helpcenter.models import (
    Announcement,
    Article,
    ArticleFeedback,
    ArticleQuestion,
    ArticleVersion,
    Category,
    ForumPost,
    ForumTopic,
    LearnedAnswer,
    LearningReset,
    SearchRecord,
    Section,
)
from helpcenter.search import ANSWER_THRESHOLD
from helpcenter.text import LANGUAGES, human_text, text_source

HAS_TEXT = r"\S"  # a field holds human text when it is not blank


@admin.register(Category)
class CategoryAdmin(TabbedTranslationAdmin):
    list_display = ["name", "slug", "position"]
    prepopulated_fields = {"slug": ["name_en"]}


@admin.register(Section)
class SectionAdmin(TabbedTranslationAdmin):
    list_display = ["name", "category", "slug", "position"]
    list_filter = ["category"]


class ZhHantSourceFilter(admin.SimpleListFilter):
    """Articles by where their Traditional Chinese text comes from, so editors find the
    converted ones to replace with a reviewed translation."""

    title = _("zh-hant text")
    parameter_name = "zh_hant"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list:
        return [("human", _("human")), ("converted", _("converted")), ("missing", _("missing"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Article]) -> QuerySet[Article]:
        human = Q(title_zh_hant__regex=HAS_TEXT)
        simplified = Q(title_zh_hans__regex=HAS_TEXT)
        wanted = {"human": human, "converted": ~human & simplified, "missing": ~human & ~simplified}
        return queryset.filter(wanted[self.value()]) if self.value() in wanted else queryset


class ArticleVersionInline(admin.TabularInline):
    model = ArticleVersion
    fields = ["number", "editor", "created_at", "changed_fields", "note"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class ArticleQuestionInline(admin.TabularInline):
    """Questions the article answers, in customers' words, one per row and language: the
    search finds the article by them (docs/helpcenter.md, "Questions this answers")."""

    model = ArticleQuestion
    fields = ["language", "text"]
    extra = 1


@admin.register(Article)
class ArticleAdmin(TabbedTranslationAdmin):
    change_list_template = "admin/helpcenter/article/change_list.html"
    list_display = [
        "slug",
        "title",
        "status",
        "audience",
        "last_reviewed",
        "missing_languages",
        "zh_hant_source",
    ]
    list_filter = ["status", "audience", "section__category", ZhHantSourceFilter]
    search_fields = ["slug", "title_en"]
    readonly_fields = ["zh_hant_text", "view_count", "helpful_count", "not_helpful_count"]
    inlines = [ArticleQuestionInline, ArticleVersionInline]
    actions = ["publish", "unpublish"]

    def get_urls(self) -> list:
        extra = [
            path(
                "translation-status/",
                self.admin_site.admin_view(self.translation_status_view),
                name="helpcenter_translation_status",
            ),
            path(
                "feedback-report/",
                self.admin_site.admin_view(self.feedback_report_view),
                name="helpcenter_feedback_report",
            ),
            path(
                "no-answer-searches/",
                self.admin_site.admin_view(self.no_answer_searches_view),
                name="helpcenter_no_answer_searches",
            ),
        ]
        return extra + super().get_urls()

    def translation_status_view(self, request: HttpRequest) -> HttpResponse:
        context = {
            **self.admin_site.each_context(request),
            "title": _("Translation status"),
            "languages": LANGUAGES,
            "rows": selectors.translation_status(),
        }
        return TemplateResponse(request, "admin/helpcenter/translation_status.html", context)

    def feedback_report_view(self, request: HttpRequest) -> HttpResponse:
        context = {
            **self.admin_site.each_context(request),
            "title": _("Article feedback and review"),
            "rows": selectors.feedback_report(today=timezone.now().date()),
            "stale_after_days": selectors.STALE_AFTER_DAYS,
        }
        return TemplateResponse(request, "admin/helpcenter/feedback_report.html", context)

    def no_answer_searches_view(self, request: HttpRequest) -> HttpResponse:
        context = {
            **self.admin_site.each_context(request),
            "title": _("Top searches with no good answer"),
            "rows": selectors.no_answer_searches(now=timezone.now()),
            "days": selectors.NO_ANSWER_DAYS,
            "threshold": ANSWER_THRESHOLD,
        }
        return TemplateResponse(request, "admin/helpcenter/no_answer_searches.html", context)

    @admin.display(description=_("missing translations"))
    def missing_languages(self, article: Article) -> str:
        """The translation status board: languages without human text."""
        missing = [lang for lang in LANGUAGES if human_text(article, lang) is None]
        return ", ".join(missing) or "—"

    @admin.display(description=_("zh-hant text"))
    def zh_hant_source(self, article: Article) -> str:
        """human, converted (from zh-hans, shown with a notice) or missing (readers see English)."""
        labels = {"human": _("human"), "converted": _("converted"), "missing": _("missing")}
        return labels[text_source(article, "zh-hant")]

    @admin.display(description=_("Traditional Chinese text"))
    def zh_hant_text(self, article: Article) -> str:
        """On the article page: whether readers of zh-hant see a person's text or a conversion."""
        source = text_source(article, "zh-hant")
        if source == "human":
            return _("Written by a person (the Traditional Chinese title and body below).")
        if source == "converted":
            return _(
                "Converted automatically from the Simplified Chinese text, with a notice to "
                "readers. Fill in the Traditional Chinese title and body to replace it."
            )
        return _("Missing: readers of Traditional Chinese see another language.")

    def save_model(self, request: HttpRequest, obj: Article, form: object, change: bool) -> None:
        services.article_save_from_admin(article=obj, by=request.user)

    def delete_model(self, request: HttpRequest, obj: Article) -> None:
        services.article_delete(article=obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Article]) -> None:
        for article in queryset:
            services.article_delete(article=article)

    def save_related(
        self, request: HttpRequest, form: object, formsets: list, change: bool
    ) -> None:
        """The inlines are saved after the article: reindex once they are, if questions
        changed (the article's own save indexed it without them)."""
        super().save_related(request, form, formsets, change)
        if any(formset.model is ArticleQuestion and formset.has_changed() for formset in formsets):
            services.article_questions_changed(article=form.instance)

    @admin.action(description=_("Publish selected articles"))
    def publish(self, request: HttpRequest, queryset: QuerySet[Article]) -> None:
        for article in queryset:
            services.article_publish(article=article, by=request.user)
        messages.success(request, _("Published."))

    @admin.action(description=_("Unpublish selected articles"))
    def unpublish(self, request: HttpRequest, queryset: QuerySet[Article]) -> None:
        for article in queryset:
            services.article_unpublish(article=article, by=request.user)
        messages.success(request, _("Unpublished."))


@admin.register(ArticleVersion)
class ArticleVersionAdmin(admin.ModelAdmin):
    list_display = ["article", "number", "editor", "created_at", "note"]
    list_filter = ["article"]
    fields = ["article", "number", "editor", "created_at", "changed_fields", "note", "diff"]
    readonly_fields = fields
    actions = ["restore"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    @admin.display(description=_("changes from the previous version"))
    def diff(self, version: ArticleVersion) -> str:
        previous = version.article.versions.filter(number__lt=version.number).first()
        diffs = services.version_diff(old=previous, new=version)
        return format_html_join(
            "", "<h4>{}</h4><pre>{}</pre>", ((name, text) for name, text in diffs.items())
        ) or format_html("<p>{}</p>", _("No changes."))

    @admin.action(description=_("Restore the selected version"), permissions=["view"])
    def restore(self, request: HttpRequest, queryset: QuerySet[ArticleVersion]) -> None:
        if queryset.count() != 1:
            messages.error(request, _("Select exactly one version to restore."))
            return
        if not request.user.has_perm("helpcenter.change_article"):
            messages.error(request, _("You may not change articles."))
            return
        version = queryset.get()
        services.article_restore_version(version=version, by=request.user)
        messages.success(request, _("Version restored."))


@admin.register(ArticleFeedback)
class ArticleFeedbackAdmin(admin.ModelAdmin):
    list_display = ["article", "helpful", "language", "query", "created_at"]
    list_filter = ["helpful", "language"]
    readonly_fields = ["article", "helpful", "comment", "language", "query", "user", "created_at"]


@admin.register(SearchRecord)
class SearchRecordAdmin(admin.ModelAdmin):
    list_display = ["query", "language", "source", "results_count", "best_score", "created_at"]
    list_filter = ["source", "language"]
    fields = [
        "query",
        "normalized_query",
        "language",
        "source",
        "results_count",
        "best_score",
        "clicked_article",
        "created_at",
    ]
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(LearnedAnswer)
class LearnedAnswerAdmin(admin.ModelAdmin):
    """What search learned from its readers (rebuilt every hour; docs/helpcenter.md)."""

    list_display = [
        "normalized_query",
        "language",
        "article",
        "good_visitors",
        "missed_visitors",
        "boost",
        "refreshed_at",
    ]
    list_filter = ["language"]
    search_fields = ["normalized_query", "article__slug"]
    readonly_fields = list_display
    fields = list_display
    actions = ["forget"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False  # a deleted row would come back at the next refresh: forget it instead

    @admin.action(description=_("Forget what was learned for the selected queries"))
    def forget(self, request: HttpRequest, queryset: QuerySet[LearnedAnswer]) -> None:
        for learned in queryset.select_related("article"):
            learning_reset(
                by=request.user,
                article=learned.article,
                language=learned.language,
                query=learned.normalized_query,
            )
        messages.success(request, _("Forgotten: earlier searches no longer count for them."))


@admin.register(LearningReset)
class LearningResetAdmin(admin.ModelAdmin):
    list_display = ["created_at", "by", "article", "language", "normalized_query"]
    readonly_fields = list_display
    fields = list_display

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(Announcement)
class AnnouncementAdmin(TabbedTranslationAdmin):
    list_display = ["title", "severity", "starts_at", "ends_at"]
    list_filter = ["severity"]


@admin.register(ForumTopic)
class ForumTopicAdmin(admin.ModelAdmin):
    list_display = ["title", "language", "author", "post_count", "last_post_at", "hidden", "locked"]
    list_filter = ["hidden", "locked", "language"]
    # Changed only through the services (helpcenter.forum), on the topic page.
    readonly_fields = [
        "title",
        "language",
        "author",
        "post_count",
        "last_post_at",
        "hidden",
        "accepted_answer",
        "accepted_by",
        "locked",
        "lock_reason",
        "locked_by",
    ]

    def delete_model(self, request: HttpRequest, obj: ForumTopic) -> None:
        services.topic_delete(topic=obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[ForumTopic]) -> None:
        for topic in queryset:
            services.topic_delete(topic=topic)


@admin.register(ForumPost)
class ForumPostAdmin(admin.ModelAdmin):
    list_display = ["topic", "author", "created_at", "hidden"]
    list_filter = ["hidden"]
    readonly_fields = ["topic", "author", "body", "created_at", "hidden", "hidden_by"]
    actions = ["hide", "unhide"]

    @admin.action(description=_("Hide the selected posts"))
    def hide(self, request: HttpRequest, queryset: QuerySet[ForumPost]) -> None:
        for post in queryset:
            services.post_hide(post=post, by=request.user)
        messages.success(request, _("Hidden."))

    @admin.action(description=_("Show the selected posts again"))
    def unhide(self, request: HttpRequest, queryset: QuerySet[ForumPost]) -> None:
        for post in queryset:
            services.post_unhide(post=post, by=request.user)
        messages.success(request, _("Shown again."))
