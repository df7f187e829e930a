"""Where the chat widget is: every customer page carries one launcher, the chat page its own
inline chat, the console none; a page with only the script tag gets its settings from
widget.json."""

import re

import pytest

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db
WIDGET = re.compile(r'<script type="module" src="/static/livechat/widget(\.[0-9a-f]+)?\.js"')


@pytest.mark.parametrize("path", ["/en/", "/en/help/", "/ko/contact/", "/ja/tickets/"])
def test_customer_pages_carry_the_widget_once(client, customer, path):
    client.login(username=customer.email, password=PASSWORD)
    html = client.get(path).content.decode()
    assert len(WIDGET.findall(html)) == 1
    assert "data-mount" not in html  # a floating launcher, not an inline chat


def test_the_chat_page_has_only_its_inline_chat(client):
    html = client.get("/en/chat/").content.decode()
    assert len(WIDGET.findall(html)) == 1
    assert 'data-mount="#livechat-root"' in html


def test_console_pages_carry_no_widget(client, agent):
    client.login(username=agent.email, password=PASSWORD)
    for path in ("/console/chats/", "/console/tickets/"):
        response = client.get(path)
        assert response.status_code == 200
        assert not WIDGET.search(response.content.decode())


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_widget_json_gives_a_script_tag_alone_what_it_needs(client, lang):
    response = client.get(f"/{lang}/chat/widget.json")
    body = response.json()
    assert response.status_code == 200
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    assert body["api"] == "/api/v1/livechat/conversations/"
    assert body["lang"] == lang and body["signedIn"] == "0" and body["csrf"]
    assert body["config"]["strings"]["open"] and body["config"]["strings"]["send"]
    assert {item["value"] for item in body["config"]["languages"]} >= {"en", "ko"}
    assert "csrftoken" in response.cookies  # the start request's CSRF check can pass
