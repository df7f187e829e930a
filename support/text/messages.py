"""Customer-facing strings of the text analysers, translated into the customer's language.

The msgids are English and marked with gettext_noop so makemessages finds them; they are looked up
with gettext inside translation.override at the moment they are used.
"""

from django.core.exceptions import ImproperlyConfigured
from django.utils import translation


def gettext_noop(message: str) -> str:
    """Marks a msgid for makemessages (found by name) without needing Django's settings."""
    return message


SEED_PHRASE = "seed_phrase"
PRIVATE_KEY = "private_key"
PASSWORD = "password"  # noqa: S105 - the name of a kind of secret, not a secret
API_KEY = "api_key"
ONE_TIME_CODE = "one_time_code"

MARKERS = {
    SEED_PHRASE: gettext_noop("[seed phrase removed]"),
    PRIVATE_KEY: gettext_noop("[private key removed]"),
    PASSWORD: gettext_noop("[password removed]"),
    API_KEY: gettext_noop("[API key removed]"),
    ONE_TIME_CODE: gettext_noop("[2FA code removed]"),
}

SECURITY_NOTICE = gettext_noop(
    "For your safety we removed a secret from your message. Our staff will never ask for your "
    "seed phrase, private keys or password. Please treat them as exposed: move your funds to a "
    "new wallet with a new seed phrase, change your password, and reset your two-factor "
    "authentication."
)


def translate(message: str, *, lang: str) -> str:
    """`message` in `lang`; the English source where Django's settings are not configured."""
    try:
        with translation.override(lang if lang != "other" else "en"):
            return translation.gettext(message)
    except (ImproperlyConfigured, ImportError, LookupError, ValueError):
        return message


def secret_marker(kind: str, *, lang: str) -> str:
    return translate(MARKERS[kind], lang=lang)


def security_notice(lang: str) -> str:
    """What we tell a customer, in their language, after removing a secret from their message."""
    return translate(SECURITY_NOTICE, lang=lang)
