"""Bring a complaint to a stage through the services, as its people would.

The final-decision stage lasts only inside `appeal_decide` (it closes the complaint in the same
transaction); a test that needs a complaint resting in it sets the stage after the review.
"""

from complaints import services
from complaints.models import Complaint, Stage

# The path the services take to reach each stage from a new complaint.
PATHS: dict[str, tuple[str, ...]] = {
    Stage.SUBMITTED: (),
    Stage.ACKNOWLEDGED: ("acknowledge",),
    Stage.INVESTIGATING: ("acknowledge", "investigate"),
    Stage.WAITING_ON_CUSTOMER: ("acknowledge", "investigate", "request"),
    Stage.DECIDED: ("acknowledge", "investigate", "decide"),
    Stage.APPEALED: ("acknowledge", "investigate", "decide", "appeal"),
    Stage.UNDER_APPEAL_REVIEW: ("acknowledge", "investigate", "decide", "appeal", "take"),
    Stage.FINAL_DECISION: ("acknowledge", "investigate", "decide", "appeal", "take", "final"),
    Stage.CLOSED: ("withdraw",),
}


def advance(complaint: Complaint, step: str, *, officer, reviewer, outcome: str = "upheld"):
    customer = complaint.customer
    match step:
        case "acknowledge":
            services.complaint_acknowledge(complaint=complaint, by=officer)
        case "investigate":
            services.complaint_investigate(complaint=complaint, by=officer)
        case "request":
            services.complaint_request_information(
                complaint=complaint, by=officer, text="Send us the bank statement."
            )
        case "decide":
            services.complaint_decide(
                complaint=complaint, by=officer, outcome=outcome, reason="The hold was wrong."
            )
        case "appeal":
            services.appeal_submit(complaint=complaint, customer=customer, grounds="Too little.")
        case "take":
            services.appeal_take(complaint=complaint, by=reviewer)
        case "final":
            Complaint.objects.filter(pk=complaint.pk).update(stage=Stage.FINAL_DECISION)
        case "withdraw":
            services.complaint_withdraw(complaint=complaint, customer=customer, reason="Solved.")
    complaint.refresh_from_db()
    return complaint


def bring_to(complaint: Complaint, stage: str, *, officer, reviewer, outcome: str = "upheld"):
    for step in PATHS[stage]:
        complaint = advance(complaint, step, officer=officer, reviewer=reviewer, outcome=outcome)
    assert complaint.stage == stage
    return complaint
