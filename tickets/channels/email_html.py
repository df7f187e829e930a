"""An email's HTML made safe to show, its readable text, and the links that lie about where
they lead.

Sanitised with nh3 to an allowlist: no scripts, styles, forms, frames, `<base>`, `<meta>` or
event attributes; links keep only http(s) and mailto targets and open with `noopener
noreferrer nofollow`; images are not kept at all, so a remote image (a tracking pixel, a read
receipt, a request to an internal address) never loads; inline images arrive as attachments.
"""

import html as html_lib
import re
import unicodedata
from dataclasses import dataclass
from urllib.parse import unquote_plus, urlsplit

import nh3

MAX_HTML_CHARS = 200_000  # sanitised HTML kept for display; longer mails show their text
ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "code", "col", "colgroup", "dd", "del",
    "div", "dl", "dt", "em", "font", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "ins", "li",
    "ol", "p", "pre", "q", "s", "small", "span", "strike", "strong", "sub", "sup", "table",
    "tbody", "td", "tfoot", "th", "thead", "tr", "u", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href"}, "td": {"colspan", "rowspan"}, "th": {"colspan", "rowspan"}}
URL_SCHEMES = {"http", "https", "mailto"}
BLOCK_END_RE = re.compile(r"(?i)<br\s*/?>|</(p|div|li|tr|h[1-6]|blockquote|pre|table)\s*>")
CELL_END_RE = re.compile(r"(?i)</t[dh]\s*>")
HIDDEN_RE = re.compile(r"(?is)<(head|style|script|title)\b.*?</\1\s*>")
ANCHOR_RE = re.compile(r"(?is)<a\s[^>]*?href\s*=\s*(\"[^\"]*\"|'[^']*'|[^\s>]+)[^>]*>(.*?)</a\s*>")
TAG_RE = re.compile(r"(?s)<[^>]*>")
URL_RE = re.compile(r"(?i)\bhttps?://[^\s<>\"')\]]+")
ATTRIBUTE_RE = re.compile(r'\s[\w:-]+="([^"]*)"')  # as nh3 writes attributes: in double quotes
SHOWN_DOMAIN_RE = re.compile(r"(?i)(?:https?://)?((?:[\w-]+\.)+[^\W\d_]{2,})\b")
MAX_FLAGGED = 10
# Link texts like "report.pdf" name files, not sites.
FILE_SUFFIXES = {
    "pdf", "doc", "docx", "xls", "xlsx", "ppt", "pptx", "csv", "txt", "jpg", "jpeg", "png",
    "gif", "zip", "rar", "htm", "html", "php", "asp", "aspx", "jsp", "eml", "msg",
}  # fmt: skip


@dataclass(frozen=True)
class SuspiciousLink:
    shown: str  # what the reader sees (the link text, or the address as written)
    target: str  # where it leads, in ASCII (punycode as the browser sends it)

    def as_dict(self) -> dict:
        return {"shown": self.shown, "target": self.target}


def html_sanitise(markup: str) -> str:
    """Markup safe to put in the console as it is; "" when there is nothing left to show."""
    markup = HIDDEN_RE.sub("", markup)
    clean = nh3.clean(
        markup,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    ).strip()
    if len(clean) > MAX_HTML_CHARS or not TAG_RE.sub("", clean).strip():
        return ""
    return clean


def html_text(markup: str) -> str:
    """The readable text of an HTML body: blocks on lines of their own, cells apart, hidden
    parts (head, styles, scripts) dropped, entities decoded."""
    markup = HIDDEN_RE.sub("", markup)
    markup = CELL_END_RE.sub(" \t", BLOCK_END_RE.sub("\n", markup))
    text = html_lib.unescape(nh3.clean(markup, tags=set()))
    lines = (" ".join(line.split()) for line in text.splitlines())
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def html_attribute_values(clean: str) -> list[str]:
    """The attribute values of sanitised markup, decoded (entities, %-escapes, "+" for a
    space): where its links lead, the one thing customers write there that its readable
    text does not show (whatever else the allowlist may one day let through, too)."""
    return [unquote_plus(html_lib.unescape(value)) for value in ATTRIBUTE_RE.findall(clean)]


def suspicious_links(*, markup: str = "", text: str = "") -> list[dict]:
    """Links whose text shows one domain and lead to another, and addresses written with
    look-alike letters or in punycode (xn--): what a phishing mail does to pass as us."""
    found: list[SuspiciousLink] = []
    for target, inner in ANCHOR_RE.findall(markup):
        shown = " ".join(html_lib.unescape(TAG_RE.sub("", inner)).split())
        flagged = _judge(shown, html_lib.unescape(target.strip("\"'")))
        if flagged is not None:
            found.append(flagged)
    for url in URL_RE.findall(text):
        flagged = _judge(url, url)
        if flagged is not None:
            found.append(flagged)
    unique = {(link.shown, link.target): link for link in found}
    return [link.as_dict() for link in list(unique.values())[:MAX_FLAGGED]]


def _judge(shown: str, target: str) -> SuspiciousLink | None:
    host = _host(target)
    if host is None:
        return None
    ascii_host = _ascii(host)
    if ascii_host != host or any(label.startswith("xn--") for label in ascii_host.split(".")):
        return SuspiciousLink(shown=shown[:200], target=ascii_host)
    match = SHOWN_DOMAIN_RE.search(shown)
    if match is None:
        return None
    shown_host = match.group(1).lower().rstrip(".")
    if shown_host.rsplit(".", 1)[-1] in FILE_SUFFIXES:
        return None
    if _ascii(shown_host) != shown_host or not _same_site(shown_host, ascii_host):
        return SuspiciousLink(shown=shown[:200], target=ascii_host)
    return None


def _host(url: str) -> str | None:
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    if parts.scheme.lower() not in {"http", "https"} or not parts.hostname:
        return None
    return parts.hostname.lower().rstrip(".")


def _ascii(host: str) -> str:
    """The host as it goes over the wire (IDNA), or the host itself when it cannot be."""
    host = unicodedata.normalize("NFKC", host)
    try:
        return host.encode("idna").decode("ascii").lower()
    except UnicodeError:
        return host.encode("ascii", "backslashreplace").decode("ascii").lower()


def _same_site(shown: str, target: str) -> bool:
    """The shown domain is the target or one of its parents or children (www.x.com, x.com)."""
    return shown == target or target.endswith("." + shown) or shown.endswith("." + target)
