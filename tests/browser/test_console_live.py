"""Two agents in the ticket console: a new ticket appears in the open queue without a reload;
on one ticket each sees the other viewing and replying, a change by one is announced to the
other, and leaving clears the banner. Pages from the live server, websockets from uvicorn."""

import pytest

from tests.browser.conftest import screenshot
from tests.browser.test_home_pages import log_in
from tests.browser.test_livechat import websocket_server  # noqa: F401 (a fixture)
from tickets.intake import InboundMessage, intake_message
from tickets.models import SlaPolicy

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
WAIT = 15_000


def write_in(email: str, subject: str):
    return intake_message(
        InboundMessage(
            channel="web",
            customer_email=email,
            subject=subject,
            text="My USDT withdrawal has been pending for six hours.",
        )
    )


def test_agents_see_new_tickets_and_each_other_live(
    live_server,
    page_factory,
    websocket_server,  # noqa: F811
    agent,
    teammate,
):
    SlaPolicy.objects.create(
        name="Default", first_response_minutes=60, next_response_minutes=120, resolution_minutes=480
    )
    first = write_in("first@example.com", "Withdrawal stuck")
    me = page_factory(viewport={"width": 1280, "height": 900})
    log_in(me, live_server.url, "en", agent.email)
    me.goto(f"{live_server.url}/console/tickets/?view=open")
    me.wait_for_selector(f"table[data-testid=queue] >> text={first.reference}")

    second = write_in("second@example.com", "Deposit missing")
    me.wait_for_selector(f"table[data-testid=queue] >> text={second.reference}", timeout=WAIT)

    me.goto(f"{live_server.url}/console/tickets/{first.reference}/")
    other = page_factory(viewport={"width": 1280, "height": 900})
    log_in(other, live_server.url, "en", teammate.email)
    other.goto(f"{live_server.url}/console/tickets/{first.reference}/")
    banner = "[data-testid=collision]"
    other.wait_for_selector(f"{banner} >> text={agent.email}", timeout=WAIT)
    me.wait_for_selector(f"{banner} >> text={teammate.email}", timeout=WAIT)

    other.fill(".composer textarea[name=body]", "Checking the chain now")
    me.wait_for_selector(f"{banner} >> text=is replying", timeout=WAIT)
    screenshot(me, "console-live-collision")

    other.select_option("#priority", "high")
    other.locator("form[action$='/priority/'] button").click()
    me.wait_for_selector("[data-testid=changed]", state="visible", timeout=WAIT)
    assert other.locator("[data-testid=changed]").is_hidden()  # not for one's own change

    other.close()
    me.wait_for_selector(banner, state="hidden", timeout=WAIT)
