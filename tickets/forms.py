"""Forms of the customer pages and the agent console."""

import re

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from support.taxonomy import Category, Language
from tickets.models import Macro, Priority, RemediationAction, Status

TX_HASH_RE = re.compile(r"^(0x)?[0-9a-fA-F]{32,128}$")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None) -> list:
        files = data if isinstance(data, list | tuple) else [data] if data else []
        return [super(MultipleFileField, self).clean(item, initial) for item in files]


class ContactForm(forms.Form):
    category = forms.ChoiceField(label=_("What is it about?"), choices=Category.choices)
    subject = forms.CharField(label=_("Subject"), max_length=200)
    description = forms.CharField(
        label=_("Description"),
        widget=forms.Textarea,
        max_length=20000,
        help_text=_("Never send your password, 2FA codes, seed phrase or private keys."),
    )
    tx_hash = forms.CharField(
        label=_("Transaction hash (deposits and withdrawals)"), required=False, max_length=130
    )
    attachments = MultipleFileField(label=_("Attachments"))
    article = forms.CharField(required=False, widget=forms.HiddenInput, max_length=200)

    def clean_tx_hash(self) -> str:
        tx_hash = self.cleaned_data["tx_hash"].strip()
        if tx_hash and not TX_HASH_RE.match(tx_hash):
            raise forms.ValidationError(_("This does not look like a transaction hash."))
        return tx_hash

    def message_text(self) -> str:
        text = self.cleaned_data["description"]
        if self.cleaned_data.get("tx_hash"):
            text += "\n\nTX: " + self.cleaned_data["tx_hash"]
        return text


class CustomerReplyForm(forms.Form):
    body = forms.CharField(label=_("Your reply"), widget=forms.Textarea, max_length=20000)
    attachments = MultipleFileField(label=_("Attachments"))


class MacroChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Macro) -> str:
        return obj.name  # the ticket's language only: no need to repeat it


class AgentReplyForm(forms.Form):
    macro = MacroChoiceField(
        label=_("Macro"), queryset=Macro.objects.filter(active=True), required=False
    )
    body = forms.CharField(label=_("Reply"), widget=forms.Textarea, max_length=20000)
    internal = forms.BooleanField(label=_("Internal note"), required=False)
    set_status = forms.ChoiceField(
        label=_("Then set status"),
        choices=[("", _("(unchanged)")), *Status.choices],
        required=False,
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    attachments = MultipleFileField(label=_("Attachments"))


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=Status.choices)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class PriorityForm(forms.Form):
    priority = forms.ChoiceField(label=_("Priority"), choices=Priority.choices)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class TagsForm(forms.Form):
    tags = forms.CharField(label=_("Tags"), required=False, max_length=500)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class AssignForm(forms.Form):
    assignee = forms.IntegerField(label=_("Assignee"), required=False)
    team = forms.IntegerField(label=_("Team"), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class RemediationForm(forms.Form):
    action = forms.ChoiceField(label=_("Action"), choices=RemediationAction.choices)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea, max_length=2000)
    withdrawal_id = forms.CharField(label=_("Withdrawal id"), required=False, max_length=64)
    asset = forms.CharField(label=_("Asset"), required=False, max_length=16)
    amount = forms.DecimalField(
        label=pgettext_lazy("crypto quantity", "Amount"),
        required=False,
        max_digits=24,
        decimal_places=8,
        min_value=0,
    )

    def clean(self) -> dict:
        data = super().clean()
        action = data.get("action")
        if action == RemediationAction.RELEASE_WITHDRAWAL and not data.get("withdrawal_id"):
            self.add_error("withdrawal_id", _("Name the withdrawal to release."))
        credits = {RemediationAction.REFUND_FEE, RemediationAction.COMPENSATE}
        if action in credits and not (data.get("asset") and data.get("amount")):
            self.add_error("amount", _("Give the asset and amount to refund."))
        return data


class MacroEditForm(forms.Form):
    """One language of a macro, as a supervisor edits it in the console."""

    name = forms.CharField(label=_("Title"), max_length=100)
    body = forms.CharField(
        label=_("Text"),
        widget=forms.Textarea,
        max_length=20000,
        help_text=_("Placeholders: {customer_name}, {reference}."),
    )
    set_status = forms.ChoiceField(
        label=_("Then set status"),
        choices=[("", _("(unchanged)")), *Status.choices],
        required=False,
    )
    add_tags = forms.CharField(
        label=_("Add tags"), required=False, max_length=500, help_text=_("Separated by spaces.")
    )
    version = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    def tags(self) -> tuple[str, ...]:
        return tuple(self.cleaned_data["add_tags"].replace(",", " ").split())


class MacroCreateForm(MacroEditForm):
    key = forms.SlugField(
        label=_("Key"),
        max_length=60,
        help_text=_("The same key joins the languages of one macro, e.g. need-tx-hash."),
    )
    language = forms.ChoiceField(label=_("Language"), choices=Language.choices)
    field_order = ["key", "language", "name", "body", "set_status", "add_tags"]
