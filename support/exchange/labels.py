"""What the back office's codes are called on screen, in the reader's language.

The back office answers in codes ("withdrawal", "held"); pages show these labels. A code the
back office adds later is shown as a translated "other" label, never as the code itself.
"""

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

TRANSFER_KINDS: dict[str, Promise] = {
    "deposit": pgettext_lazy("transfer kind", "Deposit"),
    "withdrawal": pgettext_lazy("transfer kind", "Withdrawal"),
}
TRANSFER_STATUSES: dict[str, Promise] = {
    "pending": pgettext_lazy("transfer status", "Pending"),
    "confirming": pgettext_lazy("transfer status", "Confirming"),
    "completed": pgettext_lazy("transfer status", "Completed"),
    "held": pgettext_lazy("transfer status", "Held for review"),
    "failed": pgettext_lazy("transfer status", "Failed"),
}
# Tones for the status badge (the classes of support/static/support/site.css).
TRANSFER_STATUS_TONES = {"held": "warning", "failed": "urgent", "completed": "ok"}


def transfer_kind_label(kind: str) -> str:
    return str(TRANSFER_KINDS.get(kind, _("Other transfer")))


def transfer_status_label(status: str) -> str:
    return str(TRANSFER_STATUSES.get(status, _("Other status")))


def transfer_status_tone(status: str) -> str:
    return TRANSFER_STATUS_TONES.get(status, "")
