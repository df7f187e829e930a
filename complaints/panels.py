"""The customer 360's complaints panel: the customer's latest complaints, for complaints staff.

Agents and anyone else without a complaints permission get no rows: that a customer complained
is not theirs to read (complaints.selectors decides who is complaints staff).
"""

from django.contrib.auth.models import AbstractBaseUser
from django.urls import reverse

from complaints.models import Complaint
from complaints.selectors import is_complaints_staff

PANEL_ROWS = 10


def customer_complaints(
    customer: AbstractBaseUser, viewer: AbstractBaseUser | None = None
) -> list[dict]:
    """Rows like the other panels': reference, category (subject), stage (status), date, and
    the console page of each."""
    if viewer is None or not is_complaints_staff(viewer):
        return []
    complaints = Complaint.objects.filter(customer=customer).order_by("-id")[:PANEL_ROWS]
    page = reverse("complaints_console:queue") + "{}/"  # complaints_console:complaint
    return [
        {
            "reference": complaint.reference,
            "subject": complaint.get_category_display(),
            "status": complaint.get_stage_display(),
            "created_at": complaint.created_at,
            "url": page.format(complaint.reference),
        }
        for complaint in complaints
    ]
