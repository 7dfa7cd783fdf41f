"""Free text (names, address lines, company, job title, contact names, card holder): NFC,
trimmed, nothing invisible or bidirectional, and never a card number (domain.md)."""

from __future__ import annotations

import re
import unicodedata

from stdnum import luhn

from domain.errors import RuleViolation

# Bidirectional embeddings, overrides and isolates (U+202A to U+202E, U+2066 to U+2069).
BIDI_CONTROLS = frozenset(map(chr, (*range(0x202A, 0x202F), *range(0x2066, 0x206A))))
PAN_LENGTHS = range(13, 20)
_DIGIT_GROUPS = re.compile(r"\d+(?:[ -]\d+)*")
_SEPARATOR = re.compile(r"[ -]")


def _invisible(char: str) -> bool:
    """Spaces, and format characters such as the zero-width space, joiners and BOM."""
    return char.isspace() or unicodedata.category(char) in ("Cf", "Zs", "Zl", "Zp")


def holds_card_number(text: str) -> bool:
    """Whether the text holds a Luhn-valid run of 13 to 19 digits (spaces or dashes between
    groups allowed), alone or among other groups of digits."""
    for run in _DIGIT_GROUPS.findall(text):
        groups = _SEPARATOR.split(run)
        for first in range(len(groups)):
            digits = ""
            for group in groups[first:]:
                digits += group
                if len(digits) > PAN_LENGTHS.stop - 1:
                    break
                if len(digits) in PAN_LENGTHS and luhn.is_valid(digits):
                    return True
    return False


def free_text(value: str, field: str) -> str:
    """The value in NFC and trimmed; refused with `invalid_text` when it holds a control
    character, a bidirectional control, or nothing visible, with `card_number_in_text` when
    it holds a card number."""
    text = unicodedata.normalize("NFC", value).strip()
    if any(unicodedata.category(char) == "Cc" for char in text):
        raise RuleViolation("invalid_text", "Control characters are not allowed here.", field)
    if any(char in BIDI_CONTROLS for char in text):
        raise RuleViolation(
            "invalid_text", "Bidirectional override characters are not allowed here.", field
        )
    if all(_invisible(char) for char in text):
        raise RuleViolation("invalid_text", "This needs at least one visible character.", field)
    if holds_card_number(text):
        raise RuleViolation(
            "card_number_in_text",
            "This looks like a card number; a card number is only accepted as the card's number.",
            field,
        )
    return text


def optional_free_text(value: str | None, field: str) -> str | None:
    """Like `free_text`, with None or an empty (blank) value meaning none."""
    if value is None or not value.strip():
        return None
    return free_text(value, field)
