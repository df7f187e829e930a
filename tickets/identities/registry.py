"""How the apps above `tickets` move their rows when two customers are merged: each registers a
mover in its AppConfig.ready(), so that a merge moves chats and complaints too without
`tickets` importing those apps."""

from collections.abc import Callable

# mover(source, target, ids) -> ids moved: rows of `source` given to `target`; with `ids`
# (an unmerge), only those of them that `source` still has.
Mover = Callable[..., list[int]]

_movers: dict[str, Mover] = {}


def register_customer_mover(key: str, mover: Mover) -> None:
    _movers[key] = mover


def customer_movers() -> dict[str, Mover]:
    return dict(sorted(_movers.items()))


def move_rows(queryset, *, source, target, ids: list[int] | None) -> list[int]:
    """The usual mover: `queryset`'s rows whose `customer` is `source` (only `ids`, when
    given) now belong to `target`; their ids."""
    rows = queryset.filter(customer=source)
    if ids is not None:
        rows = rows.filter(pk__in=ids)
    moved = sorted(rows.values_list("pk", flat=True))
    queryset.filter(pk__in=moved).update(customer=target)
    return moved
