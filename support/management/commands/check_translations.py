"""Fail when a catalogue has an untranslated, fuzzy or obsolete entry, or a language is missing."""

from pathlib import Path

import polib
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import to_locale


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
    return problems


class Command(BaseCommand):
    help = "Check that every user-facing string is translated into every language."

    def handle(self, *args, **options) -> None:
        problems = catalogue_problems()
        if problems:
            raise CommandError("\n".join(problems))
        self.stdout.write("All catalogues complete.")
