"""The mailboxes customers write to: which team and language their mail goes to, and for those
we poll, how to reach the IMAP server and how far we have read (docs/email.md).

The password is stored sealed (tickets/mailboxes.py) and never shown back; `uidvalidity` and
`last_uid` say which messages were stored already, so a dropped connection resumes after the
last one and not from the start.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from support.models import Team
from support.taxonomy import Language


class Mailbox(models.Model):
    class Problem(models.TextChoices):
        LOGIN = "login", _("The server refused the username or password")
        CONNECT = "connect", _("The server cannot be reached")
        TLS = "tls", _("The secure connection failed")
        FOLDER = "folder", _("The folder cannot be opened")
        PASSWORD_KEY = "password_key", _("The stored password cannot be decrypted: enter it again")
        OAUTH = "oauth", _("The provider refused the sign-in token: sign in again")
        IMAP = "imap", _("The server answered with an error")
        MESSAGES = "messages", _("Some messages could not be processed")

    class Auth(models.TextChoices):
        PASSWORD = "password", _("Password or app password")
        OAUTH2 = "oauth2", _("OAuth2 (XOAUTH2): Microsoft 365, Gmail")

    class Provider(models.TextChoices):
        MICROSOFT = "microsoft", _("Microsoft 365")
        GOOGLE = "google", _("Google (Gmail, Workspace)")

    class Security(models.TextChoices):
        TLS = "tls", _("TLS (usually port 993)")
        STARTTLS = "starttls", _("STARTTLS (usually port 143)")
        NONE = "none", _("None: only for a server on this machine")

    address = models.EmailField(_("email address"), unique=True)
    team = models.ForeignKey(
        Team,
        verbose_name=_("team"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        help_text=_("New tickets from this mailbox go to this team (security incidents excepted)."),
    )
    language = models.CharField(
        _("default language"),
        max_length=8,
        choices=Language.choices,
        default=Language.EN,
        help_text=_("Used when a message's own language cannot be told."),
    )
    enabled = models.BooleanField(_("enabled"), default=True)
    host = models.CharField(
        _("IMAP server"),
        max_length=255,
        blank=True,
        help_text=_("Empty: mail arrives by the pipe command or the HTTP endpoint, not polled."),
    )
    port = models.PositiveIntegerField(_("port"), default=993)
    security = models.CharField(
        _("connection security"), max_length=8, choices=Security.choices, default=Security.TLS
    )
    username = models.CharField(_("username"), max_length=255, blank=True)
    password_sealed = models.BinaryField(_("password (encrypted)"), default=b"", editable=False)
    auth = models.CharField(_("sign-in"), max_length=8, choices=Auth.choices, default=Auth.PASSWORD)
    oauth_provider = models.CharField(
        _("OAuth2 provider"), max_length=16, choices=Provider.choices, blank=True
    )
    oauth_client_id = models.CharField(
        _("OAuth2 client ID"),
        max_length=255,
        blank=True,
        help_text=_("The application (client) ID of the app registered with the provider."),
    )
    oauth_tenant = models.CharField(
        _("Microsoft tenant"),
        max_length=255,
        blank=True,
        help_text=_("The directory (tenant) ID or domain; empty: any work or school account."),
    )
    oauth_token_url = models.URLField(
        _("token endpoint"),
        blank=True,
        help_text=_("Empty: the provider's own. Set it for a national cloud."),
    )
    # Sealed like the password (tickets/mailboxes.py); the access token is kept until it
    # expires, so that a poll a minute does not ask the provider for a new one each time.
    oauth_client_secret_sealed = models.BinaryField(default=b"", editable=False)
    oauth_refresh_token_sealed = models.BinaryField(default=b"", editable=False)
    oauth_access_token_sealed = models.BinaryField(default=b"", editable=False)
    oauth_access_expires_at = models.DateTimeField(null=True, blank=True, editable=False)
    folder = models.CharField(_("folder"), max_length=255, default="INBOX")
    uidvalidity = models.BigIntegerField(_("UIDVALIDITY"), null=True, blank=True, editable=False)
    last_uid = models.BigIntegerField(_("last UID stored"), default=0, editable=False)
    last_polled_at = models.DateTimeField(_("last poll"), null=True, blank=True, editable=False)
    last_problem = models.CharField(
        _("last problem"), max_length=16, choices=Problem.choices, blank=True, editable=False
    )
    last_error = models.TextField(_("last error"), blank=True, default="", editable=False)
    failing_since = models.DateTimeField(_("failing since"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("mailbox")
        verbose_name_plural = _("mailboxes")
        ordering = ["address"]

    def __str__(self) -> str:
        return self.address

    @property
    def polled(self) -> bool:
        """Whether the IMAP poll reads this mailbox (else mail is pushed to us)."""
        return self.enabled and bool(self.host)
