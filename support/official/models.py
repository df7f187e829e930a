"""Our official channels, the verification codes our messages carry, and the flagged checks."""

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from support.official import matching
from support.taxonomy import Language


class Kind(models.TextChoices):
    TELEGRAM = matching.TELEGRAM, "Telegram"
    X = matching.X, "X (Twitter)"
    EMAIL = matching.EMAIL, _("Email address")
    PHONE = matching.PHONE, _("Phone number")
    DOMAIN = matching.DOMAIN, _("Website domain")
    FACEBOOK = matching.FACEBOOK, "Facebook"
    INSTAGRAM = matching.INSTAGRAM, "Instagram"
    LINE = matching.LINE, "LINE"
    KAKAOTALK = matching.KAKAOTALK, "KakaoTalk"


class OfficialChannelQuerySet(models.QuerySet):
    def active(self) -> "OfficialChannelQuerySet":
        return self.filter(active=True)

    def for_language(self, language: str) -> "OfficialChannelQuerySet":
        """The channels shown to readers of `language`: theirs and those for everyone."""
        return self.filter(models.Q(languages=[]) | models.Q(languages__contains=[language]))


class OfficialChannel(models.Model):
    """One handle, address, number or domain that is ours. `value` is what admins type;
    `normalised` (support.official.matching.normalise) is what checks compare."""

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    value = models.CharField(_("value"), max_length=254)
    normalised = models.CharField(max_length=254, editable=False)
    languages = ArrayField(
        models.CharField(max_length=7, choices=Language.choices),
        verbose_name=_("languages"),
        default=list,
        blank=True,
        help_text=_("The languages this channel serves; none: every language."),
    )
    description = models.JSONField(
        _("description per language"),
        default=dict,
        blank=True,
        help_text=_('For example {"en": "Announcements", "ko": "공지 채널"}.'),
    )
    covers_subdomains = models.BooleanField(
        _("covers subdomains"),
        default=False,
        help_text=_("Domains only: every subdomain of it is ours too."),
    )
    active = models.BooleanField(_("active"), default=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    objects = OfficialChannelQuerySet.as_manager()

    class Meta:
        verbose_name = _("official channel")
        verbose_name_plural = _("official channels")
        ordering = ["kind", "position", "normalised"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "normalised"], name="official_channel_unique")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.value}"

    def save(self, *args, **kwargs) -> None:
        self.normalised = matching.normalise(self.kind, self.value)
        super().save(*args, **kwargs)

    def description_in(self, language: str) -> str:
        return self.description.get(language) or self.description.get("en", "")


class VerificationCode(models.Model):
    """A short code printed under one of our messages to a customer; the public page tells
    when and through which channel it was issued, never to whom."""

    class Channel(models.TextChoices):
        EMAIL = "email", _("Email")
        CHAT = "chat", _("Live chat")
        TELEGRAM = "telegram", "Telegram"
        SOCIAL = "social", _("Social media")
        WEB = "web", pgettext_lazy("channel", "Website")
        PHONE = "phone", _("Phone")

    code = models.CharField(_("code"), max_length=8, unique=True)
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    # What the code was printed under ("ticket-message:12", "chat:3:client-id"), for agents;
    # unique, so that issuing again for the same message returns the same code.
    source = models.CharField(_("source"), max_length=120, unique=True)
    issued_at = models.DateTimeField(_("issued at"), auto_now_add=True)

    class Meta:
        verbose_name = _("verification code")
        verbose_name_plural = _("verification codes")

    def __str__(self) -> str:
        return self.code


class ChannelCheck(models.Model):
    """A public check whose value looked like an official one: recorded for admins."""

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    value = models.CharField(_("value"), max_length=254)
    looks_like = models.ForeignKey(
        OfficialChannel,
        verbose_name=_("looks like"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="lookalike_checks",
    )
    language = models.CharField(_("language"), max_length=7, blank=True)
    reported = models.BooleanField(_("reported"), default=False)
    checked_at = models.DateTimeField(_("checked at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("flagged check")
        verbose_name_plural = _("flagged checks")

    def __str__(self) -> str:
        return f"{self.kind}: {self.value}"
