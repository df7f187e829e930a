from django.urls import path

from livechat import views

app_name = "livechat"

urlpatterns = [
    path("", views.chat_page, name="chat"),
    path("widget.json", views.widget_config, name="widget-config"),
]
