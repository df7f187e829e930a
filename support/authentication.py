"""API token authentication that loads the person with their customer profile in one query."""

from rest_framework import authentication


class TokenAuthentication(authentication.TokenAuthentication):
    """DRF's token check, plus the customer profile (language, tier) that intake reads next."""

    def authenticate_credentials(self, key):
        model = self.get_model()
        related = model.objects.select_related("user", "user__customer_profile")
        token = related.filter(key=key).first()
        if token is None:
            return super().authenticate_credentials(key)  # DRF's own message for a bad token
        if not token.user.is_active:
            return super().authenticate_credentials(key)
        return token.user, token
