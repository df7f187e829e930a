"""The relationship survey (NPS): a random sample of customers active in the last 90 days,
each asked at most once a quarter (a unique customer + quarter: a second sample in the same
quarter inserts nothing for them). Active means a ticket of theirs was created or changed in
the window (tickets only: chat-only customers are not sampled). The survey sweep sends them.
"""

from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef

from tickets.models import Ticket
from tickets.survey_models import NpsInvitation

ACTIVE_DAYS = 90


def quarter_of(moment: datetime) -> str:
    return f"{moment.year}Q{(moment.month - 1) // 3 + 1}"


def nps_sample(*, now: datetime, size: int) -> int:
    """Schedule NPS invitations for up to `size` randomly chosen active customers not yet
    asked this quarter; returns how many were scheduled."""
    quarter = quarter_of(now)
    active = Ticket.objects.filter(
        customer=OuterRef("pk"), updated_at__gte=now - timedelta(days=ACTIVE_DAYS)
    )
    asked = NpsInvitation.objects.filter(customer=OuterRef("pk"), quarter=quarter)
    people = (
        get_user_model()
        .objects.filter(Exists(active), customer_profile__isnull=False, is_active=True)
        .exclude(email="")
        .exclude(Exists(asked))
        .select_related("customer_profile")
        .order_by("?")[:size]
    )
    invitations = [
        NpsInvitation(
            customer=person,
            quarter=quarter,
            email=person.email,
            language=person.customer_profile.preferred_language or "en",
            send_at=now,
            next_at=now,
        )
        for person in people
    ]
    return len(NpsInvitation.objects.bulk_create(invitations, ignore_conflicts=True))
