"""A bare FastAPI endpoint for scale: the wrk request's route, one pydantic body model, one
response model, no database, no middleware, no dependencies. Served by tests/bench/servers.py
(`uvicorn tests.bench.bare:app`, `granian --interface asgi tests.bench.bare:app`)."""

from __future__ import annotations

from typing import Annotated

from fastapi import FastAPI
from pydantic import BaseModel, ConfigDict, StringConstraints

app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)


class Link(BaseModel):
    model_config = ConfigDict(extra="forbid")
    url: Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)]


class Answer(BaseModel):
    profile_id: str
    version: int
    events: list[str]


@app.put("/v1/profiles/{profile_id}/social/{network}")
def link(profile_id: str, network: str, body: Link) -> Answer:
    return Answer(profile_id=profile_id, version=len(body.url), events=["SocialAccountLinked"])


@app.get("/healthz")
def healthz() -> dict[str, str]:
    return {"status": "ok"}
