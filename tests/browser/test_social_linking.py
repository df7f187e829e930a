"""A Korean customer links their KakaoTalk account from the portal: the page (1280 px) shows a
code and our official KakaoTalk channel, the code is sent to our Kakao bot as Kakao i Open
Builder posts a skill request (its servers are the local fake of the Kakao tests, the only thing
mocked), the page says it is linked without a reload, and on a phone (390 px) the customer sees
the link and unlinks it."""

import json
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from support.audit_models import AuditEntry
from support.official.models import OfficialChannel
from support.roles import Role
from tests.browser.conftest import screenshot
from tests.browser.test_accessibility import audit, axe_source, overflow
from tests.browser.test_home_pages import log_in
from tests.conftest import make_person
from tests.tickets.kakao_server import FakeKakao
from tickets.channels.social_common import secret_seal
from tickets.identities.models import CustomerIdentity
from tickets.models import Ticket
from tickets.social_models import SocialAccount

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
SKILL = Path(__file__).resolve().parent.parent / "data" / "kakao" / "skill_text.json"
KAKAO_USER = "d6f9b1a3c5e7f2a4b6c8d0e1f3a5b7c9d1e3f5a7b9c1d3e5f7a9b1c3d5e7f9a1b3"


@pytest.fixture
def kakao(settings):
    fake = FakeKakao().start()
    settings.KAKAO_BOT_API_BASE = fake.url
    yield fake
    fake.stop()


@pytest.fixture
def bot(team, kakao) -> SocialAccount:
    OfficialChannel(
        kind="kakaotalk", value="_xjxbxgG", languages=["ko"], description={"ko": "카카오톡 채널"}
    ).save()
    return SocialAccount.objects.create(
        kind=SocialAccount.Kind.KAKAO,
        team=team,
        name="거래소 고객센터",
        external_id="5f8a1c2b3d4e5f6a7b8c9d01",
        token_sealed=secret_seal("0f1e2d3c4b5a69788796a5b4c3d2e1f0"),
    )


def say_to_bot(bot: SocialAccount, utterance: str):
    body = json.loads(SKILL.read_text())
    body["userRequest"]["utterance"] = utterance
    url = reverse("channel_webhook", kwargs={"provider": "kakaotalk", "account": bot.pk})
    headers = {"X-Kakao-Skill-Secret": bot.verify_token}
    return Client().post(url, json.dumps(body), "application/json", headers=headers)


def test_a_korean_customer_links_kakaotalk_by_sending_the_code(
    live_server, page_factory, bot, kakao
):
    customer = make_person("minji@example.com", Role.CUSTOMER, preferred_language="ko")
    page = page_factory(viewport=DESKTOP)
    log_in(page, live_server.url, "ko", customer.email)
    page.goto(f"{live_server.url}/ko/account/linked/")
    page.select_option("select[name=social-kind]", "kakaotalk")
    page.locator("[data-testid=social-start] button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    code = page.locator("[data-testid=link-code]").inner_text()
    assert len(code) == 11 and code[5] == "-"
    handle = page.locator("[data-testid=official-handles] a")
    assert handle.get_attribute("href") == "https://pf.kakao.com/_xjxbxgG/chat"
    assert "카카오톡 채널" in page.locator("[data-testid=official-handles]").inner_text()
    assert audit(page, axe_source()) == [] and overflow(page) == 0
    screenshot(page, "social-link-code-ko-1280")

    answer = say_to_bot(bot, code)

    assert "코드" in answer.json()["template"]["outputs"][0]["simpleText"]["text"]
    status = page.locator("[data-testid=social-code] [data-testid=link-state]")
    status.filter(has_text="연결되었습니다").wait_for(timeout=15000)  # asked every 3 s
    assert "카카오톡" in status.inner_text()
    assert audit(page, axe_source()) == [] and overflow(page) == 0
    screenshot(page, "social-link-linked-ko-1280")
    assert "연결" in kakao.texts()[-1]  # the answer in KakaoTalk, in Korean
    assert not Ticket.objects.exists()

    phone = page_factory(viewport=PHONE, is_mobile=True, has_touch=True)
    log_in(phone, live_server.url, "ko", customer.email)
    phone.goto(f"{live_server.url}/ko/account/linked/")
    linked = phone.locator("[data-testid=linked-identities]")
    assert "카카오톡" in linked.inner_text() and KAKAO_USER not in phone.content()
    assert audit(phone, axe_source()) == [] and overflow(phone) == 0
    screenshot(phone, "social-link-list-ko-390")
    linked.locator("[data-testid=unlink]").click()
    phone.wait_for_load_state("networkidle")
    assert "연결을 해제했습니다" in phone.locator("main").inner_text()
    assert not CustomerIdentity.objects.exists()
    assert AuditEntry.objects.filter(action="identity_unlinked", customer=customer).count() == 1
    assert audit(phone, axe_source()) == [] and overflow(phone) == 0

    say_to_bot(bot, "출금이 아직 안 됐어요")
    assert Ticket.objects.get().customer.username == f"kakao:{KAKAO_USER}"
