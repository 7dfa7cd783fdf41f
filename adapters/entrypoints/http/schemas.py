"""The HTTP API's response models and the bodies of its stateless helpers."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

Short = Annotated[str, StringConstraints(max_length=200)]
ETAG_HEADER = {
    "ETag": {"description": '`"<version>"` of the profile.', "schema": {"type": "string"}}
}


class Out(BaseModel):
    model_config = ConfigDict(extra="ignore")


# Problems (RFC 9457, application/problem+json)
class FieldProblem(Out):
    field: str
    code: str
    message: str


class Problem(Out):
    type: str = Field(description="A URN naming the error code.")
    title: str
    status: int
    detail: str
    code: str = Field(description="The stable error code of domain.md or api.md.")
    errors: list[FieldProblem] = Field(description="One entry per field at fault.")
    correlation_id: str
    feedback: list[str] | None = Field(
        default=None, description="The strength estimator's advice, for weak_password."
    )


# Commands
class CommandAnswer(Out):
    profile_id: str
    version: int
    events: list[str] = Field(description="Names of the events recorded (empty if no change).")


class ContactAddedAnswer(CommandAnswer):
    contact_id: str


# The profile view (readside.md)
class AddressView(Out):
    line1: str | None = None
    line2: str | None = None
    city: str | None = None
    region: str | None = None
    postal_code: str | None = None
    country: str | None = None


class AdditionalInfoView(Out):
    company: str | None = None
    vat_number: str | None = None
    job_title: str | None = None
    website: str | None = None


class ContactView(Out):
    contact_id: str
    name: str
    email: str
    phone: str | None = None
    roles: list[str]


class PreferencesView(Out):
    billing_contact_id: str
    communication_channel: str
    language: str
    pdf_invoices: bool
    domain_suggestions: bool


class CardView(Out):
    brand: str
    last4: str
    exp_month: int
    exp_year: int
    holder_name: str


class ConsentView(Out):
    at: datetime
    actor: str
    channel: str
    text_version: str
    language: str


class NewslettersView(Out):
    categories: list[str]
    consents: dict[str, ConsentView]
    unsubscribed_at: datetime | None = None


class ProfileView(Out):
    profile_id: str
    version: int
    first_name: str
    last_name: str
    email: str
    phone: str | None = None
    address: AddressView
    additional_info: AdditionalInfoView
    contacts: list[ContactView]
    preferences: PreferencesView
    card: CardView | None = None
    social: dict[str, str]
    newsletters: NewslettersView
    registered_at: datetime
    updated_at: datetime


# Audit trail
class Change(Out):
    field: str
    before: Any = None
    after: Any = None


class AuditEntry(Out):
    position: int
    profile_id: str
    version: int
    at: datetime
    actor: str
    caller: str | None = Field(
        description="The API token's name that issued the command (null before callers were "
        "recorded, or from the command line)."
    )
    correlation_id: str
    event: str
    section: str
    changes: list[Change]


class AuditPage(Out):
    entries: list[AuditEntry]
    next_after: int | None = Field(
        description="Pass as ?after= for the next page; null when this page is the last."
    )


# The consent ledger (privacy.md)
class ConsentRecord(Out):
    purpose: str = Field(examples=["newsletter:offers"])
    state: str = Field(description="given or withdrawn")
    at: datetime
    version: int
    actor: str | None = None
    caller: str | None = None
    correlation_id: str | None = None
    channel: str | None = Field(default=None, description="portal, api or support (given only)")
    text_version: str | None = Field(default=None, description="The consent text shown")
    language: str | None = None


class ConsentLedger(Out):
    consents: list[ConsentRecord]


# Communications and audiences
class SendDecision(Out):
    allowed: bool
    reason: str


class AudiencePage(Out):
    category: str
    profile_ids: list[str]
    next_after: str | None = Field(
        description="Pass as ?after= for the next page; null when this page is the last."
    )


# Stateless helpers
class StrengthRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, hide_input_in_errors=True)

    password: Annotated[str, StringConstraints(max_length=1024)]
    user_inputs: list[Short] = Field(default_factory=list, max_length=20)


class StrengthAnswer(Out):
    score: int = Field(ge=0, le=4)
    strong: bool
    feedback: list[str]


class GeneratedPassword(Out):
    password: str


class BrandRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, hide_input_in_errors=True)

    number: Annotated[str, StringConstraints(max_length=40)]


class BrandAnswer(Out):
    brand: str | None
    complete: bool
    luhn_valid: bool


# Health
class ProfileHolding(Out):
    profile_id: str


class Health(Out):
    status: str


class ProjectionStatus(Out):
    name: str
    position: int | None = None
    head: int | None = None
    lag: int | None = None
    rebuilding: int | None = Field(
        default=None,
        description="The position of a rebuild under way beside the live view (null: none).",
    )


class Readiness(Out):
    status: str = Field(description="ready, or unavailable when the store is not ok.")
    store: str = Field(
        description="ok; busy (a writer would wait: locked by another process); unreachable; "
        "or unreadable (stored events cannot be decoded: a wrong key or damaged data)."
    )
    projections: list[ProjectionStatus]
