"""Markdown → HTML through the Markdown library, then sanitised with nh3, then every host that
may imitate another (support/links.py) shown in punycode with a warning.

The result is stored once (`Message.body_html`) and is what the portal, the console and the
notification emails all show: one rendering, so a trick cannot pass in one of them only."""

import html
import re
import threading
from urllib.parse import urlsplit, urlunsplit

import markdown
import nh3
from django.utils.translation import gettext as _

from support.links import HostCheck, deceptive_hosts, host_check

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
URL_SCHEMES = {"http", "https", "mailto"}
LINK = re.compile(r'(<a\b[^>]*?\bhref=")([^"]*)("[^>]*>)(.*?)(</a>)', re.S)
TAG_OR_TEXT = re.compile(r"(<[^>]*>)")


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
    converted = _converter().reset().convert(text)
    safe = nh3.clean(
        converted,
        tags=ALLOWED_TAGS,
        attributes={"a": {"href", "title"}},
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
    )
    return mark_deceptive_hosts(safe) if _may_hold_a_deceptive_host(text) else safe


def _may_hold_a_deceptive_host(text: str) -> bool:
    return not text.isascii() or "xn--" in text.lower()


def mark_deceptive_hosts(safe_html: str) -> str:
    """Sanitised HTML with each deceptive link pointed at its punycode host and followed by a
    warning, and each deceptive host in the text followed by one too."""
    parts = []
    position = 0
    for link in LINK.finditer(safe_html):
        parts.append(_mark_text(safe_html[position : link.start()]))
        parts.append(_mark_link(link))
        position = link.end()
    parts.append(_mark_text(safe_html[position:]))
    return "".join(parts)


def _mark_link(link: re.Match) -> str:
    start, href, attributes, content, end = link.groups()
    url = urlsplit(html.unescape(href))
    checked = host_check(url.hostname or "") if url.hostname else None
    if checked is None or not checked.deceptive:
        return link.group(0)
    userinfo, _at, _host = url.netloc.rpartition("@")
    try:
        port = f":{url.port}" if url.port else ""
    except ValueError:
        port = ""
    netloc = f"{userinfo}@{checked.ascii}{port}" if userinfo else f"{checked.ascii}{port}"
    real = html.escape(urlunsplit(url._replace(netloc=netloc)))
    return f"{start}{real}{attributes}{content}{end}{warning(checked)}"


def _mark_text(fragment: str) -> str:
    """Warnings after deceptive hosts written as plain text (outside tags)."""
    if fragment.isascii() and "xn--" not in fragment.lower():
        return fragment
    pieces = TAG_OR_TEXT.split(fragment)
    for index, piece in enumerate(pieces):
        if piece.startswith("<"):
            continue
        for checked in deceptive_hosts(html.unescape(piece)):
            shown = html.escape(checked.shown, quote=False)
            piece = piece.replace(shown, f"{shown}{warning(checked)}")
        pieces[index] = piece
    return "".join(pieces)


def warning(checked: HostCheck) -> str:
    """The visible warning: the host as the browser really reaches it, and for a host that
    mixes alphabets, which ones."""
    if checked.mixed_script:
        title = _("This address mixes alphabets and may imitate another site.")
        scripts = "+".join(script.title() for script in checked.scripts)
        text = f"⚠ {checked.ascii} ({scripts})"
        css = "link-warning mixed-script"
    else:
        title = _("This address uses letters outside the Latin alphabet; this is how it is spelt.")
        text = f"⚠ {checked.ascii}"
        css = "link-warning"
    return f' <span class="{css}" title="{html.escape(title)}">{html.escape(text)}</span>'
