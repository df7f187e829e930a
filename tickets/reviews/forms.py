"""The review form (one mark and note per criterion of the scorecard), the agent's reply,
and the sampling and dashboard filters."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from support.taxonomy import Language
from tickets.models import ReviewCriterion
from tickets.reviews.services import REPLY_MAX_LENGTH

NOT_APPLICABLE = "na"
MARK_CHOICES = [
    ("2", pgettext_lazy("quality mark", "Met")),
    ("1", pgettext_lazy("quality mark", "Partly")),
    ("0", pgettext_lazy("quality mark", "Missed")),
    (NOT_APPLICABLE, pgettext_lazy("quality mark", "Not applicable")),
]
NOTE_MAX_LENGTH = 2000


class ReviewForm(forms.Form):
    """Fields `mark_<criterion id>` and `note_<criterion id>` per criterion, then the comment."""

    language = forms.ChoiceField(choices=Language.choices, widget=forms.HiddenInput)
    comment = forms.CharField(
        label=_("Overall comment"), required=False, max_length=4000, widget=forms.Textarea
    )

    def __init__(self, *args, criteria: list[ReviewCriterion], **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        for criterion in criteria:
            self.fields[f"mark_{criterion.pk}"] = forms.ChoiceField(
                label=criterion.label,
                choices=MARK_CHOICES,
                widget=forms.RadioSelect,
                help_text=criterion.description,
                error_messages={"required": _("Choose a mark for this criterion.")},
            )
            self.fields[f"note_{criterion.pk}"] = forms.CharField(
                label=_("Note"), required=False, max_length=NOTE_MAX_LENGTH
            )
        self.order_fields(["language", *self._criterion_fields(), "comment"])

    def _criterion_fields(self) -> list[str]:
        return [name for c in self.criteria for name in (f"mark_{c.pk}", f"note_{c.pk}")]

    def rows(self) -> list[tuple[ReviewCriterion, forms.BoundField, forms.BoundField]]:
        return [(c, self[f"mark_{c.pk}"], self[f"note_{c.pk}"]) for c in self.criteria]

    def marks(self) -> dict[int, tuple[int | None, str]]:
        data = self.cleaned_data
        return {c.pk: (_mark(data[f"mark_{c.pk}"]), data[f"note_{c.pk}"]) for c in self.criteria}


def _mark(value: str) -> int | None:
    return None if value == NOT_APPLICABLE else int(value)


class ReplyForm(forms.Form):
    reply = forms.CharField(
        label=_("Your reply"), max_length=REPLY_MAX_LENGTH, widget=forms.Textarea
    )


class SampleForm(forms.Form):
    days = forms.TypedChoiceField(
        label=_("Solved in the last"),
        coerce=int,
        choices=[(7, _("7 days")), (30, _("30 days")), (90, _("90 days"))],
        initial=30,
        required=False,
        empty_value=30,
    )
    order = forms.ChoiceField(
        label=_("Order"),
        choices=[("random", _("Random")), ("low_csat", _("Lowest satisfaction first"))],
        initial="random",
        required=False,
    )


class PeriodForm(forms.Form):
    days = forms.TypedChoiceField(
        label=_("Period"),
        coerce=int,
        choices=[(30, _("Last 30 days")), (90, _("Last 90 days"))],
        initial=30,
        required=False,
        empty_value=30,
    )
