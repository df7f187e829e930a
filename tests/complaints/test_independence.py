"""Who may act on a complaint, through the services: officers handle, an appeal goes to someone
who took no part in the original, nobody handles or reviews a complaint about themselves, and an
administrator may override either rule in writing, which is recorded."""

import pytest
from django.core.exceptions import PermissionDenied

from complaints import services
from complaints.errors import NotIndependent
from complaints.models import ComplaintEvent, Stage
from support.roles import Role
from tests.conftest import make_person


@pytest.fixture
def dual(db):
    """A colleague who is both a complaint officer and an appeal reviewer."""
    person = make_person("dual@example.com", Role.COMPLAINTS_OFFICER, languages=["en"])
    person.groups.add(person.groups.model.objects.get(name=Role.APPEAL_REVIEWER))
    return person


def _state(complaint) -> tuple:
    complaint.refresh_from_db()
    appeal = getattr(complaint, "appeal", None)
    return (
        complaint.stage,
        complaint.version,
        complaint.officer_id,
        complaint.events.count(),
        appeal.reviewer_id if appeal else None,
        appeal.outcome if appeal else None,
    )


def test_an_officer_handles_a_complaint_and_is_assigned_by_acting(file_complaint, officer):
    complaint = services.complaint_acknowledge(complaint=file_complaint(), by=officer)

    assert complaint.officer == officer
    [assigned] = ComplaintEvent.objects.filter(complaint=complaint, kind="assigned")
    assert (assigned.actor, assigned.person) == (officer, officer)


@pytest.mark.parametrize("who", ["agent", "reviewer", "customer"])
def test_only_complaint_officers_handle_complaints(who, request, file_complaint):
    person = request.getfixturevalue(who)
    complaint = file_complaint()
    before = _state(complaint)

    with pytest.raises(NotIndependent, match="Only complaint officers handle complaints"):
        services.complaint_acknowledge(complaint=complaint, by=person)

    assert _state(complaint) == before


def _assigned(complaint, dual, officer, supervisor):
    services.complaint_assign(complaint=complaint, officer=dual, by=supervisor)
    services.complaint_acknowledge(complaint=complaint, by=officer)
    services.complaint_decide(complaint=complaint, by=officer, outcome="rejected", reason="Ok.")


def _acknowledged(complaint, dual, officer, supervisor):
    services.complaint_acknowledge(complaint=complaint, by=dual)
    services.complaint_assign(complaint=complaint, officer=officer, by=supervisor)
    services.complaint_decide(complaint=complaint, by=officer, outcome="rejected", reason="Ok.")


def _decided(complaint, dual, officer, supervisor):
    services.complaint_acknowledge(complaint=complaint, by=officer)
    services.complaint_decide(complaint=complaint, by=dual, outcome="rejected", reason="Ok.")


def _wrote(complaint, dual, officer, supervisor):
    services.complaint_acknowledge(complaint=complaint, by=officer)
    services.complaint_message(complaint=complaint, by=dual, text="We are looking into it.")
    services.complaint_decide(complaint=complaint, by=officer, outcome="rejected", reason="Ok.")


def _noted(complaint, dual, officer, supervisor):
    services.complaint_acknowledge(complaint=complaint, by=officer)
    services.complaint_note(complaint=complaint, by=dual, text="Risk team froze it.")
    services.complaint_decide(complaint=complaint, by=officer, outcome="rejected", reason="Ok.")


@pytest.mark.parametrize(
    "took_part", [_assigned, _acknowledged, _decided, _wrote, _noted], ids=lambda f: f.__name__
)
def test_a_reviewer_who_took_part_in_the_original_may_not_take_or_decide_its_appeal(
    took_part, file_complaint, dual, officer, supervisor, customer
):
    complaint = file_complaint()
    took_part(complaint, dual, officer, supervisor)
    services.appeal_submit(complaint=complaint, customer=customer, grounds="No order existed.")
    before = _state(complaint)

    with pytest.raises(NotIndependent, match="reviewed by someone independent"):
        services.appeal_take(complaint=complaint, by=dual)
    with pytest.raises(NotIndependent, match="reviewed by someone independent"):
        services.appeal_decide(complaint=complaint, by=dual, outcome="upheld", reason="Fine.")
    with pytest.raises(NotIndependent):
        services.appeal_assign(complaint=complaint, reviewer=dual, by=supervisor)

    assert _state(complaint) == before


def test_an_independent_reviewer_takes_writes_and_decides_the_appeal(
    file_complaint, officer, reviewer, customer
):
    complaint = file_complaint()
    services.complaint_acknowledge(complaint=complaint, by=officer)
    services.complaint_decide(complaint=complaint, by=officer, outcome="rejected", reason="Ok.")
    services.appeal_submit(complaint=complaint, customer=customer, grounds="No order existed.")

    services.appeal_take(complaint=complaint, by=reviewer)
    services.complaint_message(complaint=complaint, by=reviewer, text="Reviewing the order.")
    with pytest.raises(NotIndependent):  # the original's officer stays out of the appeal
        services.complaint_message(complaint=complaint, by=officer, text="Let me explain.")
    appeal = services.appeal_decide(
        complaint=complaint, by=reviewer, outcome="overturned", reason="No order on file."
    )

    assert (appeal.reviewer, appeal.outcome) == (reviewer, "overturned")


def test_nobody_handles_a_complaint_about_themselves(
    file_complaint, officer, second_officer, supervisor
):
    complaint = file_complaint()
    complaint.about_staff.add(officer)
    before = _state(complaint)

    for attempt in (
        lambda: services.complaint_acknowledge(complaint=complaint, by=officer),
        lambda: services.complaint_assign(complaint=complaint, officer=officer, by=supervisor),
        lambda: services.complaint_note(complaint=complaint, by=officer, text="Not me."),
    ):
        with pytest.raises(NotIndependent, match="This complaint is about you"):
            attempt()

    assert _state(complaint) == before
    services.complaint_acknowledge(complaint=complaint, by=second_officer)


def test_nobody_reviews_an_appeal_about_themselves(file_complaint, officer, reviewer, customer):
    complaint = file_complaint()
    complaint.about_staff.add(reviewer)
    services.complaint_acknowledge(complaint=complaint, by=officer)
    services.complaint_decide(complaint=complaint, by=officer, outcome="rejected", reason="Ok.")
    services.appeal_submit(complaint=complaint, customer=customer, grounds="No order existed.")

    with pytest.raises(NotIndependent, match="someone else must review its appeal"):
        services.appeal_take(complaint=complaint, by=reviewer)


def test_an_admin_handles_a_complaint_about_them_with_a_written_reason_on_record(
    file_complaint, admin_user
):
    complaint = file_complaint()
    complaint.about_staff.add(admin_user)

    with pytest.raises(NotIndependent):
        services.complaint_acknowledge(complaint=complaint, by=admin_user)
    with pytest.raises(NotIndependent):
        services.complaint_acknowledge(complaint=complaint, by=admin_user, override="   ")
    assert not ComplaintEvent.objects.filter(complaint=complaint, kind="override").exists()

    services.complaint_acknowledge(
        complaint=complaint, by=admin_user, override="The only officer on duty over the holiday."
    )

    complaint.refresh_from_db()
    assert complaint.stage == Stage.ACKNOWLEDGED
    [override] = ComplaintEvent.objects.filter(complaint=complaint, kind="override")
    assert override.actor == admin_user
    assert override.reason.startswith("The only officer on duty over the holiday.\n(")
    assert "This complaint is about you" in override.reason


def test_an_admin_who_decided_reviews_the_appeal_only_with_a_written_reason(
    file_complaint, admin_user, customer
):
    complaint = file_complaint()
    services.complaint_acknowledge(complaint=complaint, by=admin_user)
    services.complaint_decide(complaint=complaint, by=admin_user, outcome="rejected", reason="Ok.")
    services.appeal_submit(complaint=complaint, customer=customer, grounds="No order existed.")

    with pytest.raises(NotIndependent):
        services.appeal_decide(complaint=complaint, by=admin_user, outcome="upheld", reason="Ok.")
    services.appeal_decide(
        complaint=complaint,
        by=admin_user,
        outcome="upheld",
        reason="Ok.",
        override="Every reviewer is on leave; the regulator's deadline is tomorrow.",
    )

    complaint.refresh_from_db()
    assert complaint.stage == Stage.CLOSED
    [override] = ComplaintEvent.objects.filter(complaint=complaint, kind="override")
    assert "independent" in override.reason


def test_an_override_written_by_someone_not_an_admin_counts_for_nothing(
    file_complaint, officer, reviewer, dual, customer
):
    complaint = file_complaint()
    complaint.about_staff.add(officer)
    with pytest.raises(NotIndependent):
        services.complaint_acknowledge(complaint=complaint, by=officer, override="Trust me.")

    services.complaint_acknowledge(complaint=complaint, by=dual)
    services.complaint_decide(complaint=complaint, by=dual, outcome="rejected", reason="Ok.")
    services.appeal_submit(complaint=complaint, customer=customer, grounds="No order existed.")
    services.appeal_take(complaint=complaint, by=reviewer)
    with pytest.raises(NotIndependent):
        services.appeal_decide(
            complaint=complaint, by=dual, outcome="upheld", reason="Ok.", override="Trust me."
        )
    assert not ComplaintEvent.objects.filter(complaint=complaint, kind="override").exists()


def test_a_reviewer_may_not_decide_an_appeal_another_reviewer_has(
    file_complaint, officer, reviewer, customer, admin_user
):
    other = make_person("reviewer2@example.com", Role.APPEAL_REVIEWER, languages=["en"])
    complaint = file_complaint()
    services.complaint_acknowledge(complaint=complaint, by=officer)
    services.complaint_decide(complaint=complaint, by=officer, outcome="rejected", reason="Ok.")
    services.appeal_submit(complaint=complaint, customer=customer, grounds="No order existed.")
    services.appeal_take(complaint=complaint, by=reviewer)

    for override in ("", "I am faster."):
        with pytest.raises(PermissionDenied):
            services.appeal_decide(
                complaint=complaint, by=other, outcome="upheld", reason="Ok.", override=override
            )
    services.appeal_decide(
        complaint=complaint, by=admin_user, outcome="upheld", reason="Ok.", override="Reviewer ill."
    )
    complaint.refresh_from_db()
    assert complaint.appeal.reviewer == admin_user
