"""tickets.presence: one cache entry per open ticket page, one row per agent."""

from tickets import presence


def test_an_agent_with_two_tabs_is_listed_once_until_both_are_closed(agent, teammate):
    first = presence.viewer_join(ticket_id=1, channel="tab-1", user=agent, replying=False)
    second = presence.viewer_join(ticket_id=1, channel="tab-2", user=agent, replying=True)
    presence.viewer_join(ticket_id=1, channel="tab-3", user=teammate, replying=False)

    assert first != second
    assert presence.viewers(1) == [
        {"user": agent.pk, "email": agent.email, "replying": True},
        {"user": teammate.pk, "email": teammate.email, "replying": False},
    ]
    presence.viewer_leave(ticket_id=1, slot=second, channel="tab-2")
    assert presence.viewers(1)[0] == {"user": agent.pk, "email": agent.email, "replying": False}
    presence.viewer_leave(ticket_id=1, slot=first, channel="tab-1")
    assert [row["user"] for row in presence.viewers(1)] == [teammate.pk]


def test_a_page_whose_entry_expired_claims_a_slot_again(agent):
    slot = presence.viewer_join(ticket_id=1, channel="tab-1", user=agent, replying=False)
    presence.cache.delete(presence._slot_key(1, slot))

    again = presence.viewer_refresh(
        ticket_id=1, slot=slot, channel="tab-1", user=agent, replying=True
    )

    assert again is not None
    assert presence.viewers(1) == [{"user": agent.pk, "email": agent.email, "replying": True}]


def test_leaving_never_removes_another_pages_entry(agent, teammate):
    slot = presence.viewer_join(ticket_id=1, channel="tab-1", user=agent, replying=False)
    presence.cache.delete(presence._slot_key(1, slot))
    presence.viewer_join(ticket_id=1, channel="tab-2", user=teammate, replying=False)

    presence.viewer_leave(ticket_id=1, slot=slot, channel="tab-1")

    assert [row["user"] for row in presence.viewers(1)] == [teammate.pk]


def test_the_sweep_asks_once_which_tickets_are_open_somewhere(agent):
    presence.viewer_join(ticket_id=2, channel="tab-1", user=agent, replying=False)

    assert presence.tickets_with_viewers([1, 2, 3]) == {2}
