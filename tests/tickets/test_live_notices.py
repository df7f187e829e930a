"""tickets.live: which notices a change sends, to which groups, and only after commit."""

from datetime import timedelta

import pytest
from django.db import transaction

from support.models import Team
from tickets import live
from tickets.models import EscalationRule
from tickets.presence import viewer_join
from tickets.services import ticket_assign, ticket_reply, ticket_set_tags
from tickets.sweep import sla_sweep


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run `make` as if its transaction committed (the test's own never does), so that its
    notices are sent and later changes make notices of their own."""

    def run(make):
        with django_capture_on_commit_callbacks(execute=True):
            return make()

    return run


@pytest.fixture
def sent(monkeypatch) -> list[list[tuple[str, dict]]]:
    """Each publish() call's (group, frame) pairs, instead of sending them."""
    calls = []
    monkeypatch.setattr(live, "publish", calls.append)
    return calls


def test_one_transaction_of_changes_is_one_notice_to_the_old_and_new_owners(
    agent, teammate, team, policy, receive, sent, committed, django_capture_on_commit_callbacks
):
    ticket = committed(lambda: ticket_assign(ticket=receive(), agent=teammate, by=teammate))
    sent.clear()
    other = Team.objects.create(slug="vip", name="VIP")

    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        ticket = ticket_assign(ticket=ticket, agent=agent, team=other, by=agent)
        ticket_set_tags(ticket=ticket, tags=["vip"], by=agent)

    assert len(sent) == 1
    groups = [group for group, _frame in sent[0]]
    assert groups == [
        "tickets.all",
        f"tickets.team.{other.pk}",
        f"tickets.agent.{agent.pk}",
        f"tickets.agent.{teammate.pk}",
        f"tickets.ticket.{ticket.pk}",
    ]
    assert sent[0][0][1] == {
        "type": "ticket.changed",
        "reference": ticket.reference,
        "team": other.pk,
        "assignee": agent.pk,
        "by": agent.pk,
    }


def test_nothing_is_sent_before_commit_or_for_a_rolled_back_change(
    agent, policy, receive, sent, committed, django_capture_on_commit_callbacks
):
    ticket = committed(receive)
    sent.clear()

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        try:
            with transaction.atomic():
                ticket_reply(ticket=ticket, author=agent, body="Looking into it.")
                raise RuntimeError("the request failed after the reply")
        except RuntimeError:
            pass

    assert callbacks == []
    assert sent == []


def test_a_change_after_a_rolled_back_savepoint_still_sends_its_notice(
    agent, policy, receive, sent, committed, django_capture_on_commit_callbacks
):
    ticket = committed(receive)
    sent.clear()

    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        try:
            with transaction.atomic():
                ticket_set_tags(ticket=ticket, tags=["first"], by=agent)
                raise RuntimeError
        except RuntimeError:
            pass
        ticket_set_tags(ticket=ticket, tags=["second"], by=agent)

    assert len(sent) == 1
    assert sent[0][0][1]["reference"] == ticket.reference


def test_a_reply_without_other_changes_sends_a_notice(
    agent, policy, receive, sent, committed, django_capture_on_commit_callbacks
):
    ticket = committed(lambda: ticket_assign(ticket=receive(), agent=agent, by=agent))
    sent.clear()

    with django_capture_on_commit_callbacks(execute=True):
        ticket_reply(ticket=ticket, author=agent, body="A note.", internal=True)

    assert [frame["by"] for _group, frame in sent[0]] == [agent.pk] * len(sent[0])


def test_the_sweep_sends_one_notice_per_group_and_tells_only_open_ticket_pages(
    agent, team, policy, receive, sent, committed, django_capture_on_commit_callbacks
):
    EscalationRule.objects.create(target="first_response", bump_priority=True)
    tickets = [
        committed(
            lambda n=n: ticket_assign(
                ticket=receive(customer_email=f"c{n}@example.com"), agent=agent, team=team, by=agent
            )
        )
        for n in range(3)
    ]
    viewer_join(ticket_id=tickets[0].pk, channel="page-1", user=agent, replying=False)
    sent.clear()

    with django_capture_on_commit_callbacks(execute=True):
        sla_sweep(now=tickets[-1].created_at + timedelta(hours=2))

    assert len(sent) == 1
    by_group = dict(sent[0])
    references = sorted(ticket.reference for ticket in tickets)
    for group in ("tickets.all", f"tickets.team.{team.pk}", f"tickets.agent.{agent.pk}"):
        assert by_group[group]["type"] == "tickets.changed"
        assert sorted(by_group[group]["references"]) == references
        assert by_group[group]["count"] == 3
    assert by_group[f"tickets.ticket.{tickets[0].pk}"] == {
        "type": "ticket.changed",
        "reference": tickets[0].reference,
        "by": None,
    }
    assert f"tickets.ticket.{tickets[1].pk}" not in by_group


def test_a_broken_channel_layer_is_logged_and_the_change_is_kept(
    agent, policy, receive, monkeypatch, caplog, committed, django_capture_on_commit_callbacks
):
    def broken():
        raise ConnectionError("Redis is down")

    ticket = committed(receive)
    live.flush()
    monkeypatch.setattr(live, "get_channel_layer", broken)

    with django_capture_on_commit_callbacks(execute=True):
        ticket_set_tags(ticket=ticket, tags=["kept"], by=agent)

    ticket.refresh_from_db()
    assert ticket.tags == ["kept"]
    assert "notice not sent" in caplog.text


def test_a_failed_send_is_logged_and_swallowed(monkeypatch, caplog):
    class Layer:
        async def group_send(self, group, message):
            raise ConnectionError("Redis is down")

    monkeypatch.setattr(live, "get_channel_layer", Layer)

    live.publish([("tickets.all", {"type": "ticket.changed"})])
    live.flush()

    assert "notice not sent" in caplog.text


def test_queue_groups_follow_the_view_and_the_agents_teams(agent, team, customer):
    assert live.queue_groups(user=agent, view="mine") == [f"tickets.agent.{agent.pk}"]
    assert live.queue_groups(user=agent, view="team") == [f"tickets.team.{team.pk}"]
    for view in ("breaching", "open", "search"):
        assert live.queue_groups(user=agent, view=view) == ["tickets.all"]
    assert live.queue_groups(user=agent, view="everything") is None
    assert live.queue_groups(user=customer, view="mine") is None


def test_a_new_ticket_is_told_to_the_queues_and_a_reply_to_its_page_too(
    policy, receive, sent, committed
):
    """A ticket made in the transaction cannot have its page open yet: its notice goes to
    the queues only; the customer's next message reaches the page as well."""
    ticket = committed(lambda: receive(text="My deposit is missing", conversation_id="c-1"))
    reply = committed(lambda: receive(text="Any news?", conversation_id="c-1"))

    assert reply.pk == ticket.pk
    assert [group for group, _frame in sent[0]] == ["tickets.all"]
    assert [group for group, _frame in sent[1]] == ["tickets.all", f"tickets.ticket.{ticket.pk}"]
