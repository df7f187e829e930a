"""The complaints register for regulators: one CSV row a complaint with its dates and outcomes,
filtered by submission date, safe to open in a spreadsheet."""

import csv
import io
from datetime import datetime

import pytest
import time_machine
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from complaints import register, services

REGISTER = "/api/v1/complaints/register.csv"


def at(moment: str):
    return time_machine.travel(datetime.fromisoformat(moment), tick=False)


def export(user, **params):
    """A regulator's export goes through the API with a token (made only after the factor);
    a session would need a factor given in the last 15 minutes."""
    client = APIClient()
    token, _created = Token.objects.get_or_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client.get(REGISTER, params)


def rows_of(response) -> list[dict]:
    assert response.status_code == 200
    assert response.streaming
    text = b"".join(response.streaming_content).decode()
    return list(csv.DictReader(io.StringIO(text)))


@pytest.fixture
def history(file_complaint, customer, officer, reviewer):
    """Four complaints at known times (2026, weekdays Monday to Friday, UTC).

    - upheld: Mon 2 March 10:00, acknowledged 12:00, upheld Wed 4 March 10:00 (2 business
      days), appealed on the 5th and overturned on the 6th; its reason and remedy are written
      like spreadsheet formulas.
    - rejected: Fri 6 March 12:00, acknowledged Sat 7 March 18:00 (30 hours: late), rejected
      Mon 9 March 12:00 (1 business day).
    - waiting: Wed 1 April 09:00, never acknowledged (its 24 hours have long passed).
    - withdrawn: Thu 2 April 09:00, withdrawn at 10:00, before any deadline.
    """
    with at("2026-03-02T10:00:00+00:00"):
        upheld = file_complaint()
    with at("2026-03-02T12:00:00+00:00"):
        services.complaint_acknowledge(complaint=upheld, by=officer)
        services.complaint_set_root_causes(complaint=upheld, by=officer, causes=["process"])
    with at("2026-03-04T10:00:00+00:00"):
        services.complaint_decide(
            complaint=upheld,
            by=officer,
            outcome="upheld",
            reason='=HYPERLINK("http://evil.example","Click")',
            remedy="@SUM(A1:A9)",
        )
    with at("2026-03-05T10:00:00+00:00"):
        services.appeal_submit(complaint=upheld, customer=customer, grounds="Not enough.")
    with at("2026-03-06T10:00:00+00:00"):
        services.appeal_decide(complaint=upheld, by=reviewer, outcome="modified", reason="More.")
    with at("2026-03-06T12:00:00+00:00"):
        rejected = file_complaint(category="fees")
    with at("2026-03-07T18:00:00+00:00"):
        services.complaint_acknowledge(complaint=rejected, by=officer)
    with at("2026-03-09T12:00:00+00:00"):
        services.complaint_decide(
            complaint=rejected, by=officer, outcome="rejected", reason="-Fees as published."
        )
    with at("2026-04-01T09:00:00+00:00"):
        waiting = file_complaint(category="kyc_rejection")
    with at("2026-04-02T09:00:00+00:00"):
        withdrawn = file_complaint(category="other")
    with at("2026-04-02T10:00:00+00:00"):
        services.complaint_withdraw(complaint=withdrawn, customer=customer)
    return {"upheld": upheld, "rejected": rejected, "waiting": waiting, "withdrawn": withdrawn}


def test_the_register_has_one_row_per_complaint_with_stable_columns(supervisor, history):
    response = export(supervisor)
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = rows_of(response)
    assert list(rows[0]) == list(register.COLUMNS)
    assert [row["reference"] for row in rows] == [c.reference for c in history.values()]


def test_each_row_carries_the_dates_outcomes_and_times(supervisor, officer, reviewer, history):
    upheld, rejected = rows_of(export(supervisor))[:2]
    assert upheld["submitted_at"] == "2026-03-02T10:00:00+00:00"
    assert upheld["acknowledged_at"] == "2026-03-02T12:00:00+00:00"
    assert upheld["acknowledge_due_at"] == "2026-03-03T10:00:00+00:00"
    assert upheld["acknowledged_on_time"] == "yes"
    assert upheld["decided_at"] == "2026-03-04T10:00:00+00:00"
    assert upheld["decide_due_at"] == "2026-03-23T10:00:00+00:00"  # 15 business days
    assert upheld["decided_on_time"] == "yes"
    assert upheld["outcome"] == "upheld"
    assert upheld["appeal_submitted_at"] == "2026-03-05T10:00:00+00:00"
    assert upheld["appeal_decided_at"] == "2026-03-06T10:00:00+00:00"
    assert upheld["appeal_outcome"] == "modified"
    assert upheld["closed_at"] == "2026-03-06T10:00:00+00:00"
    assert upheld["days_to_acknowledge"] == "0.08"
    assert upheld["business_days_to_decide"] == "2.00"
    assert upheld["root_causes"] == "process"
    assert (upheld["officer"], upheld["appeal_reviewer"]) == (officer.email, reviewer.email)
    assert (upheld["category"], upheld["source"], upheld["stage"]) == (
        "transfer_delay",
        "form",
        "closed",
    )
    assert rejected["acknowledged_on_time"] == "no"
    assert rejected["days_to_acknowledge"] == "1.25"
    assert rejected["business_days_to_decide"] == "1.00"
    assert rejected["appeal_submitted_at"] == rejected["appeal_outcome"] == ""


def test_a_deadline_not_yet_met_is_late_only_once_it_has_passed(supervisor, history):
    rows = {row["category"]: row for row in rows_of(export(supervisor))}
    assert rows["kyc_rejection"]["acknowledged_on_time"] == "no"  # never acknowledged
    assert rows["kyc_rejection"]["decided_at"] == rows["kyc_rejection"]["outcome"] == ""
    assert rows["other"]["acknowledged_on_time"] == ""  # withdrawn within the hour
    assert rows["other"]["closed_at"] == "2026-04-02T10:00:00+00:00"


def test_cells_that_look_like_formulas_are_escaped(supervisor, history):
    upheld, rejected = rows_of(export(supervisor))[:2]
    assert upheld["decision_reason"] == """'=HYPERLINK("http://evil.example","Click")"""
    assert upheld["remedy"] == "'@SUM(A1:A9)"
    assert rejected["decision_reason"] == "'-Fees as published."
    assert register.safe_cell("+1") == "'+1"
    assert register.safe_cell("\tcmd") == "'\tcmd"
    assert register.safe_cell("Plain") == "Plain"


def test_the_dates_filter_by_submission_day_both_days_included(supervisor, history):
    def references(**params) -> list[str]:
        return [row["reference"] for row in rows_of(export(supervisor, **params))]

    march = references(**{"from": "2026-03-01", "to": "2026-03-31"})
    assert march == [history["upheld"].reference, history["rejected"].reference]
    assert references(to="2026-03-02") == [history["upheld"].reference]
    assert references(**{"from": "2026-04-01"}) == [
        history["waiting"].reference,
        history["withdrawn"].reference,
    ]


@pytest.mark.parametrize(
    "params",
    [
        {"from": "2026-13-01"},
        {"to": "yesterday"},
        {"from": "2026-04-02", "to": "2026-04-01"},
        {"to": "9999-12-31"},
        {"from": "0001-01-01"},
    ],
)
def test_a_bad_date_is_a_400(supervisor, history, params):
    response = export(supervisor, **params)
    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) <= {"from", "to"}


def test_the_register_streams_in_chunks(supervisor, history, monkeypatch):
    monkeypatch.setattr(register, "CHUNK", 1)
    response = export(supervisor)
    pieces = list(response.streaming_content)
    assert len(pieces) >= 4
    assert b"".join(pieces).decode().count("\n") == 5  # the header and four complaints


def test_officers_supervisors_and_admins_export_others_may_not(
    officer, supervisor, admin_user, reviewer, agent, customer, history
):
    for user in (officer, supervisor, admin_user):
        assert export(user).status_code == 200, user
    for user in (reviewer, agent, customer):
        assert export(user).status_code == 403, user
    assert APIClient().get(REGISTER).status_code == 401
