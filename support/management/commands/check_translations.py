"""Fail when a catalogue has an untranslated or fuzzy entry, a language is missing, or a
translation writes a word the termbase forbids (locale/termbase.csv, support/termbase.py)."""

from pathlib import Path

import polib
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import to_locale

from support.termbase import catalogue_violations


def catalogue_problems() -> list[str]:
    problems = []
    root = Path(settings.LOCALE_PATHS[0])
    for code, _name in settings.LANGUAGES:
        if code == settings.LANGUAGE_CODE:
            continue
        for domain in ("django", "djangojs"):
            path = root / to_locale(code) / "LC_MESSAGES" / f"{domain}.po"
            if not path.exists():
                if domain == "django":
                    problems.append(f"{path}: missing")
                continue
            catalogue = polib.pofile(str(path))
            for entry in catalogue.untranslated_entries():
                problems.append(f"{path}: untranslated {entry.msgid!r}")
            for entry in catalogue.fuzzy_entries():
                problems.append(f"{path}: fuzzy {entry.msgid!r}")
    problems.extend(catalogue_violations(root))
    return problems


class Command(BaseCommand):
    help = (
        "Check that every user-facing string is translated into every language, "
        "with the termbase's words."
    )

    def handle(self, *args, **options) -> None:
        problems = catalogue_problems()
        if problems:
            raise CommandError("\n".join(problems))
        self.stdout.write("All catalogues complete.")
