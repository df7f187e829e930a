"""A supervisor's live dashboard in a real browser: a tile changes when a ticket breaches, the
period is narrowed to Korean chats of the last week, and the downloaded CSV holds the fixture's
numbers. Desktop and phone width. Pages from the live server, websockets from uvicorn."""

import csv
from datetime import timedelta

import pytest
from django.utils import timezone

from tests.browser.conftest import screenshot
from tests.browser.test_home_pages import log_in
from tests.browser.test_livechat import websocket_server  # noqa: F401 (a fixture)
from tickets.intake import InboundMessage, intake_message
from tickets.models import SlaPolicy, Ticket

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
WAIT = 15_000


def ticket(email: str, team, **fields) -> Ticket:
    made = intake_message(
        InboundMessage(
            channel="web", customer_email=email, subject="Withdrawal stuck", text="USDT pending."
        )
    )
    Ticket.objects.filter(pk=made.pk).update(team=team, **fields)
    return made


def test_a_supervisor_watches_a_breach_and_downloads_korean_chat_figures(
    live_server,
    page_factory,
    websocket_server,  # noqa: F811
    supervisor,
    team,
    tmp_path,  # noqa: F811
):
    team.supervisor = supervisor
    team.save(update_fields=["supervisor"])
    SlaPolicy.objects.create(
        name="Default", first_response_minutes=60, next_response_minutes=120, resolution_minutes=480
    )
    for number in range(3):
        ticket(f"ko{number}@example.com", team, channel="chat", language="ko")
    ticket("en@example.com", team, channel="email", language="en")
    Ticket.objects.update(first_response_due=timezone.now() + timedelta(days=1))
    late = Ticket.objects.filter(language="en").get()

    page = page_factory(viewport={"width": 1280, "height": 900})
    log_in(page, live_server.url, "en", supervisor.email)
    page.goto(f"{live_server.url}/console/dashboards/")
    breached = "[data-tile=breached] dd"
    assert page.locator(breached).inner_text() == "0"
    page.wait_for_selector("[data-testid=tiles-status] >> text=Live", timeout=WAIT)

    Ticket.objects.filter(pk=late.pk).update(first_response_due=timezone.now())
    page.wait_for_selector("[data-tile=breached].breached", timeout=WAIT)
    assert page.locator(breached).inner_text() == "1"
    screenshot(page, "dashboard-desktop")

    page.select_option("#id_preset", "7d")
    page.select_option("#id_channel", "chat")
    page.select_option("#id_language", "ko")
    page.locator("[data-testid=period-form] button[type=submit]").click()
    page.wait_for_selector("[data-testid=figure-volume] svg")
    with page.expect_download() as download:
        page.locator("[data-testid=csv-volume]").click()
    saved = tmp_path / "volume.csv"
    download.value.save_as(saved)
    with saved.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 7
    assert sum(int(row["created"]) for row in rows) == 3
    assert rows[-1]["day"] == timezone.now().date().isoformat()

    phone = page_factory(viewport={"width": 390, "height": 844}, is_mobile=True)
    log_in(phone, live_server.url, "en", supervisor.email)
    phone.goto(page.url)
    phone.wait_for_selector("[data-tile=breached].breached", timeout=WAIT)
    assert phone.locator("[data-testid=figure-volume] table").is_visible()
    screenshot(phone, "dashboard-phone")
