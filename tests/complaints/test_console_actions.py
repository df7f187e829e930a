"""Each console action through HTTP: what it changes, the event it writes, and how a refusal
reads (a message on the page with what was typed kept; a stale page told to reload)."""

import pytest
from django.contrib.auth.models import Group

from complaints import services
from complaints.models import ComplaintEvent, ComplaintMessage, Stage
from support.models import OutboxEmail
from support.roles import Role
from tests.complaints.console_helpers import fresh, page_url, post, signed_in, text

Kind = ComplaintEvent.Kind


def kinds(complaint) -> list[str]:
    return list(complaint.events.order_by("id").values_list("kind", flat=True))


@pytest.fixture
def acknowledged(officer, file_complaint):
    complaint = file_complaint()
    services.complaint_acknowledge(complaint=complaint, by=officer)
    return fresh(complaint)


def test_assign_to_me(officer, file_complaint):
    complaint = file_complaint()
    response = post(signed_in(officer), "take", complaint)
    assert response.status_code == 302 and response["Location"] == page_url(complaint)
    assert fresh(complaint).officer == officer
    event = complaint.events.get(kind=Kind.ASSIGNED)
    assert (event.actor, event.person) == (officer, officer)


def test_supervisor_assigns_an_officer(supervisor, second_officer, file_complaint):
    complaint = file_complaint()
    response = post(signed_in(supervisor), "assign", complaint, officer=second_officer.pk)
    assert response.status_code == 302
    assert fresh(complaint).officer == second_officer
    event = complaint.events.get(kind=Kind.ASSIGNED)
    assert (event.actor, event.person) == (supervisor, second_officer)


def test_an_officer_cannot_assign_someone_else(officer, second_officer, file_complaint):
    complaint = file_complaint()
    assert "assign" not in signed_in(officer).get(page_url(complaint)).context["forms"]
    response = post(signed_in(officer), "assign", complaint, officer=second_officer.pk)
    assert response.status_code == 403
    assert fresh(complaint).officer is None


def test_acknowledge_emails_the_customer(officer, customer, file_complaint):
    complaint = file_complaint()
    response = post(signed_in(officer), "acknowledge", complaint, version=complaint.version)
    assert response.status_code == 302
    after = fresh(complaint)
    assert after.stage == Stage.ACKNOWLEDGED and after.officer == officer
    assert kinds(complaint)[-1] == Kind.STAGE
    assert OutboxEmail.objects.filter(dedupe_key=f"complaint:{complaint.pk}:acknowledged").exists()


def test_acknowledge_from_a_stale_page_is_refused_and_reloaded(
    officer, second_officer, file_complaint
):
    complaint = file_complaint()
    stale = complaint.version
    services.complaint_assign(complaint=complaint, officer=second_officer, by=second_officer)
    response = post(signed_in(officer), "acknowledge", complaint, version=stale)
    assert response.status_code == 409
    assert "changed by someone else" in text(response)
    after = fresh(complaint)
    assert after.stage == Stage.SUBMITTED and after.officer == second_officer
    form = response.context["forms"]["acknowledge"]
    assert form.initial["version"] == after.version  # the page as it is now


def test_start_investigating(officer, acknowledged):
    response = post(signed_in(officer), "investigate", acknowledged, version=acknowledged.version)
    assert response.status_code == 302
    assert fresh(acknowledged).stage == Stage.INVESTIGATING
    event = acknowledged.events.order_by("id").last()
    assert (event.kind, event.from_stage, event.to_stage) == (
        Kind.STAGE,
        Stage.ACKNOWLEDGED,
        Stage.INVESTIGATING,
    )


def test_request_information_pauses_the_clock(officer, acknowledged):
    response = post(signed_in(officer), "request", acknowledged, text="Send the bank statement.")
    assert response.status_code == 302
    after = fresh(acknowledged)
    assert after.stage == Stage.WAITING_ON_CUSTOMER and after.paused_at is not None
    message = after.messages.get()
    assert (message.kind, message.body) == (
        ComplaintMessage.Kind.REQUEST,
        "Send the bank statement.",
    )
    page = text(signed_in(officer).get(page_url(acknowledged)))
    assert "Clock paused" in page


def test_message_the_customer(officer, acknowledged):
    assert (
        post(signed_in(officer), "message", acknowledged, text="We are on it.").status_code == 302
    )
    message = acknowledged.messages.get()
    assert (message.kind, message.author) == (ComplaintMessage.Kind.OFFICER, officer)
    assert OutboxEmail.objects.filter(
        dedupe_key=f"complaint:{acknowledged.pk}:message:{message.pk}"
    ).exists()


def test_internal_note_is_marked_internal_and_not_emailed(officer, acknowledged):
    emails = OutboxEmail.objects.count()
    assert post(signed_in(officer), "note", acknowledged, text="Legal hold?").status_code == 302
    note = acknowledged.messages.get()
    assert note.kind == ComplaintMessage.Kind.NOTE
    assert OutboxEmail.objects.count() == emails
    page = text(signed_in(officer).get(page_url(acknowledged)))
    assert "Internal: never shown to the customer" in page and "Legal hold?" in page


def test_empty_text_is_refused_with_a_message(officer, acknowledged):
    response = post(signed_in(officer), "message", acknowledged, text="   ")
    assert response.status_code == 400
    assert not acknowledged.messages.exists()


def test_root_causes(officer, acknowledged):
    client = signed_in(officer)
    response = client.post(
        f"{page_url(acknowledged)}root-causes/",
        {"root_causes-causes": ["system", "communication"]},
    )
    assert response.status_code == 302
    assert fresh(acknowledged).root_causes == ["system", "communication"]
    event = acknowledged.events.get(kind=Kind.TAGS)
    assert event.actor == officer
    page = text(client.get(page_url(acknowledged)))
    assert "System fault, Unclear communication" in page


def test_root_causes_from_outside_the_list_are_refused(officer, acknowledged):
    response = post(signed_in(officer), "root_causes", acknowledged, causes="bad luck")
    assert response.status_code == 400
    assert fresh(acknowledged).root_causes == []


def decision(**values) -> dict:
    values.setdefault("outcome", "upheld")
    values.setdefault("reason", "The hold had no legal basis.")
    values.setdefault("remedy", "We release the withdrawal today.")
    values.setdefault("letter", "We uphold your complaint: the hold had no basis.")
    return values


def test_decide_sends_the_letter(officer, acknowledged):
    data = decision(version=acknowledged.version)
    response = post(signed_in(officer), "decide", acknowledged, **data)
    assert response.status_code == 302
    after = fresh(acknowledged)
    assert (after.stage, after.outcome, after.decided_by) == (Stage.DECIDED, "upheld", officer)
    assert after.remedy == "We release the withdrawal today."
    letter = after.messages.get(kind=ComplaintMessage.Kind.LETTER)
    assert letter.body == "We uphold your complaint: the hold had no basis."
    assert kinds(after)[-1] == Kind.STAGE


def test_decide_without_a_reason_keeps_what_was_typed(officer, acknowledged):
    data = decision(reason="", letter="My carefully written letter.")
    response = post(signed_in(officer), "decide", acknowledged, **data)
    assert response.status_code == 400
    assert "My carefully written letter." in text(response)
    assert fresh(acknowledged).stage == Stage.ACKNOWLEDGED


def test_decide_refuses_a_letter_still_holding_the_drafts_brackets(officer, acknowledged):
    client = signed_in(officer)
    draft = client.get(page_url(acknowledged)).context["forms"]["decide"].initial["letter"]
    response = post(client, "decide", acknowledged, **decision(letter=draft))
    assert response.status_code == 400
    assert "Replace the bracketed parts" in text(response)
    assert fresh(acknowledged).stage == Stage.ACKNOWLEDGED


def test_decide_in_a_stage_that_does_not_allow_it_is_a_message(officer, file_complaint):
    complaint = file_complaint()  # submitted: acknowledge first
    response = post(signed_in(officer), "decide", complaint, **decision())
    assert response.status_code == 409
    assert "cannot move from Submitted to Decided" in text(response)
    assert fresh(complaint).stage == Stage.SUBMITTED


@pytest.fixture
def appealed(officer, customer, acknowledged):
    services.complaint_decide(complaint=acknowledged, by=officer, outcome="rejected", reason="No.")
    services.appeal_submit(complaint=acknowledged, customer=customer, grounds="Look again.")
    return fresh(acknowledged)


def test_reviewer_takes_and_decides_the_appeal(reviewer, appealed):
    client = signed_in(reviewer)
    assert post(client, "appeal_take", appealed).status_code == 302
    after = fresh(appealed)
    assert after.stage == Stage.UNDER_APPEAL_REVIEW and after.appeal.reviewer == reviewer
    assert appealed.events.filter(kind=Kind.REVIEWER, person=reviewer).exists()
    letter = client.get(page_url(appealed)).context["forms"]["appeal_decide"].initial["letter"]
    assert appealed.reference in letter
    data = decision(outcome="overturned", letter="We overturn the decision.")
    assert post(client, "appeal_decide", appealed, **data).status_code == 302
    after = fresh(appealed)
    assert after.stage == Stage.CLOSED
    assert (after.appeal.outcome, after.appeal.reviewer) == ("overturned", reviewer)
    assert after.messages.filter(body="We overturn the decision.").exists()


def test_supervisor_assigns_the_appeals_reviewer(supervisor, reviewer, appealed):
    response = post(signed_in(supervisor), "appeal_assign", appealed, reviewer=reviewer.pk)
    assert response.status_code == 302
    assert fresh(appealed).appeal.reviewer == reviewer
    event = appealed.events.get(kind=Kind.REVIEWER)
    assert (event.actor, event.person) == (supervisor, reviewer)


def test_supervisor_assigning_the_original_officer_as_reviewer_is_403(
    supervisor, officer, appealed
):
    officer.groups.add(Group.objects.get(name=Role.APPEAL_REVIEWER))
    response = post(signed_in(supervisor), "appeal_assign", appealed, reviewer=officer.pk)
    assert response.status_code == 403
    assert "You acted on this complaint before its appeal" in text(response)
    assert fresh(appealed).appeal.reviewer is None


def test_get_on_an_action_is_not_allowed(officer, acknowledged):
    response = signed_in(officer).get(f"{page_url(acknowledged)}decide/")
    assert response.status_code == 405


@pytest.mark.parametrize("action", ["appeal_take", "appeal_assign", "appeal_decide"])
def test_appeal_actions_on_a_complaint_without_an_appeal_are_a_message(
    admin_user, reviewer, acknowledged, action
):
    data = decision(outcome="overturned", reviewer=reviewer.pk)
    response = post(signed_in(admin_user), action, acknowledged, **data)
    assert response.status_code == 409
    assert "cannot move from Acknowledged" in text(response)
    assert fresh(acknowledged).stage == Stage.ACKNOWLEDGED
