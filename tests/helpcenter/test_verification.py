"""The public verification page and API: official or not, look-alikes flagged, codes checked,
impersonators reported as scam-report tickets."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from support.official.models import ChannelCheck, OfficialChannel
from support.official.services import verification_code_for
from tickets.models import Message, Ticket

pytestmark = pytest.mark.django_db
PAGE = "/{lang}/help/verify/"
API = "/api/v1/helpcenter/verify/"


@pytest.fixture
def official(db):
    OfficialChannel.objects.create(
        kind="telegram", value="@exchange_support", description={"en": "Support", "ko": "고객지원"}
    )
    OfficialChannel.objects.create(kind="kakaotalk", value="exchange_kr", languages=["ko"])
    OfficialChannel.objects.create(kind="x", value="@exchange")
    OfficialChannel.objects.create(kind="email", value="support@exchange.example")
    OfficialChannel.objects.create(kind="phone", value="+82 2-1234-5678", languages=["ko"])
    OfficialChannel.objects.create(kind="domain", value="exchange.example")


def check(client, kind: str, value: str, lang: str = "en"):
    return client.get(PAGE.format(lang=lang), {"kind": kind, "value": value})


@pytest.mark.parametrize(
    "kind, value",
    [
        ("telegram", "@Exchange_Support"),
        ("telegram", "https://t.me/exchange_support"),
        ("x", "https://x.com/exchange?s=20"),
        ("email", "Support@EXCHANGE.example"),
        ("phone", "+82 (2) 1234 5678"),
        ("domain", "https://www.exchange.example/en/login"),
    ],
)
def test_official_values_in_any_usual_spelling_are_official(client, official, kind, value):
    response = check(client, kind, value)

    assert response.status_code == 200
    assert b'data-status="official"' in response.content
    assert ChannelCheck.objects.count() == 0


@pytest.mark.parametrize(
    "kind, value, looks_like",
    [
        ("telegram", "@exchange_supp0rt", "@exchange_support"),
        ("telegram", "@\u0435xchange_support", "@exchange_support"),  # Cyrillic е
        ("telegram", "@exchange_support_help", "@exchange_support"),
        ("telegram", "@exchangeofficial", "@exchange_support"),
        ("x", "@exchange_help", "@exchange"),
        ("domain", "exchange-support.example", "exchange.example"),
        ("domain", "xn--xchange-9xa.example", "exchange.example"),
        ("domain", "exchange.example.login-check.io", "exchange.example"),
        ("email", "support@exchange-help.example", "support@exchange.example"),
    ],
)
def test_lookalikes_are_not_official_and_are_flagged(client, official, kind, value, looks_like):
    response = check(client, kind, value)

    assert response.status_code == 200
    assert b'data-status="lookalike"' in response.content
    assert looks_like.encode() in response.content
    flagged = ChannelCheck.objects.get()
    assert flagged.looks_like.value == looks_like
    assert (flagged.kind, flagged.reported) == (kind, False)


def test_an_unrelated_handle_is_not_official_and_not_flagged(client, official):
    response = check(client, "telegram", "@crypto_news_daily")

    assert b'data-status="not_official"' in response.content
    assert ChannelCheck.objects.count() == 0


def test_an_impossible_value_answers_not_valid(client, official):
    response = check(client, "phone", "call me maybe")

    assert response.status_code == 200
    assert b'data-status="invalid"' in response.content


def test_a_missing_or_unknown_kind_is_a_clear_400(client, official):
    response = client.get(PAGE.format(lang="en"), {"kind": "fax", "value": "123"})

    assert response.status_code == 400
    assert b"Select a valid choice" in response.content


def test_the_official_list_is_the_reader_s_language_s(client, official):
    korean = client.get(PAGE.format(lang="ko")).content.decode()
    english = client.get(PAGE.format(lang="en")).content.decode()

    assert "exchange_kr" in korean and "+82 2-1234-5678" in korean and "고객지원" in korean
    assert "exchange_kr" not in english and "+82 2-1234-5678" not in english
    assert "@exchange_support" in english


def test_the_answer_is_in_korean_on_the_korean_page(client, official):
    response = check(client, "telegram", "@exchange_supp0rt", lang="ko")

    assert "공식 채널이 아닙니다" in response.content.decode()


def test_the_api_answers_like_the_page(client, official):
    lookalike = client.get(API, {"kind": "telegram", "value": "@blnance", "lang": "en"})
    fake = client.get(API, {"kind": "telegram", "value": "t.me/exchange_supp0rt", "lang": "ko"})
    real = client.get(API, {"kind": "domain", "value": "EXCHANGE.example."})

    assert lookalike.json()["status"] == "not_official"
    assert fake.json() | {"message": ""} == {
        "status": "lookalike",
        "official": False,
        "message": "",
        "value": "exchange_supp0rt",
        "looks_like": "@exchange_support",
    }
    assert "공식" in fake.json()["message"]
    assert real.json()["official"] is True


def test_the_api_refuses_bad_input_with_a_translated_400(client, official):
    response = client.get(API, {"kind": "telegram", "lang": "ko"}, HTTP_ACCEPT_LANGUAGE="ko")

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert list(error["fields"]) == ["value"]
    assert "필수" in error["message"]


def test_the_official_list_api(client, official):
    response = client.get("/api/v1/helpcenter/official-channels/", {"lang": "ko"})

    values = {row["value"] for row in response.json()["results"]}
    assert {"exchange_kr", "+82 2-1234-5678", "@exchange_support"} <= values


def test_checks_are_throttled_per_client(client, official, settings):
    settings.THROTTLE_OFFICIAL_CHECK = "2/hour"
    for _ in range(2):
        assert check(client, "telegram", "@someone").status_code == 200

    page = check(client, "telegram", "@someone")
    api = client.get(API, {"kind": "telegram", "value": "@someone"})

    assert page.status_code == 429 and "Retry-After" in page.headers
    assert api.status_code == 429


def test_a_code_we_issued_is_confirmed_without_naming_the_customer(client, official, customer):
    code = verification_code_for(channel="chat", source="chat:1:abc")

    response = client.get(PAGE.format(lang="en"), {"code": f"{code.code[:4]}-{code.code[4:]}"})
    api = client.get(f"{API}code/", {"code": code.code.lower(), "lang": "en"})

    page = response.content.decode()
    assert "This code was issued by our support on" in page and "via Live chat" in page
    assert customer.email not in page
    assert api.json()["official"] is True


def test_an_unknown_code_says_the_message_did_not_come_from_us(client, official):
    response = client.get(PAGE.format(lang="en"), {"code": "ABCD-2345"})
    api = client.get(f"{API}code/", {"code": "0000-OOOO"})

    assert "Unknown code: this message did not come from us" in response.content.decode()
    assert api.json()["status"] == "not_official"


def screenshot() -> SimpleUploadedFile:
    png = b"\x89PNG\r\n\x1a\n" + bytes(32)
    return SimpleUploadedFile("fake.png", png, content_type="image/png")


def test_reporting_an_impersonator_opens_a_scam_report_ticket_with_the_evidence(client, official):
    check(client, "telegram", "@exchange_supp0rt", lang="ko")
    flagged = ChannelCheck.objects.get()

    response = client.post(
        "/ko/help/verify/report/",
        {
            "kind": "telegram",
            "value": "@exchange_supp0rt",
            "contacted_on": "텔레그램으로 연락이 왔어요. 비밀번호는 hunter2pass 라고 말했어요. "
            "my password is Tr0ub4dor&3",
            "email": "victim@example.com",
            "check_id": flagged.pk,
            "attachments": screenshot(),
        },
    )

    assert response.status_code == 302
    ticket = Ticket.objects.get()
    assert (ticket.category, ticket.language) == ("scam_report", "ko")
    assert ticket.customer.email == "victim@example.com"
    assert "exchange_supp0rt" in ticket.subject
    message = Message.objects.get(ticket=ticket)
    assert "@exchange_supp0rt" in message.body
    assert "Tr0ub4dor&3" not in message.body
    assert message.metadata["reported_value"] == "@exchange_supp0rt"
    assert [a.filename for a in message.attachments.all()] == ["fake.png"]
    flagged.refresh_from_db()
    assert flagged.reported


def test_a_report_without_an_email_is_refused_and_opens_nothing(client, official):
    response = client.post(
        "/en/help/verify/report/",
        {"kind": "telegram", "value": "@x", "contacted_on": "They wrote to me"},
    )

    assert response.status_code == 400
    assert b"This field is required" in response.content
    assert Ticket.objects.count() == 0


def test_a_report_with_a_file_that_is_not_allowed_is_refused(client, official):
    fake = SimpleUploadedFile("shot.png", b"MZ\x90\x00 not a png", content_type="image/png")
    response = client.post(
        "/en/help/verify/report/",
        {
            "kind": "telegram",
            "value": "@x",
            "contacted_on": "They wrote to me",
            "email": "a@example.com",
            "attachments": fake,
        },
    )

    assert response.status_code == 400
    assert Ticket.objects.count() == 0
