"""The small error hierarchy of the domain, each refusal with a stable code."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar
from uuid import UUID


@dataclass(frozen=True)
class FieldError:
    field: str
    code: str
    message: str


class DomainError(Exception):
    code: str = "domain_error"

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        field: str | None = None,
        errors: Sequence[FieldError] = (),
    ) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        self.field = field
        self.errors: tuple[FieldError, ...] = tuple(errors) or (
            (FieldError(field or "", self.code, message),) if field is not None else ()
        )


class RuleViolation(DomainError):
    """A command refused by a rule of domain.md (HTTP 422), with one of the codes declared here."""

    code = "rule_violation"
    CODES: ClassVar[frozenset[str]] = frozenset(
        {
            # A. Contact information
            "immutable_field",
            "invalid_email",
            "email_taken",
            "invalid_phone",
            "invalid_country",
            "invalid_postal_code",
            # B. Additional information
            "vat_requires_company",
            "invalid_vat_number",
            "invalid_url",
            # Account contacts
            "cannot_remove_holder",
            "contact_in_use",
            "unknown_contact",
            # C. Account preferences
            "invalid_channel",
            "invalid_language",
            # D. Password
            "wrong_password",
            "too_many_attempts",
            "weak_password",
            "password_reused",
            # E. Credit card
            "invalid_card_number",
            "unsupported_card_brand",
            "invalid_expiry",
            "card_expired",
            "confirmation_required",
            "no_card",
            # F. Social media accounts
            "unsupported_network",
            "invalid_social_url",
            # G. Newsletters
            "unknown_newsletter_category",
            # Free text (names, address lines, company, job title, contact names, card holder)
            "invalid_text",
            "card_number_in_text",
            # Malformed input found by a rule rather than by its shape
            "validation_error",
        }
    )

    def __init__(
        self,
        code: str,
        message: str,
        field: str | None = None,
        *,
        feedback: Sequence[str] = (),
    ) -> None:
        if code not in self.CODES:
            raise ValueError(f"{code!r} is not an error code of the domain (RuleViolation.CODES)")
        super().__init__(message, code=code, field=field)
        self.feedback: tuple[str, ...] = tuple(feedback)


class ValidationFailed(DomainError):
    """Malformed input: `validation_error` with one entry per bad field."""

    code = "validation_error"

    def __init__(self, errors: Sequence[FieldError]) -> None:
        super().__init__(
            "; ".join(f"{e.field}: {e.message}" for e in errors) or "invalid input",
            errors=errors,
        )


class ProfileNotFound(DomainError):
    code = "profile_not_found"

    def __init__(self, profile_id: UUID | str) -> None:
        super().__init__(f"No profile {profile_id}.")
        self.profile_id = str(profile_id)


class ProfileWasErased(DomainError):
    """The profile's person was forgotten: nothing of them may be read or changed (HTTP 410)."""

    code = "profile_erased"

    def __init__(self, profile_id: UUID | str) -> None:
        super().__init__(f"Profile {profile_id} was erased.")
        self.profile_id = str(profile_id)


class VersionConflict(DomainError):
    code = "version_conflict"

    def __init__(self, expected: int | None, actual: int | None) -> None:
        super().__init__(
            f"The profile is at version {actual}, not the expected {expected}."
            if expected is not None
            else "Another command changed the profile at the same time; retry."
        )
        self.expected = expected
        self.actual = actual


class IdempotencyKeyReused(DomainError):
    code = "idempotency_key_reused"

    def __init__(self) -> None:
        super().__init__("This idempotency key was already used for another command.")


class VersionNotFound(DomainError):
    code = "version_not_found"

    def __init__(self, profile_id: UUID | str, detail: str) -> None:
        super().__init__(f"Profile {profile_id} has no state {detail}.")
