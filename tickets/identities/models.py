"""Verified links from a channel's handle to a customer, the codes that prove them, and the
record of each merge of two customers (what moved, so that it can be moved back)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class IdentityKind(models.TextChoices):
    EMAIL = "email", _("Email")
    PHONE = "phone", _("Phone")
    TELEGRAM = "telegram", _("Telegram")
    X = "x", _("X")
    FACEBOOK = "facebook", _("Facebook")
    INSTAGRAM = "instagram", _("Instagram")
    LINE = "line", _("LINE")
    KAKAOTALK = "kakaotalk", _("KakaoTalk")


class VerifiedBy(models.TextChoices):
    CODE = "code", _("Code sent through the channel")
    CHANNEL = "channel", _("The customer wrote to us through it")
    MERGE = "merge", _("Moved by a merge of customers")
    MESSAGE = "message", _("Code sent to us from it")


class CustomerIdentity(models.Model):
    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("customer"),
        on_delete=models.CASCADE,
        related_name="identities",
    )
    kind = models.CharField(_("kind"), max_length=16, choices=IdentityKind.choices)
    value = models.CharField(_("value"), max_length=254)  # normalised (identities/handles.py)
    label = models.CharField(_("label"), max_length=254, blank=True, default="")
    verified_at = models.DateTimeField(_("verified"), null=True, blank=True)
    verified_by = models.CharField(
        _("verified by"), max_length=16, choices=VerifiedBy.choices, blank=True, default=""
    )
    # How to reach it (Telegram: {"bot": id, "chat": id}).
    reach = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("customer identity")
        verbose_name_plural = _("customer identities")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "value"],
                condition=Q(verified_at__isnull=False),
                name="identity_verified_once",
            ),
            models.UniqueConstraint(
                fields=["customer", "kind", "value"], name="identity_once_per_customer"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind}: {self.label or self.value}"


class IdentityCode(models.Model):
    """A code sent through a channel to prove a handle: stored hashed, single use, expiring,
    with a limited number of tries."""

    identity = models.ForeignKey(CustomerIdentity, on_delete=models.CASCADE, related_name="codes")
    code_hash = models.CharField(max_length=128)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("identity code")
        verbose_name_plural = _("identity codes")

    def __str__(self) -> str:
        return f"{self.identity_id}: {self.created_at:%Y-%m-%d %H:%M}"


class SocialLinkCode(models.Model):
    """A code the portal shows a customer to send to our official account on a social channel
    by direct message (tickets/identities/social.py): stored hashed, valid ten minutes, used
    once; what it did (`outcome`) and the link it made are kept for the portal's page."""

    class Outcome(models.TextChoices):
        LINKED = "linked", _("Linked")
        TAKEN = "taken", _("Linked to another customer already")

    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("customer"),
        on_delete=models.CASCADE,
        related_name="social_link_codes",
    )
    kind = models.CharField(_("kind"), max_length=16, choices=IdentityKind.choices)
    # HMAC of the kind and the code: a code is found by its hash, and a code for one channel
    # is unknown on another.
    code_hash = models.CharField(max_length=64, unique=True)
    language = models.CharField(_("language"), max_length=7)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(
        _("outcome"), max_length=16, choices=Outcome.choices, blank=True, default=""
    )
    identity = models.ForeignKey(
        CustomerIdentity, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("social link code")
        verbose_name_plural = _("social link codes")

    def __str__(self) -> str:
        return f"{self.customer_id} {self.kind}: {self.created_at:%Y-%m-%d %H:%M}"


class CustomerMerge(models.Model):
    """Customer `merged` merged into `kept`: the ids of what moved, so an unmerge moves exactly
    those back."""

    kept = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="merges_kept"
    )
    merged = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="merges_merged"
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.TextField(_("reason"))
    moved = models.JSONField(default=dict)  # {"tickets": [ids], "chats": [...], ...}
    merged_at = models.DateTimeField(auto_now_add=True)
    undone_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("customer merge")
        verbose_name_plural = _("customer merges")
        constraints = [
            models.UniqueConstraint(
                fields=["merged"], condition=Q(undone_at__isnull=True), name="merge_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.merged_id} → {self.kept_id}"
