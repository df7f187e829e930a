from django.urls import path

from tickets.reviews import views

app_name = "reviews"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("sample/", views.sample, name="sample"),
    path("mine/", views.mine, name="mine"),
    path("ticket/<str:reference>/", views.review_ticket, name="ticket"),
    path("chat/<int:conversation_id>/", views.review_chat, name="chat"),
    path("<int:pk>/", views.review_detail, name="detail"),
    path("<int:pk>/reply/", views.reply, name="reply"),
]
