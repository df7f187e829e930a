"""The part of a customer's data `support` owns: the account and profile, emails sent to them."""

from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import AbstractBaseUser
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from support.audit_models import AuditEntry
from support.customer_data import Erased, ExportPart
from support.data_models import DataExport, ErasureRequest, LegalHold
from support.models import CustomerProfile, OutboxEmail


def export_people(customer: AbstractBaseUser) -> ExportPart:
    profile = CustomerProfile.objects.filter(user=customer).first()
    account = {
        "username": customer.username,
        "email": customer.email,
        "first_name": customer.first_name,
        "last_name": customer.last_name,
        "date_joined": customer.date_joined,
        "last_login": customer.last_login,
    }
    if profile is not None:
        account.update(
            preferred_language=profile.preferred_language,
            tier=profile.tier,
            kyc_status=profile.kyc_status,
            exchange_account_id=profile.exchange_account_id,
        )
    emails = OutboxEmail.objects.filter(to__iexact=customer.email).order_by("pk")
    return ExportPart(
        records={
            "account": [account],
            "emails": [
                {"subject": e.subject, "body": e.body_text, "sent_at": e.sent_at} for e in emails
            ],
        }
    )


def erase_people(customer: AbstractBaseUser, erased: Erased) -> None:
    """Tombstone the account (it keeps its id, so statistics and foreign keys stay), clear the
    profile, scrub the emails sent to the customer or naming them, end sessions and tokens."""
    _erase_emails(erased)
    tombstone = f"erased-{customer.pk}@invalid"
    customer.username = customer.email = tombstone
    customer.first_name = customer.last_name = ""
    customer.is_active = False
    customer.set_unusable_password()
    customer.save()
    CustomerProfile.objects.filter(user=customer).update(exchange_account_id=None)
    _end_sessions(customer)
    LogEntry.objects.filter(object_id=str(customer.pk), content_type__model="user").update(
        object_repr=tombstone, change_message=""
    )
    for model in (LegalHold, ErasureRequest):
        for row in model.objects.filter(customer=customer):
            _scrub_reasons(row, erased)
    _erase_exports(customer)
    _erase_audit(customer, erased, tombstone)


def _erase_exports(customer: AbstractBaseUser) -> None:
    """Archives already built are deleted; one still pending is never built."""
    for export in DataExport.objects.filter(customer=customer).exclude(file_name=""):
        name = export.file_name
        transaction.on_commit(lambda name=name: default_storage.delete(name))
    DataExport.objects.filter(customer=customer).update(
        status=DataExport.Status.ERASED, file_name=""
    )


def _erase_audit(customer: AbstractBaseUser, erased: Erased, tombstone: str) -> None:
    """The audit rows about the customer keep their facts (who, what, when, which object);
    the customer's name in the labels and their client address go. The trigger allows
    exactly this while `support.audit_erase` names the customer (support 0008)."""
    rows = AuditEntry.objects.filter(
        Q(actor=customer)
        | Q(customer=customer)
        | Q(object_type="auth.user", object_id=str(customer.pk))
    ).values_list("pk", "actor_id", "actor_label", "object_type", "object_id", "object_label")
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('support.audit_erase', %s, true)", [str(customer.pk)])
        for pk, actor_id, actor_label, object_type, object_id, object_label in rows.iterator():
            own = actor_id == customer.pk
            about = object_type == "auth.user" and object_id == str(customer.pk)
            cursor.execute(
                "UPDATE support_auditentry SET actor_label = %s, object_label = %s,"
                " client_address = CASE WHEN %s THEN NULL ELSE client_address END WHERE id = %s",
                [
                    tombstone if own else erased.scrub(actor_label),
                    tombstone if about else erased.scrub(object_label),
                    own,
                    pk,
                ],
            )
        cursor.execute("SELECT set_config('support.audit_erase', '', true)")


def _erase_emails(erased: Erased) -> None:
    naming = Q()
    for value in erased.values:
        naming |= Q(to__iexact=value) | Q(subject__icontains=value)
        naming |= Q(body_text__icontains=value) | Q(body_html__icontains=value)
    if not erased.values:
        return
    for email in OutboxEmail.objects.filter(naming).iterator():
        email.to = f"erased-{erased.customer_id}@invalid" if _addressed(email, erased) else email.to
        email.subject, email.body_text, email.body_html = erased.marker, erased.marker, ""
        email.headers, email.attachments, email.last_error = {}, [], ""
        if email.sent_at is None and email.failed_at is None:
            email.failed_at = timezone.now()  # never sent now: its text is gone
        email.save(
            update_fields=["to", "subject", "body_text", "body_html", "headers", "attachments"]
            + ["last_error", "failed_at"]
        )


def _addressed(email: OutboxEmail, erased: Erased) -> bool:
    return email.to.lower() in {value.lower() for value in erased.values}


def _end_sessions(customer: AbstractBaseUser) -> None:
    """API tokens are deleted; sessions end by themselves, the password hash they were signed
    with being gone (Django checks it on every request)."""
    from rest_framework.authtoken.models import Token

    Token.objects.filter(user=customer).delete()


def _scrub_reasons(row, erased: Erased) -> None:
    fields = [name for name in ("reason", "release_reason", "outcome") if hasattr(row, name)]
    for name in fields:
        setattr(row, name, erased.scrub(getattr(row, name)))
    row.save(update_fields=fields)
