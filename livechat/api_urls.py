from django.urls import path

from livechat import api

urlpatterns = [
    path("bot/preview/", api.BotPreviewView.as_view(), name="livechat-bot-preview"),
    path("conversations/", api.ConversationStartView.as_view(), name="livechat-start"),
    path(
        "conversations/<int:pk>/attachments/",
        api.AttachmentUploadView.as_view(),
        name="livechat-attachment-upload",
    ),
    path(
        "attachments/<int:pk>/",
        api.AttachmentDownloadView.as_view(),
        name="livechat-attachment",
    ),
]
