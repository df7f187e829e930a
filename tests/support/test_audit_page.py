"""The audit log's console page and CSV export: filters, keyset pages, who may see them."""

import csv
import io
from datetime import timedelta

import pytest
from django.utils import timezone

from support import audit_log
from support.audit import AuditTarget, audit_record
from support.audit_models import AuditAction, AuditEntry
from support.tasks import audit_purge_task
from tests.audit_helpers import ADDRESS, assert_from, browser, only_row

PAGE = "/console/audit/"
EXPORT = "/console/audit/export.csv"


def signed_in(person):
    client = browser()
    client.force_login(person)
    return client


def entry(action, *, actor=None, customer=None, days_ago=0, label=""):
    return AuditEntry.objects.create(
        action=action,
        actor=actor,
        actor_label=actor.email if actor else "",
        customer=customer,
        object_label=label,
        at=timezone.now() - timedelta(days=days_ago),
    )


@pytest.fixture
def history(agent, teammate, customer, other_customer):
    return {
        "agent_viewed_customer": entry(
            AuditAction.CUSTOMER_VIEWED, actor=agent, customer=customer, days_ago=1
        ),
        "teammate_viewed_other": entry(
            AuditAction.CUSTOMER_VIEWED, actor=teammate, customer=other_customer, days_ago=2
        ),
        "agent_signed_in_long_ago": entry(AuditAction.SIGN_IN, actor=agent, days_ago=40),
    }


def shown(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


def test_a_supervisor_sees_every_entry_newest_first(supervisor, history):
    page = shown(signed_in(supervisor).get(PAGE)).split('data-testid="audit-entries"', 1)[1]

    places = [page.index(f'datetime="{made.at.isoformat()}"') for made in history.values()]
    assert places == sorted(places)
    assert "owner@example.com" in page and "outsider@example.com" in page
    assert "Customer account viewed" in page


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"actor": "AGENT@example.com"}, ["agent_viewed_customer", "agent_signed_in_long_ago"]),
        ({"customer": "outsider@example.com"}, ["teammate_viewed_other"]),
        ({"action": "sign_in"}, ["agent_signed_in_long_ago"]),
        ({"start": "{3}", "end": "{0}"}, ["agent_viewed_customer", "teammate_viewed_other"]),
        ({"actor": "agent@example.com", "action": "customer_viewed"}, ["agent_viewed_customer"]),
    ],
)
def test_the_filters(supervisor, history, query, expected):
    today = timezone.now().date()
    query = {
        key: value.format(*[(today - timedelta(days=n)).isoformat() for n in range(4)])
        for key, value in query.items()
    }

    page = shown(signed_in(supervisor).get(PAGE, query))

    rows = page.split('data-testid="audit-entries"', 1)[1]
    for name, made in history.items():
        assert (f'datetime="{made.at.isoformat()}"' in rows) == (name in expected), name


def test_bad_filters_are_a_400_with_the_reason(supervisor, history):
    client = signed_in(supervisor)

    unknown = client.get(PAGE, {"actor": "nobody@example.com"})
    backwards = client.get(PAGE, {"start": "2026-02-01", "end": "2026-01-01"})
    forged = client.get(PAGE, {"before": "abc"})
    not_a_day = client.get(EXPORT, {"start": "yesterday"})

    assert [r.status_code for r in (unknown, backwards, forged, not_a_day)] == [400] * 4
    assert "No account has this address." in unknown.content.decode()
    assert "The period ends before it starts." in backwards.content.decode()
    assert not AuditEntry.objects.filter(action=AuditAction.AUDIT_EXPORTED).exists()


def test_pages_follow_each_other_without_gaps_or_repeats(agent, monkeypatch):
    monkeypatch.setattr(audit_log, "PAGE_SIZE", 3)
    made = [entry(AuditAction.SIGN_IN, actor=agent, label=f"n{n}") for n in range(7)]

    seen, before = [], ""
    for _page in range(4):
        rows, before = audit_log.audit_page(audit_log.audit_entries({}), before)
        seen += rows
        if not before:
            break

    newest_first = sorted(made, key=lambda row: (row.at, row.pk), reverse=True)
    assert [row.pk for row in seen] == [row.pk for row in newest_first]


def test_the_page_asks_no_count(supervisor, history, django_assert_max_num_queries):
    client = signed_in(supervisor)
    client.get(PAGE)  # sessions, permissions warmed

    with django_assert_max_num_queries(12) as queries:
        client.get(PAGE)

    assert not any("COUNT(" in query["sql"].upper() for query in queries.captured_queries)


def test_the_export_holds_the_filtered_entries_and_is_itself_recorded(supervisor, history, agent):
    answer = signed_in(supervisor).get(EXPORT, {"actor": "agent@example.com"})

    assert answer.status_code == 200
    assert answer["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.DictReader(io.StringIO(b"".join(answer.streaming_content).decode())))
    assert [row["action"] for row in rows] == ["customer_viewed", "sign_in"]
    assert {row["actor"] for row in rows} == {"agent@example.com"}
    exported = only_row(AuditAction.AUDIT_EXPORTED)
    assert_from(exported, answer, supervisor)
    assert exported.detail["actor"] == agent.pk
    assert exported.client_address == ADDRESS


def test_the_export_defuses_spreadsheet_formulas(supervisor):
    audit_record(AuditAction.REPORT_EXPORTED, target=AuditTarget("report", "x", "=HYPERLINK(1)"))

    answer = signed_in(supervisor).get(EXPORT, {"action": "report_exported"})

    assert "'=HYPERLINK(1)" in b"".join(answer.streaming_content).decode()


@pytest.mark.parametrize("person", ["agent", "customer"])
def test_agents_and_customers_cannot_see_or_export_the_log(request, person, history):
    client = signed_in(request.getfixturevalue(person))

    assert client.get(PAGE).status_code == 403
    assert client.get(EXPORT).status_code == 403
    assert not AuditEntry.objects.filter(action=AuditAction.AUDIT_EXPORTED).exists()


def test_the_console_menu_shows_the_log_to_supervisors_only(supervisor, agent):
    assert 'href="/console/audit/"' in shown(signed_in(supervisor).get("/console/"))
    assert 'href="/console/audit/"' not in shown(signed_in(agent).get("/console/"))


def test_the_beat_sweep_deletes_expired_rows(db):
    expired = entry(AuditAction.SIGN_IN, days_ago=3000)

    assert audit_purge_task.delay().get() == 1

    assert not AuditEntry.objects.filter(pk=expired.pk).exists()
