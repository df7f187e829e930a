"""Domain errors of the complaint workflow; the API and the pages turn each into one answer:
`ComplaintInvalid` 400, `NotIndependent` 403 (with the reason), the others 409."""

from django.utils.translation import gettext as _


class ComplaintError(Exception):
    """A request the complaint's current stage refuses (409)."""


class ComplaintInvalid(ComplaintError):
    """A request missing what it needs or naming what is not the customer's (400)."""


class NotIndependent(ComplaintError):
    """The person may not act on this complaint: they handled it, or it is about them (403)."""


class InvalidStage(ComplaintError):
    def __init__(self, current: str, requested: str) -> None:
        super().__init__(
            _("A complaint cannot move from %(current)s to %(requested)s.")
            % {"current": current, "requested": requested}
        )


class StaleComplaint(ComplaintError):
    def __init__(self) -> None:
        super().__init__(_("The complaint was changed by someone else: reload it and try again."))


class AppealWindowClosed(ComplaintError):
    def __init__(self, deadline: str) -> None:
        super().__init__(_("The time to appeal ended on %(deadline)s.") % {"deadline": deadline})


class AppealAlreadyOpen(ComplaintError):
    def __init__(self) -> None:
        super().__init__(_("This complaint already has an appeal."))
