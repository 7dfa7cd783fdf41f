"""A planned route answers every request exactly as FastAPI's own handler does."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID, uuid4

import pytest
from fastapi import APIRouter, Depends, FastAPI, Header, HTTPException, Path, Request, Response
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from pydantic import BaseModel, Field

from adapters.entrypoints.http.lean import LeanRoute, Plan


class Link(BaseModel):
    url: str = Field(max_length=20)
    note: str | None = None


CALLS: list[str] = []


async def caller(request: Request,
                 x_actor: Annotated[str | None, Header(alias="X-Actor", pattern="^[a-z]+:[a-z]+$")]
                 = None) -> str:
    CALLS.append("caller")
    if request.headers.get("authorization") != "Bearer t":
        raise HTTPException(401, "no token")
    return x_actor or "service:default"


async def context(actor: Annotated[str, Depends(caller)],
                  if_match: Annotated[str | None, Header(alias="If-Match", pattern=r"^\d+$")]
                  = None,
                  tags: Annotated[list[str] | None, Header(alias="X-Tag")] = None,
                  ) -> dict[str, object]:
    return {"actor": actor, "if_match": if_match, "tags": tags}


async def link(profile_id: Annotated[UUID, Path()],
               network: Annotated[str, Path(max_length=8)],
               body: Link,
               ctx: Annotated[dict[str, object], Depends(context)],
               again: Annotated[str, Depends(caller)],
               response: Response) -> Response:
    response.headers["x-seen"] = again
    return Response(f"{profile_id}|{network}|{body.url}|{body.note}|{ctx}".encode(), 200,
                    headers=dict(response.headers))


async def unlink(profile_id: UUID, ctx: Annotated[dict[str, object], Depends(context)]) -> Response:
    return Response(f"{profile_id}|{ctx}".encode(), 204)


def router(route_class: type[APIRoute]) -> APIRouter:
    routes = APIRouter(route_class=route_class)
    routes.add_api_route("/p/{profile_id}/s/{network}", link, methods=["PUT"])
    routes.add_api_route("/p/{profile_id}", unlink, methods=["DELETE"])
    return routes


def client(route_class: type[APIRoute], *, included: bool = True) -> TestClient:
    app = FastAPI()
    if included:
        app.include_router(router(route_class), prefix="/v1")
    else:
        app.router.routes.extend(router(route_class).routes)
    return TestClient(app, base_url="http://test/v1" if included else "http://test",
                      raise_server_exceptions=False)


GOOD = str(uuid4())
AUTH = {"authorization": "Bearer t"}
JSON = {**AUTH, "content-type": "application/json"}
REQUESTS = [
    ("PUT", f"/p/{GOOD}/s/x", JSON, b'{"url": "https://x.com/a"}'),
    ("PUT", f"/p/{GOOD}/s/x", {**JSON, "x-actor": "customer:ann", "if-match": "3"},
     b'{"url": "https://x.com/a", "note": "n"}'),
    ("PUT", f"/p/{GOOD}/s/x", {**JSON, "x-actor": "Nobody"}, b'{"url": "u"}'),
    ("PUT", f"/p/{GOOD}/s/x", {**JSON, "if-match": "W/3"}, b'{"url": "u"}'),
    ("PUT", f"/p/{GOOD}/s/x", [*JSON.items(), ("x-tag", "a"), ("x-tag", "b")], b'{"url": "u"}'),
    ("PUT", f"/p/{GOOD}/s/x", JSON, b'{"url": "https://x.com/far-too-long-a-link"}'),
    ("PUT", f"/p/{GOOD}/s/x", JSON, b'{"url": 3}'),
    ("PUT", f"/p/{GOOD}/s/x", JSON, b'{"url": '),
    ("PUT", f"/p/{GOOD}/s/x", JSON, b'\xff\xfe'),
    ("PUT", f"/p/{GOOD}/s/x", JSON, b""),
    ("PUT", f"/p/{GOOD}/s/x", JSON, b"[]"),
    ("PUT", f"/p/{GOOD}/s/x", {**AUTH, "content-type": "text/plain"}, b'{"url": "u"}'),
    ("PUT", f"/p/{GOOD}/s/x", AUTH, b'{"url": "u"}'),
    ("PUT", f"/p/{GOOD}/s/x", {**AUTH, "content-type": "application/json; charset=utf-8"},
     b'{"url": "u"}'),
    ("PUT", f"/p/{GOOD}/s/x", {"content-type": "application/json"}, b'{"url": "u"}'),
    ("PUT", f"/p/{GOOD}/s/x", {"content-type": "application/json"}, b'{"url": 3}'),
    ("PUT", "/p/not-a-uuid/s/x", JSON, b'{"url": "u"}'),
    ("PUT", f"/p/{GOOD}/s/far-too-long", {**JSON, "x-actor": "bad"}, b'{"url": 3}'),
    ("DELETE", f"/p/{GOOD}", AUTH, b""),
    ("DELETE", f"/p/{GOOD}", {**AUTH, "if-match": "x"}, b""),
    ("DELETE", "/p/nope", {}, b""),
]


@pytest.mark.parametrize(("method", "path", "headers", "body"), REQUESTS)
def test_a_planned_route_answers_as_fastapis_own_handler(
    method: str, path: str, headers: dict[str, str] | list[tuple[str, str]], body: bytes
) -> None:
    answers = []
    for route_class, included in ((LeanRoute, True), (LeanRoute, False), (APIRoute, True)):
        answer = client(route_class, included=included).request(
            method, path.removeprefix("/"), headers=headers, content=body)
        answers.append((answer.status_code, answer.content, sorted(answer.headers.items())))
    assert answers[0] == answers[1] == answers[2]


def test_the_routes_have_plans_and_each_cached_dependency_runs_once_a_request() -> None:
    assert [Plan.of(route) is not None for route in router(LeanRoute).routes] == [True, True]
    CALLS.clear()
    answer = client(LeanRoute).put(f"p/{GOOD}/s/x", headers=JSON, content=b'{"url": "u"}')
    assert answer.status_code == 200
    assert answer.headers["x-seen"] == "service:default"
    assert CALLS == ["caller"]


def test_a_route_returning_a_model_keeps_fastapis_handler() -> None:
    async def read() -> Link:
        return Link(url="u")

    assert Plan.of(LeanRoute("/r", read)) is None
