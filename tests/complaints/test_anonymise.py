"""Anonymised case summaries: every name, contact, id, amount, address and hash of a case
becomes a bracketed placeholder, in English and in Chinese, Japanese and Korean text; an
administrator publishes the result as a help-center article that carries none of them."""

import pytest
from django.core.exceptions import PermissionDenied

from complaints import services
from complaints.anonymise import anonymise
from complaints.errors import ComplaintInvalid, InvalidStage
from complaints.models import ComplaintEvent
from complaints.publishing import case_summary_publish
from helpcenter.models import Article, ArticleVersion

BTC = "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq"
LEGACY_BTC = "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa"
ETH = "0x52908400098527886E0F7030069857D2E4169EE7"
TRON = "TQn9Y2khEsLJW1ChVWFMSMeRDow5KcbLSE"
EVM_TX = "0x5c504ed432cb51138bcf09aa5e8a410dd4a1e204ef84bfed1be16dfba1b22060"
BTC_TX = "4a5e1e4baab89f3a32518a88c31bc87f618f76673e2cc77ab2127b7afdeda33b"
UUID = "123e4567-e89b-12d3-a456-426614174000"

ENGLISH = {
    "name": ["Mr. Jonathan Harker", "Mrs. Mina Harker", "Officer Lucy Westenra"],
    "email": ["jharker@example.co.uk"],
    "phone": ["+44 20 7946 0958", "(555) 123-4567"],
    "reference": ["T-000123", "C-000045"],
    "id": ["EX-1", "W-9", UUID, "UID 88231774", "order 20261124001"],
    "amount": ["500 USDT", "$1,200", "0.5 BTC", "€30"],
    "address": [BTC, LEGACY_BTC, ETH, TRON],
    "hash": [EVM_TX, BTC_TX],
}
ENGLISH_TEXT = (
    "Mr. Jonathan Harker (jharker@example.co.uk, +44 20 7946 0958 or (555) 123-4567) complained "
    "in T-000123, later C-000045: withdrawal W-9 of 500 USDT from account EX-1 was held for "
    f"five days. His wife, Mrs. Mina Harker, confirmed it. He had sent 0.5 BTC to {BTC} and "
    f"{LEGACY_BTC}, and USDT to {ETH} and {TRON} (transactions {EVM_TX}, {BTC_TX}). Case file "
    f"{UUID}, UID 88231774, order 20261124001. The hold cost him $1,200 and a €30 fee. "
    "Officer Lucy Westenra upheld the complaint on 2026-12-01; ERC-20 and 2FA were not involved."
)
KEPT_ENGLISH = ["2026-12-01", "ERC-20", "2FA", "five days", "His wife, [name],", "upheld the"]

CHINESE_TEXT = (
    "客户张伟先生（邮箱zhangwei@qq.com，电话+86 138 0013 8000）在工单T-000777中投诉：提现W-12的"
    "5,000元和1.5个比特币被冻结，地址" + TRON + "。账号：EX-55。订单号 202611240001。"
)
CHINESE = {
    "name": ["张伟"],
    "email": ["zhangwei@qq.com"],
    "phone": ["+86 138 0013 8000"],
    "reference": ["T-000777"],
    "id": ["W-12", "EX-55", "202611240001"],
    "amount": ["5,000元", "1.5个比特币"],
    "address": [TRON],
}
JAPANESE_TEXT = (
    "田中太郎様（tanaka@example.jp、090-1234-5678）より、1,000円と0.2 ETHの出金W-3が"
    "止まったとの苦情。口座番号 12345678、送金先 " + ETH + "。お客様と担当者様へのご連絡済み。"
)
JAPANESE = {
    "name": ["田中太郎"],
    "email": ["tanaka@example.jp"],
    "phone": ["090-1234-5678"],
    "id": ["W-3", "12345678"],
    "amount": ["1,000円", "0.2 ETH"],
    "address": [ETH],
}
KOREAN_TEXT = (
    "김민수 고객님(minsu.kim@naver.com, 010-9876-5432)께서 50만원과 100 USDT 출금(W-77)이 "
    "지연되었다고 하셨습니다. 계정 EX-9의 주문번호 556677889, 거래 해시 " + EVM_TX + "."
)
KOREAN = {
    "name": ["김민수"],
    "email": ["minsu.kim@naver.com"],
    "phone": ["010-9876-5432"],
    "id": ["W-77", "EX-9", "556677889"],
    "amount": ["50만원", "100 USDT"],
    "hash": [EVM_TX],
}
PLACEHOLDERS = {
    "name": "[name]",
    "email": "[email]",
    "phone": "[phone number]",
    "reference": "[reference]",
    "id": "[id]",
    "amount": "[amount]",
    "address": "[address]",
    "hash": "[transaction hash]",
}
CASES = [
    ("en", ENGLISH_TEXT, ENGLISH),
    ("zh-hans", CHINESE_TEXT, CHINESE),
    ("ja", JAPANESE_TEXT, JAPANESE),
    ("ko", KOREAN_TEXT, KOREAN),
]


def _values(value: str) -> list[str]:
    """The parts of a fixture item that must be gone ("UID 88231774" → the number)."""
    prefixes = ("Mr. ", "Mrs. ", "Officer ", "UID ", "order ")
    return [value.split(" ", 1)[1] if value.startswith(prefixes) else value]


@pytest.mark.parametrize(("language", "text", "items"), CASES, ids=[c[0] for c in CASES])
def test_every_kind_of_identifying_item_becomes_its_placeholder(language, text, items):
    anonymised = anonymise(text)

    for kind, values in items.items():
        for value in values:
            for part in _values(value):
                assert part not in anonymised, (kind, part, anonymised)
        assert PLACEHOLDERS[kind] in anonymised, (kind, anonymised)


def test_what_identifies_nobody_is_kept():
    anonymised = anonymise(ENGLISH_TEXT)

    for kept in KEPT_ENGLISH:
        assert kept in anonymised
    assert anonymised.startswith("[name] ([email], [phone number] or [phone number])")
    assert "お客様と担当者様" in anonymise(JAPANESE_TEXT)
    assert "고객님" in anonymise(KOREAN_TEXT)


def test_a_role_names_the_person_after_it_but_not_a_team():
    text = "The customer Service team told customer Alice Brown; officer Kim agreed."

    assert (
        anonymise(text) == "The customer Service team told customer [name]; officer [name] agreed."
    )


def test_the_names_and_ids_the_case_knows_go_wherever_they_appear():
    text = "Harker wrote as jharker92 from account ACC77; harker, the account owner, was right."

    anonymised = anonymise(text, names=["Harker", "jharker92", "owner"], identifiers=["ACC77"])

    assert (
        anonymised
        == "[name] wrote as [name] from account [id]; [name], the account [name], was right."
    )


def test_a_name_that_is_also_a_common_word_goes_only_as_a_name():
    anonymised = anonymise("Will said he will help.", names=["Will", "help"])

    assert anonymised == "[name] said he will help."


def test_placeholders_are_never_read_as_names_again():
    text = f"hash wrote about T-000123, transaction hash {EVM_TX}."

    anonymised = anonymise(text, names=["hash", "reference"])

    assert anonymised == "[name] wrote about [reference], transaction [name] [transaction hash]."


@pytest.fixture
def closed(file_complaint, officer, reviewer, customer):
    customer.first_name, customer.last_name = "Jonathan", "Harker"
    customer.save()
    officer.first_name, officer.last_name = "Lucy", "Westenra"
    officer.save()
    complaint = file_complaint(description="My withdrawal W-9 of 500 USDT was held.")
    services.complaint_acknowledge(complaint=complaint, by=officer)
    services.complaint_decide(complaint=complaint, by=officer, outcome="upheld", reason="Wrong.")
    services.complaint_accept(complaint=complaint, customer=customer)
    complaint.refresh_from_db()
    return complaint


SUMMARY = (
    "Jonathan Harker (owner@example.com, account EX-1) complained in {reference} that his "
    "withdrawal W-9 of 500 USDT to " + BTC + " was held for five days without a reason. "
    "Westenra found the hold had no legal basis; we released it and paid $25 for the delay."
)


def test_an_admin_publishes_a_closed_case_as_an_anonymised_article(closed, admin_user, client):
    summary = SUMMARY.format(reference=closed.reference)

    article = case_summary_publish(
        complaint=closed,
        by=admin_user,
        title=f"Withdrawal held: {closed.reference} (Jonathan Harker)",
        summary=summary,
        language="en",
    )

    article.refresh_from_db()
    assert (article.status, article.audience) == ("published", "public")
    assert article.title_en == "Withdrawal held: [reference] ([name])"
    assert closed.reference.lower() not in article.slug
    removed = ["Jonathan", "Harker", "Westenra", "owner@example.com", "EX-1", "W-9", "500 USDT"]
    removed += [closed.reference, BTC, "$25"]
    version = ArticleVersion.objects.get(article=article)
    page = client.get(f"/en/help/articles/{article.slug}/").content.decode()
    for stored in (article.title_en, article.body_en, str(version.snapshot), page):
        for item in removed:
            assert item not in stored
    assert "[amount] to [address] was held for five days" in page
    closed.refresh_from_db()
    assert closed.published_summary.startswith("[name] ([email], account [id]) complained in")
    [event] = ComplaintEvent.objects.filter(complaint=closed, kind="published")
    assert (event.actor, event.reason, event.public) == (admin_user, article.slug, False)


def test_publishing_again_updates_the_same_article_with_a_new_version(closed, admin_user):
    first = case_summary_publish(
        complaint=closed, by=admin_user, title="Held withdrawal", summary="First.", language="en"
    )
    again = case_summary_publish(
        complaint=closed, by=admin_user, title="保留された出金", summary="二回目。", language="ja"
    )

    assert again.pk == first.pk
    again.refresh_from_db()
    assert (again.title_en, again.title_ja, again.body_ja) == (
        "Held withdrawal",
        "保留された出金",
        "二回目。",
    )
    assert ArticleVersion.objects.filter(article=again).count() == 2


def test_a_seed_phrase_quoted_in_a_summary_is_not_published(closed, admin_user):
    from tests.tickets.leaks import phrase

    secret = phrase()

    article = case_summary_publish(
        complaint=closed,
        by=admin_user,
        title="Phrase",
        summary=f"They sent: {secret}",
        language="en",
    )

    assert not set(secret.split()) & set(article.body_en.split())


@pytest.mark.parametrize(
    ("who", "fields", "refusal"),
    [
        ("officer", {}, PermissionDenied),
        ("supervisor", {}, PermissionDenied),
        ("admin_user", {"language": "fr"}, ComplaintInvalid),
        ("admin_user", {"summary": "  "}, ComplaintInvalid),
        ("admin_user", {"title": ""}, ComplaintInvalid),
    ],
)
def test_publishing_is_refused_to_non_admins_and_without_a_summary(
    who, fields, refusal, request, closed
):
    person = request.getfixturevalue(who)
    values = {"title": "Held withdrawal", "summary": "Released.", "language": "en"} | fields

    with pytest.raises(refusal):
        case_summary_publish(complaint=closed, by=person, **values)

    assert not Article.objects.exists()
    closed.refresh_from_db()
    assert closed.published_summary == ""


def test_an_open_complaint_is_not_published(file_complaint, admin_user):
    complaint = file_complaint()

    with pytest.raises(InvalidStage):
        case_summary_publish(
            complaint=complaint, by=admin_user, title="Early", summary="Open.", language="en"
        )

    assert not Article.objects.exists()
    assert not ComplaintEvent.objects.filter(complaint=complaint, kind="published").exists()


def test_a_one_character_cjk_surname_goes_only_with_the_given_name():
    anonymised = anonymise("김치를 좋아하는 김민수 고객", names=["김", "민수", "김민수", "김 민수"])

    assert anonymised == "김치를 좋아하는 [name] 고객"
