"""A command's answer, built without FastAPI's serialisation, is the documented model's JSON."""

from __future__ import annotations

from fastapi import Response

from adapters.entrypoints.http.context import RequestInfo, enter, leave
from adapters.entrypoints.http.routes.common import answer
from adapters.entrypoints.http.schemas import CommandAnswer, ContactAddedAnswer
from application.ports import CommandResult

RESULT = CommandResult("0b9c3f4e-47a4-4b1e-9e8e-0d3a51f0a2b1", 7, ("SocialAccountLinked",))


def answered(**options: object) -> Response:
    marker = enter(RequestInfo(correlation_id="c", method="PUT", path="/v1"))
    try:
        sub = Response()
        sub.headers["Location"] = "/v1/profiles/x"
        return answer(RESULT, sub, **options)  # type: ignore[arg-type]
    finally:
        leave(marker)


def test_the_body_is_command_answer_serialised() -> None:
    built = answered()
    expected = CommandAnswer(profile_id=RESULT.profile_id, version=7, events=list(RESULT.events))
    assert built.body == expected.model_dump_json().encode()
    assert built.status_code == 200
    assert built.headers["content-type"] == "application/json"
    assert built.headers["etag"] == '"7"'
    assert built.headers["location"] == "/v1/profiles/x"
    assert built.headers["content-length"] == str(len(built.body))


def test_a_new_contact_answer_is_contact_added_answer_serialised() -> None:
    built = answered(status=201, contact_id="c1")
    expected = ContactAddedAnswer(
        profile_id=RESULT.profile_id, version=7, events=list(RESULT.events), contact_id="c1"
    )
    assert built.body == expected.model_dump_json().encode()
    assert built.status_code == 201
