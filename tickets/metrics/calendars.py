"""Each ticket's business calendar, read once per (SLA policy, team) pair."""

from tickets import sla
from tickets.models import SlaPolicy, Ticket
from tickets.selectors import calendar_for


class Calendars:
    """calendar_for() once per (policy, team): a 90-day period has few of them."""

    def __init__(self) -> None:
        self._seen: dict[tuple[int | None, int | None], sla.Calendar] = {}
        self._policies = {policy.pk: policy for policy in SlaPolicy.objects.all()}

    def of(self, policy_id: int | None, team_id: int | None) -> sla.Calendar:
        key = (policy_id, team_id)
        if key not in self._seen:
            ticket = Ticket(team_id=team_id)
            self._seen[key] = calendar_for(ticket, self._policies.get(policy_id))
        return self._seen[key]
