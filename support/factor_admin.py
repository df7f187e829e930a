"""The admin's side of the second factor: resets of a colleague's factor (asked for by one
administrator, approved by another) and role changes, both only with a factor given in the
last 15 minutes. django-otp's own device pages are removed: deleting a device there would
skip the second administrator."""

from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from support.factor_gate import reauth_redirect
from support.factor_models import FactorReset
from support.factor_resets import (
    FactorResetRefused,
    factor_reset_approve,
    factor_reset_problem,
    factor_reset_request,
)
from support.factors import recent_factor

User = get_user_model()

for device_model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(device_model):
        admin.site.unregister(device_model)


class RecentFactorAdmin(admin.ModelAdmin):
    """Every page of this model asks for a factor given within the last 15 minutes."""

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if not recent_factor(request):
            return reauth_redirect(request, request.get_full_path())
        return super().changeform_view(request, object_id, form_url, extra_context)

    def changelist_view(self, request, extra_context=None):
        if not recent_factor(request):
            return reauth_redirect(request, request.get_full_path())
        return super().changelist_view(request, extra_context)


@admin.register(FactorReset)
class FactorResetAdmin(RecentFactorAdmin):
    list_display = ["person", "requested_by", "requested_at", "approved_by", "approved_at"]
    fields = ["person", "reason"]
    raw_id_fields = ["person"]
    actions = ["approve"]

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def get_form(self, request, obj=None, change=False, **kwargs):
        base = super().get_form(request, obj, change, **kwargs)

        class ResetForm(base):
            def clean(self) -> dict:
                cleaned = super().clean()
                person = cleaned.get("person")
                if person is not None:
                    problem = factor_reset_problem(person=person, by=request.user)
                    if problem:
                        raise ValidationError(problem)
                return cleaned

        return ResetForm

    def save_model(self, request, obj, form, change) -> None:
        """Through the service (it checks again under its constraint)."""
        saved = factor_reset_request(
            person=obj.person, by=request.user, reason=obj.reason, request=request
        )
        obj.pk = saved.pk

    @admin.action(description=_("Approve the selected resets (the factor is deleted)"))
    def approve(self, request, queryset) -> None:
        for reset in queryset:
            try:
                factor_reset_approve(reset=reset, by=request.user, request=request)
            except (FactorResetRefused, PermissionDenied) as error:
                reason = str(error) or _("Not allowed.")
                messages.error(request, f"{reset.person}: {reason}")
            else:
                message = _("%(person)s's second factor was reset.") % {"person": reset.person}
                messages.success(request, message)


class RoleChangeUserAdmin(RecentFactorAdmin, UserAdmin):
    """Django's user admin; adding people or changing their roles (groups) and permissions
    asks for a recent factor (role changes are on this page)."""

    def changelist_view(self, request, extra_context=None):
        return UserAdmin.changelist_view(self, request, extra_context)


if admin.site.is_registered(User):
    admin.site.unregister(User)
admin.site.register(User, RoleChangeUserAdmin)
