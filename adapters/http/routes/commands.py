"""The commands of api.md: each one records events and answers the new version and ETag."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Path, Query, Response

from adapters.http import examples as ex
from adapters.http.deps import Payment, Service, Write, request_info
from adapters.http.examples import example
from adapters.http.problems import COMMON, responses
from adapters.http.schemas import ETAG_HEADER, CommandAnswer, ContactAddedAnswer
from application.ports import CommandResult
from domain.inputs import (
    AdditionalInfoInput,
    CardInput,
    ContactPatch,
    NewContact,
    PasswordChange,
    PreferencesPatch,
    Registration,
    SocialLink,
    Subscription,
)

router = APIRouter(prefix="/v1", tags=["commands"])

_REFUSALS = responses(*COMMON, 404, 409, 412, 422)
ProfileId = Annotated[UUID, Path(description="The profile's id.")]
Network = Annotated[
    str,
    Path(
        max_length=50,
        description="facebook, twitter, whatsapp, skype, signal or linkedin.",
        examples=["linkedin"],
    ),
]


def _ok(status: int = 200) -> dict[int | str, dict[str, Any]]:
    return {**_REFUSALS, status: {"headers": ETAG_HEADER}}


def _answer(result: CommandResult, response: Response) -> CommandAnswer:
    response.headers["ETag"] = f'"{result.version}"'
    request_info().note(profile_id=result.profile_id, version=result.version)
    return CommandAnswer(
        profile_id=result.profile_id, version=result.version, events=list(result.events)
    )


@router.post(
    "/profiles",
    status_code=201,
    summary="Register a profile",
    responses={**responses(*COMMON, 422), 201: {"headers": ETAG_HEADER}},
)
def register(
    body: Annotated[Registration, example(ex.REGISTRATION)],
    ctx: Write,
    service: Service,
    response: Response,
) -> CommandAnswer:
    result = service.register(body, ctx)
    response.headers["Location"] = f"/v1/profiles/{result.profile_id}"
    return _answer(result, response)


@router.patch(
    "/profiles/{profile_id}/contact", summary="A: change contact information", responses=_ok()
)
def change_contact(
    profile_id: ProfileId,
    body: Annotated[ContactPatch, example(ex.CONTACT)],
    ctx: Write,
    service: Service,
    response: Response,
) -> CommandAnswer:
    return _answer(service.change_contact(profile_id, body, ctx), response)


@router.put(
    "/profiles/{profile_id}/additional-info",
    summary="B: set additional information",
    responses=_ok(),
)
def change_additional_info(
    profile_id: ProfileId,
    body: Annotated[AdditionalInfoInput, example(ex.ADDITIONAL_INFO)],
    ctx: Write,
    service: Service,
    response: Response,
) -> CommandAnswer:
    return _answer(service.change_additional_info(profile_id, body, ctx), response)


@router.post(
    "/profiles/{profile_id}/contacts",
    status_code=201,
    summary="Add an account contact",
    responses=_ok(201),
)
def add_contact(
    profile_id: ProfileId,
    body: Annotated[NewContact, example(ex.NEW_CONTACT)],
    ctx: Write,
    service: Service,
    response: Response,
) -> ContactAddedAnswer:
    result = service.add_contact(profile_id, body, ctx)
    answer = _answer(result, response)
    return ContactAddedAnswer(**answer.model_dump(), contact_id=result.contact_id or "")


@router.delete(
    "/profiles/{profile_id}/contacts/{contact_id}",
    summary="Remove an account contact",
    responses=_ok(),
)
def remove_contact(
    profile_id: ProfileId,
    contact_id: Annotated[str, Path(max_length=100)],
    ctx: Write,
    service: Service,
    response: Response,
) -> CommandAnswer:
    return _answer(service.remove_contact(profile_id, contact_id, ctx), response)


@router.patch(
    "/profiles/{profile_id}/preferences", summary="C: change account preferences", responses=_ok()
)
def change_preferences(
    profile_id: ProfileId,
    body: Annotated[PreferencesPatch, example(ex.PREFERENCES)],
    ctx: Write,
    service: Service,
    response: Response,
) -> CommandAnswer:
    return _answer(service.change_preferences(profile_id, body, ctx), response)


@router.post("/profiles/{profile_id}/password", summary="D: change the password", responses=_ok())
def change_password(
    profile_id: ProfileId,
    body: Annotated[PasswordChange, example(ex.PASSWORD)],
    ctx: Write,
    service: Service,
    response: Response,
) -> CommandAnswer:
    return _answer(service.change_password(profile_id, body, ctx), response)


@router.put(
    "/profiles/{profile_id}/card",
    summary="E: register or replace the card",
    description="Scope `payment:write`.",
    responses=_ok(),
)
def register_card(
    profile_id: ProfileId,
    body: Annotated[CardInput, example(ex.CARD)],
    ctx: Payment,
    service: Service,
    response: Response,
) -> CommandAnswer:
    return _answer(service.register_card(profile_id, body, ctx), response)


@router.delete(
    "/profiles/{profile_id}/card",
    summary="E: remove the card",
    description="Scope `payment:write`; needs `?confirm=true`.",
    responses=_ok(),
)
def remove_card(
    profile_id: ProfileId,
    ctx: Payment,
    service: Service,
    response: Response,
    confirm: Annotated[bool, Query(description="Must be true.")] = False,
) -> CommandAnswer:
    return _answer(service.remove_card(profile_id, confirm, ctx), response)


@router.put(
    "/profiles/{profile_id}/social/{network}", summary="F: link a social account", responses=_ok()
)
def link_social(
    profile_id: ProfileId,
    network: Network,
    body: Annotated[SocialLink, example(ex.SOCIAL)],
    ctx: Write,
    service: Service,
    response: Response,
) -> CommandAnswer:
    return _answer(service.link_social(profile_id, network, body.url, ctx), response)


@router.delete(
    "/profiles/{profile_id}/social/{network}", summary="F: unlink a social account", responses=_ok()
)
def unlink_social(
    profile_id: ProfileId,
    network: Network,
    ctx: Write,
    service: Service,
    response: Response,
) -> CommandAnswer:
    return _answer(service.unlink_social(profile_id, network, ctx), response)


@router.put(
    "/profiles/{profile_id}/newsletters", summary="G: subscribe to newsletters", responses=_ok()
)
def subscribe_newsletters(
    profile_id: ProfileId,
    body: Annotated[Subscription, example(ex.SUBSCRIPTION)],
    ctx: Write,
    service: Service,
    response: Response,
) -> CommandAnswer:
    return _answer(service.subscribe_newsletters(profile_id, body, ctx), response)


@router.delete(
    "/profiles/{profile_id}/newsletters", summary="G: unsubscribe from everything", responses=_ok()
)
def unsubscribe_newsletters(
    profile_id: ProfileId, ctx: Write, service: Service, response: Response
) -> CommandAnswer:
    return _answer(service.unsubscribe_newsletters(profile_id, ctx), response)
