"""Uploaded files on the local disk or a mounted volume, failing cleanly.

When the storage is full, read-only or gone, saving a file raises `Unavailable`: the request
that brought the file answers 503 with a message in the sender's language, and its transaction
(the ticket, the message, the files' rows) rolls back, so nothing is half saved. A person keeps
their text in the form and can send again; an API client retries (with its Idempotency-Key);
the mail gateway redelivers the email, whose raw copy is already stored.
"""

from django.core.files.storage import FileSystemStorage
from django.utils.translation import gettext_lazy as _

from support.unavailable import Unavailable


class UploadStorage(FileSystemStorage):
    refusal = _(
        "Files cannot be stored right now, so nothing was sent. Please try again later, or "
        "send your message without files."
    )

    def _save(self, name: str, content) -> str:
        try:
            return super()._save(name, content)
        except OSError as error:  # ENOSPC, EROFS, EACCES, a vanished mount
            raise Unavailable(self.refusal) from error
