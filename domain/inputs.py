"""The shapes of command inputs, checked by pydantic before any rule runs."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt, StringConstraints
from pydantic import ValidationError as PydanticValidationError

from domain.errors import FieldError, ValidationFailed

Text = Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
Secret = Annotated[str, StringConstraints(max_length=1024)]


class Input(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, hide_input_in_errors=True)


class AddressInput(Input):
    line1: Text | None = None
    line2: Text | None = None
    city: Text | None = None
    region: Text | None = None
    postal_code: Text | None = None
    country: Text | None = None


class Registration(Input):
    first_name: Name
    last_name: Name
    email: Text
    phone: Text | None = None
    address: AddressInput
    language: Text = "fr"
    password: Secret


class ContactPatch(Input):
    first_name: Name | None = None
    last_name: Name | None = None
    email: Text | None = None
    phone: Text | None = None
    address: AddressInput | None = None


class AdditionalInfoInput(Input):
    company: Text | None = None
    vat_number: Text | None = None
    job_title: Text | None = None
    website: Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)] | None = (
        None
    )


class NewContact(Input):
    name: Name
    email: Text
    phone: Text | None = None
    roles: list[Literal["billing", "whois"]] = Field(default_factory=list, max_length=2)


class PreferencesPatch(Input):
    billing_contact_id: Text | None = None
    communication_channel: Text | None = None
    language: Text | None = None
    pdf_invoices: StrictBool | None = None
    domain_suggestions: StrictBool | None = None


class PasswordChange(Input):
    current_password: Secret
    new_password: Secret


class CardInput(Input):
    holder_name: Name
    number: Annotated[str, StringConstraints(max_length=40)]
    exp_month: StrictInt
    exp_year: StrictInt


class SocialLink(Input):
    url: Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)]


class Consent(Input):
    channel: Literal["portal", "api", "support"]
    text_version: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, max_length=50)
    ]
    language: Text


class Subscription(Input):
    categories: list[Text] = Field(min_length=1, max_length=50)
    consent: Consent


class Erasure(Input):
    basis: Literal["customer_request", "retention_expired", "legal_obligation"]


M = TypeVar("M", bound=Input)


def parse(model: type[M], data: M | Mapping[str, Any]) -> M:
    """Validate raw input into `model`; malformed input becomes `validation_error`."""
    if isinstance(data, model):
        return data
    try:
        return model.model_validate(data)
    except PydanticValidationError as error:
        raise ValidationFailed(
            [
                FieldError(
                    ".".join(str(part) for part in e["loc"]) or "body",
                    "validation_error",
                    e["msg"],
                )
                for e in error.errors(include_input=False, include_url=False)
            ]
        ) from None
