"""Community forum: customers ask and reply, secrets are redacted, staff moderate."""

import pytest

from helpcenter.models import ForumPost, ForumTopic
from helpcenter.services import post_reply, topic_create

SEED = "abandon ability able about above absent absorb abstract absurd abuse access accident"


@pytest.fixture
def topic(customer) -> ForumTopic:
    return topic_create(
        author=customer, title="Is TRC20 cheaper?", body="Which network costs less?", language="en"
    )


def test_signed_in_customer_asks_a_question(client, customer):
    client.force_login(customer)
    response = client.post("/en/help/community/new/", {"title": "Fees?", "body": "How much?"})
    topic = ForumTopic.objects.get()
    assert response.status_code == 302
    assert response.url == f"/en/help/community/{topic.pk}/"
    assert (topic.author, topic.language, topic.post_count) == (customer, "en", 1)


def test_anonymous_visitor_reads_but_cannot_post(client, topic):
    assert client.get("/en/help/community/").status_code == 200
    assert "Is TRC20 cheaper?" in client.get(f"/en/help/community/{topic.pk}/").content.decode()
    response = client.post(f"/en/help/community/{topic.pk}/reply/", {"body": "spam"})
    assert response.status_code == 302
    assert "/accounts/log-in/" in response.url
    assert ForumPost.objects.count() == 1


def test_reply_bumps_the_topic_and_redacts_a_seed_phrase(client, topic, other_customer):
    client.force_login(other_customer)
    client.post(f"/en/help/community/{topic.pk}/reply/", {"body": f"My words: {SEED}"})
    topic.refresh_from_db()
    assert topic.post_count == 2
    reply = topic.posts.last()
    assert "abandon ability" not in reply.body
    assert "abandon ability" not in client.get(topic.get_absolute_url()).content.decode()


def test_staff_hide_a_post_and_customers_no_longer_see_it(client, topic, agent, other_customer):
    reply = post_reply(topic=topic, author=other_customer, body="Send me a DM for free USDT")
    client.force_login(agent)
    response = client.post(f"/en/help/community/posts/{reply.pk}/hide/")
    assert response.status_code == 302
    client.force_login(other_customer)
    html = client.get(topic.get_absolute_url()).content.decode()
    assert "free USDT" not in html
    assert "Which network costs less?" in html


def test_hiding_the_question_hides_the_topic(client, topic, agent, customer):
    client.force_login(agent)
    client.post(f"/en/help/community/posts/{topic.posts.first().pk}/hide/")
    client.force_login(customer)
    assert client.get(topic.get_absolute_url()).status_code == 404
    assert "Is TRC20 cheaper?" not in client.get("/en/help/community/").content.decode()


def test_customer_cannot_hide_posts(client, topic, other_customer):
    client.force_login(other_customer)
    response = client.post(f"/en/help/community/posts/{topic.posts.first().pk}/hide/")
    assert response.status_code == 403
    assert ForumPost.objects.filter(hidden=True).count() == 0


def test_empty_reply_is_refused(client, topic, customer):
    client.force_login(customer)
    response = client.post(f"/en/help/community/{topic.pk}/reply/", {"body": "  "})
    assert response.status_code == 400
    assert topic.posts.count() == 1
