"""The help center's part of a customer's data (support.customer_data): their feedback on
articles and their forum topics and posts."""

from django.contrib.auth.models import AbstractBaseUser

from helpcenter.models import ArticleFeedback, ForumPost, ForumTopic
from helpcenter.search.topics import index_topic
from support.customer_data import Erased, ExportPart, register_customer_data


def export_helpcenter(customer: AbstractBaseUser) -> ExportPart:
    feedback = ArticleFeedback.objects.filter(user=customer).select_related("article")
    posts = ForumPost.objects.filter(author=customer).select_related("topic").order_by("pk")
    return ExportPart(
        records={
            "article_feedback": [
                {
                    "article": f.article.slug,
                    "helpful": f.helpful,
                    "comment": f.comment,
                    "at": f.created_at,
                }
                for f in feedback.order_by("pk")
            ],
            "forum_posts": [
                {"topic": p.topic.title, "body": p.body, "at": p.created_at} for p in posts
            ],
        }
    )


def erase_helpcenter(customer: AbstractBaseUser, erased: Erased) -> None:
    """Feedback comments, topic titles and posts replaced by the marker; the votes and the
    threads' shape stay. Posts of others that name the customer are scrubbed."""
    ArticleFeedback.objects.filter(user=customer).update(comment="", query="")
    ForumTopic.objects.filter(author=customer).update(title=erased.marker)
    ForumPost.objects.filter(author=customer).update(body=erased.marker)
    touched = set(ForumTopic.objects.filter(author=customer).values_list("pk", flat=True))
    touched |= set(ForumPost.objects.filter(author=customer).values_list("topic_id", flat=True))
    for value in erased.values:
        for post in ForumPost.objects.filter(body__icontains=value):
            ForumPost.objects.filter(pk=post.pk).update(body=erased.scrub(post.body))
            touched.add(post.topic_id)
    for topic in ForumTopic.objects.filter(pk__in=touched):
        index_topic(topic)


def register() -> None:
    register_customer_data("helpcenter", exporter=export_helpcenter, eraser=erase_helpcenter)
