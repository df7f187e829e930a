from django.urls import path

from tickets import api

urlpatterns = [
    path("", api.TicketListView.as_view(), name="api-tickets"),
    path("macros/", api.MacroListView.as_view(), name="api-macros"),
    path("inbound/email/", api.InboundEmailView.as_view(), name="api-inbound-email"),
    path("sla-policies/", api.SlaPolicyListView.as_view(), name="api-sla-policies"),
    path("calendars/", api.CalendarListView.as_view(), name="api-calendars"),
    path("escalation-rules/", api.EscalationRuleListView.as_view(), name="api-escalation-rules"),
    path(
        "attachments/<int:pk>/", api.AttachmentDownloadView.as_view(), name="api-ticket-attachment"
    ),
    path("<str:reference>/", api.TicketDetailView.as_view(), name="api-ticket"),
    path(
        "<str:reference>/transitions/", api.TransitionView.as_view(), name="api-ticket-transition"
    ),
    path("<str:reference>/priority/", api.PriorityView.as_view(), name="api-ticket-priority"),
    path("<str:reference>/assign/", api.AssignView.as_view(), name="api-ticket-assign"),
    path("<str:reference>/messages/", api.MessageListView.as_view(), name="api-ticket-messages"),
    path("<str:reference>/links/", api.LinkView.as_view(), name="api-ticket-links"),
    path("<str:reference>/rating/", api.RatingView.as_view(), name="api-ticket-rating"),
    path(
        "<str:reference>/incident-replies/",
        api.IncidentReplyView.as_view(),
        name="api-incident-replies",
    ),
]
