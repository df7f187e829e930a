"""Admin for webhook endpoints and their delivery log. The signing secret is shown once, on the
page that follows creating the endpoint or rotating its secret, and never again."""

from django import forms
from django.contrib import admin, messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from support.webhooks import services
from support.webhooks.events import WebhookEvent
from support.webhooks.models import WebhookDelivery, WebhookEndpoint
from support.webhooks.url_guard import UrlRefused, address_check, ip_literal, url_parts


class WebhookEndpointForm(forms.ModelForm):
    url = forms.URLField(
        label=_("URL"),
        max_length=2000,
        assume_scheme="https",  # a bare host means https
        help_text=WebhookEndpoint._meta.get_field("url").help_text,
    )
    events = forms.MultipleChoiceField(
        label=_("events"), choices=WebhookEvent.choices, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = WebhookEndpoint
        fields = ["name", "url", "events", "enabled"]

    def clean_url(self) -> str:
        """What can be judged without DNS; the addresses are checked at every delivery."""
        url = self.cleaned_data["url"]
        try:
            _scheme, host, _port, _path = url_parts(url)
            if ip_literal(host) is not None:
                address_check(host)
        except UrlRefused as refusal:
            raise forms.ValidationError(str(refusal)) from refusal
        return url


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin):
    form = WebhookEndpointForm
    list_display = ["name", "url", "state", "consecutive_failures", "failing_since"]
    list_filter = ["enabled"]
    search_fields = ["name", "url"]
    readonly_fields = ["state", "consecutive_failures", "failing_since", "secret", "deliveries"]

    def get_urls(self) -> list:
        rotate = path(
            "<int:pk>/rotate-secret/",
            self.admin_site.admin_view(self.rotate_secret_view),
            name="support_webhookendpoint_rotate",
        )
        return [rotate, *super().get_urls()]

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        """Disable an endpoint instead: its delivery log stays."""
        return False

    def get_readonly_fields(self, request: HttpRequest, obj=None) -> list[str]:
        return self.readonly_fields if obj is not None else []

    @admin.display(description=_("state"))
    def state(self, endpoint: WebhookEndpoint) -> str:
        if endpoint.enabled:
            return _("enabled")
        if endpoint.disabled_at is not None:
            return _("disabled after repeated failures")
        return _("disabled")

    @admin.display(description=_("signing secret"))
    def secret(self, endpoint: WebhookEndpoint) -> str:
        url = reverse("admin:support_webhookendpoint_rotate", args=[endpoint.pk])
        return format_html(
            '{} <a href="{}">{}</a>',
            _("Shown only once, when it was made."),
            url,
            _("Rotate the secret"),
        )

    @admin.display(description=_("delivery log"))
    def deliveries(self, endpoint: WebhookEndpoint) -> str:
        url = reverse("admin:support_webhookdelivery_changelist")
        return format_html(
            '<a href="{}?endpoint__id__exact={}">{}</a>', url, endpoint.pk, _("Deliveries")
        )

    def save_model(self, request, obj, form, change) -> None:
        if change:
            services.webhook_endpoint_update(
                endpoint=obj, changed=form.changed_data, by=request.user
            )
            return
        endpoint, secret = services.webhook_endpoint_create(
            name=obj.name,
            url=obj.url,
            events=obj.events,
            enabled=obj.enabled,
            by=request.user,
        )
        obj.pk, obj.secret_sealed = endpoint.pk, endpoint.secret_sealed
        request.webhook_secret = secret  # for response_add, this request only

    def response_add(self, request, obj, post_url_continue=None) -> HttpResponse:
        return self._secret_page(request, obj, request.webhook_secret, created=True)

    def rotate_secret_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        endpoint = get_object_or_404(WebhookEndpoint, pk=pk)
        if not self.has_change_permission(request, endpoint):
            return HttpResponse(status=403)
        if request.method != "POST":
            context = {**self.admin_site.each_context(request), "endpoint": endpoint}
            context["title"] = _("Rotate the signing secret")
            return TemplateResponse(request, "admin/support/webhook_rotate.html", context)
        secret = services.webhook_endpoint_rotate_secret(endpoint=endpoint, by=request.user)
        return self._secret_page(request, endpoint, secret, created=False)

    def _secret_page(self, request, endpoint, secret: str, *, created: bool) -> HttpResponse:
        context = {
            **self.admin_site.each_context(request),
            "title": _("Signing secret"),
            "endpoint": endpoint,
            "secret": secret,
            "created": created,
            "overlap_hours": int(services.ROTATION_OVERLAP.total_seconds() // 3600),
        }
        response = TemplateResponse(request, "admin/support/webhook_secret.html", context)
        response["Cache-Control"] = "no-store"
        return response


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    list_display = [
        "created_at",
        "endpoint",
        "event",
        "outcome",
        "response_status",
        "attempts",
        "next_attempt_at",
        "last_error",
    ]
    list_filter = ["endpoint", "event"]
    list_select_related = ["endpoint"]
    readonly_fields = [field.name for field in WebhookDelivery._meta.fields] + ["outcome"]
    actions = ["replay"]
    show_full_result_count = False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.display(description=_("outcome"))
    def outcome(self, delivery: WebhookDelivery) -> str:
        if delivery.delivered_at is not None:
            return _("delivered")
        if delivery.failed_at is not None:
            return _("given up")
        return _("waiting")

    @admin.action(description=_("Send the selected deliveries again"), permissions=["change"])
    def replay(self, request: HttpRequest, queryset) -> None:
        count = 0
        for delivery in queryset.select_related("endpoint"):
            services.webhook_replay(delivery=delivery, by=request.user)
            count += 1
        message = ngettext(
            "%(count)d delivery will be sent again.",
            "%(count)d deliveries will be sent again.",
            count,
        )
        self.message_user(request, message % {"count": count}, messages.SUCCESS)
