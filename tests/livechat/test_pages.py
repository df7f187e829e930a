"""The customer's chat page with the widget, the agents' chat console, and the navigation."""

import json
import re

import pytest
from django.template import RequestContext, Template
from django.urls import reverse
from django.utils import translation

from livechat import dashboard, start
from livechat.models import Conversation
from support.models import Team
from support.registry import customer_panels
from support.roles import Role
from tests.conftest import PASSWORD, make_person

pytestmark = pytest.mark.django_db


def widget_config(html: str) -> dict:
    match = re.search(r'<script id="livechat-config" type="application/json">(.*?)</script>', html)
    return json.loads(match.group(1))


@pytest.mark.parametrize("lang", ["en", "zh-hans", "zh-hant", "ko", "ja"])
def test_the_chat_page_loads_the_widget_with_its_strings(client, lang):
    response = client.get(f"/{lang}/chat/")

    html = response.content.decode()
    assert response.status_code == 200
    assert re.search(r'type="module" src="/static/livechat/widget(\.[0-9a-f]+)?\.js"', html)
    assert f'data-lang="{lang}"' in html
    assert 'data-api="/api/v1/livechat/conversations/"' in html
    config = widget_config(html)
    assert config["strings"]["send"]
    assert {item["value"] for item in config["languages"]} == {
        "en", "zh-hans", "zh-hant", "ko", "ja"
    }  # fmt: skip
    assert "<script>" not in html  # no inline script: the CSP forbids it


def test_the_site_navigation_offers_live_chat(client):
    html = client.get("/en/").content.decode()

    assert 'href="/en/chat/"' in html


def test_agents_see_the_chat_console(client, agent):
    client.login(username=agent.username, password=PASSWORD)

    response = client.get("/console/chats/")

    assert response.status_code == 200
    assert re.search(r"livechat/console(\.[0-9a-f]+)?\.js", response.content.decode())
    assert '"name": "Frontline"' in response.content.decode()  # the transfer picker
    assert 'href="/console/chats/"' in client.get("/console/").content.decode()


def test_customers_may_not_open_the_chat_console(client, customer):
    client.login(username=customer.username, password=PASSWORD)

    assert client.get("/console/chats/").status_code == 403


def test_supervisors_see_live_chat_figures(client, supervisor, customer):
    chat = start.conversation_start(customer=customer, language="ko", category="kyc")
    Conversation.objects.filter(pk=chat.pk).update(status="queued", urgent=True)
    client.login(username=supervisor.username, password=PASSWORD)

    with translation.override("en"):
        figures = dashboard.chat_figures()
    html = client.get(reverse("console:dashboard"), follow=True).content.decode()

    values = {str(figure["label"]): figure["value"] for figure in figures["figures"]}
    assert values["Waiting for an agent"] == 1
    assert values["Urgent, waiting"] == 1
    tones = {str(figure["label"]): figure.get("tone") for figure in figures["figures"]}
    assert tones["Urgent, waiting"] == "breached"  # a tone the dashboard's stylesheet knows
    assert "Live chat" in html


def test_the_chat_panel_counts_only_the_teams_it_is_given(customer, other_customer):
    mine = Team.objects.create(slug="frontline", name="Frontline")
    theirs = Team.objects.create(slug="vip", name="VIP")
    guest = make_person("third@example.com", Role.CUSTOMER, preferred_language="en")
    for person, team in ((customer, mine), (other_customer, theirs), (guest, None)):
        chat = start.conversation_start(customer=person, language="en", category="kyc")
        Conversation.objects.filter(pk=chat.pk).update(status="queued", urgent=True, team=team)

    def waiting(teams) -> tuple:
        with translation.override("en"):
            values = {
                item["label"]: item["value"]
                for item in dashboard.chat_figures(teams=teams)["figures"]
            }
        return values["Waiting for an agent"], values["Urgent, waiting"]

    assert waiting((mine.pk,)) == (1, 1)
    assert waiting((theirs.pk,)) == (1, 1)
    assert waiting(None) == (3, 3)  # every team, and the chat of no team


def test_the_customer_360_lists_the_customers_chats(customer, other_customer):
    mine = start.conversation_start(customer=customer, language="ko", category="kyc")
    start.conversation_start(customer=other_customer, language="en", category="fees")

    rows = customer_panels(customer)["chats"]

    assert [row["reference"] for row in rows] == [f"#{mine.pk}"]


def test_the_chat_pane_shows_the_customer_360(client, agent, teammate, customer):
    chat = start.conversation_start(customer=customer, language="ko", category="kyc")
    Conversation.objects.filter(pk=chat.pk).update(status="assigned", agent=agent)
    url = reverse("livechat_console:customer", args=[chat.pk])

    client.login(username=agent.username, password=PASSWORD)
    mine = client.get(url)
    client.login(username=teammate.username, password=PASSWORD)
    theirs = client.get(url)

    assert mine.status_code == 200
    assert "owner@example.com" in mine.content.decode()
    assert theirs.status_code == 404


def test_any_page_can_include_the_widget_with_one_tag(rf, customer):
    request = rf.get("/en/")
    request.user = customer
    page = Template("{% load livechat %}{% livechat_widget %}")

    html = page.render(RequestContext(request, {}))

    assert re.search(r'src="/static/livechat/widget(\.[0-9a-f]+)?\.js"', html)  # hashed name
    assert 'data-signed-in="1"' in html
    assert widget_config(html)["strings"]["open"]
    assert "data-mount" not in html  # a floating button
