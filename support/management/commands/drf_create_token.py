"""DRF's `drf_create_token`, refusing staff who have no second factor yet: an API token is
made only for someone who has enrolled (it then stands for a signed-in session; docs/security.md).
This app is listed before rest_framework.authtoken, so this command is the one that runs."""

from django.core.management.base import CommandError
from rest_framework.authtoken.management.commands import drf_create_token

from support.factors import has_factor, staff_needs_factor


class Command(drf_create_token.Command):
    def create_user_token(self, username, reset_token):
        user = drf_create_token.UserModel._default_manager.get_by_natural_key(username)
        if staff_needs_factor(user) and not has_factor(user):
            raise CommandError(
                f"{username} has no second factor yet: they sign in once and set it up first."
            )
        return super().create_user_token(username, reset_token)
