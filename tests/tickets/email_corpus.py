"""The Zammad corpus (tests/data/mail/zammad, README there): its raw mails, the expected
results of those that have one, and how a reading of ours compares with them."""

import functools
from dataclasses import dataclass
from difflib import SequenceMatcher
from pathlib import Path

import yaml

from tickets.channels.email_html import html_text
from tickets.channels.email_mime import ReadEmail, email_read

CORPUS = Path(__file__).resolve().parent.parent / "data" / "mail" / "zammad"
BODY_SIMILARITY = 0.9  # a body matches when this much of it is the same text
COMPARED_CHARS = 2000


class _RubyTagsLoader(yaml.SafeLoader):
    """Zammad's files begin with Ruby tags (!ruby/hash:…): read them as plain values."""


def _untagged(loader: yaml.SafeLoader, _suffix: str, node: yaml.Node) -> object:
    if isinstance(node, yaml.MappingNode):
        return loader.construct_mapping(node, deep=True)
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_sequence(node, deep=True)
    return loader.construct_scalar(node)


_RubyTagsLoader.add_multi_constructor("!", _untagged)


def corpus_mails() -> list[Path]:
    """Every raw mail of the corpus: 108 .box with an expectation, 7 extras without."""
    return sorted([*CORPUS.rglob("*.box"), *CORPUS.rglob("*.eml")])


def expectation(mail: Path) -> dict | None:
    expected = mail.with_suffix(".yml")
    if not expected.exists():
        return None
    return yaml.load(expected.read_text(encoding="utf-8"), Loader=_RubyTagsLoader)  # noqa: S506


@dataclass(frozen=True)
class Agreement:
    subject: bool
    sender: bool
    body: bool


def agreement(read: ReadEmail, expected: dict) -> Agreement:
    """Whether our subject, sender address and body text agree with Zammad's (whitespace
    folded; a body agrees when BODY_SIMILARITY of its first COMPARED_CHARS is the same)."""
    body = str(expected.get("body") or "")
    if body == "no visible content":
        body = ""
    if expected.get("content_type") == "text/html":
        body = html_text(body)
    return Agreement(
        subject=_folded(read.subject) == _folded(str(expected.get("subject") or "")),
        sender=read.sender.lower() == str(expected.get("from_email") or "").strip().lower(),
        body=_similar(_folded(read.text), _folded(body)),
    )


@functools.cache
def corpus_agreements() -> dict[str, Agreement]:
    """Our reading of each mail with an expectation, compared with it (read once per run)."""
    found = {}
    for mail in corpus_mails():
        expected = expectation(mail)
        if expected is not None:
            found[mail.name] = agreement(email_read(mail.read_bytes()), expected)
    return found


def _folded(text: str) -> str:
    return " ".join(text.split())


def _similar(ours: str, theirs: str) -> bool:
    if ours == theirs:
        return True
    matcher = SequenceMatcher(None, ours[:COMPARED_CHARS], theirs[:COMPARED_CHARS], autojunk=False)
    return matcher.quick_ratio() >= BODY_SIMILARITY and matcher.ratio() >= BODY_SIMILARITY
