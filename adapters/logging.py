"""Logging: structlog configured once, JSON lines or console, standard-library logs alike."""

from __future__ import annotations

import contextlib
import logging
import re
import sys
from collections.abc import Mapping, MutableMapping
from typing import Any, Literal, TextIO

import structlog
from structlog.typing import EventDict, Processor, WrappedLogger

LogFormat = Literal["json", "console"]

# Keys whose values are never written, whatever logs them (a last safety net).
SECRET_KEYS = frozenset(
    {
        "password",
        "current_password",
        "new_password",
        "password_hash",
        "number",
        "card_number",
        "cvc",
        "cvv",
        "token",
        "authorization",
        "bearer",
        "secret",
        "vault_key",
        "events_key",
        "signing_key",
        "api_token",
        "token_hash",
        "fingerprint",
    }
)
REDACTED = "[redacted]"
_CARD_LIKE = re.compile(r"(?<![\w.-])\d(?:[ -]?\d){11,18}(?![\w.-])")
_BEARER = re.compile(r"(?i)\bbearer\s+[^\s\"',]+")
_API_TOKEN = re.compile(r"\bps_[A-Za-z0-9_\-]{16,}")
_ARGON2 = re.compile(r"\$argon2[a-z]*\$[^\s\"',]+")
# Any of the four, searched once: most values match none, and then no substitution is tried.
_ANY_SECRET = re.compile(
    "|".join(
        f"(?i:{p.pattern.removeprefix('(?i)')})" if p.flags & re.IGNORECASE else f"(?:{p.pattern})"
        for p in (_BEARER, _API_TOKEN, _ARGON2, _CARD_LIKE)
    )
)
_SAFE_KEYS = frozenset({"timestamp", "correlation_id", "profile_id", "level", "logger"})
_QUIET = {"psycopg.pool": logging.WARNING, "uvicorn.access": logging.WARNING}

_configured = False
# The configured handler and the whole chain, for lines written without the standard library.
_direct: tuple[logging.StreamHandler[TextIO], list[Processor]] | None = None


def scrub(text: str) -> str:
    """Mask what looks like a card number, a bearer token, an API token or an argon2 hash."""
    if _ANY_SECRET.search(text) is None:
        return text
    text = _BEARER.sub(f"Bearer {REDACTED}", text)
    text = _API_TOKEN.sub(REDACTED, text)
    text = _ARGON2.sub(REDACTED, text)
    return _CARD_LIKE.sub(REDACTED, text)


def _clean(key: str, value: object) -> object:
    if key.lower() in SECRET_KEYS:
        return REDACTED
    if isinstance(value, str):
        return value if key in _SAFE_KEYS else scrub(value)
    if isinstance(value, Mapping):
        return {str(k): _clean(str(k), v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean("", item) for item in value]
    return value


def redact(_logger: WrappedLogger, _name: str, event_dict: EventDict) -> EventDict:
    """Drop the values of secret keys and mask secret-looking text anywhere in the entry."""
    return {key: _clean(key, value) for key, value in event_dict.items()}


def _drop_color_message(_logger: WrappedLogger, _name: str, event_dict: EventDict) -> EventDict:
    event_dict.pop("color_message", None)  # uvicorn's duplicate of the message
    return event_dict


def _shared_processors() -> list[Processor]:
    return [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.stdlib.PositionalArgumentsFormatter(),
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        _drop_color_message,
    ]


def _renderer(log_format: LogFormat) -> Processor:
    if log_format == "json":
        return structlog.processors.JSONRenderer(sort_keys=False)
    return structlog.dev.ConsoleRenderer(
        colors=False, exception_formatter=structlog.dev.plain_traceback
    )


def configure_logging(
    log_format: LogFormat,
    *,
    level: int = logging.INFO,
    stream: TextIO | None = None,
    force: bool = False,
) -> None:
    """Configure structlog and the standard library once: one handler, one rendering."""
    global _configured, _direct
    if _configured and not force:
        return
    shared = _shared_processors()
    structlog.configure(
        processors=[*shared, structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
    formatter = structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=shared,
        processors=[
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            structlog.processors.format_exc_info,
            redact,
            _renderer(log_format),
        ],
    )
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(formatter)
    _direct = handler, [*shared, structlog.processors.format_exc_info, redact,
                        _renderer(log_format)]
    root = logging.getLogger()
    for old in [h for h in root.handlers if getattr(h, "_profile_service", False)]:
        root.removeHandler(old)
    handler._profile_service = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(level)
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access", "eventsourcing", "psycopg"):
        logger = logging.getLogger(name)
        logger.handlers.clear()
        logger.propagate = True
    for name, quiet_level in _QUIET.items():
        logging.getLogger(name).setLevel(quiet_level)
    _configured = True


def reset_logging() -> None:
    """Undo `configure_logging`: its handler removed, structlog's defaults back."""
    global _configured, _direct
    root = logging.getLogger()
    for handler in [h for h in root.handlers if getattr(h, "_profile_service", False)]:
        root.removeHandler(handler)
    _direct = None
    structlog.reset_defaults()
    _configured = False


def get_logger(name: str) -> structlog.stdlib.BoundLogger:
    return structlog.stdlib.get_logger(name)


def info_line(name: str, event: str, **fields: object) -> None:
    """`get_logger(name).info(event, **fields)`, the same line through the same processors,
    written to the configured handler's stream under its lock without the standard library's
    record, caller lookup and formatter between (the canonical request line: about 60% of its
    cost). Anything else, or before configure_logging, goes the usual way."""
    logger = logging.getLogger(name)
    if _direct is None or not logger.isEnabledFor(logging.INFO):
        get_logger(name).info(event, **fields)
        return
    handler, processors = _direct
    event_dict: Any = {**fields, "event": event}
    for processor in processors:
        event_dict = processor(logger, "info", event_dict)
    with handler.lock or contextlib.nullcontext():
        try:
            handler.stream.write(f"{event_dict}\n")
            handler.flush()
        except (OSError, ValueError):  # a closed or broken stream: as logging, no raise
            return


def bind(**values: object) -> None:
    """Bind values to every log line of the current request (context variables)."""
    structlog.contextvars.bind_contextvars(**values)


def clear() -> None:
    structlog.contextvars.clear_contextvars()


def safe_fields(values: MutableMapping[str, object]) -> dict[str, object]:
    return {key: _clean(key, value) for key, value in values.items()}
