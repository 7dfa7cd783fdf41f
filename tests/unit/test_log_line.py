"""A line written by info_line is the line the standard library's path writes, redacted alike."""

from __future__ import annotations

import io
import json
import logging
import re
from collections.abc import Iterator

import pytest

from adapters import logging as log

FIELDS: dict[str, object] = {
    "method": "PUT", "route": "/v1/profiles/{profile_id}", "status": 200, "duration_ms": 1.5,
    "actor": "customer:7", "token": "ps_" + "Z" * 30, "note": "Bearer abc.def 4111111111111111",
    "profile_id": None, "version": 3,
}
TIMESTAMP = re.compile(r"\d{4}-\d\d-\d\dT[\d:.]+Z")


@pytest.fixture
def stream() -> Iterator[io.StringIO]:
    yield io.StringIO()
    log.reset_logging()


@pytest.mark.parametrize("log_format", ["json", "console"])
def test_the_direct_line_is_the_standard_librarys_line(
    stream: io.StringIO, log_format: log.LogFormat
) -> None:
    log.configure_logging(log_format, stream=stream, force=True)
    log.bind(correlation_id="c-1", caller="crm")
    log.get_logger("profile_service.http").info("request", **FIELDS)
    log.info_line("profile_service.http", "request", **FIELDS)
    log.clear()
    usual, direct = TIMESTAMP.sub("T", stream.getvalue()).splitlines()
    assert direct == usual
    assert "ps_" not in direct and "abc.def" not in direct and "4111" not in direct


def test_a_direct_line_is_one_json_object_with_the_request_fields(stream: io.StringIO) -> None:
    log.configure_logging("json", stream=stream, force=True)
    log.info_line("profile_service.http", "request", **FIELDS)
    line = json.loads(stream.getvalue())
    assert (line["event"], line["level"]) == ("request", "info")
    assert line["logger"] == "profile_service.http"
    assert line["token"] == log.REDACTED


def test_a_quieted_logger_writes_no_direct_line(stream: io.StringIO) -> None:
    log.configure_logging("json", stream=stream, force=True)
    logging.getLogger("profile_service.quiet").setLevel(logging.WARNING)
    log.info_line("profile_service.quiet", "request", **FIELDS)
    assert stream.getvalue() == ""
