from django.urls import path

from livechat import api

urlpatterns = [
    path("bot/preview/", api.BotPreviewView.as_view(), name="livechat-bot-preview"),
    path("conversations/", api.ConversationStartView.as_view(), name="livechat-start"),
]
