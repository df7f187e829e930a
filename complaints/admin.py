"""The Django admin of complaints: deadline targets to edit, complaints to read.

A complaint's stage, text and decision are read-only here (they change only through the
workflow's services). Its officer and its appeal's reviewer may be changed, and each change is
the service's (`complaint_assign`, `appeal_assign`), so the independence rule applies as it does
in the console: a refused change shows its reason and nothing is saved; an administrator may
override the rule with a written reason, which the service records on the complaint.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from complaints import independence, services
from complaints.console_forms import people_with_permission
from complaints.errors import ComplaintError, NotIndependent
from complaints.models import (
    Appeal,
    Complaint,
    ComplaintDeadline,
    ComplaintEvent,
    ComplaintMessage,
    ComplaintTarget,
)


@admin.register(ComplaintTarget)
class ComplaintTargetAdmin(admin.ModelAdmin):
    list_display = ["target", "amount", "unit", "warn_before_hours", "calendar"]
    list_editable = ["amount", "unit", "warn_before_hours"]
    list_select_related = ["calendar"]


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


class EventInline(ReadOnlyInline):
    model = ComplaintEvent
    fields = ["created_at", "kind", "actor", "person", "from_stage", "to_stage", "reason", "public"]
    readonly_fields = fields


class MessageInline(ReadOnlyInline):
    model = ComplaintMessage
    fields = ["created_at", "kind", "author", "body"]
    readonly_fields = fields


class DeadlineInline(ReadOnlyInline):
    model = ComplaintDeadline
    fields = ["target", "started_at", "due_at", "paused_at", "warned_at", "breached_at", "met_at"]
    readonly_fields = fields


class AppealInline(admin.StackedInline):
    model = Appeal
    extra = 0
    can_delete = False
    fields = ["created_at", "grounds", "reviewer", "outcome", "decision_reason", "remedy"]
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


class ComplaintAdminForm(forms.ModelForm):
    """The officer and the appeal's reviewer, each change asked of the independence rule
    (`acting`: the administrator, set by ComplaintAdmin.get_form)."""

    appeal_reviewer = forms.ModelChoiceField(
        label=gettext_lazy("appeal reviewer"), queryset=None, required=False
    )
    override = forms.CharField(
        label=gettext_lazy("Reason for overriding the independence rule"),
        required=False,
        max_length=services.REASON_LIMIT,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy(
            "Only when the rule refuses the change: recorded on the complaint's timeline."
        ),
    )
    acting = None

    class Meta:
        model = Complaint
        fields = ["officer"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["officer"].queryset = people_with_permission("handle_complaints")
        self.appeal = Appeal.objects.filter(complaint=self.instance).first()
        self.fields["appeal_reviewer"].queryset = people_with_permission("review_appeals")
        if self.appeal is not None:
            self.initial["appeal_reviewer"] = self.appeal.reviewer_id

    def changed_officer(self):
        officer = self.cleaned_data.get("officer")
        return (
            officer if officer is not None and officer.pk != self.initial.get("officer") else None
        )

    def changed_reviewer(self):
        reviewer = self.cleaned_data.get("appeal_reviewer")
        if self.appeal is None or reviewer is None or reviewer.pk == self.appeal.reviewer_id:
            return None
        return reviewer

    def clean(self) -> dict:
        data = super().clean()
        if data.get("officer") is None and self.initial.get("officer"):
            self.add_error("officer", _("A complaint's officer can be changed, not removed."))
        override = data.get("override", "")
        if officer := self.changed_officer():
            self._ask("officer", independence.check_may_handle, officer, override)
        if reviewer := self.changed_reviewer():
            self._ask("appeal_reviewer", independence.check_may_review, reviewer, override)
        return data

    def _ask(self, field: str, check, person, override: str) -> None:
        try:
            check(person, self.instance, override=override, by=self.acting)
        except NotIndependent as refusal:
            self.add_error(field, str(refusal))


class Refused(Exception):
    """A service refused the admin's change: nothing is saved, the reason is shown."""


@admin.register(Complaint)
class ComplaintAdmin(admin.ModelAdmin):
    form = ComplaintAdminForm
    list_display = ["reference", "stage", "category", "language", "officer", "created_at"]
    list_filter = ["stage", "category", "language", "source"]
    list_select_related = ["officer"]
    search_fields = ["=reference", "=customer__email"]
    show_full_result_count = False  # no COUNT(*) over every complaint per page
    inlines = [AppealInline, DeadlineInline, EventInline, MessageInline]
    readonly_fields = [
        "reference",
        "stage",
        "customer",
        "email",
        "language",
        "category",
        "source",
        "raised_by",
        "created_at",
        "description",
        "desired_outcome",
        "tickets",
        "transactions",
        "conversation_id",
        "about_staff",
        "root_causes",
        "outcome",
        "decision_reason",
        "remedy",
        "decided_by",
        "decided_at",
        "appeal_deadline",
        "acknowledged_at",
        "closed_at",
        "published_summary",
        "version",
    ]
    fieldsets = [
        (None, {"fields": ["reference", "stage", "category", "language", "source", "created_at"]}),
        (gettext_lazy("People"), {"fields": ["customer", "email", "raised_by", "about_staff"]}),
        (gettext_lazy("Handling"), {"fields": ["officer", "appeal_reviewer", "override"]}),
        (gettext_lazy("The complaint"), {"fields": ["description", "desired_outcome"]}),
        (
            gettext_lazy("Decision"),
            {
                "fields": [
                    "outcome",
                    "decision_reason",
                    "remedy",
                    "decided_by",
                    "decided_at",
                    "appeal_deadline",
                ]
            },
        ),
        (
            gettext_lazy("Links and record"),
            {
                "fields": [
                    "tickets",
                    "transactions",
                    "conversation_id",
                    "root_causes",
                    "acknowledged_at",
                    "closed_at",
                    "published_summary",
                    "version",
                ]
            },
        ),
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # complaints are filed by customers or raised by staff, through services

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def get_fieldsets(self, request: HttpRequest, obj=None):
        """The reviewer's field only on a complaint with an appeal."""
        if obj is not None and Appeal.objects.filter(complaint=obj).exists():
            return self.fieldsets
        without = ["officer", "override"]
        return [
            (name, {"fields": without} if "officer" in options["fields"] else options)
            for name, options in self.fieldsets
        ]

    def get_form(self, request: HttpRequest, obj=None, change: bool = False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        return type(form.__name__, (form,), {"acting": request.user})

    def save_model(self, request: HttpRequest, obj: Complaint, form, change: bool) -> None:
        """Each change through its service (never `obj.save()`: the rest is read-only)."""
        override = form.cleaned_data.get("override", "")
        try:
            if officer := form.changed_officer():
                services.complaint_assign(
                    complaint=obj, officer=officer, by=request.user, override=override
                )
            if reviewer := form.changed_reviewer():
                services.appeal_assign(
                    complaint=obj, reviewer=reviewer, by=request.user, override=override
                )
        except (ComplaintError, PermissionDenied) as error:
            raise Refused(str(error) or _("You are not allowed to do that.")) from error

    def save_related(self, request: HttpRequest, form, formsets, change: bool) -> None:
        """Nothing else of a complaint is changed here: its inlines are read-only."""
        for formset in formsets:
            formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []

    def changeform_view(
        self, request: HttpRequest, object_id=None, form_url: str = "", extra_context=None
    ) -> HttpResponse:
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except Refused as refusal:  # raised inside the admin's transaction: rolled back
            self.message_user(request, str(refusal), messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())
