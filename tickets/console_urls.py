from django.urls import path

from tickets import console_views as views

app_name = "tickets_console"

urlpatterns = [
    path("", views.queue, name="queue"),
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
    path("remediations/<int:pk>/approve/", views.remediation_approve, name="approve"),
    path("remediations/<int:pk>/reject/", views.remediation_reject, name="reject"),
    path("remediations/<int:pk>/retry/", views.remediation_retry, name="retry"),
]
