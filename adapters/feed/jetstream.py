"""The relay's publisher: NATS JetStream with nats-py, async publishes acknowledged in batches."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Sequence
from urllib.parse import urlsplit

import nats
from nats.aio.client import Client
from nats.js import JetStreamContext
from nats.js.errors import NotFoundError

from adapters.feed.ports import Last, Message, Publisher

CONNECT_TIMEOUT = 2  # seconds for one server to answer
ACK_TIMEOUT = 10.0  # seconds for a whole batch to be acknowledged
MAX_PENDING = 4000  # unacknowledged publishes at most (a batch is smaller)


def servers(url: str) -> list[str]:
    return [server.strip() for server in url.split(",") if server.strip()]


def shown(url: str) -> str:
    """The servers as they may be logged: host and port, never a user or password."""
    return ",".join(
        f"{parts.scheme}://{parts.hostname}:{parts.port or 4222}"
        for parts in (urlsplit(server) for server in servers(url))
    )


async def _ignore(_: Exception) -> None:
    """nats-py's error callback: the relay reports its outages itself, once each."""


class JetStream(Publisher):
    """A stream of JetStream (created when missing, subjects `{prefix}.>`) on one connection."""

    def __init__(self, client: Client, stream: str, prefix: str) -> None:
        self._client = client
        self._js: JetStreamContext = client.jetstream(publish_async_max_pending=MAX_PENDING)
        self.stream = stream
        self.prefix = prefix

    @classmethod
    async def connect(cls, url: str, stream: str, prefix: str) -> JetStream:
        """Connect (no reconnecting of its own: the relay retries) and make sure of the stream."""
        client = await nats.connect(  # each server tried twice at most, then NoServersError
            servers(url),
            connect_timeout=CONNECT_TIMEOUT,
            allow_reconnect=False,
            max_reconnect_attempts=1,
            reconnect_time_wait=0.1,
            error_cb=_ignore,
            name="profile-service relay",
        )
        jetstream = cls(client, stream, prefix)
        try:
            await jetstream.ensure_stream()
        except BaseException:
            await jetstream.close()
            raise
        return jetstream

    async def ensure_stream(self) -> None:
        try:
            await self._js.stream_info(self.stream)
        except NotFoundError:
            await self._js.add_stream(name=self.stream, subjects=[f"{self.prefix}.>"])

    async def publish(self, messages: Sequence[Message]) -> None:
        if not messages:
            return
        acks = [
            await self._js.publish_async(
                f"{self.prefix}.{message.name}",
                message.body,
                headers={"Nats-Msg-Id": message.id},
                stream=self.stream,
            )
            for message in messages
        ]
        await asyncio.wait_for(asyncio.gather(*acks), timeout=ACK_TIMEOUT)

    async def last(self) -> Last | None:
        info = await self._js.stream_info(self.stream)
        if not info.state.last_seq:
            return None
        try:
            message = await self._js.get_msg(self.stream, info.state.last_seq)
        except NotFoundError:
            return None
        headers = message.headers or {}
        try:
            position = int(json.loads(message.data or b"{}")["position"])
        except (KeyError, TypeError, ValueError):
            return None
        return Last(str(headers.get("Nats-Msg-Id", "")), position)

    async def close(self) -> None:
        with contextlib.suppress(Exception):
            await self._client.close()
