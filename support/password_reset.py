"""Password reset by email, answered the same way whether or not an account has the address.

The visitor's request only queues a task with the address they typed: looking the account up,
making the link and talking to the mail server happen in the worker, so neither the answer nor
its timing says whether the address has an account (ATTACKS F10).
"""

import logging

from django.contrib.auth.forms import PasswordResetForm
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation

from support.emails import AUTO_GENERATED, automatic_headers

logger = logging.getLogger(__name__)

TEMPLATES = {
    "subject_template_name": "support/emails/password_reset.subject.txt",
    "email_template_name": "support/emails/password_reset.txt",
    "html_email_template_name": "support/emails/password_reset.html",
}


def password_reset_request(*, email: str, language: str, domain: str, use_https: bool) -> None:
    """Hand the reset to a worker; without a broker, send it here rather than lose it."""
    from support.tasks import password_reset_send_task

    arguments = {"email": email, "language": language, "domain": domain, "use_https": use_https}
    try:
        password_reset_send_task.delay(**arguments)
    except Exception as error:  # whatever the broker raised, the customer still gets the link
        logger.warning("password reset sent without the queue", extra={"error": repr(error)})
        password_reset_send(**arguments)


def password_reset_send(*, email: str, language: str, domain: str, use_https: bool) -> None:
    """Email a reset link to each active account with this address (none: nothing is sent)."""
    form = AutomaticPasswordResetForm({"email": email})
    if not form.is_valid():
        return
    with translation.override(language):
        form.save(domain_override=domain, use_https=use_https, **TEMPLATES)


class AutomaticPasswordResetForm(PasswordResetForm):
    """Django's reset email, marked as written by a program (support.emails), so that an
    out-of-office reply does not answer it."""

    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict,
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        subject = "".join(render_to_string(subject_template_name, context).splitlines())
        body = render_to_string(email_template_name, context)
        headers = automatic_headers(AUTO_GENERATED)
        message = EmailMultiAlternatives(subject, body, from_email, [to_email], headers=headers)
        if html_email_template_name is not None:
            html = render_to_string(html_email_template_name, context)
            message.attach_alternative(html, "text/html")
        try:
            message.send()
        except Exception:  # as Django does: the visitor's answer never depends on it
            logger.exception("password reset email not sent", extra={"user": context["user"].pk})
