"""Password reset by email, answered the same way whether or not an account has the address.

The visitor's request only queues a task with the address they typed: looking the account up,
making the link and talking to the mail server happen in the worker, so neither the answer nor
its timing says whether the address has an account (ATTACKS F10).
"""

import logging

from django.contrib.auth.forms import PasswordResetForm
from django.utils import translation

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
    form = PasswordResetForm({"email": email})
    if not form.is_valid():
        return
    with translation.override(language):
        form.save(domain_override=domain, use_https=use_https, **TEMPLATES)
