"""After logging in, `next` may only lead to a page of this site."""

import pytest

pytestmark = pytest.mark.django_db

LOG_IN = "/en/accounts/log-in/"
RIGHT = "correct-horse-battery-9"
OFF_SITE = [
    "https://evil.example",
    "https://evil.example/en/tickets/",
    "//evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "/\\/evil.example",
    "https:evil.example",
    "http://testserver@evil.example/",
    " //evil.example",
    "\t//evil.example",
    "javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
]


@pytest.mark.parametrize("target", OFF_SITE)
def test_next_off_site_leads_to_the_safe_default(client, customer, target):
    """F13: ?next=https://evil.example, //evil and /\\evil end on our own home page."""
    response = client.post(
        f"{LOG_IN}?next={target}", {"username": customer.username, "password": RIGHT}
    )
    posted = client.post(LOG_IN, {"username": customer.username, "password": RIGHT, "next": target})

    assert response.status_code == posted.status_code == 302
    assert response["Location"] == posted["Location"] == "/ko/"  # the customer's language home


@pytest.mark.parametrize("target", OFF_SITE)
def test_the_login_page_does_not_carry_an_off_site_next(client, target):
    """F13: the form's hidden `next` is empty for an off-site target."""
    page = client.get(LOG_IN, {"next": target})

    assert page.status_code == 200
    assert page.context["next"] == ""


def test_next_on_site_is_followed(client, customer):
    response = client.post(
        f"{LOG_IN}?next=/en/tickets/", {"username": customer.username, "password": RIGHT}
    )
    assert response["Location"] == "/en/tickets/"
