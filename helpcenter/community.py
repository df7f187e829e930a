"""Community forum pages (`/<lang>/help/community/…`): read for all, post when signed in."""

from datetime import datetime

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.dateparse import parse_datetime
from django.views.decorators.http import require_POST

from helpcenter import selectors, services
from helpcenter.forms import ReplyForm, TopicForm
from helpcenter.models import ForumPost
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
    return render(
        request, "helpcenter/topic.html", {"topic": topic, "posts": posts, "form": ReplyForm()}
    )


@login_required
@require_POST
def topic_reply(request: HttpRequest, pk: int) -> HttpResponse:
    topic, posts = selectors.topic_get_for_user(user=request.user, pk=pk)
    form = ReplyForm(request.POST)
    if not form.is_valid():
        context = {"topic": topic, "posts": posts, "form": form}
        return render(request, "helpcenter/topic.html", context, status=400)
    services.post_reply(topic=topic, author=request.user, body=form.cleaned_data["body"])
    return redirect(topic.get_absolute_url())


@login_required
@require_POST
def post_hide(request: HttpRequest, pk: int) -> HttpResponse:
    post = get_object_or_404(ForumPost.objects.select_related("topic"), pk=pk)
    services.post_hide(post=post, by=request.user)
    return redirect(post.topic.get_absolute_url())
