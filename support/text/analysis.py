"""The one entry point every inbound message goes through: analyze()."""

from bisect import bisect_left
from dataclasses import asdict, dataclass, field

from support.text.entities import find_entities, network_mismatch
from support.text.features import features
from support.text.gate import clean_customer_text, redact_customer_text
from support.text.language import LANGUAGES, detect_language
from support.text.model import load_models
from support.text.urgency import incident_phrases, is_urgent

CATEGORIES = (
    "kyc", "password_reset", "account_recovery", "two_factor", "fees", "trading",
    "deposit_withdrawal", "scam_report", "security_incident", "compliance", "technical", "general",
)  # fmt: skip
SECURITY = "security_incident"
NEGATIVE_PROBABILITY = 0.4
POSITIVE_PROBABILITY = 0.5


@dataclass(frozen=True)
class Category:
    name: str
    confidence: float
    needs_triage: bool
    security_probability: float


@dataclass(frozen=True)
class Sentiment:
    label: str
    score: float
    strongly_negative: bool


@dataclass(frozen=True)
class Analysis:
    language: str
    category: str
    category_confidence: float
    needs_triage: bool
    sentiment: str
    sentiment_score: float
    strongly_negative: bool
    urgent: bool
    redacted_text: str
    secrets: list[dict[str, str]] = field(default_factory=list)
    entities: list[dict[str, object]] = field(default_factory=list)
    network_mismatch: dict[str, str] | None = None
    security_followup: bool = False

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def analyze(text: str, *, lang_hint: str | None = None) -> Analysis:
    """Language, category, sentiment, urgency, redacted text, secrets and crypto entities."""
    text = clean_customer_text(text)
    language = detect_language(text, hint=lang_hint)
    redaction = redact_customer_text(text, lang=language)  # the gate, before anything else
    visible = redaction.text  # the models never see a secret
    names = features(visible)
    category = classify(visible, names=names)
    incidents = incident_phrases(visible)
    urgent = is_urgent(
        text=visible, security_probability=category.security_probability, incidents=incidents
    )
    sentiment = score_sentiment(visible, urgent=urgent, names=names)
    if incidents or (urgent and category.needs_triage):
        # A reported incident goes to the security team whatever else the message is about.
        category = Category(SECURITY, max(category.security_probability, 0.5), False, 1.0)
    entities = find_entities(visible)
    return Analysis(
        language=language,
        category=category.name,
        category_confidence=round(category.confidence, 3),
        needs_triage=category.needs_triage,
        sentiment=sentiment.label,
        sentiment_score=round(sentiment.score, 3),
        strongly_negative=sentiment.strongly_negative,
        urgent=urgent,
        redacted_text=redaction.text,
        secrets=[{"kind": kind} for kind in redaction.secrets],
        entities=[entity.as_dict() for entity in entities],
        network_mismatch=network_mismatch(entities),
        security_followup=bool(redaction.secrets),
    )


def classify(text: str, *, names: list[str] | None = None) -> Category:
    """The most likely category, or general with needs_triage when the model is unsure or the
    message says too little to route ("hello", "help", an emoji)."""
    names = features(text) if names is None else names
    models = load_models()
    probabilities = models.category.probabilities(names)
    best = max(probabilities, key=probabilities.__getitem__)
    confidence = probabilities[best]
    security = probabilities.get(SECURITY, 0.0)
    if confidence < models.triage_threshold or _too_vague(names):
        return Category("general", confidence, True, security)
    return Category(best, confidence, False, security)


def _too_vague(names: list[str]) -> bool:
    """`names`: features()' sorted list, where the names of one kind stand together (a long
    message has thousands: reading them all cost a tenth of its classification)."""
    if _of_kind(names, "kw:"):
        return False
    words = len(_of_kind(names, "w:"))
    if words >= 3:
        return False
    return words + sum(1 for name in _of_kind(names, "c:") if len(name) == 4) < 3


def _of_kind(names: list[str], prefix: str) -> list[str]:
    """The names of sorted `names` that start with `prefix` (which ends in ":")."""
    return names[bisect_left(names, prefix) : bisect_left(names, prefix[:-1] + ";")]


def score_sentiment(
    text: str, *, urgent: bool = False, names: list[str] | None = None
) -> Sentiment:
    """negative / neutral / positive with a score in [-1, 1] (P(positive) - P(negative))."""
    names = features(text) if names is None else names
    probabilities = load_models().sentiment.probabilities(names)
    negative = probabilities.get("negative", 0.0)
    positive = probabilities.get("positive", 0.0)
    score = max(-1.0, min(1.0, positive - negative))
    if urgent or negative >= NEGATIVE_PROBABILITY:
        label = "negative"
    elif positive >= POSITIVE_PROBABILITY:
        label = "positive"
    else:
        label = "neutral"
    angry = "lex:anger" in names  # anger cues in the text (features.lexicon_features)
    # Upset is what the words say (anger cues), not how negative the problem is: the model scores
    # a calm "my deposit has not arrived" near -0.9, and urgency is not upset either.
    strongly = label == "negative" and angry
    return Sentiment(label, score, strongly)


__all__ = ["CATEGORIES", "LANGUAGES", "Analysis", "analyze", "classify", "score_sentiment"]
