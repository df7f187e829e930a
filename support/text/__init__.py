"""Pure text analysis for every inbound message: language, category, sentiment, urgency, secret
redaction and crypto entities. No models, no database; see docs/text-analysis.md."""

from support.text.analysis import CATEGORIES, Analysis, analyze
from support.text.entities import extract_entities
from support.text.gate import (
    clean_customer_text,
    cut_customer_text,
    redact_customer_data,
    redact_customer_file_name,
    redact_customer_text,
)
from support.text.language import LANGUAGES, detect_language
from support.text.messages import security_notice
from support.text.redaction import Redaction, redact

__all__ = [
    "CATEGORIES",
    "LANGUAGES",
    "Analysis",
    "Redaction",
    "analyze",
    "clean_customer_text",
    "cut_customer_text",
    "detect_language",
    "extract_entities",
    "redact",
    "redact_customer_data",
    "redact_customer_file_name",
    "redact_customer_text",
    "security_notice",
]
