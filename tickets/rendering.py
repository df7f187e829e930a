"""Markdown → HTML through the Markdown library, then sanitised with nh3."""

import threading

import markdown
import nh3

ALLOWED_TAGS = {
    "p",
    "br",
    "strong",
    "em",
    "code",
    "pre",
    "blockquote",
    "ul",
    "ol",
    "li",
    "a",
    "h3",
    "h4",
    "hr",
}


_local = threading.local()


def _converter() -> markdown.Markdown:
    """One converter per thread, reset for each text (building one loads its extensions,
    which cost more than most conversions; a converter is not safe to share across threads)."""
    if not hasattr(_local, "converter"):
        _local.converter = markdown.Markdown(
            extensions=["sane_lists", "nl2br"], output_format="html"
        )
    return _local.converter


def render_markdown(text: str) -> str:
    html = _converter().reset().convert(text)
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes={"a": {"href", "title"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )
