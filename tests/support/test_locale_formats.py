"""Dates, times, time zones and amounts as each of our markets writes them, through the template
filters the pages use: Korean puts 오전/오후 before the time, Japanese and Chinese use a 24-hour
clock after the date, a time zone is named in the reader's language and an amount has its
asset's decimals, grouped, never in scientific notation."""

from datetime import UTC, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.template import Context, Template
from django.utils import timezone, translation

from support.models import DemoExchangeAccount
from tests.conftest import PASSWORD
from tickets.intake import InboundMessage, intake_message

EVENT = datetime(2026, 12, 6, 18, 5, tzinfo=UTC)  # 2026-12-07 03:05 in Seoul
SEOUL = ZoneInfo("Asia/Seoul")
FORMATS = ("DATETIME_FORMAT", "SHORT_DATETIME_FORMAT", "TIME_FORMAT", "DATE_FORMAT")
FORMATS += ("SHORT_DATE_FORMAT", "MONTH_DAY_FORMAT", "YEAR_MONTH_FORMAT")

# The event in Seoul, in each of FORMATS.
IN_SEOUL = {
    "en": (
        "Dec. 7, 2026, 3:05 a.m.",
        "12/07/2026 3:05 a.m.",
        "3:05 a.m.",
        "Dec. 7, 2026",
        "12/07/2026",
        "December 7",
        "December 2026",
    ),
    "ko": (
        "2026년 12월 7일 오전 3:05",
        "2026. 12. 7. 오전 3:05",
        "오전 3:05",
        "2026년 12월 7일",
        "2026. 12. 7.",
        "12월 7일",
        "2026년 12월",
    ),
    "ja": (
        "2026年12月7日 3:05",
        "2026/12/07 3:05",
        "3:05",
        "2026年12月7日",
        "2026/12/07",
        "12月7日",
        "2026年12月",
    ),
    "zh-hans": (
        "2026年12月7日 03:05",
        "2026年12月7日 03:05",
        "03:05",
        "2026年12月7日",
        "2026年12月7日",
        "12月7日",
        "2026年12月",
    ),
    "zh-hant": (
        "2026年12月7日 03:05",
        "2026年12月7日 03:05",
        "03:05",
        "2026年12月7日",
        "2026年12月7日",
        "12月7日",
        "2026年12月",
    ),
}
# The same event in UTC, where it is evening.
IN_UTC = {
    "en": "Dec. 6, 2026, 6:05 p.m.",
    "ko": "2026년 12월 6일 오후 6:05",
    "ja": "2026年12月6日 18:05",
    "zh-hans": "2026年12月6日 18:05",
    "zh-hant": "2026年12月6日 18:05",
}
ZONE_NAMES = {
    "en": "South Korea Time",
    "ko": "대한민국 시간",
    "ja": "韓国時間",
    "zh-hans": "韩国时间",
    "zh-hant": "南韓時間",
}
# (amount as the back office sends it, asset, as every one of our languages writes it)
AMOUNTS = [
    (Decimal("0.00020000"), "BTC", "0.0002"),
    (Decimal("2E-4"), "BTC", "0.0002"),
    (Decimal("0E-8"), "BTC", "0"),
    ("1234567.5", "USDT", "1,234,567.50"),
    ("0.1234567", "USDT", "0.123456"),
    ("2.123456789012345678", "ETH", "2.12345678"),
    ("0.000000009", "ETH", "0"),
    ("1E+21", "BTC", "1,000,000,000,000,000,000,000"),
    (None, "BTC", ""),
]


def render(source: str, language: str, zone: ZoneInfo = UTC, **context) -> str:
    with translation.override(language), timezone.override(zone):
        return Template("{% load support_locale %}" + source).render(Context(context))


@pytest.mark.parametrize("language", list(IN_SEOUL))
def test_an_event_time_reads_as_the_market_writes_it(language):
    shown = tuple(
        render(f'{{{{ moment|date:"{name}" }}}}', language, SEOUL, moment=EVENT) for name in FORMATS
    )

    assert shown == IN_SEOUL[language]
    assert render('{{ moment|date:"DATETIME_FORMAT" }}', language, moment=EVENT) == IN_UTC[language]


@pytest.mark.parametrize("language", list(ZONE_NAMES))
def test_a_time_zone_is_named_in_the_reader_language(language):
    def named(identifier: str) -> str:
        return render(
            "{{ calendar.timezone|timezone_name }}", language, calendar={"timezone": identifier}
        )

    assert named("Asia/Seoul") == ZONE_NAMES[language]
    assert named("UTC") == "UTC"
    assert named("Mars/Olympus") == "Mars/Olympus"  # not a zone: shown as it is


@pytest.mark.parametrize("language", list(IN_SEOUL))
@pytest.mark.parametrize(("amount", "asset", "expected"), AMOUNTS)
def test_an_amount_has_its_asset_decimals_and_never_an_exponent(language, amount, asset, expected):
    shown = render("{{ amount|asset_amount:asset }}", language, amount=amount, asset=asset)

    assert shown == expected


@pytest.fixture
def korean_agent_client(client, agent):
    client.login(username=agent.username, password=PASSWORD)
    client.cookies["support_language"] = "ko"
    return client


@pytest.fixture
def account(db):
    return DemoExchangeAccount.objects.create(
        account_id="EX-1",
        data={
            "email": "owner@example.com",
            "kyc_status": "verified",
            "tier": "vip",
            "frozen": False,
            "two_factor_enabled": True,
            "created_at": "2025-01-01T00:00:00+00:00",
            "balances": [
                {"asset": "BTC", "available": "2E-4", "locked": "0E-8"},
                {"asset": "USDT", "available": "1234.5", "locked": "250"},
            ],
            "transfers": [],
            "logins": [],
        },
    )


def test_the_console_ticket_page_in_korean_puts_the_half_of_day_before_the_time(
    korean_agent_client, customer, account, settings
):
    settings.TIME_ZONE = "Asia/Seoul"
    with time_machine.travel(EVENT, tick=False):
        ticket = intake_message(
            InboundMessage(
                channel="web",
                customer_email=customer.email,
                subject="Withdrawal stuck",
                text="My BTC withdrawal has been pending for six hours.",
            )
        )
        page = korean_agent_client.get(f"/console/tickets/{ticket.reference}/")

    html = page.content.decode()
    assert '<html lang="ko">' in html
    assert '<time datetime="2026-12-07T03:05:00+09:00">2026. 12. 7. 오전 3:05</time>' in html
    assert "3:05 오전" not in html and "2026-12-7" not in html
    assert "<li>BTC: 0.0002 (잠김 0)</li><li>USDT: 1,234.50 (잠김 250.00)</li>" in html
