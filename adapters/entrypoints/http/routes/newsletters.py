"""Section G, newsletters: subscriptions, who may be sent what, the audience."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path, Query, Response

from adapters.entrypoints.http import examples as ex
from adapters.entrypoints.http.blocking import Router
from adapters.entrypoints.http.deps import Auditor, Histories, Reader, Reads, Service, Write
from adapters.entrypoints.http.examples import example
from adapters.entrypoints.http.problems import COMMON, responses
from adapters.entrypoints.http.routes.common import Limit, ProfileId, answer, answered
from adapters.entrypoints.http.schemas import (
    AudiencePage,
    CommandAnswer,
    ConsentLedger,
    SendDecision,
)
from domain.errors import ProfileNotFound, RuleViolation
from domain.inputs import Subscription

router = Router(prefix="/v1", responses=responses(*COMMON), tags=["newsletters"])


@router.put(
    "/profiles/{profile_id}/newsletters",
    response_model=CommandAnswer,
    summary="G: subscribe to newsletters",
    responses=answered(),
)
def subscribe_newsletters(
    profile_id: ProfileId,
    body: Annotated[Subscription, example(ex.SUBSCRIPTION)],
    ctx: Write,
    service: Service,
    response: Response,
) -> Response:
    return answer(service.subscribe_newsletters(profile_id, body, ctx), response)


@router.delete(
    "/profiles/{profile_id}/newsletters",
    response_model=CommandAnswer,
    summary="G: unsubscribe from everything",
    responses=answered(body=False),
)
def unsubscribe_newsletters(
    profile_id: ProfileId, ctx: Write, service: Service, response: Response
) -> Response:
    return answer(service.unsubscribe_newsletters(profile_id, ctx), response)


@router.get(
    "/profiles/{profile_id}/communications/{kind}",
    summary="May this kind of message be sent to the profile now?",
    responses=responses(404, 422),
)
def may_send(
    profile_id: ProfileId,
    kind: Annotated[
        str,
        Path(
            max_length=100,
            description="`newsletter:<category>`, `invoice`, "
            "`payment_receipt`, `whois_verification`, `service_notice`, "
            "`domain_suggestion`.",
            examples=["newsletter:news"],
        ),
    ],
    _caller: Reader,
    reads: Reads,
    service: Service,
) -> SendDecision:
    try:
        decision = reads.may_send(profile_id, kind)
    except ProfileNotFound:
        decision = service.may_send(profile_id, kind)  # the view may lag behind the events
    return SendDecision(allowed=decision.allowed, reason=decision.reason)


@router.get(
    "/newsletters/{category}/audience",
    summary="Profiles subscribed to a category",
    responses=responses(422),
)
def newsletter_audience(
    category: Annotated[str, Path(max_length=100, examples=["news"])],
    _caller: Reader,
    reads: Reads,
    service: Service,
    limit: Limit = 100,
    after: Annotated[str | None, Query(max_length=100, description="A profile id.")] = None,
) -> AudiencePage:
    if category not in service.categories:
        raise RuleViolation(
            "unknown_newsletter_category", f"Unknown newsletter category {category!r}.", "category"
        )
    ids = reads.audience.subscribers(category, after=after, limit=limit)
    return AudiencePage(
        category=category, profile_ids=ids, next_after=ids[-1] if len(ids) == limit else None
    )


@router.get(
    "/profiles/{profile_id}/consents",
    summary="The consent ledger: every consent given or withdrawn, oldest first",
    description="Scope `audit:read`. One record per category per change, from the events.",
    responses=responses(404),
)
def consent_ledger(profile_id: ProfileId, _caller: Auditor, history: Histories) -> ConsentLedger:
    return ConsentLedger.model_validate({"consents": history.consents(profile_id)})
