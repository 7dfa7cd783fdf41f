"""Request bodies: JSON only (415 otherwise), and why one could not be parsed (400)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


def is_json(content_type: str | None) -> bool:
    """application/json or application/<anything>+json, whatever its parameters."""
    media = (content_type or "").partition(";")[0].strip().lower()
    return media == "application/json" or (
        media.startswith("application/") and media.endswith("+json")
    )


def not_json(content_type: str | None, errors: Sequence[Any]) -> bool:
    """A body was given, but not as JSON: FastAPI then validates its bytes, and fails."""
    return not is_json(content_type) and any(
        tuple(e.get("loc", ()))[:1] == ("body",) and e.get("type") != "missing" for e in errors
    )


def unparsable_body(cause: BaseException | None) -> str:
    """Why a JSON body could not be parsed at all, from the error FastAPI met."""
    if isinstance(cause, UnicodeDecodeError):
        return "The request body is not valid UTF-8."
    if isinstance(cause, RecursionError):
        return "The request body is nested too deeply."
    return "The request body cannot be parsed as JSON."
