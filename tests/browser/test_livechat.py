"""A customer chats with the bot in Chinese, asks for a person, an agent accepts in the console,
they talk, the websocket server goes away and comes back without a message lost, and the
customer rates the chat. Pages come from the live server, websockets from a real uvicorn."""

import os
import socket
import struct
import subprocess
import sys
import time
import zlib
from pathlib import Path

import pytest
from django.conf import settings as django_settings

from livechat.models import ChatMessage, Conversation
from tests.browser.conftest import pass_second_factor, screenshot
from tests.conftest import PASSWORD
from tickets.models import Macro

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
ROOT = Path(__file__).resolve().parents[2]
WAIT = 15_000


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Uvicorn:
    """The websocket server, on the test database, which the test can stop and start."""

    def __init__(self, port: int):
        self.port = port
        self.process = None
        url, _, query = os.environ["DATABASE_URL"].partition("?")
        test_database = django_settings.DATABASES["default"]["NAME"]
        self.env = {
            **os.environ,
            # the same server as the tests, the test database instead of the configured one
            "DATABASE_URL": f"{url.rpartition('/')[0]}/{test_database}"
            + (f"?{query}" if query else ""),
            "LOG_LEVEL": "WARNING",
        }

    def start(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "config.asgi:application", "--host", "127.0.0.1",
             "--port", str(self.port), "--no-access-log"],
            cwd=ROOT,
            env=self.env,
        )  # fmt: skip
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            time.sleep(0.2)
        raise RuntimeError("uvicorn did not start")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None


@pytest.fixture
def websocket_server(settings):
    server = Uvicorn(free_port())
    settings.WEBSOCKET_URL = f"ws://localhost:{server.port}"  # the session cookie's host
    server.start()
    yield server
    server.stop()


def tiny_png() -> bytes:
    """A valid 8×8 blue PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 8, 8, 8, 2, 0, 0, 0)
    rows = b"".join(b"\x00" + b"\x0b\x57\xd0" * 8 for _row in range(8))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def log_in(page, base: str, email: str) -> None:
    page.goto(f"{base}/en/accounts/log-in/")
    page.fill("input[name=username]", email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    pass_second_factor(page, email)


def say(page, text: str) -> None:
    page.fill(".lc-input", text)
    page.locator(".lc-composer button[type=submit]").click()


def test_a_customer_chats_with_the_bot_then_an_agent_without_losing_a_message(
    live_server, page_factory, websocket_server, agent, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    Macro.objects.create(
        key="need_tx_hash",
        language="zh-hans",
        name="请提供 TxID",
        body="{customer_name}您好：\n\n请提供交易哈希（TxID）。\n\n工单号：{reference}",
    )
    customer = page_factory(viewport={"width": 390, "height": 800})  # a phone
    customer.goto(f"{live_server.url}/zh-hans/chat/")
    customer.fill("#lc-email", "guest@example.com")
    customer.locator(".lc-prechat button[type=submit]").click()
    customer.wait_for_selector(".lc-bot .lc-badge", timeout=WAIT)  # the greeting, automated

    say(customer, "我想转人工客服")
    customer.locator(".lc-bot").nth(1).wait_for(timeout=WAIT)
    chat = Conversation.objects.get()
    assert (chat.status, chat.language, chat.handoff_reason) == (
        "queued",
        "zh-hans",
        "asked_for_human",
    )

    console = page_factory(viewport={"width": 1280, "height": 900})
    log_in(console, live_server.url, agent.email)
    console.goto(f"{live_server.url}/console/chats/")
    console.locator(f'#lc-chat-list li[data-conversation="{chat.pk}"] button').click()
    console.wait_for_selector(".lc-pane .lc-summary", state="attached", timeout=WAIT)
    customer.locator(".lc-system").first.wait_for(timeout=WAIT)  # the agent joined

    console.fill(".lc-pane .lc-input", "您好，我来帮您")
    console.locator(".lc-pane .lc-composer button[type=submit]").click()
    customer.wait_for_selector(".lc-agent >> text=您好，我来帮您", timeout=WAIT)
    console.fill(".lc-pane .lc-macro-search", "txid")  # a macro, filled for this chat
    console.wait_for_selector(".lc-pane .lc-macro-list [aria-selected=true]", timeout=WAIT)
    with console.expect_response(lambda response: "/used/" in response.url) as used:
        console.keyboard.press("Enter")
    assert used.value.status == 204 and Macro.objects.get().usage_count == 1  # counted once
    pane = console.locator(".lc-pane").inner_text()
    assert "Customer asked for a person" in pane and "asked_for_human" not in pane
    assert console.locator(".lc-pane .lc-bot .lc-who").first.inner_text() == "Assistant (bot)"
    assert console.input_value(".lc-pane .lc-input") == "guest您好：\n\n请提供交易哈希（TxID）。"
    console.locator(".lc-pane .lc-composer button[type=submit]").click()
    customer.wait_for_selector(".lc-agent >> text=请提供交易哈希", timeout=WAIT)
    say(customer, "我的充值没有到账")
    console.wait_for_selector(".lc-pane .lc-customer >> text=我的充值没有到账", timeout=WAIT)
    customer.set_input_files(
        "#lc-file", files=[{"name": "receipt.png", "mimeType": "image/png", "buffer": tiny_png()}]
    )
    console.wait_for_selector(".lc-pane .lc-customer img.lc-thumb", timeout=WAIT)

    websocket_server.stop()  # the network drops
    say(customer, "TXID 在这里 0xabc")  # typed while offline: kept and re-sent until acked
    websocket_server.start()
    console.wait_for_selector(".lc-pane .lc-customer >> text=TXID 在这里 0xabc", timeout=WAIT)
    customer.wait_for_selector(".lc-customer:not(.lc-pending) >> text=TXID", timeout=WAIT)
    screenshot(customer, "livechat-customer-zh-hans")
    screenshot(console, "livechat-console")

    console.locator(".lc-pane .lc-end-chat").click()  # end, once confirmed
    console.locator("#lc-end-dialog button[value=end]").click()
    customer.wait_for_selector(".lc-rating", timeout=WAIT)
    customer.locator('.lc-stars label[for="lc-star-5"]').click()
    customer.fill("#lc-comment", "很好")
    customer.locator(".lc-rating button[type=submit]").click()
    customer.wait_for_selector(".lc-thanks", timeout=WAIT)

    chat.refresh_from_db()
    assert (chat.status, chat.rating, chat.agent) == ("ended", 5, agent)
    texts = list(
        ChatMessage.objects.filter(conversation=chat, sender="customer").values_list(
            "body", flat=True
        )
    )
    assert texts == ["我想转人工客服", "我的充值没有到账", "receipt.png", "TXID 在这里 0xabc"]
