"""Macros in each language, with placeholders, status and tags."""

import pytest

from tickets.models import Macro
from tickets.services import macro_render, ticket_reply_with_macro

GREETINGS = {
    "en": "Hello {customer_name}, your request {reference} is resolved.",
    "zh-hans": "{customer_name}您好，您的请求 {reference} 已解决。",
    "zh-hant": "{customer_name}您好，您的請求 {reference} 已解決。",
    "ko": "{customer_name}님, 문의 {reference} 건이 해결되었습니다.",
    "ja": "{customer_name}様、お問い合わせ {reference} は解決しました。",
}


@pytest.mark.parametrize("language", GREETINGS)
def test_macro_in_each_language_fills_placeholders(language, customer, agent, policy, receive):
    macro = Macro.objects.create(
        key="resolved",
        language=language,
        name="Resolved",
        body=GREETINGS[language],
        set_status="solved",
        add_tags=["resolved"],
    )
    ticket = receive()
    message = ticket_reply_with_macro(ticket=ticket, macro=macro, author=agent)
    expected = GREETINGS[language].format(customer_name="owner", reference=ticket.reference)
    assert message.body == expected
    ticket.refresh_from_db()
    assert ticket.status == "solved"
    assert ticket.tags == ["resolved"]


def test_unknown_placeholders_and_braces_are_left_alone(customer, policy, receive):
    ticket = receive()
    macro = Macro(body="{unknown} {customer_name} {")
    assert macro_render(macro=macro, ticket=ticket) == "{unknown} owner {"
