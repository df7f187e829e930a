from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LivechatConfig(AppConfig):
    name = "livechat"
    verbose_name = _("Live chat")

    def ready(self) -> None:
        from livechat import metrics
        from livechat.dashboard import chat_figures
        from livechat.inbox import inbox_chats
        from livechat.reviews import review_chats
        from livechat.selectors import customer_chats
        from support import registry

        registry.register_site_nav(
            key="chat",
            label=_("Live chat"),
            description=_("Chat with our assistant, or with a person when you need one."),
            url_name="livechat:chat",
            order=30,
        )
        registry.register_nav(
            key="chats",
            label=_("Chats"),
            url_name="livechat_console:chats",
            permission="support.use_console",
            order=15,
        )
        registry.register_customer_panel("chats", customer_chats, with_viewer=True)
        registry.register_dashboard_figure("livechat", chat_figures, with_teams=True)
        registry.register_inbox_provider("chats", inbox_chats)
        registry.register_metric("livechat.deflection", metrics.deflection_figures)
        registry.register_review_source("chats", review_chats)
        from livechat.channel_bridge import ChannelChatBridge
        from tickets.channels.adapters import register_chat_bridge

        register_chat_bridge("telegram", ChannelChatBridge())  # a bot in live-chat mode
        from livechat import customer_data

        customer_data.register()
        from livechat import customer_merge

        customer_merge.register()
