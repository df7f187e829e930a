"""A chat whose customer writes from a messaging channel (Telegram) rather than the widget:
which channel conversation it is (livechat/channel_bridge.py), and up to which chat message
our side has been relayed there (livechat/channel_relay.py)."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ChannelChat(models.Model):
    conversation = models.OneToOneField(
        "livechat.Conversation", on_delete=models.CASCADE, related_name="channel_chat"
    )
    channel = models.CharField(_("channel"), max_length=16)
    key = models.CharField(_("channel conversation"), max_length=100)  # tg:<bot>:<chat>
    relayed_up_to = models.BigIntegerField(default=0)
    open = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("channel chat")
        verbose_name_plural = _("channel chats")
        constraints = [
            models.UniqueConstraint(
                fields=["channel", "key"], condition=Q(open=True), name="channel_chat_one_open"
            )
        ]

    def __str__(self) -> str:
        return f"{self.channel}:{self.key}"
