"""The complaints API (/api/v1/complaints/): one URL per action."""

from django.urls import path

from complaints import api, api_reports

app_name = "complaints_api"

ACTIONS = {
    "messages": api.MessageView,
    "appeal": api.AppealView,
    "accept": api.AcceptView,
    "withdraw": api.WithdrawView,
    "acknowledge": api.AcknowledgeView,
    "investigate": api.InvestigateView,
    "request-information": api.RequestInformationView,
    "notes": api.NoteView,
    "root-causes": api.RootCausesView,
    "decide": api.DecideView,
    "assign": api.AssignView,
    "appeal/take": api.AppealTakeView,
    "appeal/assign": api.AppealAssignView,
    "appeal/decide": api.AppealDecideView,
    "remedies": api.RemedyView,
}

urlpatterns = [
    path("", api.ComplaintListView.as_view(), name="list"),
    path("queue/", api_reports.QueueView.as_view(), name="queue"),
    path("figures/", api_reports.FiguresView.as_view(), name="figures"),
    path("register.csv", api_reports.RegisterView.as_view(), name="register"),
    path("<str:reference>/", api.ComplaintDetailView.as_view(), name="detail"),
    *(
        path(f"<str:reference>/{action}/", view.as_view(), name=action.replace("/", "-"))
        for action, view in ACTIONS.items()
    ),
]
