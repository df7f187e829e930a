"""A customer's copy of their data: asked for from the portal, built by a Celery task into one
zip (a JSON file per kind of record, and the files), announced by email with a signed link that
expires and works only for the customer, signed in."""

import io
import json
import logging
import secrets
import zipfile
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core import signing
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.http import Http404, HttpRequest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from support.audit import audit_record
from support.customer_data import exporters
from support.data_models import DataExport
from support.data_rights.errors import DataRightsRefused
from support.queueing import task_queue_after_commit
from support.services import outbox_enqueue_email, user_preferred_language
from support.unavailable import Unavailable

logger = logging.getLogger(__name__)
Status = DataExport.Status
LINK_DAYS = 7
LINK_SALT = "support.data-export"
STALE_PENDING = timedelta(minutes=10)  # a pending export the broker lost: the sweep builds it


def data_export_request(*, customer: AbstractBaseUser, request: HttpRequest | None = None):
    """Record the request and queue the build; one pending export per customer."""
    from support.data_rights.tasks import data_export_build_task

    try:
        with transaction.atomic():
            export = DataExport.objects.create(customer=customer)
            audit_record("data_export_requested", request=request, target=export, customer=customer)
    except IntegrityError:
        raise DataRightsRefused(
            _("Your data is already being prepared. We will email you when it is ready.")
        ) from None
    task_queue_after_commit(data_export_build_task, export.pk)
    return export


def data_export_build(*, export_id: int) -> DataExport | None:
    """Build the archive of a pending export, store it, email the link. Safe to run twice:
    only the run that claims the pending row builds. Storage unavailable: the export stays
    pending for the sweep; any other failure marks it failed (the customer may ask again)."""
    try:
        return _build(export_id)
    except Unavailable:
        raise
    except Exception:
        logger.exception("data export failed", extra={"export": export_id})
        DataExport.objects.filter(pk=export_id, status=Status.PENDING).update(status=Status.FAILED)
        return None


def _build(export_id: int) -> DataExport | None:
    with transaction.atomic():
        export = (
            DataExport.objects.select_for_update(skip_locked=True)
            .filter(pk=export_id, status=Status.PENDING)
            .select_related("customer")
            .first()
        )
        if export is None:
            return None
        content = archive_bytes(export.customer)
        name = default_storage.save(
            f"data-exports/{export.customer_id}/{secrets.token_hex(16)}.zip", ContentFile(content)
        )
        now = timezone.now()
        export.status, export.file_name, export.size = Status.READY, name, len(content)
        export.ready_at, export.expires_at = now, now + timedelta(days=LINK_DAYS)
        export.save(update_fields=["status", "file_name", "size", "ready_at", "expires_at"])
        _email_link(export)
    return export


def archive_bytes(customer: AbstractBaseUser) -> bytes:
    """The zip: `<part>/<kind>.json` for each app's records, `<part>/files/…` for its files."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for key, exporter in exporters():
            part = exporter(customer)
            for kind, records in sorted(part.records.items()):
                text = json.dumps(records, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
                archive.writestr(f"{key}/{kind}.json", text)
            for exported in part.files:
                try:
                    with exported.open() as stored:
                        archive.writestr(f"{key}/files/{exported.name}", stored.read())
                except OSError:  # a file gone from storage: the archive says so
                    archive.writestr(f"{key}/files/{exported.name}.missing.txt", "")
    return buffer.getvalue()


def _email_link(export: DataExport) -> None:
    customer = export.customer
    language = user_preferred_language(customer) or settings.LANGUAGE_CODE
    with translation.override(language):
        path = reverse("data_export_download", kwargs={"token": export_link_token(export)})
    outbox_enqueue_email(
        dedupe_key=f"data-export:{export.pk}",
        to=customer.email,
        template="support/emails/data_export_ready",
        language=language,
        context={"url": settings.SITE_URL.rstrip("/") + path, "days": LINK_DAYS},
        new_key=True,
    )


def export_link_token(export: DataExport) -> str:
    return signing.dumps({"export": export.pk, "customer": export.customer_id}, salt=LINK_SALT)


def data_export_for_download(*, user: AbstractBaseUser, token: str) -> DataExport:
    """The export a link names, if it is the signed-in user's and still downloadable; a bad
    link or another person's raises Http404, an expired one DataRightsRefused."""
    try:
        data = signing.loads(token, salt=LINK_SALT, max_age=timedelta(days=LINK_DAYS))
    except signing.SignatureExpired:
        raise DataRightsRefused(_expired()) from None
    except signing.BadSignature:
        raise Http404 from None
    export = DataExport.objects.filter(pk=data.get("export"), customer_id=user.pk).first()
    if export is None or data.get("customer") != user.pk:
        raise Http404
    if export.status != Status.READY or export.expires_at <= timezone.now():
        raise DataRightsRefused(_expired())
    return export


def _expired() -> str:
    return _("This download link has expired. You can ask for a new copy of your data.")


def data_export_downloaded(*, export: DataExport, request: HttpRequest) -> None:
    with transaction.atomic():
        DataExport.objects.filter(pk=export.pk).update(downloaded_at=timezone.now())
        audit_record(
            "data_export_downloaded", request=request, target=export, customer=export.customer
        )


def data_export_expire(*, now=None) -> int:
    """Delete the archives whose link has expired; returns how many."""
    now = now or timezone.now()
    expired = list(DataExport.objects.filter(status=Status.READY, expires_at__lte=now)[:500])
    for export in expired:
        default_storage.delete(export.file_name)
        DataExport.objects.filter(pk=export.pk).update(status=Status.ERASED, file_name="")
    return len(expired)


def stale_pending_exports(now=None) -> list[int]:
    now = now or timezone.now()
    due = DataExport.objects.filter(status=Status.PENDING, requested_at__lte=now - STALE_PENDING)
    return list(due.values_list("pk", flat=True)[:100])
