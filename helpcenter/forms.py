from django import forms
from django.utils.translation import gettext_lazy as _

from helpcenter.services import MAX_COMMENT, MAX_QUERY


class FeedbackForm(forms.Form):
    helpful = forms.TypedChoiceField(
        choices=[("yes", _("Yes")), ("no", _("No"))], coerce=lambda value: value == "yes"
    )
    comment = forms.CharField(
        label=_("What were you looking for? (optional)"),
        required=False,
        max_length=MAX_COMMENT,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    q = forms.CharField(required=False, max_length=MAX_QUERY, widget=forms.HiddenInput)
