"""Section E, credit card: registering, removing, and the brand helper."""

from __future__ import annotations

from typing import Annotated

from fastapi import Query, Response

from adapters.entrypoints.http import examples as ex
from adapters.entrypoints.http.blocking import Router
from adapters.entrypoints.http.deps import Payment, Service
from adapters.entrypoints.http.examples import example
from adapters.entrypoints.http.helpers import LIMITED, Helper
from adapters.entrypoints.http.problems import BODY, COMMON, responses
from adapters.entrypoints.http.routes.common import ProfileId, answer, answered
from adapters.entrypoints.http.schemas import BrandAnswer, BrandRequest, CommandAnswer
from domain.inputs import CardInput

router = Router(prefix="/v1", responses=responses(*COMMON), tags=["credit card"])


@router.put(
    "/profiles/{profile_id}/card",
    response_model=CommandAnswer,
    summary="E: register or replace the card",
    description="Scope `payment:write`.",
    responses=answered(),
)
def register_card(
    profile_id: ProfileId,
    body: Annotated[CardInput, example(ex.CARD)],
    ctx: Payment,
    service: Service,
    response: Response,
) -> Response:
    return answer(service.register_card(profile_id, body, ctx), response)


@router.delete(
    "/profiles/{profile_id}/card",
    response_model=CommandAnswer,
    summary="E: remove the card",
    description="Scope `payment:write`; needs `?confirm=true`.",
    responses=answered(body=False),
)
def remove_card(
    profile_id: ProfileId,
    ctx: Payment,
    service: Service,
    response: Response,
    confirm: Annotated[bool, Query(description="Must be true.")] = False,
) -> Response:
    return answer(service.remove_card(profile_id, confirm, ctx), response)


@router.post(
    "/cards/brand",
    summary="Detect a (partial) card number's brand",
    description=LIMITED,
    responses=responses(*BODY, 429),
)
async def card_brand(  # microseconds of work: no thread
    body: Annotated[BrandRequest, example(ex.BRAND)], _caller: Helper, service: Service
) -> BrandAnswer:
    brand, complete, luhn_valid = service.card_brand(body.number)
    return BrandAnswer(brand=brand, complete=complete, luhn_valid=luhn_valid)
