"""Contact rules: e-mail, phone, country, postal code and postal address."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import phonenumbers
import pycountry
from email_validator import EmailNotValidError, validate_email

from domain.errors import RuleViolation
from domain.inputs import ContactPatch
from domain.text import optional_free_text

DEFAULT_PHONE_REGION = "CA"
ADDRESS_FIELDS = ("line1", "line2", "city", "region", "postal_code", "country")
REQUIRED_ADDRESS_FIELDS = ("line1", "city", "postal_code", "country")
FREE_TEXT_ADDRESS_FIELDS = ("line1", "line2", "city", "region")
MAX_ADDRESS_PART_LENGTH = 200
MAX_OTHER_POSTAL_CODE_LENGTH = 12


def normalise_email(value: str, field: str = "email") -> str:
    """Check an e-mail address's syntax (no DNS lookup); return it with its domain lower-cased."""
    try:
        result = validate_email(value.strip(), check_deliverability=False)
    except EmailNotValidError as error:
        raise RuleViolation("invalid_email", f"Invalid e-mail address: {error}", field) from error
    return result.normalized


def email_key(email: str) -> str:
    """An address as compared for its owner: the local part's case is ignored too."""
    return email.strip().lower()


def normalise_phone(value: str, country: str | None, field: str = "phone") -> str:
    """Parse a phone number (region hint: the address country, else CA); return it as E.164."""
    region = (country or DEFAULT_PHONE_REGION).strip().upper()
    try:
        number = phonenumbers.parse(value, region)
    except phonenumbers.NumberParseException as error:
        raise RuleViolation(
            "invalid_phone", "This is not a phone number that can be understood.", field
        ) from error
    if not phonenumbers.is_valid_number(number):
        raise RuleViolation(
            "invalid_phone", "This phone number is not a valid number in its country.", field
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def normalise_country(value: str, field: str = "address.country") -> str:
    """Check an ISO 3166-1 alpha-2 country code; return it upper-case."""
    code = value.strip().upper()
    if len(code) != 2 or not code.isascii() or pycountry.countries.get(alpha_2=code) is None:
        raise RuleViolation(
            "invalid_country",
            "The country must be an ISO 3166-1 two-letter code, such as CA, US or FR.",
            field,
        )
    return code


@dataclass(frozen=True)
class _PostalFormat:
    pattern: re.Pattern[str]  # matched against the upper-cased code, spaces and dashes removed
    separator: str  # joins the pattern's matched groups back together
    example: str


_CA_LETTER = "[ABCEGHJ-NPRSTV-Z]"
_POSTAL_FORMATS: dict[str, _PostalFormat] = {
    "CA": _PostalFormat(
        re.compile(rf"([ABCEGHJ-NPRSTVXY]\d{_CA_LETTER})(\d{_CA_LETTER}\d)"), " ", "H2X 1Y4"
    ),
    "US": _PostalFormat(re.compile(r"(\d{5})(\d{4})?"), "-", "12345 or 12345-6789"),
    "FR": _PostalFormat(re.compile(r"(\d{5})"), "", "75001"),
    "DE": _PostalFormat(re.compile(r"(\d{5})"), "", "10115"),
    "IT": _PostalFormat(re.compile(r"(\d{5})"), "", "00184"),
    "ES": _PostalFormat(re.compile(r"(\d{5})"), "", "28001"),
    "BE": _PostalFormat(re.compile(r"([1-9]\d{3})"), "", "1000"),
    "CH": _PostalFormat(re.compile(r"([1-9]\d{3})"), "", "8001"),
    "AT": _PostalFormat(re.compile(r"([1-9]\d{3})"), "", "1010"),
    "LU": _PostalFormat(re.compile(r"L?(\d{4})"), "", "1111"),
    "NL": _PostalFormat(re.compile(r"([1-9]\d{3})((?!SA|SD|SS)[A-Z]{2})"), " ", "1012 AB"),
    "GB": _PostalFormat(re.compile(r"(GIR|[A-Z]{1,2}\d[A-Z\d]?)(\d[A-Z]{2})"), " ", "SW1A 1AA"),
}


def normalise_postal_code(value: str, country: str, field: str = "address.postal_code") -> str:
    """Check a postal code against its country's format; return it in the usual layout."""
    code = value.strip()
    country_code = country.strip().upper()
    postal_format = _POSTAL_FORMATS.get(country_code)
    if postal_format is None:
        if not code or len(code) > MAX_OTHER_POSTAL_CODE_LENGTH:
            raise RuleViolation(
                "invalid_postal_code",
                f"The postal code must have 1 to {MAX_OTHER_POSTAL_CODE_LENGTH} characters.",
                field,
            )
        return code
    compact = code.upper().replace(" ", "").replace("-", "")
    match = postal_format.pattern.fullmatch(compact) if compact.isascii() else None
    if match is None:
        raise RuleViolation(
            "invalid_postal_code",
            f"This is not a postal code of {country_code} (expected like {postal_format.example}).",
            field,
        )
    return postal_format.separator.join(group for group in match.groups() if group)


def _address_part(data: Mapping[str, str | None], name: str, field: str) -> str | None:
    raw = data.get(name)
    if raw is None:
        return None
    if not isinstance(raw, str):
        raise RuleViolation("validation_error", "This address part must be text.", field)
    if len(raw.strip()) > MAX_ADDRESS_PART_LENGTH:
        raise RuleViolation(
            "validation_error",
            f"This address part is longer than {MAX_ADDRESS_PART_LENGTH} characters.",
            field,
        )
    if name in FREE_TEXT_ADDRESS_FIELDS:
        return optional_free_text(raw, field)
    return raw.strip() or None


def normalise_address(
    data: Mapping[str, str | None], field: str = "address"
) -> dict[str, str | None]:
    """Check a postal address; return exactly ADDRESS_FIELDS, stripped, empty parts as None."""
    unknown = sorted(set(data) - set(ADDRESS_FIELDS))
    if unknown:
        raise RuleViolation(
            "validation_error",
            f"Unknown address part(s): {', '.join(map(str, unknown))}.",
            f"{field}.{unknown[0]}",
        )
    address = {name: _address_part(data, name, f"{field}.{name}") for name in ADDRESS_FIELDS}
    for name in REQUIRED_ADDRESS_FIELDS:
        if address[name] is None:
            raise RuleViolation(
                "validation_error",
                f"The address needs a {name.replace('_', ' ')}.",
                f"{field}.{name}",
            )
    country = normalise_country(address["country"] or "", f"{field}.country")
    address["country"] = country
    address["postal_code"] = normalise_postal_code(
        address["postal_code"] or "", country, f"{field}.postal_code"
    )
    return address


def contact_changes(current: Mapping[str, Any], patch: ContactPatch) -> dict[str, Any]:
    """Section A: the normalised fields that differ (`address.<part>` for address parts)."""
    for name in ("first_name", "last_name"):
        value = getattr(patch, name)
        if value is not None and unicodedata.normalize("NFC", value) != current[name]:
            raise RuleViolation("immutable_field", f"{name} can never change.", name)
    changes: dict[str, Any] = {}
    if patch.email is not None and (email := normalise_email(patch.email)) != current["email"]:
        changes["email"] = email
    address: dict[str, str | None] = current["address"]
    if patch.address is not None:
        given = patch.address.model_dump(exclude_unset=True)
        address = normalise_address({**current["address"], **given})
        changes.update(
            {f"address.{k}": v for k, v in address.items() if current["address"].get(k) != v}
        )
    if "phone" in patch.model_fields_set:
        phone = normalise_phone(patch.phone, address.get("country")) if patch.phone else None
        if phone != current["phone"]:
            changes["phone"] = phone
    return changes
