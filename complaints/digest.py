"""The deadline sweep's staff email: one per person per run, listing their complaints whose
target is near or missed (missed first), however many fell due together — a surge must not bury
an officer under a thousand emails, nor the sweep under a thousand renderings.

The dedupe key names the person and the steps, so a run repeated on the same steps sends
nothing twice (and a later run's steps are new ones). A row's cells are formatted once per
language and shared by every digest that lists it (supervisors and administrators get the same
missed targets).
"""

import hashlib
from datetime import UTC

from django.contrib.auth.models import AbstractBaseUser
from django.urls import reverse
from django.utils import formats, translation
from django.utils.translation import gettext as _

from complaints.models import ComplaintDeadline, Stage, Target
from complaints.notices import absolute, console_url
from support.services import outbox_enqueue_email, user_preferred_language

# A digest lists at most this many complaints; the rest are counted and linked to the queue.
DIGEST_ROWS = 20


def dedupe_key(person_id: int, steps: list[tuple[int, bool]]) -> str:
    """The digest's key: the person and the steps ((deadline row, missed)) it tells of."""
    named = ",".join(sorted(f"{pk}:{'breach' if missed else 'warn'}" for pk, missed in steps))
    return f"complaint-deadlines:{person_id}:{hashlib.sha256(named.encode()).hexdigest()[:32]}"


class DeadlineDigest:
    def __init__(self) -> None:
        self.people: dict[int, AbstractBaseUser] = {}
        self.items: dict[int, list[tuple[bool, ComplaintDeadline]]] = {}
        self.told: set[tuple[int, int]] = set()  # (person, deadline row)
        self.cells: dict[tuple[int, str], dict] = {}  # (deadline row, language)

    def add(self, people: list[AbstractBaseUser], row: ComplaintDeadline, *, missed: bool) -> None:
        """Tell each of `people` (once each) about the deadline `row`."""
        for person in people:
            if not person.email or (person.pk, row.pk) in self.told:
                continue
            self.told.add((person.pk, row.pk))
            self.people[person.pk] = person
            self.items.setdefault(person.pk, []).append((missed, row))

    def enqueue(self) -> int:
        """Queue the digests in the caller's transaction; returns how many."""
        for pk in sorted(self.items):
            self._enqueue(self.people[pk], self.items[pk])
        return len(self.items)

    def _row(self, row: ComplaintDeadline, missed: bool, language: str) -> dict:
        key = (row.pk, language)
        if key not in self.cells:
            complaint = row.complaint
            with translation.override(language):
                self.cells[key] = {
                    "missed": missed,
                    "reference": complaint.reference,
                    "target": str(Target(row.target).label),
                    "due": formats.date_format(row.due_at.astimezone(UTC), "DATETIME_FORMAT"),
                    "stage": str(Stage(complaint.stage).label),
                    "officer": complaint.officer.email if complaint.officer_id else "—",
                    "url": console_url(complaint),
                }
        return self.cells[key]

    def _enqueue(self, person: AbstractBaseUser, items: list) -> None:
        items = sorted(items, key=lambda item: (not item[0], item[1].due_at, item[1].pk))
        steps = [(row.pk, missed) for missed, row in items]
        language = user_preferred_language(person) or "en"
        shown = [self._row(row, missed, language) for missed, row in items[:DIGEST_ROWS]]
        missed = sum(1 for is_missed, _row in items if is_missed)
        with translation.override(language):
            headings = ((_("Targets missed:"), True), (_("Targets due soon:"), False))
        sections = [
            (heading, [row for row in shown if row["missed"] == is_missed])
            for heading, is_missed in headings
        ]
        outbox_enqueue_email(
            dedupe_key=dedupe_key(person.pk, steps),
            to=person.email,
            template="complaints/emails/deadline_digest",
            language=language,
            context={
                "rows": shown,
                "sections": [(heading, rows) for heading, rows in sections if rows],
                "more": max(0, len(items) - DIGEST_ROWS),
                "missed": missed,
                "near": len(items) - missed,
                "queue_url": absolute(reverse("complaints_console:queue")),
            },
        )
