"""Render an email from its three templates in the recipient's language, and mark the ones a
program wrote so that autoresponders do not answer them."""

from django.template.loader import render_to_string
from django.utils import translation

# RFC 3834's Auto-Submitted values: a notice answering the recipient's own message (an
# acknowledgement), or one that answers nothing (a digest, an invitation, an alert).
AUTO_REPLIED = "auto-replied"
AUTO_GENERATED = "auto-generated"


def render_email(template: str, *, language: str, context: dict) -> tuple[str, str, str]:
    """`template` names `<app>/emails/<name>`; returns (subject, text, html)."""
    with translation.override(language):
        subject = render_to_string(f"{template}.subject.txt", context).strip()
        text = render_to_string(f"{template}.txt", context)
        html = render_to_string(f"{template}.html", context)
    return " ".join(subject.split()), text, html


def automatic_headers(auto_submitted: str) -> dict[str, str]:
    """The headers of an email a program wrote (`auto_submitted`: AUTO_REPLIED or
    AUTO_GENERATED; "" for one a person wrote, which gets none): RFC 3834's Auto-Submitted,
    which current mail systems read; Microsoft's X-Auto-Response-Suppress, which Exchange and
    Outlook read, asking for no out-of-office and no auto-reply but still for delivery reports
    (our bounce handling reads them); and Precedence: bulk, which older autoresponders
    (vacation, procmail recipes) read instead."""
    if not auto_submitted:
        return {}
    return {
        "Auto-Submitted": auto_submitted,
        "X-Auto-Response-Suppress": "OOF, AutoReply",
        "Precedence": "bulk",
    }
