"""What became of each file an agent attached to a reply on a chat channel (docs/channels.md,
"Files in agents' replies"): Telegram, Messenger, Instagram, X, LINE and KakaoTalk.

A `FileDelivery` row is written for each of the reply's attachments in the transaction that
writes the reply's outbox row; the outbox's worker sends the files after the text, in order,
and records each one here, so the agent sees every file's own state (queued, pending, sent,
failed with the reason) beside the text's. A file the channel cannot carry is failed when it is
written, before any call, so it is never dropped in silence.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class DeliveryFailure(models.TextChoices):
    """Why a reply or one of its files was not delivered (the agent reads the label)."""

    NOT_CARRIED = "not_carried", _("this channel cannot carry this kind of file")
    TOO_LARGE = "too_large", _("the file is larger than this channel takes")
    NO_PUBLIC_URL = (
        "no_public_url",
        _(
            "LINE fetches files from an https address of ours, and none is set up "
            "(CHANNEL_FILES_BASE_URL)"
        ),
    )
    WINDOW_CLOSED = (
        "window_closed",
        _(
            "the customer last wrote more than 7 days ago, and Messenger and Instagram take no "
            "reply after that. Reach them another way (email or phone, if we have them), or wait "
            "for them to write again"
        ),
    )
    UNREADABLE = "unreadable", _("the file could not be read from our storage")
    REFUSED = "refused", _("refused by the provider")


class FileDelivery(models.Model):
    attachment = models.OneToOneField(
        "tickets.Attachment", on_delete=models.CASCADE, related_name="delivery"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    sent_at = models.DateTimeField(null=True, blank=True)
    failed_at = models.DateTimeField(null=True, blank=True)
    # Why it failed (a DeliveryFailure value; no choices on the column, so that rewording a
    # label needs no migration).
    failure = models.CharField(_("failure"), max_length=16, blank=True, default="")
    # The provider's own words for a refusal (English, as the provider gives them).
    detail = models.TextField(blank=True, default="")
    # What the provider calls the file once it has it (X's media id, kept for a retry of the
    # direct message; Telegram's message id).
    provider_ref = models.CharField(max_length=100, blank=True, default="")

    class Meta:
        verbose_name = _("file sent on a channel")
        verbose_name_plural = _("files sent on channels")
        ordering = ["attachment_id"]

    def __str__(self) -> str:
        return f"{self.attachment_id}: {self.failure or ('sent' if self.sent_at else 'waiting')}"
