"""The Django admin of complaints: deadline targets editable, complaints read-mostly, and the
officer and appeal reviewer changed only through the services, so the independence rule holds
here too (a refusal shows its reason and saves nothing; an override needs a written reason and
is recorded)."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from complaints import services
from complaints.models import ComplaintEvent, ComplaintTarget, Stage
from support.roles import Role
from tests.complaints.console_helpers import fresh, signed_in, text
from tests.conftest import make_person

Kind = ComplaintEvent.Kind


def change_url(complaint) -> str:
    return reverse("admin:complaints_complaint_change", args=[complaint.pk])


def form_data(client, url: str, **changes) -> dict:
    """What the admin's change form sends as it stands, with `changes` (field: value)."""
    response = client.get(url)
    assert response.status_code == 200
    data = {}
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        for form in [formset.management_form, *formset.forms]:
            for name in form.fields:
                value = form[name].value()
                if value is not None:
                    data[form.add_prefix(name)] = value if not hasattr(value, "pk") else value.pk
    form = response.context["adminform"].form
    for name in form.fields:
        value = form[name].value()
        if value is not None:
            data[name] = value
    data.update(changes)
    return data


def save(client, complaint, **changes):
    url = change_url(complaint)
    return client.post(url, form_data(client, url, **changes))


@pytest.fixture
def admin_client_(admin_user):
    return signed_in(admin_user)


def test_admin_lists_and_finds_complaints_by_reference(admin_client_, file_complaint):
    first, second = file_complaint(), file_complaint()
    listing = reverse("admin:complaints_complaint_changelist")
    page = text(admin_client_.get(listing))
    assert first.reference in page and second.reference in page
    found = text(admin_client_.get(listing, {"q": second.reference}))
    assert second.reference in found and first.reference not in found
    filtered = text(admin_client_.get(listing, {"stage__exact": "closed"}))
    assert first.reference not in filtered


def test_admin_cannot_add_delete_or_move_a_complaint(admin_client_, officer, file_complaint):
    complaint = file_complaint()
    assert admin_client_.get(reverse("admin:complaints_complaint_add")).status_code == 403
    delete = reverse("admin:complaints_complaint_delete", args=[complaint.pk])
    assert admin_client_.post(delete, {"post": "yes"}).status_code == 403
    response = save(admin_client_, complaint, stage="closed", officer=officer.pk)
    assert response.status_code == 302
    after = fresh(complaint)
    assert after.stage == Stage.SUBMITTED  # the stage is read-only; the officer was changed
    assert after.officer == officer


def test_changing_the_officer_goes_through_the_service(
    admin_client_, admin_user, officer, file_complaint
):
    complaint = file_complaint()
    assert save(admin_client_, complaint, officer=officer.pk).status_code == 302
    event = complaint.events.get(kind=Kind.ASSIGNED)
    assert (event.actor, event.person) == (admin_user, officer)


def test_a_refused_officer_shows_the_reason_and_saves_nothing(
    admin_client_, officer, file_complaint
):
    complaint = file_complaint()
    complaint.about_staff.add(officer)
    response = save(admin_client_, complaint, officer=officer.pk)
    assert response.status_code == 200
    assert "This complaint is about you" in text(response)
    assert fresh(complaint).officer is None
    assert not complaint.events.filter(kind__in=[Kind.ASSIGNED, Kind.OVERRIDE]).exists()


def test_admin_overrides_with_a_written_reason_which_is_recorded(
    admin_client_, admin_user, officer, file_complaint
):
    complaint = file_complaint()
    complaint.about_staff.add(officer)
    reason = "The complaint names the officer by mistake; checked with the customer."
    assert save(admin_client_, complaint, officer=officer.pk, override=reason).status_code == 302
    assert fresh(complaint).officer == officer
    override = complaint.events.get(kind=Kind.OVERRIDE)
    assert override.actor == admin_user and reason in override.reason
    assert "This complaint is about you" in override.reason  # the rule it overrode


def test_a_service_refusal_at_saving_is_an_error_message(admin_client_, officer, file_complaint):
    complaint = file_complaint()
    services.complaint_acknowledge(complaint=complaint, by=officer)
    services.complaint_decide(complaint=complaint, by=officer, outcome="rejected", reason="No.")
    other = make_person("late@example.com", Role.COMPLAINTS_OFFICER)
    response = save(admin_client_, complaint, officer=other.pk)
    assert response.status_code == 302
    page = text(admin_client_.get(response["Location"]))
    assert "cannot move from Decided" in page
    assert fresh(complaint).officer == officer
    assert complaint.events.filter(kind=Kind.ASSIGNED).count() == 1  # the first, by acting


@pytest.fixture
def appealed(officer, customer, file_complaint):
    officer.groups.add(Group.objects.get(name=Role.APPEAL_REVIEWER))
    complaint = file_complaint()
    services.complaint_acknowledge(complaint=complaint, by=officer)
    services.complaint_decide(complaint=complaint, by=officer, outcome="rejected", reason="No.")
    services.appeal_submit(complaint=complaint, customer=customer, grounds="Look again.")
    return fresh(complaint)


def test_appeal_reviewer_change_keeps_the_first_officer_out(admin_client_, officer, appealed):
    response = save(admin_client_, appealed, appeal_reviewer=officer.pk)
    assert response.status_code == 200
    assert "You acted on this complaint before its appeal" in text(response)
    assert fresh(appealed).appeal.reviewer is None
    assert fresh(appealed).stage == Stage.APPEALED


def test_appeal_reviewer_set_through_the_service(admin_client_, admin_user, reviewer, appealed):
    assert save(admin_client_, appealed, appeal_reviewer=reviewer.pk).status_code == 302
    after = fresh(appealed)
    assert after.appeal.reviewer == reviewer and after.stage == Stage.UNDER_APPEAL_REVIEW
    event = appealed.events.get(kind=Kind.REVIEWER)
    assert (event.actor, event.person) == (admin_user, reviewer)


def test_deadline_targets_are_edited_in_the_admin(admin_client_):
    target = ComplaintTarget.objects.get(target="acknowledge")
    url = reverse("admin:complaints_complainttarget_change", args=[target.pk])
    data = {"target": "acknowledge", "amount": 12, "unit": "hours", "warn_before_hours": 2}
    assert admin_client_.post(url, data).status_code == 302
    target.refresh_from_db()
    assert (target.amount, target.warn_before_hours) == (12, 2)
