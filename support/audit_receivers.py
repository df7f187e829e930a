"""Audit rows for what Django itself does: sign-ins, failed sign-ins, sign-outs (its auth
signals) and API tokens made by any path (the admin, `manage.py drf_create_token`).
Connected by SupportConfig.ready."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import post_save
from django.http import HttpRequest

from support.audit import AuditTarget, audit_record
from support.audit_models import AuditAction
from support.roles import is_staff_member
from support.text import redact_customer_text

USERNAME_LIMIT = 254


def connect_receivers() -> None:
    from rest_framework.authtoken.models import Token, TokenProxy

    user_logged_in.connect(signed_in, dispatch_uid="audit-signed-in")
    user_login_failed.connect(sign_in_failed, dispatch_uid="audit-sign-in-failed")
    user_logged_out.connect(signed_out, dispatch_uid="audit-signed-out")
    post_save.connect(token_saved, sender=Token, dispatch_uid="audit-token-created")
    post_save.connect(token_saved, sender=TokenProxy, dispatch_uid="audit-token-proxy-created")


def signed_in(sender, request: HttpRequest | None, user: AbstractBaseUser, **kwargs) -> None:
    audit_record(
        AuditAction.SIGN_IN, actor=user, request=request, target=user, customer=_customer(user)
    )


def signed_out(sender, request: HttpRequest | None, user: AbstractBaseUser | None, **kw) -> None:
    if user is not None:
        audit_record(
            AuditAction.SIGN_OUT, actor=user, request=request, target=user, customer=_customer(user)
        )


def sign_in_failed(sender, credentials: dict, request: HttpRequest | None = None, **kw) -> None:
    """The name tried, redacted like customer text (a password typed into the name field is
    caught as one); Django has already masked the password itself."""
    User = get_user_model()
    tried = str(credentials.get(User.USERNAME_FIELD) or credentials.get("username") or "")
    tried = redact_customer_text(tried[:USERNAME_LIMIT]).text
    account = (
        User._default_manager.filter(**{User.USERNAME_FIELD: tried}).first() if tried else None
    )
    audit_record(
        AuditAction.SIGN_IN_FAILED,
        request=request,
        target=account or AuditTarget("auth.user", "", tried),
        customer=_customer(account) if account is not None else None,
        detail={"username": tried},
    )


def token_saved(sender, instance, created: bool, **kwargs) -> None:
    """Named by its owner: the key is the token's primary key and never goes in the log."""
    if created:
        owner = instance.user
        audit_record(
            AuditAction.API_TOKEN_CREATED,
            target=AuditTarget("authtoken.token", str(owner.pk), owner.get_username()),
            customer=_customer(owner),
        )


def _customer(user: AbstractBaseUser) -> AbstractBaseUser | None:
    return None if is_staff_member(user) else user
