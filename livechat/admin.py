"""Admin for the live chat's policy rows: how each team's chats are offered to its agents."""

from django.contrib import admin

from livechat.models import TeamChatPolicy


@admin.register(TeamChatPolicy)
class TeamChatPolicyAdmin(admin.ModelAdmin):
    list_display = ["team", "offer_timeout_seconds", "away_after_missed_offers"]
