"""The whole path once, through the services: filed, acknowledged, decided, appealed and
overturned by an independent reviewer; each step emails the customer once."""

import pytest

from complaints import services
from complaints.errors import NotIndependent
from complaints.models import ComplaintDeadline, Stage
from support.models import OutboxEmail


def test_complaint_runs_from_filing_to_final_decision(
    file_complaint, officer, reviewer, customer, django_capture_on_commit_callbacks
):
    complaint = file_complaint()
    assert complaint.reference.startswith("C-") and len(complaint.reference) == 8
    assert complaint.stage == Stage.SUBMITTED
    assert ComplaintDeadline.objects.filter(complaint=complaint).count() == 2
    services.complaint_acknowledge(complaint=complaint, by=officer)
    services.complaint_decide(
        complaint=complaint, by=officer, outcome="rejected", reason="The hold was a legal order."
    )
    services.appeal_submit(complaint=complaint, customer=customer, grounds="There was no order.")
    with pytest.raises(NotIndependent):
        services.appeal_take(complaint=complaint, by=officer)
    services.appeal_decide(
        complaint=complaint, by=reviewer, outcome="overturned", reason="No order was on file."
    )
    complaint.refresh_from_db()
    assert complaint.stage == Stage.CLOSED
    subjects = list(OutboxEmail.objects.filter(to=customer.email).values_list("subject", flat=True))
    assert len(subjects) == 5, subjects
