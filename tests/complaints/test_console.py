"""The complaints console: who may use it, the queue (tabs, due times, filters, pages, constant
queries), a complaint's page, the independence rule as officers and reviewers meet it, the
letter drafts, the customer 360 panel, and a complaint raised from a ticket."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from complaints import letters, services
from complaints.console_queue import Cursor
from complaints.models import Complaint, ComplaintDeadline, ComplaintEvent, Source, Stage
from complaints.panels import customer_complaints
from support.exchange import ExchangeUnavailable
from support.roles import Role
from tests.complaints.console_helpers import fields, fresh, page_url, post, signed_in, text
from tickets.intake import InboundMessage, intake_message
from tickets.models import SlaPolicy

QUEUE = "/console/complaints/"


@pytest.fixture
def ticket(customer):
    SlaPolicy.objects.create(
        name="Default", first_response_minutes=60, next_response_minutes=120,
        resolution_minutes=480,
    )  # fmt: skip
    message = InboundMessage(
        channel="web",
        customer_email=customer.email,
        subject="Withdrawal held",
        text="My USDT withdrawal W-9 is held.",
    )
    return intake_message(message)


def due_in(complaint: Complaint, delta: timedelta) -> None:
    """Move the complaint's running deadlines so the first is due `delta` from now."""
    ComplaintDeadline.objects.filter(complaint=complaint, target="acknowledge").update(
        due_at=timezone.now() + delta
    )


# --- Who may use it ---------------------------------------------------------------------------


def test_agent_without_complaint_permissions_is_refused_queue_and_page(agent, file_complaint):
    complaint = file_complaint()
    client = signed_in(agent)
    assert client.get(QUEUE).status_code == 403
    assert client.get(page_url(complaint)).status_code == 403
    response = post(client, "acknowledge", complaint, version=complaint.version)
    assert response.status_code == 403
    assert fresh(complaint).stage == Stage.SUBMITTED


def test_customer_has_no_console_and_a_visitor_is_sent_to_log_in(client, customer, file_complaint):
    complaint = file_complaint()
    assert signed_in(customer).get(page_url(complaint)).status_code == 403
    assert signed_in(customer).get(QUEUE).status_code == 403
    response = client.get(QUEUE)
    assert response.status_code == 302 and "log-in" in response["Location"]


@pytest.mark.parametrize("person", ["officer", "reviewer", "supervisor"])
def test_complaints_staff_open_the_queue_and_a_complaint(request, person, file_complaint):
    complaint = file_complaint()
    client = signed_in(request.getfixturevalue(person))
    assert complaint.reference in text(client.get(f"{QUEUE}?tab=new"))
    assert client.get(page_url(complaint)).status_code == 200


def test_unknown_complaint_is_404(officer):
    assert signed_in(officer).get(f"{QUEUE}C-999999/").status_code == 404


# --- The queue --------------------------------------------------------------------------------


def test_queue_lists_the_next_due_first_and_says_how_long_is_left(officer, file_complaint):
    later, overdue, soon = file_complaint(), file_complaint(), file_complaint()
    due_in(later, timedelta(hours=20, minutes=5))
    due_in(overdue, -timedelta(days=2, hours=1))
    due_in(soon, timedelta(hours=3, minutes=5))
    page = text(signed_in(officer).get(f"{QUEUE}?tab=new"))
    positions = [page.index(c.reference) for c in (overdue, soon, later)]
    assert positions == sorted(positions)
    assert "overdue 2 d" in page
    assert "due in 3 h" in page
    assert "due in 20 h" in page


def test_queue_tabs_hold_their_stages(officer, reviewer, customer, file_complaint):
    new, in_progress, appealed = file_complaint(), file_complaint(), file_complaint()
    services.complaint_acknowledge(complaint=in_progress, by=officer)
    services.complaint_acknowledge(complaint=appealed, by=officer)
    services.complaint_decide(complaint=appealed, by=officer, outcome="rejected", reason="No.")
    services.appeal_submit(complaint=appealed, customer=customer, grounds="Look again.")
    client = signed_in(officer)

    def listed(tab: str) -> set[str]:
        page = text(client.get(f"{QUEUE}?tab={tab}"))
        return {c.reference for c in (new, in_progress, appealed) if c.reference in page}

    shown = {
        tab: listed(tab) for tab in ("new", "progress", "decided", "appeals", "closed", "mine")
    }
    assert shown == {
        "new": {new.reference},
        "progress": {in_progress.reference},
        "decided": set(),
        "appeals": {appealed.reference},
        "closed": set(),
        "mine": {in_progress.reference},  # the appeal is decided by someone else
    }
    services.appeal_take(complaint=appealed, by=reviewer)
    assert appealed.reference in text(signed_in(reviewer).get(f"{QUEUE}?tab=mine"))


def test_queue_filters_by_category_and_language(officer, file_complaint):
    fees_ja = file_complaint(category="fees", language="ja")
    fees_en = file_complaint(category="fees", language="en")
    other = file_complaint(category="kyc_rejection", language="ja")
    page = text(signed_in(officer).get(f"{QUEUE}?tab=new&category=fees&language=ja"))
    assert fees_ja.reference in page
    assert fees_en.reference not in page and other.reference not in page


def test_queue_refuses_filters_and_pages_it_did_not_write(officer):
    client = signed_in(officer)
    assert client.get(f"{QUEUE}?category=bitcoin").status_code == 400
    assert client.get(f"{QUEUE}?tab=everything").status_code == 400
    assert client.get(f"{QUEUE}?after=yesterday|1").status_code == 400
    assert client.get(f"{QUEUE}?after=|{'9' * 40}").status_code == 400
    assert client.get(f"{QUEUE}?after=2026-13-45T00:00:00%2B00:00|1").status_code == 400


def test_ids_no_row_can_have_are_not_found(officer, supervisor, file_complaint):
    complaint = file_complaint()
    huge = 2**70
    assert signed_in(officer).get(f"{page_url(complaint)}files/{huge}/").status_code == 404
    response = signed_in(supervisor).post(f"{page_url(complaint)}remedies/{huge}/approve/")
    assert response.status_code == 404
    response = post(signed_in(supervisor), "assign", complaint, officer=huge)
    assert response.status_code == 400


def test_queue_pages_by_next_due_without_losing_or_repeating_a_row(
    officer, file_complaint, monkeypatch
):
    monkeypatch.setattr("complaints.console_queue.PAGE_SIZE", 2)
    complaints = [file_complaint() for _ in range(5)]
    for hours, complaint in zip([5, 1, 4, 2, 3], complaints, strict=True):
        due_in(complaint, timedelta(hours=hours))
    ComplaintDeadline.objects.filter(complaint=complaints[4]).delete()  # no deadline: last
    client, url, seen = signed_in(officer), f"{QUEUE}?tab=new", []
    while url:
        response = client.get(url)
        seen += [c.reference for c in response.context["rows"]]
        url = response.context["next_url"] and QUEUE + response.context["next_url"]
    expected = [complaints[i].reference for i in (1, 3, 2, 0, 4)]
    assert seen == expected


def test_cursor_reads_back_what_it_writes():
    moment = timezone.now()
    assert Cursor.parse(str(Cursor(due=moment, id=7))) == Cursor(due=moment, id=7)
    assert Cursor.parse(str(Cursor(due=None, id=7))) == Cursor(due=None, id=7)


@pytest.mark.parametrize("tab", ["new", "progress", "mine", "closed"])
def test_queue_queries_do_not_grow_with_rows(
    officer, reviewer, customer, file_complaint, tab, django_assert_max_num_queries
):
    def add(count: int) -> None:
        for _ in range(count):
            complaint = file_complaint()
            if tab in ("progress", "mine"):
                services.complaint_acknowledge(complaint=complaint, by=officer)
            if tab == "closed":
                services.complaint_withdraw(complaint=complaint, customer=customer)

    client = signed_in(officer)
    add(5)
    client.get(f"{QUEUE}?tab={tab}")  # the session and permissions, cached from here on
    with CaptureQueriesContext(connection) as few:
        assert len(client.get(f"{QUEUE}?tab={tab}").context["rows"]) == 5
    add(25)
    with django_assert_max_num_queries(len(few)):
        assert len(client.get(f"{QUEUE}?tab={tab}").context["rows"]) == 30


# --- A complaint's page -----------------------------------------------------------------------


def test_page_shows_the_complaint_and_everything_linked(
    officer, customer, account, ticket, file_complaint
):
    complaint = file_complaint(
        ticket_references=[ticket.reference],
        transactions=["W-9"],
        known_transactions=["W-9"],
        conversation_id=42,
    )
    services.complaint_note(complaint=complaint, by=officer, text="Compliance hold, ask legal.")
    page = text(signed_in(officer).get(page_url(complaint)))
    assert "My withdrawal W-9 has been held for five days." in page
    assert "Release the withdrawal." in page
    assert reverse("tickets_console:ticket", args=[ticket.reference]) in page
    assert "500.00 USDT" in page and "Held" in page  # the transfer at the exchange
    assert "?chat=42" in page
    assert "Compliance hold, ask legal." in page
    assert "Internal: never shown to the customer" in page
    assert "officer@example.com" in page  # the note's author, and the officer assigned
    assert "Frozen" in page  # the customer 360
    assert 'data-testid="deadlines"' in page and "Acknowledge: due in" in page


def test_page_tolerates_the_exchange_being_down(officer, account, file_complaint, monkeypatch):
    complaint = file_complaint(transactions=["W-9"], known_transactions=["W-9"])

    class Down:
        def __getattr__(self, name):
            def fail(*args, **kwargs):
                raise ExchangeUnavailable("timeout")

            return fail

    monkeypatch.setattr("complaints.console_context.get_exchange", Down)
    monkeypatch.setattr("tickets.customer360.get_exchange", Down)
    response = signed_in(officer).get(page_url(complaint))
    assert response.status_code == 200
    assert "W-9" in text(response)
    assert "not answering" in text(response)


def test_page_offers_the_decision_letter_drafted_in_the_complaints_language(
    officer, file_complaint
):
    complaint = file_complaint(language="ja")
    services.complaint_acknowledge(complaint=complaint, by=officer)
    response = signed_in(officer).get(page_url(complaint))
    letter = response.context["forms"]["decide"].initial["letter"]
    assert complaint.reference in letter
    assert "年" in letter  # the appeal deadline, written the Japanese way
    assert set(response.context["drafts"]["decide"]) == {"upheld", "partly_upheld", "rejected"}


def test_letter_drafts_follow_the_complaint_not_the_reader(officer, file_complaint):
    japanese, english = file_complaint(language="ja"), file_complaint(language="en")
    for outcome in ("upheld", "partly_upheld", "rejected"):
        draft = letters.decision_draft(japanese, outcome)
        assert japanese.reference in draft and "年" in draft
        assert "年" not in letters.decision_draft(english, outcome)
    for outcome in ("upheld", "overturned", "modified"):
        assert japanese.reference in letters.appeal_draft(japanese, outcome)


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def test_staff_download_a_complaints_files_as_attachments(officer, agent, file_complaint):
    upload = SimpleUploadedFile("held.png", PNG, content_type="image/png")
    complaint = file_complaint(uploads=[upload])
    other = file_complaint()
    attachment = complaint.attachments.get()
    url = reverse("complaints_console:attachment", args=[complaint.reference, attachment.pk])
    assert url in text(signed_in(officer).get(page_url(complaint)))
    response = signed_in(officer).get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == PNG
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    elsewhere = reverse("complaints_console:attachment", args=[other.reference, attachment.pk])
    assert signed_in(officer).get(elsewhere).status_code == 404
    assert signed_in(agent).get(url).status_code == 403


# --- Independence in the console --------------------------------------------------------------


def test_officer_the_complaint_is_about_sees_the_reason_instead_of_the_actions(
    officer, file_complaint
):
    complaint = file_complaint()
    complaint.about_staff.add(officer)
    response = signed_in(officer).get(page_url(complaint))
    assert "This complaint is about you" in text(response)
    assert "acknowledge" not in response.context["forms"]
    assert 'data-testid="action-acknowledge"' not in text(response)


def test_forged_post_by_the_officer_it_is_about_is_403_with_the_reason(officer, file_complaint):
    complaint = file_complaint()
    complaint.about_staff.add(officer)
    response = post(signed_in(officer), "acknowledge", complaint, version=complaint.version)
    assert response.status_code == 403
    assert "This complaint is about you" in text(response)
    after = fresh(complaint)
    assert (after.stage, after.officer_id, after.version) == (Stage.SUBMITTED, None, 1)


@pytest.fixture
def dual(officer):
    """The officer, who is an appeal reviewer too (so only independence stands in the way)."""
    officer.groups.add(Group.objects.get(name=Role.APPEAL_REVIEWER))
    return get_user_model().objects.get(pk=officer.pk)  # permissions read afresh


@pytest.fixture
def appealed(dual, customer, file_complaint):
    complaint = file_complaint()
    services.complaint_acknowledge(complaint=complaint, by=dual)
    services.complaint_decide(complaint=complaint, by=dual, outcome="rejected", reason="An order.")
    services.appeal_submit(complaint=complaint, customer=customer, grounds="There was none.")
    return fresh(complaint)


def test_original_officer_sees_why_they_cannot_review_the_appeal(dual, appealed):
    response = signed_in(dual).get(page_url(appealed))
    assert "You acted on this complaint before its appeal" in text(response)
    assert "appeal_take" not in response.context["forms"]
    assert "appeal_decide" not in response.context["forms"]


@pytest.mark.parametrize("action", ["appeal_take", "appeal_decide", "message", "note"])
def test_forged_appeal_post_by_the_original_officer_is_403_and_changes_nothing(
    dual, appealed, action
):
    events, messages = appealed.events.count(), appealed.messages.count()
    data = {"outcome": "overturned", "reason": "Mine.", "letter": "Mine.", "text": "Hi."}
    response = post(signed_in(dual), action, appealed, **data)
    assert response.status_code == 403
    assert "You acted on this complaint before its appeal" in text(response)
    after = fresh(appealed)
    assert after.stage == Stage.APPEALED and after.appeal.reviewer_id is None
    assert (after.events.count(), after.messages.count()) == (events, messages)


def test_admin_overrides_the_rule_with_a_written_reason(admin_user, file_complaint):
    complaint = file_complaint()
    complaint.about_staff.add(admin_user)
    client = signed_in(admin_user)
    form = client.get(page_url(complaint)).context["forms"]["acknowledge"]
    assert "override" in form.fields
    data = {"version": complaint.version, "override": "Only officer on shift; reviewed later."}
    assert post(client, "acknowledge", complaint, **data).status_code == 302
    assert fresh(complaint).stage == Stage.ACKNOWLEDGED
    override = complaint.events.get(kind=ComplaintEvent.Kind.OVERRIDE)
    assert "Only officer on shift" in override.reason and override.actor == admin_user


def test_an_override_from_someone_not_an_admin_is_refused(officer, file_complaint):
    complaint = file_complaint()
    complaint.about_staff.add(officer)
    response = post(signed_in(officer), "acknowledge", complaint, version=1, override="Trust me.")
    assert response.status_code == 403
    assert fresh(complaint).stage == Stage.SUBMITTED
    assert not complaint.events.filter(kind=ComplaintEvent.Kind.OVERRIDE).exists()


# --- The customer 360 panel -------------------------------------------------------------------


def test_360_panel_lists_the_customers_complaints_for_complaints_staff(
    officer, agent, customer, other_customer, file_complaint
):
    mine = file_complaint()
    file_complaint(customer=other_customer)
    rows = customer_complaints(customer, officer)
    assert [row["reference"] for row in rows] == [mine.reference]
    assert rows[0]["subject"] == "Withdrawal or deposit delay"
    assert rows[0]["status"] == "Submitted"
    assert rows[0]["url"] == page_url(mine)
    assert customer_complaints(customer, agent) == []
    assert customer_complaints(customer, None) == []


def test_ticket_page_360_shows_complaints_to_officers_only(officer, agent, ticket, file_complaint):
    complaint = file_complaint()
    url = reverse("tickets_console:ticket", args=[ticket.reference])
    assert page_url(complaint) in text(signed_in(officer).get(url))
    assert complaint.reference not in text(signed_in(agent).get(url))


# --- Raised from a ticket ---------------------------------------------------------------------


def test_agent_raises_a_complaint_from_a_ticket(agent, customer, ticket):
    client = signed_in(agent)
    ticket_page = text(client.get(reverse("tickets_console:ticket", args=[ticket.reference])))
    form_url = reverse("complaints_console:raise", args=[ticket.reference])
    assert form_url in ticket_page
    data = {
        "category": "transfer_delay",
        "description": "The customer's withdrawal has been held for a week.",
        "desired_outcome": "Release it.",
        "language": "ko",
    }
    response = client.post(form_url, data)
    assert response.status_code == 302
    complaint = Complaint.objects.get()
    assert (complaint.customer, complaint.source, complaint.raised_by) == (
        customer,
        Source.TICKET,
        agent,
    )
    assert list(complaint.tickets.all()) == [ticket]
    assert complaint.language == "ko"
    assert complaint.reference in text(client.get(response["Location"]))  # the message


def test_raising_needs_a_ticket_the_agent_may_see_and_the_text(agent, customer, ticket):
    client = signed_in(agent)
    assert client.get(reverse("complaints_console:raise", args=["T-999999"])).status_code == 404
    form_url = reverse("complaints_console:raise", args=[ticket.reference])
    response = client.post(form_url, {"category": "fees", "description": "", "language": "en"})
    assert response.status_code == 400
    assert not Complaint.objects.exists()


def test_customer_cannot_raise_a_complaint_through_the_console(customer, ticket):
    url = reverse("complaints_console:raise", args=[ticket.reference])
    response = signed_in(customer).post(url, fields("x") | {"description": "x"})
    assert response.status_code == 403
    assert not Complaint.objects.exists()
