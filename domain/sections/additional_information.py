"""Business rules: VAT / sales-tax registration numbers and the company website."""

from __future__ import annotations

from collections.abc import Mapping

from pydantic import HttpUrl, TypeAdapter, ValidationError
from stdnum import exceptions as stdnum_exceptions
from stdnum.ca import bn
from stdnum.eu import vat as eu_vat

from domain.errors import RuleViolation
from domain.inputs import AdditionalInfoInput
from domain.text import optional_free_text

ADDITIONAL_INFO_FIELDS = ("company", "vat_number", "job_title", "website")
_VAT_MESSAGE = (
    "This is not a valid VAT or sales-tax number: expected an EU VAT number with its "
    "country prefix (EL for Greece, XI for Northern Ireland), a Canadian GST/HST number "
    "(123456789RT0001) or a Quebec QST number (1234567890TQ0001)."
)
_SEPARATORS = str.maketrans("", "", " .-\t")
_HTTP_URL: TypeAdapter[HttpUrl] = TypeAdapter(HttpUrl)


def _compact(value: str) -> str:
    """Drop spaces, dots and dashes and upper-case the letters."""
    return value.translate(_SEPARATORS).strip().upper()


def _is_gst_hst(number: str) -> bool:
    """A Canadian GST/HST account: a Luhn-checked BN9 followed by program RT and 4 digits."""
    return len(number) == 15 and number[9:11] == "RT" and bn.is_valid(number)


def _is_qst(number: str) -> bool:
    """A Quebec QST number: 10 digits, TQ, 4 digits.

    Format only. Revenu Québec documents no check digit for the QST number (its own
    validation service is online, which the domain must not call). A weighted mod-11
    rule circulates in third-party code (stdnum-js `ca/qst`), but it is reverse-engineered,
    not published by the authority, and python-stdnum has no QST module; refusing a
    genuine number on an unconfirmed checksum would be worse than accepting a typo.
    """
    return (
        len(number) == 16
        and number.isascii()
        and number[:10].isdigit()
        and number[10:12] == "TQ"
        and number[12:].isdigit()
    )


def _eu_vat(number: str) -> str | None:
    """The compact EU VAT number (format and checksum by python-stdnum), or None."""
    if len(number) < 3 or not number[:2].isalpha():
        return None
    try:
        compact: str = eu_vat.validate(number)
    except stdnum_exceptions.ValidationError:
        return None
    # stdnum also accepts the ISO code GR for Greece; the VAT prefix is EL (as in VIES).
    return "EL" + compact[2:] if compact.startswith("GR") else compact


def normalise_vat_number(value: str, field: str = "vat_number") -> str:
    """Check an EU VAT, Canadian GST/HST or Quebec QST number offline; return it compact."""
    number = _compact(value)
    if _is_gst_hst(number) or _is_qst(number):
        return number
    eu_number = _eu_vat(number)
    if eu_number is None:
        raise RuleViolation("invalid_vat_number", _VAT_MESSAGE, field)
    return eu_number


def vat_number_valid(value: str) -> bool:
    """Whether normalise_vat_number accepts the value."""
    try:
        normalise_vat_number(value)
    except RuleViolation:
        return False
    return True


def normalise_website(value: str, field: str = "website") -> str:
    """Check an absolute http(s) URL with a host and no credentials; return it normalised."""
    text = value.strip()
    if not text.lower().startswith(("http://", "https://")):
        raise RuleViolation(
            "invalid_url",
            "The website must be an absolute URL starting with http:// or https://.",
            field,
        )
    try:
        url = _HTTP_URL.validate_python(text)
    except ValidationError as error:
        raise RuleViolation(
            "invalid_url", "The website is not a valid http(s) URL with a host name.", field
        ) from error
    if url.username is not None or url.password is not None:
        raise RuleViolation(
            "invalid_url", "The website URL must not contain a user name or password.", field
        )
    return str(url)


def additional_info_after(
    current: Mapping[str, str | None], info: AdditionalInfoInput
) -> dict[str, str | None]:
    """Section B: the additional information once `info` is applied (empty clears)."""
    given: dict[str, str | None] = {
        k: (v or None) for k, v in info.model_dump(exclude_unset=True).items()
    }
    for name in ("company", "job_title"):
        if name in given:
            given[name] = optional_free_text(given[name], name)
    if vat_number := given.get("vat_number"):
        given["vat_number"] = normalise_vat_number(vat_number)
    if website := given.get("website"):
        given["website"] = normalise_website(website)
    after = {**current, **given}
    if after["vat_number"] and not after["company"]:
        clearing = "company" in given and bool(current["company"])
        raise RuleViolation(
            "vat_requires_company",
            "A VAT number requires a company name"
            + (": remove the VAT number first." if clearing else "."),
            "company" if clearing else "vat_number",
        )
    return after
