"""A Japanese customer links their Telegram account on a phone: the code arrives in Telegram
(the local fake of Telegram's servers) and is typed on the page."""

import json
import re
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from support.roles import Role
from tests.browser.conftest import screenshot
from tests.browser.test_accessibility import audit, axe_source, overflow
from tests.browser.test_home_pages import log_in
from tests.conftest import make_person
from tests.tickets.telegram_server import FakeTelegram
from tickets.channels.telegram_api import telegram_bot_set_token
from tickets.channels.telegram_outbound import telegram_outbox_deliver
from tickets.identities.models import CustomerIdentity
from tickets.models import Ticket
from tickets.telegram_models import TelegramBot, TelegramOutbox

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = {"width": 390, "height": 844}
DATA = Path(__file__).resolve().parent.parent / "data" / "telegram"
TOKEN = "7000000001:AAEhBP0av28FKSnvDkA9X3kQyF0wEJm1uQs"


@pytest.fixture
def telegram(settings):
    fake = FakeTelegram().start()
    settings.TELEGRAM_API_BASE = fake.url
    yield fake
    fake.stop()


def write_to_bot(bot: TelegramBot, update_id: int, text: str) -> None:
    body = json.loads((DATA / "private_text.json").read_text())
    body["update_id"] = update_id
    body["message"].update(message_id=update_id, text=text)
    url = reverse("channel_webhook", kwargs={"provider": "telegram", "account": bot.pk})
    headers = {"X-Telegram-Bot-Api-Secret-Token": bot.webhook_secret}
    Client().post(url, json.dumps(body), "application/json", headers=headers)


def code_sent(telegram: FakeTelegram) -> str:
    for row in TelegramOutbox.objects.filter(sent_at__isnull=True):
        telegram_outbox_deliver(outbox_id=row.pk)
    texts = [call.data["text"] for call in telegram.sent()]
    return re.search(r"\b(\d{6})\b", [text for text in texts if "コード" in text][-1]).group(1)


def test_a_japanese_customer_links_telegram_on_a_phone(live_server, page_factory, team, telegram):
    bot = telegram_bot_set_token(
        bot=TelegramBot.objects.create(team=team, username="ExchangeHelpBot"), token=TOKEN
    )
    write_to_bot(bot, 845000401, "出金が届きません")
    customer = make_person("yuki@example.com", Role.CUSTOMER, preferred_language="ja")

    page = page_factory(viewport=PHONE, is_mobile=True, has_touch=True)
    log_in(page, live_server.url, "ja", customer.email)
    page.goto(f"{live_server.url}/ja/account/linked/")
    assert page.locator("h1").inner_text() == "連携アカウント"
    page.select_option("select[name=kind]", "telegram")
    page.fill("input[name=handle]", "@alex_trader")
    page.locator("main form button[type=submit]").last.click()
    page.wait_for_load_state("networkidle")
    assert "コードを送信しました" in page.locator("body").inner_text()
    assert audit(page, axe_source()) == [] and overflow(page) == 0
    screenshot(page, "identities-code-ja-390")

    page.fill("input[name=code]", code_sent(telegram))
    page.locator("[data-testid=pending-identity] button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    assert "連携しました" in page.locator("body").inner_text()
    assert "@a•••" in page.locator("[data-testid=linked-identities]").inner_text()
    assert audit(page, axe_source()) == [] and overflow(page) == 0
    screenshot(page, "identities-linked-ja-390")

    write_to_bot(bot, 845000402, "もう一つ質問があります")
    assert Ticket.objects.order_by("-id").first().customer == customer
    assert CustomerIdentity.objects.get(kind="telegram").customer == customer


def test_an_agent_merges_two_customers_and_undoes_it_on_a_phone(live_server, page_factory, agent):
    from tickets.identities.models import CustomerMerge
    from tickets.intake import InboundMessage, intake_message

    kept = make_person("kim@example.com", Role.CUSTOMER, preferred_language="ko")
    twin = make_person("kim.old@example.com", Role.CUSTOMER, preferred_language="ko")
    for person, text in ((kept, "Deposit missing"), (twin, "Withdrawal held")):
        intake_message(
            InboundMessage(channel="email", customer_email=person.email, subject=text, text=text)
        )

    page = page_factory(viewport=PHONE, is_mobile=True, has_touch=True)
    log_in(page, live_server.url, "en", agent.email)
    page.goto(f"{live_server.url}/console/customers/{kept.pk}/")
    page.fill("#merge-with", twin.email)
    page.locator("[data-testid=customer-identities] button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    assert "Withdrawal held" in page.locator("[data-testid=merge-merged]").inner_text()
    assert audit(page, axe_source()) == [] and overflow(page) == 0
    screenshot(page, "identities-merge-390")
    page.fill("textarea[name=reason]", "Same passport, old address")
    page.locator("main form[method=post] button[type=submit]").last.click()
    page.wait_for_load_state("networkidle")
    history = page.locator("[data-testid=customer-history]").inner_text()
    assert "Withdrawal held" in history and "Deposit missing" in history
    assert audit(page, axe_source()) == [] and overflow(page) == 0
    screenshot(page, "identities-merged-360-390")

    page.goto(f"{live_server.url}/console/customers/{twin.pk}/")
    page.locator("[data-testid=merged-into] button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    assert CustomerMerge.objects.get().undone_at is not None
    assert Ticket.objects.get(subject="Withdrawal held").customer == twin
