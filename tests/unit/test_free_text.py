"""Free text: NFC, trimmed, no control or bidirectional characters, something visible, no PAN."""

from __future__ import annotations

import unicodedata

import pytest

from domain.errors import RuleViolation
from domain.text import free_text, holds_card_number, optional_free_text


def refusal(value: str) -> str:
    with pytest.raises(RuleViolation) as refused:
        free_text(value, "name")
    assert refused.value.field == "name"
    return refused.value.code


def test_text_is_composed_and_trimmed():
    decomposed = unicodedata.normalize("NFD", "  Chloé Côté\t")
    assert free_text(decomposed, "name") == "Chloé Côté"


@pytest.mark.parametrize(
    "value",
    ["Ma\x00rie", "Marie\x1b[31m", "Marie\x07", "Mar\x7fie", "Ma\u0085rie", "\u202eeiraM",
     "Ma\u202arie", "Ma\u2066rie", "Ma\u2069rie"],
)
def test_refuses_control_and_bidirectional_characters(value):
    assert refusal(value) == "invalid_text"


@pytest.mark.parametrize("value", ["\u200b", "\u200b \u200d", "\ufeff\u2060", "\u00a0\u200c"])
def test_refuses_a_value_with_nothing_visible(value):
    assert refusal(value) == "invalid_text"


@pytest.mark.parametrize(
    "value",
    ["4111111111111111", "4111 1111 1111 1111", "4111-1111-1111-1111", "call 4000000000006",
     "ref 12345 4111111111111111", "Amex 3782 822463 10005"],
)
def test_refuses_a_card_number_in_any_spelling(value):
    assert refusal(value) == "card_number_in_text"


@pytest.mark.parametrize(
    "value",
    ["Studio 54", "4111 1111 1111 1112", "+1 514 555 0123", "Unit 12, 1200 rue Sainte-Catherine",
     "123456789012", "Marie-Ève O'Brien", "鳥が歌う", "Ωmega ∑"],
)
def test_accepts_ordinary_text_with_digits(value):
    assert free_text(value, "name") == value.strip()
    assert not holds_card_number(value)


def test_an_optional_value_left_blank_is_none_but_invisible_is_refused():
    assert optional_free_text(None, "line2") is None
    assert optional_free_text("   ", "line2") is None
    with pytest.raises(RuleViolation, match="visible"):
        optional_free_text("\u200b", "line2")
