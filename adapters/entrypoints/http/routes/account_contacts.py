"""The account contacts."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path, Response

from adapters.entrypoints.http import examples as ex
from adapters.entrypoints.http.blocking import Router
from adapters.entrypoints.http.deps import Service, Write
from adapters.entrypoints.http.examples import example
from adapters.entrypoints.http.problems import COMMON, responses
from adapters.entrypoints.http.routes.common import ProfileId, answer, answered
from adapters.entrypoints.http.schemas import CommandAnswer, ContactAddedAnswer
from domain.inputs import NewContact

router = Router(prefix="/v1", responses=responses(*COMMON), tags=["account contacts"])


@router.post(
    "/profiles/{profile_id}/contacts",
    response_model=ContactAddedAnswer,
    status_code=201,
    summary="Add an account contact",
    responses=answered(201),
)
def add_contact(
    profile_id: ProfileId,
    body: Annotated[NewContact, example(ex.NEW_CONTACT)],
    ctx: Write,
    service: Service,
    response: Response,
) -> Response:
    result = service.add_contact(profile_id, body, ctx)
    return answer(result, response, 201, contact_id=result.contact_id or "")


@router.delete(
    "/profiles/{profile_id}/contacts/{contact_id}",
    response_model=CommandAnswer,
    summary="Remove an account contact",
    responses=answered(body=False),
)
def remove_contact(
    profile_id: ProfileId,
    contact_id: Annotated[str, Path(max_length=100)],
    ctx: Write,
    service: Service,
    response: Response,
) -> Response:
    return answer(service.remove_contact(profile_id, contact_id, ctx), response)
