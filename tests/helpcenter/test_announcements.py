"""Announcements: scheduled, multilingual banners, most severe first."""

from datetime import timedelta

import pytest
from django.utils import timezone

from helpcenter.models import Announcement
from helpcenter.selectors import current_announcements

API = "/api/v1/helpcenter/announcements/"


@pytest.fixture
def announcements(db) -> None:
    now = timezone.now()
    Announcement.objects.create(
        title_en="Maintenance on Sunday",
        title_zh_hans="周日系统维护",
        severity=Announcement.Severity.INFO,
        starts_at=now - timedelta(hours=1),
    )
    Announcement.objects.create(
        title_en="TRC20 withdrawals delayed",
        severity=Announcement.Severity.CRITICAL,
        starts_at=now - timedelta(minutes=5),
        ends_at=now + timedelta(hours=2),
    )
    Announcement.objects.create(
        title_en="Ended", starts_at=now - timedelta(days=2), ends_at=now - timedelta(days=1)
    )
    Announcement.objects.create(title_en="Not yet", starts_at=now + timedelta(days=1))


def test_only_running_announcements_most_severe_first(announcements):
    banners = current_announcements(language="en", now=timezone.now())
    assert [b.title for b in banners] == ["TRC20 withdrawals delayed", "Maintenance on Sunday"]


def test_announcements_follow_the_language_fallbacks(announcements):
    banners = {b.severity: b for b in current_announcements(language="zh-hant", now=timezone.now())}
    assert (banners["info"].title, banners["info"].language) == ("週日系統維護", "zh-hant")
    assert (banners["critical"].title, banners["critical"].language) == (
        "TRC20 withdrawals delayed",
        "en",
    )


def test_help_pages_show_the_banners(client, announcements):
    html = client.get("/ko/help/").content.decode()
    assert 'class="announcement announcement-critical" role="alert"' in html
    assert "Maintenance on Sunday" in html
    assert "Not yet" not in html


def test_api_lists_current_announcements(client, announcements):
    response = client.get(API, {"lang": "zh-hans"})
    assert response.status_code == 200
    titles = [a["title"] for a in response.json()["announcements"]]
    assert titles == ["TRC20 withdrawals delayed", "周日系统维护"]
    assert client.get(API, {"lang": "xx"}).status_code == 400
