"""The impersonation signs: a small labelled set in our five languages, both ways."""

import pytest

from support.text.impersonation import contacted_elsewhere, find_impersonation, lookalike_links

OFFICIAL_DOMAINS = ["exchange.example", "help.exchange.example"]

CONTACTED = [
    "Your support contacted me on Telegram and asked me to move my funds to a safe wallet.",
    "An admin DMed me on X saying my account was frozen",
    "Someone from customer service called me and asked for my 2FA code.",
    "I got a WhatsApp message from your support team, is it real?",
    "A support agent added me on WeChat yesterday.",
    "The official account sent me a direct message on Instagram",
    "客服在电报上联系我，让我转账到安全钱包",
    "有个客服人员加了我微信，说我的账户有风险",
    "客服打电话给我，要我提供验证码",
    "客服人員在Telegram私訊我說要驗證帳戶",
    "有自稱客服的人打電話給我",
    "고객센터라고 텔레그램으로 연락이 왔어요",
    "상담원이 카톡으로 지갑 주소를 보내줬어요",
    "고객센터에서 전화가 왔는데 OTP를 물어봤어요",
    "サポートからテレグラムでメッセージが来ました",
    "運営を名乗る人からLINEで連絡がありました",
    "サポート担当者から電話がありました。本物ですか",
]

NOT_CONTACTED = [
    "Our support team helped me on the website chat, thank you.",
    "I contacted support by email last week and still have no answer.",
    "My withdrawal has been pending for two days, please help.",
    "Is there a phone number for customer support?",
    "The support line was busy all morning.",
    "I cannot log in, the SMS code never arrives.",
    "I read on Telegram that BTC will go up.",
    "客服电话是多少？",
    "我的提币一直没到账，请客服帮忙查一下",
    "我在电报群里看到币价要涨",
    "고객센터 전화번호가 뭐예요?",
    "출금이 안 돼요. 상담원 연결 부탁드립니다",
    "サポートの電話番号を教えてください",
    "入金が反映されません。サポートお願いします",
    "KYC審査はどのくらいかかりますか",
]


@pytest.mark.parametrize("text", CONTACTED)
def test_being_contacted_by_support_elsewhere_is_spotted(text):
    assert contacted_elsewhere(text)


@pytest.mark.parametrize("text", NOT_CONTACTED)
def test_ordinary_messages_about_support_are_not_flagged(text):
    assert not contacted_elsewhere(text)


@pytest.mark.parametrize(
    "text, domain",
    [
        (
            "they sent me https://exchange-support.example/login to verify",
            "exchange-support.example",
        ),
        ("Go to exchange.example.account-check.io now", "exchange.example.account-check.io"),
        ("link: http://xn--xchange-9xa.example/reset", "éxchange.example"),
        ("log in at еxchange.example (the e is Cyrillic)", "еxchange.example"),
    ],
)
def test_links_to_lookalike_domains_are_spotted(text, domain):
    assert lookalike_links(text, official_domains=OFFICIAL_DOMAINS) == [domain]


@pytest.mark.parametrize(
    "text",
    [
        "I followed https://exchange.example/help/articles/fees/ and it was clear",
        "see www.exchange.example and help.exchange.example",
        "my email is someone@gmail.com and I use google.com",
    ],
)
def test_our_own_and_unrelated_domains_are_not_flagged(text):
    assert lookalike_links(text, official_domains=OFFICIAL_DOMAINS) == []


def test_a_message_with_neither_sign_is_false():
    found = find_impersonation("Where is my deposit?", official_domains=OFFICIAL_DOMAINS)
    assert not found
    assert found.lookalike_domains == []
