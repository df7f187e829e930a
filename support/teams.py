"""Restricted teams (Security, VIP): who may read a team's tickets and chats.

A team marked `restricted` keeps its tickets and chats to its own people: the team's members
(AgentProfile.teams), the team's own supervisor (Team.supervisor) and administrators (the admin
role or a superuser). Holding the `support.supervise` permission alone is not enough: a
supervisor of another team is an outsider here, like any agent of another team. Unrestricted
teams, and tickets or chats without a team, are open to all staff.

This is the one rule; each app's `visible_to` / `<thing>_get_for_user` applies it to staff.
Never apply it to customers: a customer's own tickets and chats are theirs whatever the team.
"""

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Q, QuerySet

from support.models import Team
from support.roles import Role, has_role

Person = AbstractBaseUser | AnonymousUser


def is_admin(user: Person) -> bool:
    return bool(getattr(user, "is_superuser", False)) or has_role(user, Role.ADMIN)


def hidden_teams(user: Person) -> QuerySet[Team]:
    """The restricted teams whose tickets and chats `user` may not read (a lazy queryset, so
    it can sit inside another query as a subquery)."""
    restricted = Team.objects.filter(restricted=True)
    if not user.is_authenticated:
        return restricted
    if is_admin(user):
        return Team.objects.none()
    return restricted.exclude(Q(supervisor=user) | Q(agents__user=user))


def hidden_team_ids(user: Person) -> frozenset[int]:
    """The ids of `hidden_teams(user)`, read now (one query)."""
    return frozenset(hidden_teams(user).values_list("pk", flat=True))


def readable_team_ids(user: Person) -> frozenset[int]:
    """Every team whose tickets and chats `user` may read (restricted or not)."""
    return frozenset(Team.objects.exclude(pk__in=hidden_teams(user)).values_list("pk", flat=True))


def can_read_team(user: Person, team: Team | int | None) -> bool:
    """Whether `user` may read the tickets and chats of `team` (None: no team, open to staff)."""
    if team is None:
        return True
    team_id = team if isinstance(team, int) else team.pk
    return not hidden_teams(user).filter(pk=team_id).exists()


def team_readable_filter(user: Person, field: str = "team") -> Q:
    """A filter keeping the rows (tickets, chats) whose `field` names a team `user` may read, or
    no team: `Conversation.objects.filter(team_readable_filter(user))`."""
    if is_admin(user):
        return Q()
    return ~Q(**{f"{field}__in": hidden_teams(user)})
