"""Macros: canned replies, one row per key and language, managed by supervisors in the console.

Agents use macros (on a ticket, in a chat); only people with `support.supervise` create, edit,
deactivate or reactivate them. Each use is counted with one UPDATE … SET usage_count =
usage_count + 1, so uses at the same moment are all counted.
"""

from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from support.taxonomy import Language
from tickets.errors import TicketError
from tickets.models import Macro

MANAGE_PERMISSION = "support.supervise"


class MacroRefused(TicketError):
    pass


@dataclass(frozen=True)
class MacroText:
    """What a supervisor writes for one language of a macro."""

    name: str
    body: str
    set_status: str = ""
    add_tags: tuple[str, ...] = ()


def may_manage_macros(user: AbstractBaseUser) -> bool:
    return user.has_perm(MANAGE_PERMISSION)


def _check_may_manage(user: AbstractBaseUser) -> None:
    if not may_manage_macros(user):
        raise PermissionDenied


def macro_create(
    *, key: str, language: str, text: MacroText, by: AbstractBaseUser, active: bool = True
) -> Macro:
    """A new macro, or a new language of an existing key; MacroRefused when that key already
    has this language (the unique constraint decides, not a read before the insert)."""
    _check_may_manage(by)
    try:
        with transaction.atomic():
            return Macro.objects.create(
                key=key,
                language=language,
                active=active,
                updated_by=by,
                updated_at=timezone.now(),
                **_fields(text),
            )
    except IntegrityError as error:
        raise MacroRefused(
            _("The macro %(key)s already exists in %(language)s; edit it instead.")
            % {"key": key, "language": Language(language).label}
        ) from error


def macro_update(
    *, macro: Macro, text: MacroText, by: AbstractBaseUser, seen_updated_at: str | None = None
) -> Macro:
    """Change a macro's title, text, status and tags. `seen_updated_at` is the edit form's
    copy of `macro_version` ("" for a macro never edited here): when someone saved the macro
    since, nothing is changed. None skips the check."""
    _check_may_manage(by)
    with transaction.atomic():
        macro = Macro.objects.select_for_update().get(pk=macro.pk)
        if seen_updated_at is not None and seen_updated_at != macro_version(macro):
            raise MacroRefused(_("Someone else changed this macro meanwhile; reload it first."))
        for name, value in _fields(text).items():
            setattr(macro, name, value)
        macro.updated_by, macro.updated_at = by, timezone.now()
        macro.save(update_fields=[*_fields(text), "updated_by", "updated_at"])
    return macro


def macro_set_active(*, macro: Macro, active: bool, by: AbstractBaseUser) -> Macro:
    """Deactivate a macro in one language (agents no longer see it) or bring it back."""
    _check_may_manage(by)
    with transaction.atomic():
        macro = Macro.objects.select_for_update().get(pk=macro.pk)
        if macro.active != active:
            macro.active, macro.updated_by, macro.updated_at = active, by, timezone.now()
            macro.save(update_fields=["active", "updated_by", "updated_at"])
    return macro


def macro_record_use(*, macro_id: int) -> None:
    """Count one use of a macro (a ticket reply, or its text put in a chat's reply box)."""
    Macro.objects.filter(pk=macro_id).update(usage_count=F("usage_count") + 1)


def macro_version(macro: Macro) -> str:
    return macro.updated_at.isoformat() if macro.updated_at else ""


def _fields(text: MacroText) -> dict:
    tags = sorted({tag.strip().lower()[:50] for tag in text.add_tags if tag.strip()})
    return {
        "name": text.name.strip(),
        "body": text.body.strip(),
        "set_status": text.set_status,
        "add_tags": tags,
    }


# --- Reads --------------------------------------------------------------------------------------


def macros_for_language(language: str) -> QuerySet[Macro]:
    """The active macros an agent may use on a ticket in `language`."""
    return Macro.objects.filter(active=True, language=language).order_by("name")


def macro_table(*, language: str = "") -> list[dict]:
    """The management list: one row per key, with its macro in each language (or None)."""
    macros = Macro.objects.select_related("updated_by").order_by("key", "language")
    if language:
        macros = macros.filter(key__in=Macro.objects.filter(language=language).values("key"))
    rows: dict[str, dict] = {}
    for macro in macros:
        row = rows.setdefault(macro.key, {"key": macro.key, "by_language": {}, "uses": 0})
        row["by_language"][macro.language] = macro
        row["uses"] += macro.usage_count
    return [
        {**row, "languages": [(code, row["by_language"].get(code)) for code in Language.values]}
        for row in rows.values()
    ]
