"""Valid request bodies shown in the OpenAPI document (and tried first by API fuzzers)."""

from __future__ import annotations

from typing import Any

from fastapi import Body

REGISTRATION = {
    "first_name": "Marie",
    "last_name": "Tremblay",
    "email": "marie.tremblay@example.com",
    "phone": "514 555 0123",
    "address": {
        "line1": "1200 rue Sainte-Catherine",
        "city": "Montréal",
        "region": "QC",
        "postal_code": "H3B 1K9",
        "country": "CA",
    },
    "language": "fr",
    "password": "correct horse battery staple 42",
}
CONTACT = {"email": "marie@example.org", "phone": "+33 1 42 68 53 00"}
ADDITIONAL_INFO = {
    "company": "Tremblay Hébergement",
    "vat_number": "FR40303265045",
    "job_title": "CTO",
    "website": "https://example.com",
}
NEW_CONTACT = {"name": "Luc Gagnon", "email": "luc@example.com", "roles": ["billing"]}
PREFERENCES = {"communication_channel": "sms", "language": "en", "pdf_invoices": True}
PASSWORD = {
    "current_password": "correct horse battery staple 42",
    "new_password": "Velvet otters juggle 7 quiet lanterns",
}
CARD = {
    "holder_name": "Marie Tremblay",
    "number": "4111 1111 1111 1111",
    "exp_month": 12,
    "exp_year": 2031,
}
SOCIAL = {"url": "https://linkedin.com/in/marie-tremblay"}
SUBSCRIPTION = {
    "categories": ["news", "tips"],
    "consent": {"channel": "portal", "text_version": "2026-01", "language": "fr"},
}
STRENGTH = {"password": "correct horse battery staple 42", "user_inputs": ["Marie", "Tremblay"]}
BRAND = {"number": "5555 55"}


def example(value: dict[str, Any]) -> Any:  # noqa: ANN401 (FastAPI's Body is typed Any)
    return Body(openapi_examples={"valid": {"summary": "A valid request", "value": value}})
