"""Render an email from its three templates in the recipient's language."""

from django.template.loader import render_to_string
from django.utils import translation


def render_email(template: str, *, language: str, context: dict) -> tuple[str, str, str]:
    """`template` names `<app>/emails/<name>`; returns (subject, text, html)."""
    with translation.override(language):
        subject = render_to_string(f"{template}.subject.txt", context).strip()
        text = render_to_string(f"{template}.txt", context)
        html = render_to_string(f"{template}.html", context)
    return " ".join(subject.split()), text, html
