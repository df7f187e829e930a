"""Accepted answers and locked topics: the asker or support pick the answer, support lock."""

import pytest

from helpcenter.forum import TopicLocked, topic_accept_answer, topic_lock
from helpcenter.models import ForumPost, ForumTopic
from helpcenter.services import post_hide, post_reply, topic_create


@pytest.fixture
def topic(customer) -> ForumTopic:
    return topic_create(
        author=customer, title="Is TRC20 cheaper?", body="Which network costs less?", language="en"
    )


@pytest.fixture
def reply(topic, other_customer) -> ForumPost:
    return post_reply(topic=topic, author=other_customer, body="TRC20 fees are about 1 USDT.")


def accepted_section(html: str) -> str:
    return html.split('id="accepted-answer"', 1)[1].split("</section>", 1)[0]


def test_the_author_accepts_a_reply_and_sees_it_under_the_question(client, topic, reply, customer):
    post_reply(topic=topic, author=customer, body="Thanks, anyone else?")
    client.force_login(customer)
    response = client.post(f"/en/help/community/posts/{reply.pk}/accept/")
    assert response.status_code == 302
    html = client.get(topic.get_absolute_url()).content.decode()
    question, rest = html.split("Which network costs less?", 1)
    accepted = accepted_section(rest)
    assert "Accepted answer" in accepted
    assert "by the author" in accepted
    assert "TRC20 fees are about 1 USDT." in accepted
    assert rest.index('id="accepted-answer"') < rest.index("Thanks, anyone else?")
    assert f'id="post-{reply.pk}"' in rest  # still in its place in the thread
    assert rest.count("TRC20 fees are about 1 USDT.") == 2


def test_the_topic_list_marks_answered_topics(client, topic, reply, customer):
    topic_create(author=customer, title="Open question", body="No one knows?", language="en")
    topic_accept_answer(topic=topic, post=reply, by=customer)
    html = client.get("/en/help/community/").content.decode()
    answered, unanswered = html.split("Is TRC20 cheaper?")[1], html.split("Open question")[1]
    assert "Answered" in answered.split("</li>", 1)[0]
    assert "Answered" not in unanswered.split("</li>", 1)[0]


def test_another_customer_cannot_accept_and_nothing_changes(client, topic, reply, other_customer):
    client.force_login(other_customer)
    response = client.post(f"/en/help/community/posts/{reply.pk}/accept/")
    assert response.status_code == 403
    topic.refresh_from_db()
    assert topic.accepted_answer is None
    assert 'id="accepted-answer"' not in client.get(topic.get_absolute_url()).content.decode()


def test_staff_accept_and_the_page_says_by_support(client, topic, reply, agent):
    client.force_login(agent)
    client.post(f"/en/help/community/posts/{reply.pk}/accept/")
    topic.refresh_from_db()
    assert (topic.accepted_answer, topic.accepted_by) == (reply, agent)
    assert "by support" in accepted_section(client.get(topic.get_absolute_url()).content.decode())


def test_the_author_changes_then_clears_the_accepted_answer(client, topic, reply, customer, agent):
    better = post_reply(topic=topic, author=agent, body="Use TRC20 for small amounts.")
    client.force_login(customer)
    client.post(f"/en/help/community/posts/{reply.pk}/accept/")
    client.post(f"/en/help/community/posts/{better.pk}/accept/")
    topic.refresh_from_db()
    assert topic.accepted_answer == better
    response = client.post(f"/en/help/community/{topic.pk}/clear-answer/")
    assert response.status_code == 302
    topic.refresh_from_db()
    assert (topic.accepted_answer, topic.accepted_by) == (None, None)


def test_the_question_itself_cannot_be_the_answer(client, topic, customer):
    client.force_login(customer)
    response = client.post(f"/en/help/community/posts/{topic.posts.get().pk}/accept/")
    assert response.status_code == 409
    assert "Only a visible reply to this topic can be its accepted answer." in (
        response.content.decode()
    )
    topic.refresh_from_db()
    assert topic.accepted_answer is None


def test_accepting_takes_a_post(client, topic, reply, customer):
    client.force_login(customer)
    assert client.get(f"/en/help/community/posts/{reply.pk}/accept/").status_code == 405


def test_hiding_the_accepted_reply_clears_the_acceptance(client, topic, reply, customer, agent):
    topic_accept_answer(topic=topic, post=reply, by=customer)
    post_hide(post=reply, by=agent)
    topic.refresh_from_db()
    assert topic.accepted_answer is None
    client.force_login(customer)
    html = client.get(topic.get_absolute_url()).content.decode()
    assert 'id="accepted-answer"' not in html
    assert "TRC20 fees" not in html


def test_staff_lock_with_a_reason_and_the_reply_form_is_gone(client, topic, agent, customer):
    client.force_login(agent)
    response = client.post(f"/en/help/community/{topic.pk}/lock/", {"reason": "Answered in FAQ"})
    assert response.status_code == 302
    client.force_login(customer)
    html = client.get(topic.get_absolute_url()).content.decode()
    assert "Support locked this topic: new replies are closed." in html
    assert "Answered in FAQ" in html
    assert f"/en/help/community/{topic.pk}/reply/" not in html
    assert "Locked" in client.get("/en/help/community/").content.decode()


def test_a_reply_to_a_locked_topic_is_refused_with_a_message(client, topic, agent, customer):
    topic_lock(topic=topic, by=agent)
    client.force_login(customer)
    response = client.post(f"/en/help/community/{topic.pk}/reply/", {"body": "Me too!"})
    assert response.status_code == 409
    assert "This topic is locked: it takes no new replies." in response.content.decode()
    topic.refresh_from_db()
    assert (topic.post_count, topic.posts.count()) == (1, 1)
    with pytest.raises(TopicLocked):
        post_reply(topic=topic, author=agent, body="Staff too.")


def test_the_refusal_is_in_the_readers_language(client, topic, agent, customer):
    topic_lock(topic=topic, by=agent)
    client.force_login(customer)
    response = client.post(f"/zh-hans/help/community/{topic.pk}/reply/", {"body": "我也是"})
    assert response.status_code == 409
    assert response.headers["Content-Language"] == "zh-hans"


def test_staff_unlock_and_replies_are_taken_again(client, topic, agent, customer):
    topic_lock(topic=topic, by=agent, reason="Cooling down")
    client.force_login(agent)
    assert client.post(f"/en/help/community/{topic.pk}/unlock/").status_code == 302
    client.force_login(customer)
    client.post(f"/en/help/community/{topic.pk}/reply/", {"body": "Thanks!"})
    topic.refresh_from_db()
    assert (topic.locked, topic.lock_reason, topic.post_count) == (False, "", 2)


def test_customers_cannot_lock_and_nothing_changes(client, topic, customer):
    client.force_login(customer)
    response = client.post(f"/en/help/community/{topic.pk}/lock/", {"reason": "mine"})
    assert response.status_code == 403
    topic.refresh_from_db()
    assert (topic.locked, topic.lock_reason) == (False, "")
    assert 'action="/en/help/community/' + str(topic.pk) + '/lock/"' not in (
        client.get(topic.get_absolute_url()).content.decode()
    )


def test_the_api_flags_the_accepted_answer_and_finds_its_text(client, topic, customer):
    own = post_reply(topic=topic, author=customer, body="Solved: the Tron energy rental helped.")
    query = {"q": "tron energy rental", "lang": "en"}
    [before] = client.get("/api/v1/helpcenter/search/", query).json()["community"]
    assert (before["answered"], before["accepted_answer"]) == (False, False)
    topic_accept_answer(topic=topic, post=own, by=customer)
    [result] = client.get("/api/v1/helpcenter/search/", query).json()["community"]
    assert result["id"] == topic.pk
    assert (result["answered"], result["accepted_answer"], result["staff_answer"]) == (
        True,
        True,
        False,
    )
    assert "energy rental" in result["snippet"]


def test_an_accepted_answer_late_in_a_long_thread_is_found(client, topic, other_customer):
    ForumPost.objects.bulk_create(
        ForumPost(topic=topic, author=other_customer, body=f"Me too ({number})")
        for number in range(60)
    )
    late = post_reply(topic=topic, author=other_customer, body="Switch to the Tron energy rental.")
    query = {"q": "tron energy rental", "lang": "en"}
    assert client.get("/api/v1/helpcenter/search/", query).json()["community"] == []
    topic_accept_answer(topic=topic, post=late, by=topic.author)
    [result] = client.get("/api/v1/helpcenter/search/", query).json()["community"]
    assert (result["id"], result["accepted_answer"]) == (topic.pk, True)
