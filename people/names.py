"""Names of people and departments as stored: one visible form per name.

A name is typed by an officer, sent by an integration or read from a roster cell, and then
printed on certificates, rankings and reward lists. Characters that show nothing (zero-width
spaces and joiners, bidirectional controls, soft hyphens, other format characters) would let
"张伟" and "张\u200b伟" be two people who look the same, or make a name that shows as blank,
so they are removed; the rest is put in Unicode NFC form and its spaces collapsed.
"""

import unicodedata

# Letters that draw as blank space (Hangul fillers, the blank Braille pattern): counted as
# spaces, so they collapse with the others and never make a name on their own.
_BLANK_LOOKALIKES = frozenset("\u115f\u1160\u3164\uffa0\u2800")
# Removed wherever they stand: control characters (Cc), format characters (Cf: zero-width
# space, non-joiner and joiner, LRM/RLM, the embeddings, overrides and isolates, word joiner,
# invisible operators, BOM, soft hyphen, tags, ...) and lone surrogates (Cs), which no
# database can store.
_REMOVED_CATEGORIES = frozenset({"Cc", "Cf", "Cs"})
# A name needs at least one character of these categories (letters, digits, punctuation,
# symbols); combining marks alone draw nothing of their own.
_VISIBLE_CATEGORY_INITIALS = frozenset("LNPS")


def _cleaned_character(char: str) -> str:
    if char in _BLANK_LOOKALIKES or char.isspace():
        return " "
    if unicodedata.category(char) in _REMOVED_CATEGORIES:
        return ""
    return char


def normalize_name(value: str) -> str:
    """``value`` without invisible characters, in NFC, with runs of spaces made one and the
    ends stripped. An empty string when nothing visible is left: callers refuse that."""
    text = "".join(_cleaned_character(char) for char in str(value or ""))
    text = " ".join(unicodedata.normalize("NFC", text).split())
    if not any(
        unicodedata.category(char)[0] in _VISIBLE_CATEGORY_INITIALS
        and char not in _BLANK_LOOKALIKES
        for char in text
    ):
        return ""
    return text


def is_invisible_only(value: str) -> bool:
    """True when ``value`` has characters but none that shows: a name that looks blank."""
    return bool(str(value or "").strip()) and not normalize_name(value)
