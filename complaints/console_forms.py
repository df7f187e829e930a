"""The forms of the complaints console: the queue's filters and one form per action.

Forms only shape and check the input; every change is a service call in
`complaints.console_actions`. The `override` field is the administrator's written reason for
acting against the independence rule; the services accept it from administrators only.
"""

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from complaints.models import AppealOutcome, Category, Outcome, RootCause, Stage
from complaints.services import REASON_LIMIT, TEXT_LIMIT
from support.taxonomy import Language
from tickets.forms import RemediationForm

STAFF_LISTED = 500


class Tab:
    """The queue's tabs: a stage group, or the viewer's own complaints and appeals."""

    MINE = "mine"
    NEW = "new"
    IN_PROGRESS = "progress"
    DECIDED = "decided"
    APPEALS = "appeals"
    CLOSED = "closed"

    CHOICES = (
        (MINE, pgettext_lazy("complaints queue", "Mine")),
        (NEW, pgettext_lazy("complaints queue", "New")),
        (IN_PROGRESS, pgettext_lazy("complaints queue", "In progress")),
        (DECIDED, pgettext_lazy("complaints queue", "Decided")),
        (APPEALS, pgettext_lazy("complaints queue", "Appeals")),
        (CLOSED, pgettext_lazy("complaints queue", "Closed")),
    )
    STAGES = {
        NEW: (Stage.SUBMITTED,),
        IN_PROGRESS: (Stage.ACKNOWLEDGED, Stage.INVESTIGATING, Stage.WAITING_ON_CUSTOMER),
        DECIDED: (Stage.DECIDED,),
        APPEALS: (Stage.APPEALED, Stage.UNDER_APPEAL_REVIEW),
        CLOSED: (Stage.FINAL_DECISION, Stage.CLOSED),
    }


def _any(choices) -> list[tuple[str, str]]:
    return [("", pgettext_lazy("filter", "Any")), *choices]


class QueueFilterForm(forms.Form):
    tab = forms.ChoiceField(label=_("View"), choices=Tab.CHOICES, required=False)
    category = forms.ChoiceField(
        label=_("Category"), choices=_any(Category.choices), required=False
    )
    language = forms.ChoiceField(
        label=_("Language"), choices=_any(Language.choices), required=False
    )
    after = forms.CharField(required=False, max_length=80)


def people_with_permission(codename: str) -> QuerySet:
    """Active staff holding `support.<codename>` (through a role or directly), by email."""
    permission = Permission.objects.filter(content_type__app_label="support", codename=codename)
    users = get_user_model().objects.filter(is_active=True)
    holders = Q(groups__permissions__in=permission) | Q(user_permissions__in=permission)
    return users.filter(holders | Q(is_superuser=True)).distinct().order_by("email")


class OverrideForm(forms.Form):
    """Any action an administrator may take against the independence rule, in writing."""

    override = forms.CharField(
        label=_("Reason for overriding the independence rule"),
        required=False,
        max_length=REASON_LIMIT,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Administrators only; recorded on the complaint's timeline."),
    )


class VersionForm(OverrideForm):
    """A stage move on the complaint as the officer saw it (`version`: a stale page is told)."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)


class TextForm(OverrideForm):
    text = forms.CharField(
        label=_("Text"), max_length=REASON_LIMIT, widget=forms.Textarea(attrs={"rows": 4})
    )


class AssignForm(OverrideForm):
    officer = forms.ModelChoiceField(label=_("Complaint officer"), queryset=None)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["officer"].queryset = people_with_permission("handle_complaints")


class ReviewerForm(OverrideForm):
    reviewer = forms.ModelChoiceField(label=_("Appeal reviewer"), queryset=None)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reviewer"].queryset = people_with_permission("review_appeals")


class RootCausesForm(forms.Form):
    causes = forms.MultipleChoiceField(
        label=_("What caused it (any that apply)"),
        choices=RootCause.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


class PublishForm(forms.Form):
    """An administrator's case summary of a closed complaint, for the help center; names, ids,
    amounts, addresses and hashes are removed before it is stored or published."""

    title = forms.CharField(label=_("Title"), max_length=150)
    summary = forms.CharField(
        label=_("Case summary"),
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "What happened, what we found and what changed. Names, emails, ids, amounts, "
            "addresses and transaction hashes are removed before publishing."
        ),
    )
    language = forms.ChoiceField(label=_("Language"), choices=Language.choices)


class LetterForm(OverrideForm):
    """A decision with its reason, remedy and the letter sent to the customer. The letter
    starts as a draft (complaints.letters) whose bracketed parts the officer must replace."""

    reason = forms.CharField(
        label=_("Reason for the decision"),
        max_length=REASON_LIMIT,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Shown to the customer: write it in their language."),
    )
    remedy = forms.CharField(
        label=_("Remedy"),
        required=False,
        max_length=REASON_LIMIT,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    letter = forms.CharField(
        label=_("Decision letter"),
        max_length=TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 14}),
        help_text=_("A draft in the customer's language: edit it before sending."),
    )

    def __init__(self, *args, placeholders: tuple[str, ...] = (), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.placeholders = placeholders

    def clean_letter(self) -> str:
        letter = self.cleaned_data["letter"]
        if any(placeholder in letter for placeholder in self.placeholders):
            raise forms.ValidationError(_("Replace the bracketed parts of the draft first."))
        return letter


class DecideForm(LetterForm):
    field_order = ["outcome", "reason", "remedy", "letter", "override"]

    outcome = forms.ChoiceField(label=_("Decision"), choices=Outcome.choices)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)


class AppealDecideForm(LetterForm):
    field_order = ["outcome", "reason", "remedy", "letter", "override"]

    outcome = forms.ChoiceField(label=_("Final decision"), choices=AppealOutcome.choices)


class RemedyForm(RemediationForm):
    """The ticket console's remediation form: the same actions and checks."""


class RaiseComplaintForm(forms.Form):
    """A complaint an agent files for the customer of a ticket, with the ticket linked."""

    category = forms.ChoiceField(label=_("What is the complaint about?"), choices=Category.choices)
    description = forms.CharField(
        label=_("What happened, in the customer's words"),
        max_length=TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    desired_outcome = forms.CharField(
        label=_("What the customer wants"),
        required=False,
        max_length=TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    language = forms.ChoiceField(
        label=_("Language of the complaint"),
        choices=Language.choices,
        help_text=_("The customer is written to in this language."),
    )
