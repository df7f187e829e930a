"""Names and addresses as they are shown to people (pure functions, no models).

A display name or an email address is customer-controlled text that an agent or another customer
reads as identity. Invisible characters let it pass for something else: a zero-width space makes
"Support​Team" differ from "SupportTeam" for every check while looking the same, and a
right-to-left override (U+202E) reverses what follows on screen. So every name is shown
normalised: compatibility forms folded (NFKC: fullwidth letters become plain ones), format and
control characters removed, runs of spaces collapsed. Whether someone is staff is never read from
a name: pages mark staff with a badge only staff accounts get.
"""

import unicodedata

# Format (zero-width, bidi controls, BOM), control, surrogate and private-use characters.
HIDDEN_CATEGORIES = frozenset({"Cf", "Cc", "Cs", "Co"})


def display_name(value: object) -> str:
    """`value` as it may be shown: normalised, without invisible characters."""
    text = unicodedata.normalize("NFKC", "" if value is None else str(value))
    visible = "".join(
        char if unicodedata.category(char) not in HIDDEN_CATEGORIES else " " * char.isspace()
        for char in text
    )
    return " ".join(visible.split())


def has_hidden_characters(value: str) -> bool:
    """True when `value` holds characters a reader cannot see (or that reorder the text)."""
    return any(unicodedata.category(char) in HIDDEN_CATEGORIES for char in value)
