"""The survey forms: bad input is the form's message in the page's language (400)."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from tickets.surveys.answers import COMMENT_LIMIT, Reply

SCORES = [
    (1, _("1 – Very dissatisfied")),
    (2, _("2 – Dissatisfied")),
    (3, _("3 – Neither")),
    (4, _("4 – Satisfied")),
    (5, _("5 – Very satisfied")),
]
SOLVED = [
    ("yes", pgettext_lazy("problem solved", "Yes")),
    ("no", pgettext_lazy("problem solved", "No")),
]


class SurveyForm(forms.Form):
    score = forms.TypedChoiceField(
        label=_("How satisfied are you with the help you received?"),
        choices=SCORES,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose a score from 1 to 5."),
            "invalid_choice": _("Choose a score from 1 to 5."),
        },
    )
    solved = forms.ChoiceField(
        label=_("Was your problem solved?"),
        choices=SOLVED,
        required=False,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": _("Answer yes or no.")},
    )
    comment = forms.CharField(
        label=_("Anything you would like to tell us? (optional)"),
        required=False,
        max_length=COMMENT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 5}),
    )

    def reply(self) -> Reply:
        data = self.cleaned_data
        solved = {"yes": True, "no": False}.get(data["solved"])
        return Reply(score=data["score"], solved=solved, comment=data["comment"])


class NpsForm(forms.Form):
    score = forms.TypedChoiceField(
        label=_("How likely are you to recommend us to a friend or colleague?"),
        choices=[(n, str(n)) for n in range(11)],
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose a score from 0 to 10."),
            "invalid_choice": _("Choose a score from 0 to 10."),
        },
    )
    reason = forms.CharField(
        label=_("Why? (optional)"),
        required=False,
        max_length=COMMENT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 5}),
    )


class FollowUpDoneForm(forms.Form):
    note = forms.CharField(
        label=_("What was done"), max_length=COMMENT_LIMIT, widget=forms.Textarea(attrs={"rows": 3})
    )
