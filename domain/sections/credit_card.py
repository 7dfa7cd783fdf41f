"""Payment-card rules: number cleaning, Luhn check, brand detection and expiry."""

from __future__ import annotations

import datetime
from collections.abc import Collection, Mapping
from typing import Any

from stdnum import luhn

from domain.errors import RuleViolation
from domain.inputs import CardInput
from domain.text import free_text

BRANDS = ("visa", "mastercard", "amex", "discover", "jcb", "diners", "unionpay")
BRAND_NAMES: dict[str, str] = {
    "visa": "Visa",
    "mastercard": "Mastercard",
    "amex": "American Express",
    "discover": "Discover",
    "jcb": "JCB",
    "diners": "Diners Club",
    "unionpay": "UnionPay",
}
# What an event records of a card: never the number, only the vault's token for it.
CARD_SUMMARY_FIELDS = (
    "token",
    "brand",
    "last4",
    "exp_month",
    "exp_year",
    "holder_name",
    "fingerprint",
)
MIN_NUMBER_LENGTH = 12
MAX_NUMBER_LENGTH = 19
EXP_MONTHS = range(1, 13)
EXP_YEARS = range(2000, 10_000)  # four digits

# (first prefix, last prefix, brand): every prefix in the range has the same digit count.
_PREFIX_RANGES: tuple[tuple[str, str, str], ...] = (
    ("4", "4", "visa"),
    ("51", "55", "mastercard"),
    ("2221", "2720", "mastercard"),
    ("34", "34", "amex"),
    ("37", "37", "amex"),
    ("6011", "6011", "discover"),
    ("644", "649", "discover"),
    ("65", "65", "discover"),
    ("622126", "622925", "discover"),
    ("3528", "3589", "jcb"),
    ("36", "36", "diners"),
    ("300", "305", "diners"),
    ("38", "39", "diners"),
    ("62", "62", "unionpay"),
)

_VALID_LENGTHS: dict[str, frozenset[int]] = {
    "visa": frozenset({13, 16, 19}),
    "mastercard": frozenset({16}),
    "amex": frozenset({15}),
    "diners": frozenset(range(14, 20)),
    "discover": frozenset(range(16, 20)),
    "jcb": frozenset(range(16, 20)),
    "unionpay": frozenset(range(16, 20)),
}

_SEPARATORS = str.maketrans("", "", " -")


def _digits(value: str) -> str | None:
    """The value without spaces and dashes if only ASCII digits remain, else None."""
    compact = value.translate(_SEPARATORS)
    return compact if compact.isascii() and compact.isdigit() else None


def detect_brand(number: str) -> str | None:
    """The brand of a (possibly partial) card number; the longest matching prefix wins."""
    digits = _digits(number)
    if digits is None:
        return None
    best: tuple[int, str] | None = None
    for first, last, brand in _PREFIX_RANGES:
        size = len(first)
        fits = len(digits) >= size and first <= digits[:size] <= last
        if fits and (best is None or size > best[0]):
            best = (size, brand)
    return best[1] if best is not None else None


def clean_card_number(value: str, field: str = "number") -> str:
    """Remove spaces and dashes; refuse anything but 12 to 19 digits passing the Luhn check."""
    digits = _digits(value)
    if digits is None:
        raise RuleViolation(
            "invalid_card_number",
            "The card number may contain only digits, spaces and dashes.",
            field,
        )
    if not MIN_NUMBER_LENGTH <= len(digits) <= MAX_NUMBER_LENGTH:
        raise RuleViolation(
            "invalid_card_number",
            f"A card number has {MIN_NUMBER_LENGTH} to {MAX_NUMBER_LENGTH} digits.",
            field,
        )
    if not luhn.is_valid(digits):
        raise RuleViolation(
            "invalid_card_number", "The card number is not valid; check it for typos.", field
        )
    return digits


def card_brand_info(partial: str) -> tuple[str | None, bool, bool]:
    """(brand, complete, luhn_valid) for a number being typed.

    complete: the digit count is one the brand issues; luhn_valid: 12 to 19 digits passing
    the Luhn check (a shorter prefix is never reported valid).
    """
    digits = _digits(partial)
    if digits is None:
        return None, False, False
    brand = detect_brand(digits)
    complete = brand is not None and len(digits) in _VALID_LENGTHS[brand]
    luhn_valid = MIN_NUMBER_LENGTH <= len(digits) <= MAX_NUMBER_LENGTH and luhn.is_valid(digits)
    return brand, complete, bool(luhn_valid)


def check_expiry(exp_month: int, exp_year: int, today: datetime.date) -> None:
    """Refuse an impossible expiry or a card past the end of its expiry month."""
    if isinstance(exp_month, bool) or exp_month not in EXP_MONTHS:
        raise RuleViolation(
            "invalid_expiry", "The expiry month must be between 1 and 12.", "exp_month"
        )
    if isinstance(exp_year, bool) or exp_year not in EXP_YEARS:
        raise RuleViolation(
            "invalid_expiry", "The expiry year must have four digits, such as 2031.", "exp_year"
        )
    if (exp_year, exp_month) < (today.year, today.month):
        raise RuleViolation(
            "card_expired",
            f"This card expired at the end of {exp_month:02d}/{exp_year}.",
            "exp_year",
        )


PUBLIC_CARD_FIELDS = ("brand", "last4", "exp_month", "exp_year", "holder_name")


def public_card(card: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """What of a recorded card may be shown: never its token or fingerprint."""
    return None if card is None else {name: card.get(name) for name in PUBLIC_CARD_FIELDS}


def check_card(
    card: CardInput, accepted_brands: Collection[str], today: datetime.date
) -> tuple[str, str, str]:
    """The card's digits, brand and holder, if the number (its length for the brand), the
    brand, the expiry and the holder's name are acceptable."""
    holder = free_text(card.holder_name, "holder_name")
    number = clean_card_number(card.number)
    brand = detect_brand(number)
    if brand is None or brand not in accepted_brands:
        raise RuleViolation(
            "unsupported_card_brand",
            f"Accepted card brands: {', '.join(accepted_brands)}.",
            "number",
        )
    lengths = _VALID_LENGTHS[brand]
    if len(number) not in lengths:
        raise RuleViolation(
            "invalid_card_number",
            f"A {BRAND_NAMES[brand]} number has {_spelled(sorted(lengths))} digits.",
            "number",
        )
    check_expiry(card.exp_month, card.exp_year, today)
    return number, brand, holder


def _spelled(numbers: list[int]) -> str:
    """[13, 16, 19] → '13, 16 or 19'; a range → '16 to 19'."""
    if len(numbers) > 2 and numbers == list(range(numbers[0], numbers[-1] + 1)):
        return f"{numbers[0]} to {numbers[-1]}"
    *rest, last = map(str, numbers)
    return f"{', '.join(rest)} or {last}" if rest else last
