"""The chat console shows labels, not the codes its frames carry: senders, handoff reasons,
statuses, categories and transfers, in the agent's language."""

import json

from django.urls import reverse
from django.utils import translation

from livechat import start
from livechat.labels import console_labels
from livechat.models import Conversation, HandoffReason, SenderKind, Status
from support.demo import exchange_account_data
from support.models import DemoExchangeAccount
from support.taxonomy import Category
from tests.conftest import PASSWORD


def test_every_code_a_frame_carries_has_a_label():
    labels = console_labels()
    for kind, choices in [
        ("senders", SenderKind),
        ("reasons", HandoffReason),
        ("statuses", Status),
        ("categories", Category),
    ]:
        assert set(labels[kind]) == set(choices.values), kind
        assert all(label and label != code for code, label in labels[kind].items()), kind
    assert set(labels["transfer_kinds"]) == {"deposit", "withdrawal"}


def test_labels_follow_the_agents_language():
    with translation.override("ko"):
        labels = console_labels()
    assert labels["reasons"]["asked_for_human"] == "고객이 상담원 연결 요청"
    assert labels["categories"]["deposit_withdrawal"] == "입출금"


def test_the_console_page_hands_the_labels_to_its_script(client, agent):
    client.login(username=agent.username, password=PASSWORD)
    client.cookies["support_language"] = "ko"
    html = client.get("/console/chats/").content.decode()
    start_tag = html.index('id="livechat-console-strings"')
    strings = json.loads(html[html.index(">", start_tag) + 1 : html.index("</script>", start_tag)])
    assert strings["labels"]["reasons"]["asked_for_human"] == "고객이 상담원 연결 요청"


def test_the_chat_pane_shows_transfers_by_label(client, agent, customer):
    data = exchange_account_data(customer.email, "vip", "verified", seed=1)
    DemoExchangeAccount.objects.create(account_id="EX-1", data=data)
    chat = start.conversation_start(customer=customer, language="ko", category="kyc")
    Conversation.objects.filter(pk=chat.pk).update(status="assigned", agent=agent)
    client.login(username=agent.username, password=PASSWORD)
    html = client.get(reverse("livechat_console:customer", args=[chat.pk])).content.decode()
    assert "Withdrawal 500.00 USDT" in html and "Held for review" in html
    assert "withdrawal 500" not in html and "· held" not in html
