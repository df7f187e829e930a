"""Domain errors of the ticket workflow; the API turns each into one HTTP status."""

from django.utils.translation import gettext as _


class TicketError(Exception):
    """Base class: a request that the ticket's current state refuses."""


class InvalidTransition(TicketError):
    def __init__(self, current: str, requested: str) -> None:
        super().__init__(
            _("A ticket cannot move from %(current)s to %(requested)s.")
            % {"current": current, "requested": requested}
        )


class TransitionNotAllowed(TicketError):
    """A customer may only mark their ticket solved; every other move is the staff's."""

    def __init__(self) -> None:
        super().__init__(_("Customers can only mark a ticket solved."))


class StaleVersion(TicketError):
    def __init__(self, expected: int, actual: int) -> None:
        super().__init__(
            _("The ticket was changed by someone else (version %(actual)s, not %(expected)s).")
            % {"actual": actual, "expected": expected}
        )


class AttachmentTooLarge(TicketError):
    def __init__(self, limit: int) -> None:
        super().__init__(_("Attachments may be at most %(limit)s bytes.") % {"limit": limit})


class AttachmentQuotaReached(AttachmentTooLarge):
    """A ticket holds at most so many files (one ticket is not a file store)."""

    def __init__(self, limit: int) -> None:
        TicketError.__init__(
            self, _("A ticket may hold at most %(limit)s files.") % {"limit": limit}
        )


class AttachmentTypeRefused(TicketError):
    def __init__(self, content_type: str, allowed: tuple[str, ...]) -> None:
        super().__init__(
            _("Files of type %(type)s are not accepted; allowed: %(allowed)s.")
            % {"type": content_type, "allowed": ", ".join(allowed)}
        )


class RemediationRefused(TicketError):
    pass


class AssigneeCannotRead(TicketError):
    """A restricted team's ticket (support.teams) goes only to someone who may read it."""

    def __init__(self, agent: str, team: str) -> None:
        super().__init__(
            _("%(agent)s is not in %(team)s, whose tickets only its members may see.")
            % {"agent": agent, "team": team}
        )
