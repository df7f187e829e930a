from django.urls import path

from livechat import views

app_name = "livechat_console"

urlpatterns = [
    path("", views.console_chats, name="chats"),
    path("<int:pk>/customer/", views.console_chat_customer, name="customer"),
    path("<int:pk>/macros/", views.console_chat_macros, name="macros"),
]
