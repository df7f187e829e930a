"""What an inbox view shows: a scope (whose tickets) and filters, read from a query string or a
saved view and checked against the choices, so a bad value is a message, never a 500."""

from dataclasses import asdict, dataclass, fields, replace
from urllib.parse import urlencode

from django import forms
from django.db import models
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from support.taxonomy import Category, Language
from tickets.models import Channel, Priority, Status

MAX_VALUES = 20  # per filter: a query string is not a way to make the database work harder
MAX_ID = 2**31 - 1  # the largest id every table's id column holds (some are 32-bit)


def database_id(value: object) -> int | None:
    """`value` as a row id, or None when it is not one (a number no id column can hold would be
    a database error, not an answer)."""
    text = str(value).strip()
    return int(text) if text.isdigit() and len(text) <= 10 and int(text) <= MAX_ID else None


class Scope(models.TextChoices):
    MINE = "mine", pgettext_lazy("inbox filter: my tickets", "Mine")
    TEAM = "team", _("My teams")
    UNASSIGNED = "unassigned", _("Unassigned")
    BREACHING = "breaching", _("Breaching within 1 h")
    BREACHED = "breached", _("Breached")
    OPEN = "open", _("All open")
    SEARCH = "search", _("Search")
    CHATS = "chats", _("Chats")


# The scopes listed in the side list, with a count each (search and chats have their own place).
LISTED_SCOPES = (
    Scope.MINE,
    Scope.TEAM,
    Scope.UNASSIGNED,
    Scope.BREACHING,
    Scope.BREACHED,
    Scope.OPEN,
)


class InvalidFilters(ValueError):
    """A filter value that is not one of the choices; the message is in the reader's language."""


@dataclass(frozen=True)
class InboxFilters:
    """One view of the inbox: a scope and the values each filter keeps (empty: any)."""

    view: str = Scope.MINE
    q: str = ""
    language: tuple[str, ...] = ()
    channel: tuple[str, ...] = ()
    category: tuple[str, ...] = ()
    priority: tuple[str, ...] = ()
    status: tuple[str, ...] = ()
    team: tuple[int, ...] = ()
    tag: tuple[str, ...] = ()

    @property
    def narrowed(self) -> bool:
        """Whether any filter (beyond the scope) is set."""
        return any(getattr(self, name.name) for name in fields(self)[1:])

    def as_json(self) -> dict:
        """What a saved view stores: only what is set."""
        return {
            key: list(value) if isinstance(value, tuple) else value
            for key, value in asdict(self).items()
            if value
        }

    def querystring(self) -> str:
        return urlencode(self.as_json(), doseq=True)

    def with_view(self, view: str) -> "InboxFilters":
        return replace(self, view=view)


class TagsField(forms.Field):
    """Tags as the tickets store them: lower case, at most 50 characters each."""

    def to_python(self, value) -> tuple[str, ...]:
        values = value if isinstance(value, list | tuple) else [value or ""]
        words = (str(item).replace(",", " ").split() for item in values)
        tags = {tag.lower() for group in words for tag in group}
        if any(len(tag) > 50 for tag in tags):
            raise forms.ValidationError(_("A tag has at most 50 characters."))
        return tuple(sorted(tags))


class IdsField(forms.Field):
    """Database ids (teams): whole numbers only; an id nobody has simply matches nothing."""

    def to_python(self, value) -> tuple[int, ...]:
        values = [item for item in (value if isinstance(value, list | tuple) else [value])]
        ids = {database_id(item) for item in values if item not in ("", None)}
        if None in ids:
            raise forms.ValidationError(_("Choose a team from the list."))
        return tuple(sorted(ids))


class InboxFilterForm(forms.Form):
    view = forms.ChoiceField(choices=Scope.choices, required=False)
    q = forms.CharField(max_length=200, required=False)
    language = forms.MultipleChoiceField(choices=Language.choices, required=False)
    channel = forms.MultipleChoiceField(choices=Channel.choices, required=False)
    category = forms.MultipleChoiceField(choices=Category.choices, required=False)
    priority = forms.MultipleChoiceField(choices=Priority.choices, required=False)
    status = forms.MultipleChoiceField(choices=Status.choices, required=False)
    team = IdsField(required=False)
    tag = TagsField(required=False)

    def clean(self) -> dict:
        data = super().clean()
        for value in data.values():
            if isinstance(value, list | tuple) and len(value) > MAX_VALUES:
                raise forms.ValidationError(_("Too many values in one filter."))
        return data


def _form_data(source: QueryDict | dict) -> dict:
    """Field name → value(s), without the empty values an "Any" option sends."""
    data = {}
    for name, field in InboxFilterForm.base_fields.items():
        if isinstance(source, QueryDict):
            values = source.getlist(name)
        else:
            value = source.get(name)
            values = value if isinstance(value, list) else [] if value is None else [value]
        values = [str(value) for value in values if str(value).strip()]
        single = isinstance(field, forms.ChoiceField | forms.CharField) and not isinstance(
            field, forms.MultipleChoiceField
        )
        data[name] = (values[0] if values else "") if single else values
    return data


def _filters(cleaned: dict) -> InboxFilters:
    values = {
        name: tuple(cleaned.get(name) or ()) if name not in ("view", "q") else cleaned.get(name)
        for name in InboxFilterForm.base_fields
    }
    values["view"] = values["view"] or Scope.MINE
    values["q"] = (values["q"] or "").strip()
    return InboxFilters(**values)


def filters_from_query(query: QueryDict) -> InboxFilters:
    """The filters of a request's query string; InvalidFilters for a value not offered."""
    form = InboxFilterForm(_form_data(query))
    if not form.is_valid():
        raise InvalidFilters(" ".join(e for errors in form.errors.values() for e in errors))
    return _filters(form.cleaned_data)


def filters_from_json(data: object) -> InboxFilters:
    """The filters of a saved view, leniently: a value that is no longer valid (a choice that
    was removed) is dropped rather than breaking the view."""
    form = InboxFilterForm(_form_data(data if isinstance(data, dict) else {}))
    form.is_valid()
    return _filters(form.cleaned_data)
