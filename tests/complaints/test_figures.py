"""Complaint figures, each against complaints filed and worked at known times (hand-computed
values in the fixture's docstring), and the business-day arithmetic against the deadlines'."""

from datetime import UTC, datetime, time, timedelta

import pytest
import time_machine
from django.utils import timezone
from rest_framework.test import APIClient

from complaints import deadlines, figures, services
from complaints.models import ComplaintTarget, Target
from tickets import sla
from tickets.models import BusinessCalendar

MARCH = figures.Period(datetime(2026, 3, 1, tzinfo=UTC), datetime(2026, 4, 1, tzinfo=UTC))


def at(moment: str):
    return time_machine.travel(datetime.fromisoformat(moment), tick=False)


def work(complaint, officer, *, ack: str, decide: str | None = None, outcome: str = "rejected"):
    with at(ack):
        services.complaint_acknowledge(complaint=complaint, by=officer)
    if decide:
        with at(decide):
            services.complaint_decide(complaint=complaint, by=officer, outcome=outcome, reason="R")


def appeal(complaint, customer, reviewer, *, on: str, outcome: str | None = None) -> None:
    with at(on):
        services.appeal_submit(complaint=complaint, customer=customer, grounds="Unfair.")
    if outcome:
        with at(on.replace("T10", "T15")):
            services.appeal_decide(complaint=complaint, by=reviewer, outcome=outcome, reason="R")


@pytest.fixture
def march(file_complaint, customer, other_customer, officer, reviewer):
    """Six complaints in March 2026 (UTC; the customer writes Korean, the other English), one
    in February and one in April:

    | | filed | category | lang | acknowledged after | decided | business days | appeal |
    |---|---|---|---|---|---|---|---|
    | A | Mon 2, 10:00 | transfer_delay | ko | 1 h | upheld Wed 4, 10:00 | 2 | overturned |
    | B | Tue 3, 10:00 | fees | ko | 2 h | partly upheld Tue 10, 10:00 | 5 | upheld |
    | C | Fri 6, 12:00 | fees | ko | 3 h | rejected Mon 9, 12:00 | 1 | open |
    | D | Sat 7, 09:00 | fees | en | 4 h | rejected Tue 10, 06:00 | 1.25 | — |
    | E | Wed 11, 09:00 | kyc_rejection | en | 10 h | waiting on the customer | | |
    | F | Thu 12, 09:00 | trading_dispute | en | not yet | | | |

    Acknowledged in [1, 2, 3, 4, 10] hours: median 3, p90 4 + 0.6 × 6 = 7.6.
    Decided in [1, 1.25, 2, 5] business days: median 1.625, p90 2 + 0.7 × 3 = 4.1.
    Upheld 2 of 4 decided; appealed 3 of 4; overturned or modified 1 of 2 appeals decided.
    Past a deadline now (December 2026): C (appeal decision), F, February's and April's
    (deciding) — not E (paused), nor D (only the customer's appeal window runs).
    """
    filed = {}
    for key, when, category, who in [
        ("A", "2026-03-02T10:00", "transfer_delay", customer),
        ("B", "2026-03-03T10:00", "fees", customer),
        ("C", "2026-03-06T12:00", "fees", customer),
        ("D", "2026-03-07T09:00", "fees", other_customer),
        ("E", "2026-03-11T09:00", "kyc_rejection", other_customer),
        ("F", "2026-03-12T09:00", "trading_dispute", other_customer),
        ("February", "2026-02-02T09:00", "fees", customer),
        ("April", "2026-04-01T09:00", "fees", customer),
    ]:
        with at(f"{when}:00+00:00"):
            filed[key] = file_complaint(category=category, customer=who)
    a, b, c, d, e = (filed[key] for key in "ABCDE")
    work(a, officer, ack="2026-03-02T11:00Z", decide="2026-03-04T10:00Z", outcome="upheld")
    work(b, officer, ack="2026-03-03T12:00Z", decide="2026-03-10T10:00Z", outcome="partly_upheld")
    work(c, officer, ack="2026-03-06T15:00Z", decide="2026-03-09T12:00Z")
    work(d, officer, ack="2026-03-07T13:00Z", decide="2026-03-10T06:00Z")
    work(e, officer, ack="2026-03-11T19:00Z")
    with at("2026-03-11T20:00Z"):
        services.complaint_request_information(complaint=e, by=officer, text="Your ID?")
    work(filed["February"], officer, ack="2026-02-05T09:00Z")
    work(filed["April"], officer, ack="2026-04-01T10:00Z")
    appeal(a, customer, reviewer, on="2026-03-05T10:00Z", outcome="overturned")
    appeal(b, customer, reviewer, on="2026-03-11T10:00Z", outcome="upheld")
    appeal(c, customer, reviewer, on="2026-03-10T10:00Z")
    return filed


def test_volume_by_category_and_language(march):
    assert figures.volume_by_category(MARCH) == {
        "fees": 3,
        "kyc_rejection": 1,
        "trading_dispute": 1,
        "transfer_delay": 1,
    }
    assert figures.volume_by_language(MARCH) == {"en": 3, "ko": 3}


def test_time_to_acknowledge_in_hours(march):
    spread = figures.time_to_acknowledge(MARCH)
    assert spread.count == 5
    assert spread.median == pytest.approx(3.0)
    assert spread.p90 == pytest.approx(7.6)


def test_time_to_decide_in_business_days(march):
    spread = figures.time_to_decide(MARCH)
    assert spread.count == 4
    assert spread.median == pytest.approx(1.625)
    assert spread.p90 == pytest.approx(4.1)


def test_decision_and_appeal_rates(march):
    assert figures.uphold_rate(MARCH) == figures.Rate(2, 4)
    assert figures.appeal_rate(MARCH) == figures.Rate(3, 4)
    assert figures.overturn_rate(MARCH) == figures.Rate(1, 2)
    assert figures.overturn_rate(MARCH).value == 0.5


def test_open_complaints_past_a_deadline_now(march):
    assert figures.past_deadline() == 4


def test_a_period_with_no_complaints_has_no_figures(march):
    empty = figures.Period(datetime(2025, 1, 1, tzinfo=UTC), datetime(2025, 2, 1, tzinfo=UTC))
    assert figures.time_to_acknowledge(empty) == figures.Spread(None, None, 0)
    assert figures.time_to_decide(empty) == figures.Spread(None, None, 0)
    assert figures.uphold_rate(empty).value is None
    assert figures.volume_by_category(empty) == {}


def test_the_figures_api_answers_every_figure_for_the_dates_asked(supervisor, officer, march):
    client = APIClient()
    client.force_authenticate(supervisor)
    data = client.get("/api/v1/complaints/figures/", {"from": "2026-03-01", "to": "2026-03-31"})
    data = data.json()
    assert data["submitted"] == 6
    assert data["by_language"] == {"en": 3, "ko": 3}
    assert data["time_to_acknowledge_hours"]["median"] == pytest.approx(3.0)
    assert data["time_to_decide_business_days"]["p90"] == pytest.approx(4.1)
    assert data["uphold_rate"] == {"rate": 0.5, "numerator": 2, "denominator": 4}
    assert data["appeal_rate"]["rate"] == 0.75
    assert data["past_deadline"] == 4
    client.force_authenticate(officer)
    for bad in ({"from": "March"}, {"to": "0001-01-01"}, {"to": "9999-12-31"}):
        assert client.get("/api/v1/complaints/figures/", bad).status_code == 400, bad


def test_the_figures_are_for_supervisors_admins_and_officers(reviewer, agent, customer):
    client = APIClient()
    for user in (reviewer, agent, customer):
        client.force_authenticate(user)
        assert client.get("/api/v1/complaints/figures/").status_code == 403


def test_the_dashboard_panel_covers_the_period_chosen(client, supervisor, march):
    client.force_login(supervisor)
    with time_machine.travel(datetime(2026, 4, 15, tzinfo=UTC), tick=False):
        response = client.get("/console/dashboards/", {"preset": "90d"})
    panel = response.context["app_panels"]["complaints"]
    values = {row["label"]: row["value"] for row in panel["figures"]}
    assert panel["title"] == "Complaints submitted from Jan. 16, 2026 to April 15, 2026"
    assert values["Submitted"] == 8  # February's and April's too
    assert values["Upheld or partly upheld"] == "50%"
    assert values["Appealed"] == "75%"
    assert values["Overturned or modified on appeal"] == "50%"
    assert values["Most about"].startswith("Fees (5)")
    assert "Complaints submitted from Jan. 16, 2026 to April 15, 2026" in response.content.decode()


def test_the_dashboard_counts_the_complaints_submitted_in_its_period(
    client, supervisor, file_complaint
):
    now = timezone.now()
    for days_ago in (40, 5):
        with time_machine.travel(now - timedelta(days=days_ago), tick=False):
            file_complaint()
    client.force_login(supervisor)

    def shown(**period) -> dict:
        panel = client.get("/console/dashboards/", period).context["app_panels"]["complaints"]
        return {row["label"]: row["value"] for row in panel["figures"]}

    week = shown(preset="7d")
    sixty_days = shown(start=(now - timedelta(days=59)).date(), end=now.date())
    assert week["Submitted"] == 1
    assert sixty_days["Submitted"] == 2
    # Both are unacknowledged past their 24 hours: late now, whatever the period.
    assert week["Open past a deadline"] == sixty_days["Open past a deadline"] == 2


# --- Business days, in Python and in SQL, as the deadlines count them -------------------------


SEOUL = {"name": "Seoul", "timezone": "Asia/Seoul", "holiday_country": "KR"}
WEEKDAYS = {str(day): [["00:00", "24:00"]] for day in range(5)}


def test_business_days_match_the_deadline_arithmetic_across_dst_and_holidays():
    calendars = [
        sla.Calendar("Asia/Seoul", False, sla.parse_weekly_hours(WEEKDAYS), "KR"),
        sla.Calendar("America/New_York", False, {day: ((time(0), None),) for day in range(7)}),
        deadlines.WEEKDAYS,
    ]
    instants = [
        datetime(2026, 2, 13, 1, tzinfo=UTC) + timedelta(hours=37 * n + n * n) for n in range(40)
    ]
    instants += [datetime(2026, 3, 8, 6, 30, tzinfo=UTC), datetime(2026, 11, 1, 5, 59, tzinfo=UTC)]
    for calendar in calendars:
        table = figures.business_days_for(calendar, min(instants), max(instants))
        for start in instants[::3]:
            for end in instants:
                expected = deadlines.business_time_between(start, end, calendar).total_seconds()
                assert table.between(start, end).total_seconds() == pytest.approx(expected)


def test_time_to_decide_counts_on_the_decide_targets_calendar(file_complaint, officer):
    """Filed Friday 13 February 2026 10:00 in Seoul, decided Thursday the 19th 10:00: the new
    year holidays (16th–18th) and the weekend do not count, so 14 h + 10 h = 1 business day."""
    calendar = BusinessCalendar.objects.create(weekly_hours=WEEKDAYS, **SEOUL)
    ComplaintTarget.objects.filter(target=Target.DECIDE).update(calendar=calendar)
    with at("2026-02-13T01:00Z"):
        complaint = file_complaint()
    work(complaint, officer, ack="2026-02-13T02:00Z", decide="2026-02-19T01:00Z")
    february = figures.Period(datetime(2026, 2, 1, tzinfo=UTC), datetime(2026, 3, 1, tzinfo=UTC))
    assert figures.time_to_decide(february).median == pytest.approx(1.0)
    calendar_value = figures.decide_calendar()
    span = deadlines.business_time_between(
        datetime(2026, 2, 13, 1, tzinfo=UTC), datetime(2026, 2, 19, 1, tzinfo=UTC), calendar_value
    )
    assert span == timedelta(days=1)
