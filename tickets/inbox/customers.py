"""Customer search and the customer page of the console.

Staff with the console find a customer by an identifier (ticket reference, email, exchange
account id) on indexes, and by name when no identifier matches. A customer's page shows only
the tickets the agent may see (Ticket.objects.visible_to): a restricted team's tickets stay with
its people, and a reference search never leads an outsider to the customer of such a ticket.
Phone numbers are not stored by any channel yet, so there is nothing to search by phone.
"""

import re

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Q, QuerySet
from django.http import Http404

from tickets.inbox.filters import MAX_ID
from tickets.models import Channel, Ticket

MAX_RESULTS = 20
REFERENCE_RE = re.compile(r"^T-\d{1,12}$", re.IGNORECASE)


def _customers() -> QuerySet:
    return (
        get_user_model()
        .objects.filter(customer_profile__isnull=False)
        .select_related("customer_profile")
    )


def customer_search(*, user: AbstractBaseUser, query: str) -> list:
    """Customers matching `query`: the customer of a ticket reference `user` may see; an exact
    exchange account id or email, or the start of an email; else every word in the name."""
    query = " ".join(query.split())[:200]
    if not query:
        return []
    if REFERENCE_RE.match(query):
        tickets = Ticket.objects.visible_to(user).filter(reference=query.upper())
        return list(_customers().filter(pk__in=tickets.values("customer_id"))[:1])
    # Each identifier on its own index (an OR across the user and profile tables would read
    # both whole): the exchange account id, then the address or its start (usernames are the
    # lower-cased address, intake.py).
    found = list(_customers().filter(customer_profile__exchange_account_id=query)[:1])
    if not found and " " not in query:
        by_address = _customers().filter(username__startswith=query.lower())
        found = list(by_address.order_by("username")[:MAX_RESULTS])
    if found or "@" in query:
        return found
    by_name = Q()
    for word in query.split()[:4]:
        by_name &= Q(first_name__icontains=word) | Q(last_name__icontains=word)
    return list(_customers().filter(by_name).order_by("username")[:MAX_RESULTS])


def customer_get_for_user(*, user: AbstractBaseUser, pk: int):
    """A customer (a person with a customer profile) for the console; Http404 for anyone else.
    Callers have checked that `user` may use the console."""
    customer = _customers().filter(pk=pk).first() if pk <= MAX_ID else None
    if customer is None:
        raise Http404
    return customer


def customer_tickets(
    *, customer: AbstractBaseUser, user: AbstractBaseUser, before: int | None, size: int = 50
) -> list[Ticket]:
    """A page of the customer's tickets `user` may see, newest first (ticket_customer index)."""
    tickets = Ticket.objects.visible_to(user).filter(customer=customer)
    if before:
        tickets = tickets.filter(id__lt=before)
    return list(tickets.select_related("assignee", "team").order_by("-id")[:size])


def customer_channels(
    *, customer: AbstractBaseUser, user: AbstractBaseUser, chats: bool
) -> list[str]:
    """The channels the customer used, as labels: their tickets' channels (those `user` may
    see), and live chat when the chat panel lists any chat."""
    used = set(
        Ticket.objects.visible_to(user)
        .filter(customer=customer)
        .order_by()
        .values_list("channel", flat=True)
        .distinct()
    )
    if chats:
        used.add(Channel.CHAT)
    return [label for value, label in Channel.choices if value in used]
