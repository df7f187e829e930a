"""Forms of the linked-accounts page and the console's merge page."""

from django import forms
from django.utils.translation import gettext_lazy as _

from tickets.identities.linking import LINKABLE
from tickets.identities.models import IdentityKind


class LinkStartForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"), choices=[(kind, IdentityKind(kind).label) for kind in LINKABLE]
    )
    handle = forms.CharField(
        label=_("Address, number or username"),
        max_length=254,
        help_text=_("An email address, a phone number with its country code, or @username."),
    )


class SocialLinkForm(forms.Form):
    """The social channel a customer asks a code for: those the page offers (social.py)."""

    kind = forms.ChoiceField(label=_("Channel"))

    def __init__(self, *args, offers: list, **kwargs) -> None:
        super().__init__(*args, prefix="social", **kwargs)
        self.fields["kind"].choices = [(offer.kind, offer.label) for offer in offers]


class LinkConfirmForm(forms.Form):
    code = forms.RegexField(
        label=_("Code"),
        regex=r"^\s*[0-9]{6}\s*$",
        max_length=12,
        error_messages={"invalid": _("The code is six digits.")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )


class MergeForm(forms.Form):
    reason = forms.CharField(
        label=_("Why are they one person?"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
