"""Demo official channels, so that the verification page has something to answer with."""

from support.official.models import OfficialChannel

DEMO_CHANNELS = [
    ("domain", "exchange.example", [], {"en": "Website", "ko": "웹사이트", "ja": "ウェブサイト"}),
    ("email", "support@exchange.example", [], {"en": "Support by email", "ko": "이메일 고객지원"}),
    ("telegram", "@exchange_support", [], {"en": "Announcements", "zh-hans": "公告频道"}),
    ("x", "@exchange", [], {"en": "News", "ja": "お知らせ"}),
    ("kakaotalk", "exchange_kr", ["ko"], {"ko": "카카오톡 채널"}),
    ("phone", "+82 2-1234-5678", ["ko"], {"ko": "고객센터 (평일 9-18시)"}),
    ("line", "@exchange_jp", ["ja"], {"ja": "LINE公式アカウント"}),
]


def load_official_channels(stdout) -> None:
    """Idempotent: a channel already listed (by kind and value) is left as admins edited it."""
    for position, (kind, value, languages, description) in enumerate(DEMO_CHANNELS):
        if OfficialChannel.objects.filter(kind=kind, value=value).exists():
            continue
        OfficialChannel(
            kind=kind,
            value=value,
            languages=languages,
            description=description,
            position=position,
        ).save()
    stdout.write(f"Official channels: {OfficialChannel.objects.count()}")
