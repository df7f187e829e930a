"""Article Markdown → safe HTML with heading anchors, and a table of contents for long ones."""

import re
from dataclasses import dataclass

import markdown
import nh3

BOLD_LINE = re.compile(r"^\*\*([^*\n]+?)\*\*:?\s*$", re.MULTILINE)
TAGS = {
    "p", "br", "hr", "h2", "h3", "h4", "strong", "em", "code", "pre", "blockquote",
    "ul", "ol", "li", "a", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
URL_SCHEMES = {"http", "https", "mailto"}  # as in tickets: no javascript:, data:, tel:, ssh:…
ATTRIBUTES = {"a": {"href", "title"}, "h2": {"id"}, "h3": {"id"}, "h4": {"id"}}
TOC_MIN_HEADINGS = 3
TOC_MIN_CHARS = 500
PLAIN_NOISE = re.compile(r"[*_`#>\[\]]+")


@dataclass(frozen=True)
class RenderedArticle:
    html: str
    toc: list[dict]  # [{"id", "name", "level"}], empty for short articles


def render_article(body: str) -> RenderedArticle:
    """A line that is only bold text reads as a heading, so it becomes one (and a TOC entry)."""
    source = BOLD_LINE.sub(lambda match: f"## {match.group(1).rstrip(':')}", body)
    converter = markdown.Markdown(extensions=["extra", "sane_lists", "toc"], output_format="html")
    html = converter.convert(source)
    safe = nh3.clean(
        html,
        tags=TAGS,
        attributes=ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener nofollow",
    )
    headings = _flatten(converter.toc_tokens)
    long_enough = len(body) >= TOC_MIN_CHARS and len(headings) >= TOC_MIN_HEADINGS
    return RenderedArticle(html=safe, toc=headings if long_enough else [])


def _flatten(tokens: list[dict]) -> list[dict]:
    flat = []
    for token in tokens:
        flat.append({"id": token["id"], "name": token["name"], "level": token["level"]})
        flat.extend(_flatten(token.get("children", [])))
    return flat


def plain_summary(body: str, length: int = 155) -> str:
    text = " ".join(PLAIN_NOISE.sub("", body).split())
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"
