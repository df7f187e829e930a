"""Quality review pages of the console: the dashboard and sampling (supervisors), the review
form, a review, and the agent's own reviews with their reply."""

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from support.taxonomy import Language
from tickets.models import QualityReview
from tickets.reviews import figures, selectors, services
from tickets.reviews.forms import MARK_CHOICES, PeriodForm, ReplyForm, ReviewForm, SampleForm
from tickets.reviews.selectors import SUPERVISE, Subject

console = permission_required("support.use_console", raise_exception=True)
supervise = permission_required(SUPERVISE, raise_exception=True)
MARK_LABELS = {value: label for value, label in MARK_CHOICES}


@login_required
@supervise
def dashboard(request: HttpRequest) -> HttpResponse:
    form = PeriodForm(request.GET or None)
    days = form.cleaned_data["days"] if form.is_valid() else 30
    since = timezone.now() - timedelta(days=days)
    agents = selectors.reviewable_agent_ids(request.user)
    context = {
        "form": form,
        "days": days,
        "figures": figures.review_dashboard(agents, since, get_language()),
        "threshold": figures.TRAINING_THRESHOLD,
        "recent": selectors.reviews_for_supervisor(request.user, limit=20),
        "console_section": "quality_reviews",
    }
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "tickets/reviews/dashboard.html", context, status=status)


@login_required
@supervise
def sample(request: HttpRequest) -> HttpResponse:
    form = SampleForm(request.GET or None)
    valid = form.is_valid() if form.is_bound else True
    data = form.cleaned_data if form.is_bound and valid else {"days": 30, "order": "random"}
    order = data["order"] or "random"
    rows = selectors.sample(request.user, days=data["days"], order=order) if valid else []
    context = {"form": form, "rows": rows, "order": order, "console_section": "quality_reviews"}
    return render(request, "tickets/reviews/sample.html", context, status=200 if valid else 400)


@login_required
@supervise
def review_ticket(request: HttpRequest, reference: str) -> HttpResponse:
    subject = selectors.ticket_subject_for_user(request.user, reference)
    return _review_page(request, subject)


@login_required
@supervise
def review_chat(request: HttpRequest, conversation_id: int) -> HttpResponse:
    subject = selectors.chat_subject_for_user(request.user, conversation_id)
    return _review_page(request, subject)


@login_required
@console
def review_detail(request: HttpRequest, pk: int) -> HttpResponse:
    review = selectors.review_get_for_user(request.user, pk)
    return _detail_page(request, review, ReplyForm())


@login_required
@console
def mine(request: HttpRequest) -> HttpResponse:
    reviews = [_present(review) for review in selectors.reviews_of_agent(request.user)]
    context = {"reviews": reviews, "reply_form": ReplyForm(), "console_section": "my_reviews"}
    return render(request, "tickets/reviews/mine.html", context)


@require_POST
@login_required
@console
def reply(request: HttpRequest, pk: int) -> HttpResponse:
    review = selectors.review_get_for_user(request.user, pk)
    form = ReplyForm(request.POST)
    if form.is_valid():
        try:
            services.quality_review_reply(
                review=review, agent=request.user, text=form.cleaned_data["reply"]
            )
        except services.ReviewRefused as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Your reply was sent to the reviewer."))
            return redirect("reviews:detail", pk=review.pk)
    return _detail_page(request, review, form, status=400)


def _review_page(request: HttpRequest, subject: Subject) -> HttpResponse:
    language = request.POST.get("language") or request.GET.get("language") or subject.language
    language = language if language in Language.values else subject.language
    form = ReviewForm(
        request.POST or None,
        criteria=selectors.scorecard(language),
        initial={"language": language},
    )
    if request.method == "POST" and form.is_valid():
        try:
            review = _create(request, subject, form)
        except services.ReviewRefused as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Review saved; the agent can read it now."))
            return redirect("reviews:detail", pk=review.pk)
    context = {
        "form": form,
        "subject": subject,
        "language": language,
        "languages": Language.choices,
        "agent": get_user_model().objects.filter(pk=subject.agent_id).first(),
        "transcript": _transcript(subject),
        "console_section": "quality_reviews",
    }
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "tickets/reviews/review_form.html", context, status=status)


def _create(request: HttpRequest, subject: Subject, form: ReviewForm) -> QualityReview:
    return services.quality_review_create(
        reviewer=request.user,
        agent=get_user_model().objects.get(pk=subject.agent_id),
        ticket=subject.ticket,
        conversation_id=subject.conversation_id,
        language=form.cleaned_data["language"],
        marks=form.marks(),
        comment=form.cleaned_data["comment"],
    )


def _transcript(subject: Subject) -> list:
    """A ticket's messages, notes included; a chat is read in the chat console instead."""
    if subject.ticket is None:
        return []
    return list(subject.ticket.messages.select_related("author").order_by("id"))


def _detail_page(request, review: QualityReview, form: ReplyForm, status: int = 200):
    context = {
        "review": _present(review),
        "reply_form": form,
        "is_agent": review.agent_id == request.user.pk,
        "console_section": "my_reviews"
        if review.agent_id == request.user.pk
        else "quality_reviews",
    }
    return render(request, "tickets/reviews/review.html", context, status=status)


def _present(review: QualityReview) -> QualityReview:
    """The review with its marks as rows for the templates (label, mark's name, note)."""
    review.rows = [
        {
            "label": score.criterion.label,
            "mark": score.mark,
            "mark_label": MARK_LABELS["na" if score.mark is None else str(score.mark)],
            "note": score.note,
        }
        for score in sorted(review.scores.all(), key=lambda s: (s.criterion.order, s.criterion.key))
    ]
    return review
