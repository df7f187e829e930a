"""Five languages: URL prefixes, the switcher remembers the choice, the console follows it."""

import pytest

from support.management.commands.check_translations import catalogue_problems

pytestmark = pytest.mark.django_db

HOME_TITLES = {
    "en": "How can we help?",
    "zh-hans": "有什么可以帮您？",
    "zh-hant": "有什麼可以幫您？",
    "ko": "무엇을 도와드릴까요?",
    "ja": "どのようなご用件でしょうか？",
}


@pytest.mark.parametrize(("language", "title"), HOME_TITLES.items())
def test_home_page_speaks_each_language(client, language, title):
    response = client.get(f"/{language}/")
    assert response.status_code == 200
    assert f'<html lang="{language}">' in response.content.decode()
    assert title in response.content.decode()


def test_bare_root_redirects_by_the_browsers_language(client):
    response = client.get("/", headers={"accept-language": "ko-KR,ko;q=0.9"})
    assert response["Location"] == "/ko/"


def test_traditional_chinese_browser_gets_traditional_chinese(client):
    response = client.get("/", headers={"accept-language": "zh-TW"})
    assert response["Location"] == "/zh-hant/"


def test_switching_language_stays_on_the_page_and_remembers_it(client, customer):
    client.force_login(customer)
    response = client.post(
        "/i18n/set-language/", {"language": "ja", "next": "/ko/accounts/sign-up/"}
    )
    assert response["Location"] == "/ja/accounts/sign-up/"
    customer.customer_profile.refresh_from_db()
    assert customer.customer_profile.preferred_language == "ja"


def test_unknown_language_is_ignored(client):
    response = client.post("/i18n/set-language/", {"language": "xx", "next": "/en/"})
    assert response["Location"] == "/en/"


def test_switcher_refuses_to_redirect_off_site(client):
    response = client.post(
        "/i18n/set-language/", {"language": "ko", "next": "https://evil.example/"}
    )
    assert response["Location"] == "/"


def test_console_uses_the_agents_profile_language(client, agent):
    agent.agent_profile.preferred_language = "zh-hant"
    agent.agent_profile.save()
    client.force_login(agent)
    assert '<html lang="zh-hant">' in client.get("/console/").content.decode()


def test_every_catalogue_is_complete():
    assert catalogue_problems() == []


@pytest.mark.parametrize(
    ("accept", "expected"),
    [("zh-CN,zh;q=0.9", "/zh-hans/"), ("zh-HK", "/zh-hant/"), ("ja-JP", "/ja/"), ("fr-FR", "/en/")],
)
def test_browser_languages_fall_back_to_the_nearest_one_we_speak(client, accept, expected):
    assert client.get("/", headers={"accept-language": accept})["Location"] == expected


def test_unprefixed_api_errors_follow_the_accept_language(client):
    response = client.get("/api/v1/support/me/", headers={"accept-language": "ko"})
    assert response.json()["error"]["message"] == "인증 정보가 제공되지 않았습니다."
