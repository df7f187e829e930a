"""Official channels: normalising, look-alikes and verification codes, below the pages."""

import io

import pytest

from support.official.demo import DEMO_CHANNELS, load_official_channels
from support.official.matching import Official, matches, normalise
from support.official.models import OfficialChannel, VerificationCode
from support.official.services import (
    CODE_ALPHABET,
    channel_check,
    official_domains,
    verification_code_find,
    verification_code_for,
)

OFFICIALS = [
    Official("telegram", "binance_support"),
    Official("telegram", "binance_kr"),
    Official("domain", "binance.com"),
    Official("domain", "help.example", covers_subdomains=True),
    Official("email", "support@binance.com"),
]


@pytest.mark.parametrize(
    "kind, value, expected",
    [
        ("telegram", "https://t.me/Binance_Support", "official"),
        ("telegram", "blnance_support", "binance_support"),
        ("telegram", "b\u0456nance_support", "binance_support"),  # Cyrillic і
        ("telegram", "\uff42inance_support", "binance_support"),  # full-width b
        ("telegram", "binance_supp0rt", "binance_support"),
        ("telegram", "binance_help", "binance_support"),
        ("telegram", "binance_kr_official", "binance_kr"),
        ("telegram", "john_doe", None),
        ("domain", "WWW.Binance.COM.", "official"),
        ("domain", "accounts.help.example", "official"),
        ("domain", "accounts.binance.com", None),
        ("domain", "binance.co", "binance.com"),
        ("domain", "xn--bnance-bwa.com", "binance.com"),
        ("domain", "binance.com.verify-login.io", "binance.com"),
        ("domain", "example.org", None),
        ("email", "support@blnance.com", "support@binance.com"),
        ("email", "other@binance.com", None),
        ("phone", "+82 2-1234-5679", None),
    ],
)
def test_values_are_official_lookalikes_or_neither(kind, value, expected):
    found = matches(kind, normalise(kind, value), OFFICIALS)

    if expected == "official":
        assert found.official is not None and found.looks_like is None
    elif expected is None:
        assert found.official is None and found.looks_like is None
    else:
        assert found.official is None and found.looks_like.value == expected


@pytest.mark.parametrize(
    "kind, value, normalised",
    [
        ("x", "https://x.com/Exchange?s=20", "exchange"),
        ("line", "https://line.me/R/ti/p/@exchange_jp", "exchange_jp"),
        ("phone", "+82 (2) 1234 5678", "+82212345678"),
        ("phone", "02-1234-5678", ""),  # no country code: not valid
        ("email", "mailto:Support@Exchange.Example", "support@exchange.example"),
        ("email", "no-at-sign", ""),
        ("domain", "https://user@xn--xchange-9xa.example:8443/path", "\u00e9xchange.example"),
    ],
)
def test_normalising(kind, value, normalised):
    assert normalise(kind, value) == normalised


@pytest.mark.django_db
def test_a_lookalike_check_is_recorded_with_its_value_redacted():
    OfficialChannel.objects.create(kind="telegram", value="@exchange_support")

    result = channel_check(kind="telegram", value="@exchange_supp0rt", language="ko")

    assert result.looks_like.value == "@exchange_support"
    assert (result.check.value, result.check.language) == ("exchange_supp0rt", "ko")


@pytest.mark.django_db
def test_the_domains_checked_for_lookalikes_follow_every_change_of_the_channels():
    assert "ours.example" not in official_domains()  # read once, then kept by the process

    site = OfficialChannel.objects.create(kind="domain", value="ours.example")
    mail = OfficialChannel.objects.create(kind="email", value="help@mail.ours.example")
    assert {"ours.example", "mail.ours.example"} <= set(official_domains())

    site.active = False
    site.save()
    mail.delete()
    assert not {"ours.example", "mail.ours.example"} & set(official_domains())


@pytest.mark.django_db
def test_a_code_is_made_once_per_message_from_an_unambiguous_alphabet():
    first = verification_code_for(channel="email", source="ticket-message:1")
    again = verification_code_for(channel="email", source="ticket-message:1")
    other = verification_code_for(channel="chat", source="chat:1:a")

    assert first == again and first != other
    assert len(first.code) == 8 and set(first.code) <= set(CODE_ALPHABET)
    assert VerificationCode.objects.count() == 2
    assert verification_code_find(f" {first.code[:4].lower()} - {first.code[4:]} ") == first
    assert verification_code_find("not-a-code") is None


@pytest.mark.django_db
def test_the_demo_channels_load_once():
    load_official_channels(io.StringIO())
    load_official_channels(io.StringIO())

    assert OfficialChannel.objects.count() == len(DEMO_CHANNELS)
    assert OfficialChannel.objects.get(kind="phone").normalised == "+82212345678"
