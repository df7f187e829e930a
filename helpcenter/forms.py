from django import forms
from django.utils.translation import gettext_lazy as _

from helpcenter.forum import MAX_LOCK_REASON
from helpcenter.services import MAX_COMMENT, MAX_POST, MAX_QUERY


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


class TopicForm(forms.Form):
    title = forms.CharField(label=_("Your question"), max_length=200)
    body = forms.CharField(
        label=_("Details"),
        max_length=MAX_POST,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Never post your password, 2FA codes, seed phrase or private keys."),
    )


class ReplyForm(forms.Form):
    body = forms.CharField(
        label=_("Your reply"), max_length=MAX_POST, widget=forms.Textarea(attrs={"rows": 4})
    )


class LockForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason shown to readers (optional)"), required=False, max_length=MAX_LOCK_REASON
    )
