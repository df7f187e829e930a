"""Bulk actions on the rows an agent selected in the inbox.

Each ticket is read through ticket_get_for_user (what the agent may not see is refused like a
missing one) and changed by the ticket's own service in its own transaction, with the version
the agent's page showed: one refusal never undoes the others, and a ticket someone changed
meanwhile is refused, not overwritten. The outcome lists what changed and, for each other
ticket, why not, in the agent's language.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext as _

from support.models import Team
from tickets.errors import TicketError
from tickets.links import ticket_link_incident, ticket_merge
from tickets.models import Ticket
from tickets.selectors import ticket_get_for_user
from tickets.services import lock_ticket, ticket_assign, ticket_set_tags, ticket_transition

MAX_SELECTED = 100
SELECTED_RE = re.compile(r"^(T-\d{1,12})(?::(\d{1,9}))?$", re.IGNORECASE)


class BulkInvalid(ValueError):
    """A request that names no ticket or asks for something impossible as a whole (a 400)."""


@dataclass(frozen=True)
class Selected:
    reference: str
    version: int | None


@dataclass
class BulkOutcome:
    changed: list[str] = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)


def parse_selection(values: list[str]) -> list[Selected]:
    """Selected rows as the inbox sends them, "T-001000:3" (reference and version)."""
    selected: dict[str, Selected] = {}
    for value in values:
        match = SELECTED_RE.match(value.strip())
        if match is None:
            raise BulkInvalid(_("The selection could not be read; reload the page."))
        reference, version = match[1].upper(), match[2]
        selected[reference] = Selected(reference, int(version) if version else None)
    if not selected:
        raise BulkInvalid(_("Select at least one ticket."))
    if len(selected) > MAX_SELECTED:
        raise BulkInvalid(_("Select at most %(limit)s tickets at once.") % {"limit": MAX_SELECTED})
    return list(selected.values())


Change = Callable[[Ticket, int | None], object]


def bulk_apply(*, user: AbstractBaseUser, selection: list[Selected], change: Change) -> BulkOutcome:
    """`change(ticket, version)` for each selected ticket `user` may see, each on its own."""
    outcome = BulkOutcome()
    for item in selection:
        try:
            change(ticket_get_for_user(user=user, reference=item.reference), item.version)
        except Http404:
            outcome.refused.append((item.reference, _("No such ticket, or not one you may see.")))
        except TicketError as error:
            outcome.refused.append((item.reference, str(error)))
        except PermissionDenied:
            outcome.refused.append((item.reference, _("You are not allowed to do that.")))
        else:
            outcome.changed.append(item.reference)
    return outcome


def bulk_assign(
    *,
    user: AbstractBaseUser,
    selection: list[Selected],
    agent: AbstractBaseUser | None,
    team: Team | None,
) -> BulkOutcome:
    """Give the tickets to `agent` (None: nobody), and to `team` when given. A restricted
    team's ticket is refused for an agent who may not read it (AssigneeCannotRead)."""

    def change(ticket: Ticket, version: int | None) -> None:
        ticket_assign(ticket=ticket, agent=agent, team=team, by=user, version=version)

    return bulk_apply(user=user, selection=selection, change=change)


def bulk_tag(
    *,
    user: AbstractBaseUser,
    selection: list[Selected],
    add: tuple[str, ...],
    remove: tuple[str, ...],
) -> BulkOutcome:
    def change(ticket: Ticket, version: int | None) -> None:
        tags = (set(ticket.tags) | set(add)) - set(remove)
        ticket_set_tags(ticket=ticket, tags=sorted(tags), by=user, version=version)

    return bulk_apply(user=user, selection=selection, change=change)


def bulk_status(*, user: AbstractBaseUser, selection: list[Selected], status: str) -> BulkOutcome:
    labels = dict(Ticket.Status.choices)

    def change(ticket: Ticket, version: int | None) -> None:
        if status not in Ticket.TRANSITIONS[ticket.status]:
            raise TicketError(
                _("It is %(current)s and cannot move to %(requested)s.")
                % {"current": labels[ticket.status], "requested": labels[status]}
            )
        ticket_transition(ticket=ticket, to=status, by=user, version=version)

    return bulk_apply(user=user, selection=selection, change=change)


def merge_target(*, user: AbstractBaseUser, selection: list[Selected]) -> Ticket | None:
    """Without a named target, the selection merges into its oldest ticket the agent may see."""
    references = [item.reference for item in selection]
    return Ticket.objects.visible_to(user).filter(reference__in=references).order_by("id").first()


def bulk_merge(*, user: AbstractBaseUser, selection: list[Selected], into: Ticket) -> BulkOutcome:
    """Close each selected ticket as a duplicate of `into` (the same customer's only)."""

    def change(ticket: Ticket, version: int | None) -> None:
        if ticket.customer_id != into.customer_id:
            raise TicketError(
                _(
                    "It belongs to another customer than %(reference)s; only one customer's "
                    "tickets can be merged."
                )
                % {"reference": into.reference}
            )
        with transaction.atomic():
            for locked in sorted([ticket, into], key=lambda one: one.pk):  # ticket_merge's order
                lock_ticket(locked, version if locked.pk == ticket.pk else None)
            ticket_merge(ticket=ticket, into=into, by=user)

    rest = [item for item in selection if item.reference != into.reference]
    return bulk_apply(user=user, selection=rest, change=change)


def bulk_link_incident(
    *, user: AbstractBaseUser, selection: list[Selected], incident: Ticket
) -> BulkOutcome:
    """Attach each selected ticket to the parent `incident`."""

    def change(ticket: Ticket, version: int | None) -> None:
        if ticket.pk == incident.pk:
            raise TicketError(_("A ticket cannot be its own incident."))
        with transaction.atomic():
            lock_ticket(ticket, version)
            ticket_link_incident(ticket=ticket, incident=incident, by=user)

    return bulk_apply(user=user, selection=selection, change=change)
