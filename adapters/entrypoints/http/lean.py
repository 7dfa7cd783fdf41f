"""A route that solves its parameters from a plan made once, and FastAPI's own way otherwise.

FastAPI 0.165 works out, on every request and for every parameter, what it could know at
start-up: each field's aliases, whether its annotation is a sequence, whether it is a model
of parameters (about a third of a command's framework CPU in-process). A plan holds those
answers. It serves a request only when every input is valid, the body is plain
`application/json` and nothing is overridden; anything else (a refusal, another content
type, telemetry, dependency overrides) goes to FastAPI's handler, which therefore words
every refusal. Validation is pure and comes first, so no dependency runs twice.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine, Iterator, Mapping
from copy import deepcopy
from dataclasses import dataclass, field
from typing import Any

from fastapi import HTTPException, Request, Response
from fastapi._body_limit import get_body_limit_error
from fastapi._compat import ModelField, Undefined, lenient_issubclass
from fastapi._compat.shared import field_annotation_is_sequence
from fastapi.dependencies.models import (
    Dependant,
    _is_async_gen_callable,
    _is_coroutine_callable,
    _is_gen_callable,
    _uses_scopes,
)
from fastapi.dependencies.utils import (
    _get_param_aliases,
    _get_param_model,
    _is_json_field,
    _should_embed_body_fields,
    get_typed_return_annotation,
)
from fastapi.routing import APIRoute, _effective_route_context_var
from fastapi.telemetry import get_telemetry_data
from starlette.datastructures import Headers, ImmutableMultiDict
from starlette.middleware.body_limit import MAX_BODY_SIZE_SCOPE_KEY

Handler = Callable[[Request], Coroutine[Any, Any, Response]]
Invalid = object()  # a parameter FastAPI would refuse: its handler answers the request
JSON = "application/json"


@dataclass(frozen=True)
class Param:
    field: ModelField
    aliases: tuple[str, ...]  # the request keys to look for, in FastAPI's order
    listed: bool  # read with getlist (a sequence annotation on headers or a query)
    sequence: bool
    where: str  # "path", "query", "header", "cookie"

    @classmethod
    def of(cls, model_field: ModelField) -> Param:
        annotation = model_field.field_info.annotation
        sequence = field_annotation_is_sequence(annotation)
        return cls(model_field, tuple(key for _, key in _get_param_aliases(model_field)),
                   sequence and not _is_json_field(model_field), sequence,
                   model_field.field_info.in_.value)  # type: ignore[attr-defined]

    def value(self, received: Mapping[str, Any]) -> Any:  # noqa: ANN401
        alias = next((key for key in self.aliases if key in received), self.aliases[0])
        if self.listed and isinstance(received, ImmutableMultiDict | Headers):
            raw: Any = received.getlist(alias)
        else:
            raw = received.get(alias, None)
        if raw is None or (self.sequence and len(raw) == 0):
            raw = Undefined
        return validated(self.field, raw, (self.where, alias))


def validated(model_field: ModelField, raw: Any, loc: tuple[str, ...]) -> Any:  # noqa: ANN401
    """The value FastAPI's `_validate_value_with_model_field` gives, or Invalid."""
    if raw is Undefined:
        if model_field.field_info.is_required():
            return Invalid
        value = deepcopy(model_field.default)
        if not model_field.field_info.validate_default:
            return value
        raw = value
    value, errors = model_field.validate(raw, {}, loc=loc)
    return Invalid if errors else value


@dataclass(frozen=True)
class Step:
    """One call of the dependency tree, in the order FastAPI solves it."""

    call: Callable[..., Coroutine[Any, Any, Any]]
    key: tuple[object, str]  # FastAPI's cache key, with no security scopes in play
    params: dict[str, Param] = field(default_factory=dict)
    subs: tuple[tuple[str | None, int], ...] = ()  # (argument name, index of the step)
    specials: tuple[tuple[str, str], ...] = ()  # (argument name, "request" | "response")
    cached: bool = True


@dataclass(frozen=True)
class Plan:
    steps: tuple[Step, ...]
    body: ModelField | None

    @classmethod
    def of(cls, route: Any) -> Plan | None:  # noqa: ANN401  # an APIRoute or its inclusion
        """The route's plan, or None where a feature it does not handle is in play."""
        if not lenient_issubclass(get_typed_return_annotation(route.endpoint), Response) or (
            _uses_scopes(dependant=route.dependant)
        ):
            return None
        steps: list[Step] = []
        try:
            for dependant in _post_order(route.dependant):
                steps.append(_step(dependant, steps, route.dependant))
        except _Unplanned:
            return None
        body = route.dependant.body_params
        if len(body) > 1 or route._embed_body_fields or (
            body and _should_embed_body_fields(body)
        ):
            return None
        return cls(tuple(steps), body[0] if body else None)

    def handler(self, fallback: Handler, overrides: Any) -> Handler:  # noqa: ANN401
        async def app(request: Request) -> Response:
            if get_telemetry_data() is not None or getattr(
                overrides, "dependency_overrides", None
            ):
                return await fallback(request)
            values = await self.inputs(request)
            if values is None:
                return await fallback(request)
            return await self.solve(request, values)

        return app

    async def inputs(self, request: Request) -> list[dict[str, Any]] | None:
        """Every step's parameters, validated; None if FastAPI would refuse any."""
        body: Any = Undefined
        if self.body is not None and await _body(request):
            if request.headers.get("content-type") != JSON:
                return None
            try:
                body = await request.json()
            except Exception:  # FastAPI's handler words it, from the same bytes
                return None
        sources = {"path": request.path_params, "query": request.query_params,
                   "header": request.headers, "cookie": request.cookies}
        every: list[dict[str, Any]] = []
        for step in self.steps:
            values = {}
            for name, param in step.params.items():
                value = param.value(sources[param.where])
                if value is Invalid:
                    return None
                values[name] = value
            every.append(values)
        if self.body is not None:
            value = validated(self.body, body, ("body",))
            if value is Invalid:
                return None
            every[-1][self.body.name] = value
        return every

    async def solve(self, request: Request, inputs: list[dict[str, Any]]) -> Response:
        response = Response()
        del response.headers["content-length"]
        response.status_code = None  # type: ignore[assignment]  # as FastAPI's
        specials = {"request": request, "response": response}
        results: list[Any] = []
        cache: dict[tuple[object, str], Any] = {}
        for step, values in zip(self.steps, inputs, strict=True):
            if step.cached and step.key in cache:
                results.append(cache[step.key])
                continue
            for name, index in step.subs:
                if name is not None:
                    values[name] = results[index]
            for name, kind in step.specials:
                values[name] = specials[kind]
            result = await step.call(**values)
            results.append(result)
            cache.setdefault(step.key, result)
        answer = results[-1]
        if not isinstance(answer, Response):
            raise TypeError(f"{self.steps[-1].call.__name__} must return a Response")
        return answer


async def _body(request: Request) -> bytes:
    """The body, read as FastAPI's handler reads it (it cannot read the stream again)."""
    try:
        return await request.body()
    except HTTPException:
        raise
    except Exception as e:
        if MAX_BODY_SIZE_SCOPE_KEY in request.scope and (error := get_body_limit_error(e)):
            raise error from e
        raise HTTPException(400, "There was an error parsing the body") from e


class _Unplanned(Exception):
    pass


def _post_order(dependant: Dependant) -> Iterator[Dependant]:
    for sub in dependant.dependencies:
        yield from _post_order(sub)
    yield dependant


def _step(dependant: Dependant, done: list[Step], root: Dependant) -> Step:
    call = dependant.call
    if (call is None or not _is_coroutine_callable(call) or _is_gen_callable(call)
            or _is_async_gen_callable(call) or dependant.background_tasks_param_name
            or dependant.websocket_param_name
            or dependant.concurrency is not None
            or (dependant.body_params and dependant is not root)):
        raise _Unplanned
    params: dict[str, Param] = {}
    for model_field in (*dependant.path_params, *dependant.query_params,
                        *dependant.header_params, *dependant.cookie_params):
        if _get_param_model(model_field) is not None:
            raise _Unplanned
        params[model_field.name] = Param.of(model_field)
    subs, offset = [], len(done)
    for sub in reversed(dependant.dependencies):  # each sub's subtree ends just before it
        offset -= 1
        subs.append((sub.name, offset))
        offset -= _size(sub) - 1
    specials = [(name, "request") for name in (dependant.request_param_name,
                                               dependant.http_connection_param_name) if name]
    if dependant.response_param_name:
        specials.append((dependant.response_param_name, "response"))
    return Step(call, (call, dependant.scope or ""), params, tuple(reversed(subs)),
                tuple(specials), dependant.use_cache)


def _size(dependant: Dependant) -> int:
    return 1 + sum(_size(sub) for sub in dependant.dependencies)


class LeanRoute(APIRoute):
    """An APIRoute whose handler follows its Plan when it has one."""

    def get_route_handler(self) -> Handler:
        fallback = super().get_route_handler()
        route: Any = self  # or, when included in a router, what that inclusion makes of it
        if (context := _effective_route_context_var.get()) is not None and (
            context.original_route is self
        ):
            route = context
        plan = Plan.of(route)
        if plan is None:
            return fallback
        return plan.handler(fallback, route.dependency_overrides_provider)
