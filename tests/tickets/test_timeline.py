"""The console's timeline: every event a sentence in the reader's language, never a raw code."""

import re
from datetime import UTC, datetime

import pytest

from tests.conftest import PASSWORD
from tickets.models import Event
from tickets.timeline import console_timeline, event_sentence

LANGUAGES = ("en", "zh-hans", "zh-hant", "ko", "ja")
DUE_BEFORE = datetime(2026, 3, 2, 9, 30, tzinfo=UTC).isoformat()
DUE_AFTER = datetime(2026, 3, 4, 17, 5, tzinfo=UTC).isoformat()
RELEASE = "release_withdrawal W101 USDT 500"

# (field, before, after, by the agent?) — every field the services record, and one nobody knows.
EVENTS = [
    ("status", "new", "pending", True),
    ("status", "", "new", True),
    ("priority", "normal", "urgent", True),
    ("sla_policy", "", "Standard", True),
    ("sla_policy", "Standard", "Gold", True),
    ("sla_policy", "", "", True),
    ("resolution_due", DUE_BEFORE, DUE_AFTER, True),
    ("tags", "vip", "aml,vip", True),
    ("tags", "aml,vip", "vip", True),
    ("tags", "aml", "kyc", True),
    ("assignee", "", "agent@example.com", False),
    ("assignee", "agent@example.com", "teammate@example.com", True),
    ("assignee", "agent@example.com", "", True),
    ("team", "", "Frontline", False),
    ("team", "Frontline", "Korea", True),
    ("satisfaction_score", "", "4", True),
    ("merged_into", "", "T-009001", True),
    ("merged", "T-009002", "", True),
    ("related", "", "T-009003", True),
    ("parent_incident", "", "T-009004 ETH withdrawals delayed", True),
    ("split_from", "", "T-009005", True),
    ("split_into", "", "T-009006", True),
    ("follow_up_of", "", "T-009007 Deposit missing", True),
    ("escalation_level", "0", "1", False),
    ("sla_breach", "", "first_response", False),
    ("remediation_requested", "", RELEASE, True),
    ("remediation_approved", "", RELEASE, True),
    ("remediation_rejected", RELEASE, "Not verified yet", True),
    ("remediation_retried", "", RELEASE, True),
    ("remediation_executed", RELEASE, "BO-77", False),
    ("remediation_failed", RELEASE, "timeout", False),
    ("customer_mood", "calm_ish", "upset_now", True),
]
# Codes that must never reach the reader (values the sentences translate).
CODES = {
    "new", "pending", "normal", "urgent", "first_response", "release_withdrawal",
    "calm_ish", "upset_now",
}  # fmt: skip
# Data shown as it is: names, references, tags, team and policy names, ids, amounts.
DATA = re.compile(
    r"Min-jun|Teammate Lee|T-\d{6}|ETH withdrawals delayed|Deposit missing|W101|USDT|BO-77|"
    r"Not verified yet|timeout|Standard|Gold|SLA|Frontline|Korea|\baml\b|\bvip\b|\bkyc\b|"
    r"\d+(:\d+)?|[AP]\.?M\.?|[a-z]\.m\."
)


@pytest.fixture
def people(agent, teammate):
    agent.first_name = "Min-jun"
    agent.save(update_fields=["first_name"])
    teammate.first_name, teammate.last_name = "Teammate", "Lee"
    teammate.save(update_fields=["first_name", "last_name"])
    return {"agent@example.com": "Min-jun", "teammate@example.com": "Teammate Lee"}


@pytest.fixture
def events(people, agent, policy, receive):
    ticket = receive()
    return [
        Event.objects.create(
            ticket=ticket, actor=agent if by_agent else None, field=f, before=b, after=a
        )
        for f, b, a, by_agent in EVENTS
    ]


def sentences(events, language, people) -> list[str]:
    return [event_sentence(event, language, people=people) for event in events]


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_event_shows_a_raw_code(events, people, language):
    for event, sentence in zip(events, sentences(events, language, people), strict=True):
        assert sentence.strip(), event.field
        assert not re.search(r"\b[a-z]+_[a-z_]+\b", sentence), (event.field, sentence)
        for code in CODES:
            assert not re.search(rf"(?<![A-Za-z]){code}(?![A-Za-z])", sentence), sentence


@pytest.mark.parametrize("language", LANGUAGES[1:])
def test_cjk_sentences_are_translated_whole(events, people, language):
    """Besides names and other data, a CJK sentence holds no Latin word: the field names, the
    values and the sentence around them are all translated."""
    for event, sentence in zip(events, sentences(events, language, people), strict=True):
        words = re.findall(r"[A-Za-z]{2,}", DATA.sub(" ", sentence))
        assert not words, (event.field, sentence)


def test_every_field_reads_differently_in_each_language(events, people):
    english = sentences(events, "en", people)
    for language in LANGUAGES[1:]:
        translated = sentences(events, language, people)
        same = [s for s, e in zip(translated, english, strict=True) if s == e]
        assert not same, (language, same)


def test_exact_sentences_in_english(events, people):
    keys = [(field, before, after) for field, before, after, _by in EVENTS]
    by_field = dict(zip(keys, sentences(events, "en", people), strict=True))
    assert by_field[("status", "new", "pending")] == (
        "Status changed from New to Waiting on customer by Min-jun."
    )
    assert by_field[("assignee", "agent@example.com", "teammate@example.com")] == (
        "Reassigned from Min-jun to Teammate Lee by Min-jun."
    )
    assert by_field[("tags", "vip", "aml,vip")] == "Tags added by Min-jun: aml."
    assert by_field[("sla_breach", "", "first_response")] == (
        "The First response target was missed."
    )
    assert by_field[("escalation_level", "0", "1")] == (
        "Escalation level raised from 0 to 1 by the system."
    )
    assert by_field[("remediation_requested", "", RELEASE)] == (
        "Remediation requested by Min-jun: Release a stuck withdrawal (W101 USDT 500.00)."
    )
    assert by_field[("resolution_due", DUE_BEFORE, DUE_AFTER)] == (
        "Resolution due time moved from 03/02/2026 9:30 a.m. to 03/04/2026 5:05 p.m. by Min-jun."
    )
    assert by_field[("customer_mood", "calm_ish", "upset_now")] == (
        "The ticket was updated by Min-jun."
    )


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("zh-hans", "Min-jun 将状态从「新建」改为「等待客户回复」。"),
        ("zh-hant", "Min-jun 將狀態從「新建」改為「等待客戶回覆」。"),
        ("ko", "Min-jun 님이 상태를 '신규'에서 '고객 응답 대기'(으)로 변경했습니다."),
        ("ja", "Min-jun さんがステータスを「新規」から「お客様の返信待ち」に変更しました。"),
    ],
)
def test_exact_status_sentence_in_each_language(events, people, language, expected):
    assert sentences(events[:1], language, people) == [expected]


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("zh-hans", "首次响应目标已超时。"),
        ("zh-hant", "首次回覆目標已逾時。"),
        ("ko", "첫 응답 목표 시간을 넘겼습니다."),
        ("ja", "初回応答の目標時間を過ぎました。"),
    ],
)
def test_exact_sla_breach_sentence_in_each_language(events, people, language, expected):
    breach = next(event for event in events if event.field == "sla_breach")
    assert event_sentence(breach, language) == expected


def test_times_follow_the_readers_language(events, people):
    due = next(event for event in events if event.field == "resolution_due")
    assert "2026. 3. 2. 오전 9:30" in event_sentence(due, "ko")
    assert "2026/03/02 9:30" in event_sentence(due, "ja")
    assert "2026年3月2日 09:30" in event_sentence(due, "zh-hans")
    assert "T09:30" not in event_sentence(due, "en")  # never the stored ISO form


def test_the_ticket_page_shows_the_sentences_in_the_agents_language(
    client, agent, people, policy, receive
):
    ticket = receive()
    client.login(username=agent.username, password=PASSWORD)
    client.post(f"/console/tickets/{ticket.reference}/status/", {"status": "pending"})
    client.post(f"/console/tickets/{ticket.reference}/tags/", {"tags": "vip aml"})

    client.cookies["support_language"] = "en"
    html = client.get(f"/console/tickets/{ticket.reference}/").content.decode()

    assert "Status changed from New to Waiting on customer by Min-jun." in html
    assert "Tags added by Min-jun: aml, vip." in html
    assert "status: new" not in html and "→" not in html


def test_the_timeline_names_assignees_in_one_query(
    people, agent, teammate, policy, receive, django_assert_max_num_queries
):
    ticket = receive()
    for before, after in [("", agent.username), (agent.username, teammate.username)] * 5:
        Event.objects.create(
            ticket=ticket, actor=agent, field="assignee", before=before, after=after
        )
    # messages, their attachments, events, the assignees' names: whatever the number of events
    with django_assert_max_num_queries(4):
        entries = console_timeline(ticket, language="en")
    assert entries[-1]["sentence"] == "Reassigned from Min-jun to Teammate Lee by Min-jun."
