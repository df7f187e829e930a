"""The registry through which every app hands over its part of a customer's data.

A customer's data lives in every app, and `support` imports none of them: each app registers,
in its AppConfig.ready(),
- an exporter, `exporter(customer) -> ExportPart`: its records (plain JSON values) and files;
- an eraser, `eraser(customer, erased: Erased) -> None`: removes or replaces the personal data
  in its own tables (texts become `erased.marker`, files are deleted), keeping the rows that
  statistics count;
- optionally an erasure blocker, `blocker(customer) -> str | None`: a translated reason the
  customer may not be erased now (an open complaint);
- optionally retention sweeps, `sweep(before, held, batch) -> int`: delete one kind of data
  older than `before`, leaving alone the customers whose ids are in `held` (legal holds).
`support.data_rights` drives export, erasure and the sweeps through it.
"""

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction


@dataclass(frozen=True)
class ExportFile:
    """A stored file to put into the archive under `name` (inside the part's folder)."""

    name: str
    open: Callable  # () -> a binary file object


@dataclass
class ExportPart:
    records: dict[str, list[dict]] = field(default_factory=dict)
    files: list[ExportFile] = field(default_factory=list)


@dataclass(frozen=True)
class Erased:
    """What an eraser needs: the customer's values to look for in free text written by others
    (an agent's reply naming them), and the marker that replaces a removed text."""

    customer_id: int
    values: tuple[str, ...]
    marker: str

    def scrub(self, text: str) -> str:
        """`text` with every known value of the customer replaced by the marker."""
        for value in self.values:
            if value and value.lower() in text.lower():
                text = _replace_folded(text, value, self.marker)
        return text


def _replace_folded(text: str, value: str, marker: str) -> str:
    lowered, needle, out, start = text.lower(), value.lower(), [], 0
    while (found := lowered.find(needle, start)) != -1:
        out.append(text[start:found] + marker)
        start = found + len(value)
    return "".join(out) + text[start:]


RetentionSweep = Callable[[datetime, frozenset[int], int], int]

_exporters: dict[str, Callable[[AbstractBaseUser], ExportPart]] = {}
_erasers: dict[str, Callable[[AbstractBaseUser, Erased], None]] = {}
_blockers: dict[str, Callable[[AbstractBaseUser], str | None]] = {}
_sweeps: dict[str, list[tuple[str, RetentionSweep]]] = {}


def register_customer_data(
    key: str,
    *,
    exporter: Callable[[AbstractBaseUser], ExportPart],
    eraser: Callable[[AbstractBaseUser, Erased], None],
    blocker: Callable[[AbstractBaseUser], str | None] | None = None,
) -> None:
    _exporters[key] = exporter
    _erasers[key] = eraser
    if blocker is not None:
        _blockers[key] = blocker


def register_retention_sweep(kind: str, key: str, sweep: RetentionSweep) -> None:
    """`kind` is a `support.RetentionPeriod.Kind`; several apps may sweep the same kind."""
    entries = [entry for entry in _sweeps.get(kind, []) if entry[0] != key]
    _sweeps[kind] = sorted([*entries, (key, sweep)])


def exporters() -> Iterator[tuple[str, Callable[[AbstractBaseUser], ExportPart]]]:
    yield from sorted(_exporters.items())


def erasers() -> Iterator[tuple[str, Callable[[AbstractBaseUser, Erased], None]]]:
    yield from sorted(_erasers.items())


def erasure_blockers(customer: AbstractBaseUser) -> list[str]:
    return [reason for _key, check in sorted(_blockers.items()) if (reason := check(customer))]


def retention_sweeps(kind: str) -> Iterable[RetentionSweep]:
    return [sweep for _key, sweep in _sweeps.get(kind, [])]


def delete_file_after_commit(field) -> None:
    """Delete a stored file once the caller's transaction commits: rolled back, the rows still
    name their files, which must then still be there."""
    storage, name = field.storage, field.name
    if name:
        transaction.on_commit(lambda: storage.delete(name))
