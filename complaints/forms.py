"""Forms of the customer's complaint pages and of the public status page.

The lists a customer picks from (their tickets, exchange transfers and chats) are read by the
view and handed in as choices; which of them are really the customer's is decided again by the
service (`complaint_submit`), so a forged value is refused there with its own message.
"""

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from complaints.models import Category
from complaints.services import TEXT_LIMIT
from tickets.forms import MultipleFileField

SECURITY_HELP = _("Never send your password, 2FA codes, seed phrase or private keys.")
REFERENCE_RE = re.compile(r"^C-\d{6,12}$")
CODE_SEPARATORS_RE = re.compile(r"[\s\-]+")


class PickedValuesField(forms.MultipleChoiceField):
    """Checkboxes of the customer's own items. A value not on the list is passed on to the
    service, which answers "not one of yours" in words the customer understands."""

    widget = forms.CheckboxSelectMultiple

    def valid_value(self, value: str) -> bool:
        return 0 < len(str(value)) <= 64


class ComplaintForm(forms.Form):
    category = forms.ChoiceField(
        label=_("What is the complaint about?"),
        choices=[("", "—"), *Category.choices],
    )
    description = forms.CharField(
        label=_("What happened?"),
        widget=forms.Textarea,
        max_length=TEXT_LIMIT,
        help_text=SECURITY_HELP,
    )
    desired_outcome = forms.CharField(
        label=_("What outcome do you want?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=TEXT_LIMIT,
        required=False,
    )
    tickets = PickedValuesField(label=_("Related requests"), required=False)
    transactions = PickedValuesField(label=_("Related transactions"), required=False)
    chat = forms.TypedChoiceField(
        label=_("Related chat"), required=False, coerce=int, empty_value=None
    )
    attachments = MultipleFileField(
        label=_("Attachments"), help_text=_("Up to 5 files: screenshots, PDF or text.")
    )

    def __init__(self, *args, tickets=(), transactions=(), chats=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["tickets"].choices = list(tickets)
        self.fields["transactions"].choices = list(transactions)
        self.fields["chat"].choices = [("", _("None")), *chats]


class ReplyForm(forms.Form):
    text = forms.CharField(
        label=_("Your message"),
        widget=forms.Textarea,
        max_length=TEXT_LIMIT,
        help_text=SECURITY_HELP,
    )
    attachments = MultipleFileField(label=_("Attachments"))


class AppealForm(forms.Form):
    grounds = forms.CharField(
        label=_("Why do you disagree with the decision?"),
        widget=forms.Textarea,
        max_length=TEXT_LIMIT,
        help_text=_("An appeal reviewer who took no part in the decision will look at it again."),
    )


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Why are you withdrawing it? (optional)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        required=False,
    )


class TrackReferenceForm(forms.Form):
    reference = forms.CharField(
        label=_("Complaint reference"),
        max_length=20,
        help_text=_("As in our emails, for example C-000123."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )

    def clean_reference(self) -> str:
        return self.cleaned_data["reference"].strip().upper()


class TrackCodeForm(TrackReferenceForm):
    code = forms.CharField(
        label=_("One-time code"),
        max_length=40,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "spellcheck": "false"}
        ),
    )

    def clean_code(self) -> str:
        return CODE_SEPARATORS_RE.sub("", self.cleaned_data["code"])
