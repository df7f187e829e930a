"""The complaint officers' and appeal reviewers' console: the queue, a complaint's page, and
one URL per action (each a POST calling one service)."""

from django.urls import path

from complaints import console_actions as actions
from complaints import console_views as views

app_name = "complaints_console"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("from-ticket/<str:ticket_reference>/", views.raise_from_ticket, name="raise"),
    path("<str:reference>/", views.complaint, name="complaint"),
    path("<str:reference>/files/<int:pk>/", views.attachment, name="attachment"),
    path("<str:reference>/take/", actions.take, name="take"),
    path("<str:reference>/assign/", actions.assign, name="assign"),
    path("<str:reference>/acknowledge/", actions.acknowledge, name="acknowledge"),
    path("<str:reference>/investigate/", actions.investigate, name="investigate"),
    path("<str:reference>/request/", actions.request_information, name="request"),
    path("<str:reference>/message/", actions.message, name="message"),
    path("<str:reference>/note/", actions.note, name="note"),
    path("<str:reference>/root-causes/", actions.root_causes, name="root_causes"),
    path("<str:reference>/decide/", actions.decide, name="decide"),
    path("<str:reference>/publish/", actions.publish, name="publish"),
    path("<str:reference>/remedy/", actions.remedy, name="remedy"),
    path(
        "<str:reference>/remedies/<int:pk>/approve/", actions.remedy_approve, name="remedy_approve"
    ),
    path("<str:reference>/remedies/<int:pk>/reject/", actions.remedy_reject, name="remedy_reject"),
    path("<str:reference>/appeal/take/", actions.appeal_take, name="appeal_take"),
    path("<str:reference>/appeal/assign/", actions.appeal_assign, name="appeal_assign"),
    path("<str:reference>/appeal/decide/", actions.appeal_decide, name="appeal_decide"),
]
