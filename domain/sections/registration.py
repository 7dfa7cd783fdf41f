"""Registration: the fields a new profile starts with, normalised and checked."""

from __future__ import annotations

from typing import Any

from domain.inputs import Registration
from domain.sections.account_preferences import check_language
from domain.sections.contact_information import (
    normalise_address,
    normalise_email,
    normalise_phone,
)
from domain.sections.password import check_new_password, user_inputs
from domain.text import free_text

REGISTRATION_FIELDS = ("first_name", "last_name", "email", "phone", "address", "language")


def check_registration(reg: Registration) -> dict[str, Any]:
    """Normalise a registration's fields and check its password; returns the fields to record."""
    first_name = free_text(reg.first_name, "first_name")
    last_name = free_text(reg.last_name, "last_name")
    address = normalise_address(reg.address.model_dump())
    email = normalise_email(reg.email)
    language = check_language(reg.language)
    phone = normalise_phone(reg.phone, address["country"]) if reg.phone else None
    check_new_password(reg.password, user_inputs(first_name, last_name, email), "password")
    return {
        "first_name": first_name,
        "last_name": last_name,
        "email": email,
        "phone": phone,
        "address": address,
        "language": language,
    }
