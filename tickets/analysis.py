"""The text analysis intake relies on: `support.text.analyze` once it exists, else a minimal
stand-in built on what support.text already offers (language detection, secret redaction)."""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Analysis:
    """The fields of support.text's Analysis that intake reads."""

    language: str
    redacted_text: str
    category: str = "general"
    category_confidence: float = 0.0
    needs_triage: bool = True
    sentiment: float = 0.0
    strongly_negative: bool = False
    urgent: bool = False
    security_followup: bool = False
    secrets: list = field(default_factory=list)
    entities: list = field(default_factory=list)


def analyze(text: str, *, lang_hint: str | None = None):
    try:
        from support.text import analyze as support_analyze
    except ImportError:
        return _fallback(text, lang_hint=lang_hint)
    return support_analyze(text, lang_hint=lang_hint)


def security_notice(lang: str) -> str:
    from support.text.messages import security_notice as notice

    return notice(lang)


def _fallback(text: str, *, lang_hint: str | None) -> Analysis:
    from support.text.language import detect_language
    from support.text.redaction import redact

    language = detect_language(text, hint=lang_hint)
    redaction = redact(text, lang=language)
    return Analysis(
        language=language,
        redacted_text=redaction.text,
        secrets=[{"kind": kind} for kind in redaction.secrets],
        security_followup=bool(redaction.secrets),
    )
