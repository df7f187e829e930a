"""Reading the audit log: the filters of its console page, one page of entries (keyset, newest
first, no count), and the CSV of a whole filter, streamed."""

import csv
import io
import json
import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from support.audit_models import AuditAction, AuditEntry

PAGE_SIZE = 50
EXPORT_CHUNK = 2000
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
CURSOR = re.compile(r"(\d{1,20})-(\d{1,20})")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")  # a spreadsheet would run these
CSV_COLUMNS = [
    "time",
    "actor",
    "action",
    "object_type",
    "object_id",
    "object",
    "customer_id",
    "client_address",
    "request_id",
    "detail",
]


class AuditFilterForm(forms.Form):
    actor = forms.CharField(label=_("Done by (email)"), required=False, max_length=254)
    customer = forms.CharField(label=_("Customer (email)"), required=False, max_length=254)
    action = forms.ChoiceField(
        label=_("Action"), required=False, choices=[("", _("Any action")), *AuditAction.choices]
    )
    start = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label=_("To (included)"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    before = forms.RegexField(regex=CURSOR, required=False, widget=forms.HiddenInput)

    def clean_actor(self):
        return self._person("actor")

    def clean_customer(self):
        return self._person("customer")

    def _person(self, field: str):
        address = self.cleaned_data[field].strip()
        if not address:
            return None
        User = get_user_model()
        person = User._default_manager.filter(**{f"{User.USERNAME_FIELD}__iexact": address})
        found = person.first()
        if found is None:
            raise forms.ValidationError(_("No account has this address."), code="unknown")
        return found

    def clean(self) -> dict:
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            raise forms.ValidationError(_("The period ends before it starts."), code="period")
        return data

    def described(self) -> dict:
        """The filter as plain values, for the export's own audit row."""
        data = self.cleaned_data
        return {
            "actor": data["actor"].pk if data.get("actor") else None,
            "customer": data["customer"].pk if data.get("customer") else None,
            "action": data.get("action") or None,
            "start": data.get("start"),
            "end": data.get("end"),
        }


def audit_entries(filters: dict) -> QuerySet[AuditEntry]:
    """Entries matching the form's cleaned data, newest first; each filter has its index."""
    entries = AuditEntry.objects.select_related("customer").order_by("-at", "-id")
    if filters.get("actor"):
        entries = entries.filter(actor=filters["actor"])
    if filters.get("customer"):
        entries = entries.filter(customer=filters["customer"])
    if filters.get("action"):
        entries = entries.filter(action=filters["action"])
    if filters.get("start"):
        entries = entries.filter(at__gte=_midnight(filters["start"]))
    if filters.get("end"):
        entries = entries.filter(at__lt=_midnight(filters["end"]) + timedelta(days=1))
    return entries


def audit_page(entries: QuerySet[AuditEntry], before: str = "") -> tuple[list, str]:
    """One page after the cursor, and the cursor of the next page ("" on the last)."""
    if before:
        micros, pk = (int(part) for part in CURSOR.fullmatch(before).groups())
        at = EPOCH + timedelta(microseconds=micros)
        entries = entries.filter(Q(at__lt=at) | Q(at=at, pk__lt=pk))
    rows = list(entries[: PAGE_SIZE + 1])
    if len(rows) <= PAGE_SIZE:
        return rows, ""
    last = rows[PAGE_SIZE - 1]
    return rows[:PAGE_SIZE], f"{(last.at - EPOCH) // timedelta(microseconds=1)}-{last.pk}"


def audit_csv(entries: QuerySet[AuditEntry]) -> Iterator[str]:
    """The CSV of every entry, a chunk of rows at a time (the export is streamed)."""
    yield _line(CSV_COLUMNS)
    for entry in entries.select_related(None).iterator(chunk_size=EXPORT_CHUNK):
        yield _line(
            [
                entry.at.isoformat(),
                entry.actor_label,
                entry.action,
                entry.object_type,
                entry.object_id,
                entry.object_label,
                entry.customer_id or "",
                entry.client_address or "",
                entry.request_id,
                json.dumps(entry.detail, ensure_ascii=False, sort_keys=True),
            ]
        )


def _line(values: list) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerow([_cell(value) for value in values])
    return buffer.getvalue()


def _cell(value) -> str:
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), UTC)
