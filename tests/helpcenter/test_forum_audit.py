"""Forum moderation writes audit rows: hiding and showing posts, locking and unlocking topics."""

import pytest

from helpcenter.models import ForumTopic
from helpcenter.services import post_reply, post_unhide, topic_create
from support.audit_models import AuditAction, AuditEntry
from tests.audit_helpers import assert_from, browser, only_row


@pytest.fixture
def topic(customer) -> ForumTopic:
    return topic_create(
        author=customer, title="Is TRC20 cheaper?", body="Which network costs less?", language="en"
    )


def moderator(agent):
    client = browser()
    client.force_login(agent)
    return client


def test_hiding_a_post_names_the_moderator_the_post_and_its_author(topic, other_customer, agent):
    reply = post_reply(topic=topic, author=other_customer, body="Buy my coin at scam.example")

    answer = moderator(agent).post(f"/en/help/community/posts/{reply.pk}/hide/")

    entry = only_row(AuditAction.FORUM_POST_HIDDEN)
    assert_from(entry, answer, agent)
    assert (entry.object_type, entry.object_id) == ("helpcenter.forumpost", str(reply.pk))
    assert entry.customer == other_customer
    assert entry.detail == {"topic": topic.pk}
    assert "scam.example" not in str(entry.object_label)


def test_showing_a_post_again_is_recorded(topic, other_customer, agent):
    reply = post_reply(topic=topic, author=other_customer, body="TRC20 fees are about 1 USDT.")
    moderator(agent).post(f"/en/help/community/posts/{reply.pk}/hide/")

    post_unhide(post=reply, by=agent)

    entry = only_row(AuditAction.FORUM_POST_SHOWN)
    assert (entry.actor, entry.object_id) == (agent, str(reply.pk))


def test_locking_and_unlocking_a_topic(topic, agent):
    client = moderator(agent)
    locked = client.post(f"/en/help/community/{topic.pk}/lock/", {"reason": "Answered in FAQ"})
    unlocked = client.post(f"/en/help/community/{topic.pk}/unlock/")

    entry = only_row(AuditAction.FORUM_TOPIC_LOCKED)
    assert_from(entry, locked, agent)
    assert (entry.object_type, entry.object_id) == ("helpcenter.forumtopic", str(topic.pk))
    assert entry.detail == {"reason": "Answered in FAQ"}
    assert_from(only_row(AuditAction.FORUM_TOPIC_UNLOCKED), unlocked, agent)


def test_a_customer_cannot_lock_and_nothing_is_recorded(topic, customer):
    client = browser()
    client.force_login(customer)

    client.post(f"/en/help/community/{topic.pk}/lock/", {"reason": "mine"})

    assert not AuditEntry.objects.filter(action=AuditAction.FORUM_TOPIC_LOCKED).exists()
