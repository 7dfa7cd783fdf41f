"""ProfileService's stateless helpers: password strength and generation, card brand detection."""

from __future__ import annotations

import pytest

from application.service import ProfileService
from tests.support import OTHER_STRONG_PASSWORD


def test_rates_password_strength_with_the_profiles_words():
    weak = ProfileService.password_strength("marietremblay2026", ["Marie", "Tremblay"])
    strong = ProfileService.password_strength(OTHER_STRONG_PASSWORD)
    assert (weak.strong, strong.strong) == (False, True)
    assert weak.feedback
    assert 0 <= weak.score < 3 <= strong.score <= 4


def test_generates_random_strong_passwords():
    first, second = ProfileService.generate_password(), ProfileService.generate_password()
    assert first != second
    assert ProfileService.password_strength(first).strong


@pytest.mark.parametrize(
    ("partial", "expected"),
    [
        ("4", ("visa", False, False)),
        ("5555 5555 5555 4444", ("mastercard", True, True)),
        ("2221 00", ("mastercard", False, False)),
        ("3782 822463 10005", ("amex", True, True)),
        ("", (None, False, False)),
    ],
)
def test_detects_the_brand_while_typing(partial, expected):
    assert ProfileService.card_brand(partial) == expected
