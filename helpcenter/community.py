"""Community forum pages (`/<lang>/help/community/…`): read for all, post when signed in."""

from datetime import datetime

from django.contrib.auth.decorators import login_required
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.dateparse import parse_datetime
from django.views.decorators.http import require_POST

from helpcenter import forum, selectors, services
from helpcenter.forms import LockForm, ReplyForm, TopicForm
from helpcenter.models import ForumPost, ForumTopic
from helpcenter.views import reader_language


def topic_list(request: HttpRequest) -> HttpResponse:
    before = _parse_before(request.GET.get("before", ""))
    topics = selectors.community_topics(user=request.user, before=before)
    more = topics[-1].last_post_at.isoformat() if len(topics) == selectors.TOPICS_PER_PAGE else ""
    context = {"topics": topics, "form": TopicForm(), "more": more}
    return render(request, "helpcenter/community.html", context)


def _parse_before(value: str) -> datetime | None:
    try:
        return parse_datetime(value)
    except ValueError:
        return None


@login_required
@require_POST
def topic_new(request: HttpRequest) -> HttpResponse:
    form = TopicForm(request.POST)
    if not form.is_valid():
        context = {"topics": selectors.community_topics(user=request.user), "form": form}
        return render(request, "helpcenter/community.html", context, status=400)
    topic = services.topic_create(
        author=request.user, language=reader_language(), **form.cleaned_data
    )
    return redirect(topic.get_absolute_url())


def topic_detail(request: HttpRequest, pk: int) -> HttpResponse:
    topic, posts = selectors.topic_get_for_user(user=request.user, pk=pk)
    return _topic_page(request, topic, posts)


def _topic_page(
    request: HttpRequest,
    topic: ForumTopic,
    posts: list[ForumPost],
    *,
    status: int = 200,
    error: str = "",
    **forms: Form,
) -> HttpResponse:
    context = {
        "topic": topic,
        "posts": posts,
        "accepted": next((post for post in posts if post.pk == topic.accepted_answer_id), None),
        "staff_authors": selectors.staff_authors(posts),
        "can_accept": forum.can_accept_answer(topic=topic, user=request.user),
        "error": error,
        "form": forms.get("form") or ReplyForm(),
        "lock_form": forms.get("lock_form") or LockForm(),
    }
    return render(request, "helpcenter/topic.html", context, status=status)


@login_required
@require_POST
def topic_reply(request: HttpRequest, pk: int) -> HttpResponse:
    topic, posts = selectors.topic_get_for_user(user=request.user, pk=pk)
    form = ReplyForm(request.POST)
    if not form.is_valid():
        return _topic_page(request, topic, posts, form=form, status=400)
    try:
        services.post_reply(topic=topic, author=request.user, body=form.cleaned_data["body"])
    except forum.ForumError as error:
        return _topic_page(request, topic, posts, form=form, error=str(error), status=409)
    return redirect(topic.get_absolute_url())


@login_required
@require_POST
def post_hide(request: HttpRequest, pk: int) -> HttpResponse:
    post = get_object_or_404(ForumPost.objects.select_related("topic"), pk=pk)
    services.post_hide(post=post, by=request.user)
    return redirect(post.topic.get_absolute_url())


@login_required
@require_POST
def post_accept(request: HttpRequest, pk: int) -> HttpResponse:
    """The asker or support mark this reply as the topic's answer."""
    post = selectors.post_get_for_user(user=request.user, pk=pk)
    try:
        forum.topic_accept_answer(topic=post.topic, post=post, by=request.user)
    except forum.ForumError as error:
        topic, posts = selectors.topic_get_for_user(user=request.user, pk=post.topic_id)
        return _topic_page(request, topic, posts, error=str(error), status=409)
    return redirect(post.topic.get_absolute_url())


@login_required
@require_POST
def topic_clear_answer(request: HttpRequest, pk: int) -> HttpResponse:
    topic, _posts = selectors.topic_get_for_user(user=request.user, pk=pk)
    forum.topic_clear_answer(topic=topic, by=request.user)
    return redirect(topic.get_absolute_url())


@login_required
@require_POST
def topic_lock(request: HttpRequest, pk: int) -> HttpResponse:
    topic, posts = selectors.topic_get_for_user(user=request.user, pk=pk)
    form = LockForm(request.POST)
    if not form.is_valid():
        return _topic_page(request, topic, posts, lock_form=form, status=400)
    forum.topic_lock(topic=topic, by=request.user, reason=form.cleaned_data["reason"])
    return redirect(topic.get_absolute_url())


@login_required
@require_POST
def topic_unlock(request: HttpRequest, pk: int) -> HttpResponse:
    topic, _posts = selectors.topic_get_for_user(user=request.user, pk=pk)
    forum.topic_unlock(topic=topic, by=request.user)
    return redirect(topic.get_absolute_url())
