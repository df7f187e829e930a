from django.urls import path

from tickets import console_views as views
from tickets.email_views import raw_email
from tickets.inbox import views as inbox

app_name = "tickets_console"

urlpatterns = [
    path("", inbox.inbox, name="queue"),
    # Before "<reference>/…": "bulk/merge/" must not read as the ticket "bulk".
    path("counts/", inbox.inbox_counts, name="inbox_counts"),
    path("bulk/assign/", inbox.bulk_assign, name="bulk_assign"),
    path("bulk/tags/", inbox.bulk_tag, name="bulk_tags"),
    path("bulk/status/", inbox.bulk_status, name="bulk_status"),
    path("bulk/merge/", inbox.bulk_merge, name="bulk_merge"),
    path("bulk/incident/", inbox.bulk_link_incident, name="bulk_incident"),
    path("views/", inbox.saved_view_create, name="view_create"),
    path("views/<int:pk>/", inbox.saved_view_update, name="view_update"),
    path("views/<int:pk>/delete/", inbox.saved_view_delete, name="view_delete"),
    path("<str:reference>/", views.ticket, name="ticket"),
    path("<str:reference>/reply/", views.reply, name="reply"),
    path("<str:reference>/status/", views.set_status, name="status"),
    path("<str:reference>/priority/", views.set_priority, name="priority"),
    path("<str:reference>/assign/", views.assign, name="assign"),
    path("<str:reference>/take/", views.take, name="take"),
    path("<str:reference>/tags/", views.set_tags, name="tags"),
    path("<str:reference>/merge/", views.merge, name="merge"),
    path("<str:reference>/split/", views.split, name="split"),
    path("<str:reference>/link/", views.link, name="link"),
    path("<str:reference>/incident-reply/", views.incident_answer, name="incident_reply"),
    path("<str:reference>/remediations/", views.remediation_request, name="remediate"),
    path("<str:reference>/emails/<int:pk>/original/", raw_email, name="raw_email"),
    path("remediations/<int:pk>/approve/", views.remediation_approve, name="approve"),
    path("remediations/<int:pk>/reject/", views.remediation_reject, name="reject"),
    path("remediations/<int:pk>/retry/", views.remediation_retry, name="retry"),
]
