"""Real-browser tests: Debian's chromium driven by Playwright against a live server."""

import os
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; the ORM calls made by the tests
# to arrange data are still plain synchronous calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.fixture(scope="session")
def live_server(request: pytest.FixtureRequest):
    """pytest-django's live server, with static files served as in production: by whitenoise,
    from the collected files under their hashed names (pytest-django's default handler looks
    for the plain names in the apps' folders and would answer 404)."""
    from pytest_django.live_server_helper import LiveServer

    addr = request.config.getvalue("liveserver") or "localhost"
    server = LiveServer(addr, start=False)
    server.thread.static_handler = lambda application: application
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def browser():
    """One chromium per test module: Playwright's sync API keeps an event loop running in this
    thread while it is open, which the async tests of other folders must not inherit."""
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian's chromium is not installed (apt-get install chromium).")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page_factory(browser):
    contexts = []

    def make(**options):
        context = browser.new_context(**options)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


def screenshot(page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def pass_second_factor(page, email: str) -> None:
    """On the verify page after the password, type the code the person's app would show."""
    from django.contrib.auth import get_user_model

    from tests.conftest import second_factor_code

    if "/two-factor/verify/" not in page.url:
        return
    user = get_user_model().objects.get(username=email)
    code = second_factor_code(user)
    field = "input[name=otp_token]" if code.isdigit() else "input[name=recovery_code]"
    page.fill(field, code)
    page.locator("main button[type=submit]").first.click()
    page.wait_for_load_state("networkidle")
