"""A merge of two customers (tickets.identities) moves their complaints too."""

from complaints.models import Complaint
from tickets.identities.registry import move_rows, register_customer_mover


def move_complaints(source, target, ids: list[int] | None = None) -> list[int]:
    return move_rows(Complaint.objects.all(), source=source, target=target, ids=ids)


def register() -> None:
    register_customer_mover("complaints", move_complaints)
