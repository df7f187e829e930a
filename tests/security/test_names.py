"""Names and addresses are shown normalised, and only staff accounts are marked as staff
(ATTACKS E2)."""

import pytest
from django.test import Client

from helpcenter.services import post_reply, topic_create
from livechat import start
from support.display import display_name
from support.roles import Role
from tests.conftest import PASSWORD, make_person

pytestmark = pytest.mark.django_db

HIDDEN = ("\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u202e", "\u202d", "\u2066", "\u2067")


def page(user, url: str) -> str:
    client = Client()
    if user is not None:
        client.login(username=user.username, password=PASSWORD)
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def assert_no_hidden_characters(html: str) -> None:
    """Each hidden character found, with what precedes it (to see where it leaked)."""
    assert [html[max(0, html.find(c) - 80) : html.find(c) + 1] for c in HIDDEN if c in html] == []


def test_display_names_lose_zero_width_and_bidi_characters():
    """E2: `Support\\u200bTeam` and a leading `\\u202e` are normalised; fullwidth letters fold
    to plain ones; other scripts are kept as written."""
    assert display_name("Support\u200bTeam") == "SupportTeam"
    assert display_name("\u202eSupport Team") == "Support Team"
    assert display_name("\uff33upport\u2003\u2003Team") == "Support Team"
    assert display_name("김민지 \u2067Kim\u2069") == "김민지 Kim"
    assert display_name("support@\u202eexample.com") == "support@example.com"


def test_a_customer_address_with_bidi_controls_is_shown_plainly_in_the_console(
    agent, policy, receive
):
    """E2: a customer whose address hides a right-to-left override appears in the console's
    queue and ticket page without it (no reversed, look-alike text)."""
    spoof = make_person("owner@\u202eelpmaxe.com", Role.CUSTOMER)
    ticket = receive(customer_email=spoof.email)

    for url in ("/console/tickets/?view=open", f"/console/tickets/{ticket.reference}/"):
        html = page(agent, url)
        assert_no_hidden_characters(html)
        assert "owner@elpmaxe.com" in html


def test_a_guest_address_with_hidden_characters_is_shown_plainly_in_the_chat_console(agent):
    """E2: the chat console lists a guest's address without its zero-width characters."""
    address = "support\u200b@exa\u200bmple.com"
    chat = start.conversation_start(
        customer=None, guest_email=address, language="en", category="general"
    )
    chat.status = "queued"
    chat.save(update_fields=["status"])

    html = page(agent, "/console/chats/")

    assert_no_hidden_characters(html)


def test_a_customer_named_like_support_gets_no_staff_badge_in_the_community(agent, customer):
    """E2: in the portal's community, a customer named "Support\\u200bTeam" is shown as
    "SupportTeam" without the staff badge; a real agent's answer carries the badge."""
    customer.first_name = "Support\u200bTeam"
    customer.save(update_fields=["first_name"])
    agent.first_name = "Mina"
    agent.save(update_fields=["first_name"])
    topic = topic_create(
        author=customer, title="Is this the official site?", body="Please confirm.", language="en"
    )
    post_reply(topic=topic, author=agent, body="No: only our own domain is official.")

    html = page(None, f"/en/help/community/{topic.pk}/")

    assert_no_hidden_characters(html)
    assert "SupportTeam" in html
    assert html.count('data-testid="staff-badge"') == 1
    badge_at = html.index('data-testid="staff-badge"')
    assert html.rindex("Mina", 0, badge_at) > html.rindex("SupportTeam", 0, badge_at)


def test_the_portal_labels_messages_by_who_wrote_them_not_by_name(customer, policy, receive):
    """E2: on the customer's ticket page, messages are labelled "You" or "Support" by their
    kind; a customer's chosen name never appears as the author."""
    customer.first_name = "Support"
    customer.save(update_fields=["first_name"])
    ticket = receive(text="Where is my deposit?")

    html = page(customer, f"/en/tickets/{ticket.reference}/")

    assert "You ·" in html
