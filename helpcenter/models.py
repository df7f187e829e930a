"""Help-center content: categories, sections, articles, their versions, feedback and index."""

from datetime import datetime

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from support.roles import is_staff_member


class Category(models.Model):
    slug = models.SlugField(unique=True)
    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "slug"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("helpcenter:category", args=[self.slug])


class Section(models.Model):
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="sections")
    slug = models.SlugField()
    name = models.CharField(_("name"), max_length=120)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "slug"]
        constraints = [
            models.UniqueConstraint(fields=["category", "slug"], name="section_unique_slug")
        ]
        verbose_name = _("section")
        verbose_name_plural = _("sections")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("helpcenter:section", args=[self.category.slug, self.slug])


class ArticleQuerySet(models.QuerySet):
    def published(self) -> "ArticleQuerySet":
        return self.filter(status=Article.Status.PUBLISHED)

    def visible_to(self, user: AbstractBaseUser | AnonymousUser) -> "ArticleQuerySet":
        """Published articles a person may read: internal ones only for support staff."""
        articles = self.published()
        if is_staff_member(user):
            return articles
        return articles.filter(audience=Article.Audience.PUBLIC)


class Article(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        ARCHIVED = "archived", _("Archived")

    class Audience(models.TextChoices):
        PUBLIC = "public", _("Public")
        INTERNAL = "internal", _("Internal (agents only)")

    section = models.ForeignKey(Section, on_delete=models.PROTECT, related_name="articles")
    slug = models.SlugField(unique=True, max_length=120)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("body (Markdown)"), blank=True)
    tags = ArrayField(models.CharField(max_length=60), default=list, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DRAFT)
    audience = models.CharField(max_length=16, choices=Audience.choices, default=Audience.PUBLIC)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    last_reviewed = models.DateField(null=True, blank=True)
    view_count = models.PositiveIntegerField(default=0)
    helpful_count = models.PositiveIntegerField(default=0)
    not_helpful_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["section__position", "slug"]
        verbose_name = _("article")
        verbose_name_plural = _("articles")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("helpcenter:article", args=[self.slug])


class ArticleQuestion(models.Model):
    """A question the article answers, as a customer would ask it, in one language.

    Customers describe their situation ("my money never arrived") rather than name the
    product's terms ("pending withdrawal"); the search indexes these questions as a field of
    their own (`helpcenter.search.index`), so such a question finds the article.
    """

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="questions")
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES)
    text = models.CharField(_("question"), max_length=300)

    class Meta:
        ordering = ["article", "language", "pk"]
        verbose_name = _("question this article answers")
        verbose_name_plural = _("questions this article answers")

    def __str__(self) -> str:
        return self.text


class ArticleVersion(models.Model):
    """A snapshot of an article after one save: who, when, which fields changed."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    editor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    snapshot = models.JSONField()
    changed_fields = models.JSONField(default=list)
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["article", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["article", "number"], name="article_version_unique")
        ]
        verbose_name = _("article version")
        verbose_name_plural = _("article versions")

    def __str__(self) -> str:
        return f"{self.article.slug} v{self.number}"


class ArticleFeedback(models.Model):
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="feedback")
    helpful = models.BooleanField()
    comment = models.TextField(blank=True)
    language = models.CharField(max_length=10)
    query = models.CharField(max_length=200, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    visitor = models.CharField(max_length=32, blank=True)  # hashed (helpcenter.learning.visitors)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("article feedback")
        verbose_name_plural = _("article feedback")

    def __str__(self) -> str:
        return f"{self.article.slug}: {'+' if self.helpful else '-'}"


class SearchDocument(models.Model):
    """One language of one article in the search index (`helpcenter.search.index`).

    Its tokens are `SearchPosting` rows; `SearchTerm` counts the documents per token.
    """

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="documents")
    language = models.CharField(max_length=10)
    length = models.PositiveIntegerField(default=0)  # body tokens
    # The body lines a snippet may show, each with its tokens: [[line, [token, …]], …].
    lines = models.JSONField(default=list)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["article", "language"], name="search_document_unique")
        ]

    def __str__(self) -> str:
        return f"{self.article_id}/{self.language}"


class Posting(models.Model):
    """What both postings tables share: a token and its counts in one document."""

    token = models.TextField()
    heading = models.PositiveSmallIntegerField()
    body = models.PositiveSmallIntegerField()
    question = models.PositiveSmallIntegerField(default=0)  # in "questions this answers"

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.document_id}:{self.token}"


class Term(models.Model):
    """What both term tables share: a token and how many documents contain it (its idf)."""

    token = models.TextField(primary_key=True)
    documents = models.IntegerField()

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.token} ({self.documents})"


class SearchPosting(Posting):
    """A token of a document and how often it occurs there (title and tags; body; the
    questions the article answers).

    A query reads the rows of its own tokens through the (token, document) index, which
    carries the counts, so PostgreSQL never visits the table for it. No foreign-key constraint
    in the database (derived data, rebuilt in bulk: checking each posting at commit made a full
    rebuild about 18 % slower): `helpcenter.search.index` deletes a document's postings with
    it, Django's cascade too, and the engine skips a posting whose document is gone.
    """

    pk = models.CompositePrimaryKey("document", "token")
    document = models.ForeignKey(
        SearchDocument,
        on_delete=models.CASCADE,
        related_name="postings",
        db_index=False,  # the primary key (document, token) serves lookups by document
        db_constraint=False,
    )

    class Meta:
        indexes = [
            models.Index(
                fields=["token", "document"],
                include=["heading", "body", "question"],
                name="helpcenter_posting_token",
            )
        ]


class SearchTerm(Term):
    """A token of the article index and how many documents contain it (for its idf)."""


class AnnouncementQuerySet(models.QuerySet):
    def current(self, now: datetime) -> "AnnouncementQuerySet":
        """Shown now: started, not ended; most severe first."""
        running = models.Q(ends_at__isnull=True) | models.Q(ends_at__gt=now)
        severity = models.Case(
            *[
                models.When(severity=value, then=rank)
                for rank, value in enumerate(reversed(Announcement.Severity.values))
            ],
            output_field=models.IntegerField(),
        )
        return (
            self.filter(running, starts_at__lte=now)
            .annotate(severity_rank=severity)
            .order_by("severity_rank", "-starts_at")
        )


class Announcement(models.Model):
    """A banner on the help center (incidents, maintenance, delisting notices)."""

    class Severity(models.TextChoices):
        INFO = "info", pgettext_lazy("announcement severity", "Information")
        WARNING = "warning", pgettext_lazy("announcement severity", "Warning")
        CRITICAL = "critical", pgettext_lazy("announcement severity", "Critical")

    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), blank=True)
    severity = models.CharField(max_length=10, choices=Severity.choices, default=Severity.INFO)
    starts_at = models.DateTimeField(_("shown from"))
    ends_at = models.DateTimeField(_("shown until"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = AnnouncementQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_at"]
        verbose_name = pgettext_lazy("help-center news", "announcement")
        verbose_name_plural = pgettext_lazy("help-center news", "announcements")

    def __str__(self) -> str:
        return self.title


class ForumTopicQuerySet(models.QuerySet):
    def visible_to(self, user: AbstractBaseUser | AnonymousUser) -> "ForumTopicQuerySet":
        """Hidden topics only for support staff (the moderators)."""
        return self if is_staff_member(user) else self.filter(hidden=False)


class ForumTopic(models.Model):
    """A community question; its first post is the question itself."""

    title = models.CharField(_("title"), max_length=200)
    language = models.CharField(max_length=10)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="forum_topics"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_post_at = models.DateTimeField(db_index=True)
    post_count = models.PositiveIntegerField(default=0)
    hidden = models.BooleanField(default=False)
    # A visible reply chosen by the asker or by support (helpcenter.forum.topic_accept_answer).
    accepted_answer = models.ForeignKey(
        "ForumPost", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    locked = models.BooleanField(default=False)  # no new replies (helpcenter.forum.topic_lock)
    lock_reason = models.CharField(_("reason"), max_length=200, blank=True)
    locked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ForumTopicQuerySet.as_manager()

    class Meta:
        ordering = ["-last_post_at"]
        verbose_name = _("community topic")
        verbose_name_plural = _("community topics")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("helpcenter:topic", args=[self.pk])


class ForumPost(models.Model):
    topic = models.ForeignKey(ForumTopic, on_delete=models.CASCADE, related_name="posts")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="forum_posts"
    )
    body = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)
    hidden = models.BooleanField(default=False)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("community post")
        verbose_name_plural = _("community posts")

    def __str__(self) -> str:
        return f"{self.topic_id}#{self.pk}"


class CommunityDocument(models.Model):
    """A visible community topic in the search index (`helpcenter.search.topics`): its title,
    question and visible replies, in the topic's language. A hidden topic has none.

    Its own tables (`CommunityPosting`, `CommunityTerm`), shaped like the articles' ones and
    read by the same code, so forum activity never changes an article's score.
    """

    topic = models.OneToOneField(
        ForumTopic, on_delete=models.CASCADE, related_name="search_document"
    )
    language = models.CharField(max_length=10)
    length = models.PositiveIntegerField(default=0)  # body tokens
    lines = models.JSONField(default=list)  # as SearchDocument.lines
    answered = models.BooleanField(default=False)  # a visible reply by someone else, or accepted
    staff_answer = models.BooleanField(default=False)  # a visible reply by support staff
    accepted_answer = models.BooleanField(default=False)  # the topic has an accepted answer

    def __str__(self) -> str:
        return f"topic {self.topic_id}"


class CommunityPosting(Posting):
    """As `SearchPosting`, for community documents (no foreign-key constraint either)."""

    pk = models.CompositePrimaryKey("document", "token")
    document = models.ForeignKey(
        CommunityDocument,
        on_delete=models.CASCADE,
        related_name="postings",
        db_index=False,
        db_constraint=False,
    )

    class Meta:
        indexes = [
            models.Index(
                fields=["token", "document"],
                include=["heading", "body", "question"],
                name="helpcenter_community_token",
            )
        ]


class CommunityTerm(Term):
    """A token of the community index and how many topics contain it."""


class SearchRecord(models.Model):
    """One search a customer ran (help center, contact form or chat), for the dashboards.

    `query` is stored redacted (customers paste secrets into search boxes); `normalized_query`
    groups spellings of the same search in the reports.
    """

    class Source(models.TextChoices):
        HELP_SEARCH = "help_search", _("Help-center search")
        CONTACT_FORM = "contact_form", _("Contact form")
        CHAT = "chat", _("Chat")

    query = models.CharField(_("query"), max_length=200)
    normalized_query = models.CharField(max_length=200)
    language = models.CharField(max_length=10)
    results_count = models.PositiveSmallIntegerField(default=0)
    best_score = models.FloatField(default=0.0)
    clicked_article = models.ForeignKey(
        Article, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    source = models.CharField(max_length=16, choices=Source.choices, default=Source.HELP_SEARCH)
    visitor = models.CharField(max_length=32, blank=True)  # hashed (helpcenter.learning.visitors)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["created_at"], name="helpcenter_search_created")]
        verbose_name = _("search record")
        verbose_name_plural = _("search records")

    def __str__(self) -> str:
        return f"{self.language}: {self.query}"


class DeflectionRecord(models.Model):
    """A customer who saw a suggested article while writing to us, and what they did next."""

    class Outcome(models.TextChoices):
        DEFLECTED = "deflected", _("Did not submit")
        SUBMITTED = "submitted", _("Submitted")

    search = models.OneToOneField(
        SearchRecord, null=True, blank=True, on_delete=models.SET_NULL, related_name="deflection"
    )
    article = models.ForeignKey(
        Article, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    source = models.CharField(max_length=16, choices=SearchRecord.Source.choices)
    outcome = models.CharField(max_length=16, choices=Outcome.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["created_at"], name="helpcenter_deflection_created")]
        verbose_name = _("deflection record")
        verbose_name_plural = _("deflection records")

    def __str__(self) -> str:
        return f"{self.source}: {self.outcome}"


# Registered with the app here; defined with the code that fills them.
from helpcenter.learning.models import LearnedAnswer, LearningReset  # noqa: E402, F401
