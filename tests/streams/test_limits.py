"""Limits of the stream layer on a real server: concurrent streams per key (or per address without auth), the
failed-authentication throttle on the WebSocket, and JSON nested too deeply over the WebSocket."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from httpx_sse import aconnect_sse
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from app.auth.store import KeyStore
from app.standin import ModelStandIn
from tests.streams.conftest import conforms
from tests.streams.test_websocket import receive, send, until
from tests.support.live import LiveServer, write_config


async def make_key(server: LiveServer, name: str, role: str = "operator") -> tuple[str, str]:
    """A new key in the server's key store: (key, id)."""
    async with KeyStore(server.config.api.key_store_path) as store:
        created = await store.create(name, role=role)
    return created.key, created.record.id


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


async def refused(ws: ClientConnection) -> tuple[dict[str, Any], int | None]:
    """The `error` event a refused socket gets, and the close code that follows it."""
    error = await receive(ws, timeout=10)
    with pytest.raises(ConnectionClosed) as closed:
        await asyncio.wait_for(ws.recv(), 10)
    return error, closed.value.rcvd.code if closed.value.rcvd is not None else None


async def refusal(http: httpx.AsyncClient, method: str, path: str, **kwargs: Any) -> httpx.Response:
    """The answer to a stream request that must be refused (read as a stream: an accepted one never ends)."""
    async with asyncio.timeout(10), http.stream(method, path, **kwargs) as answer:
        assert answer.status_code != 200, "the stream was accepted"
        await answer.aread()
        return answer


def assert_too_many(body: dict[str, Any], limit: int) -> None:
    assert body["error"] == "TooManyRequestsError" and body["statusCode"] == 429
    assert body["details"]["maxStreamsPerKey"] == limit and "api.maxStreamsPerKey" in body["message"]


class Opened:
    """An SSE stream held open in the background until `close`."""

    def __init__(self, http: httpx.AsyncClient, **params: str) -> None:
        self.ready = asyncio.Event()
        self._stop = asyncio.Event()
        self.task = asyncio.create_task(self._run(http, params))

    async def _run(self, http: httpx.AsyncClient, params: dict[str, str]) -> None:
        async with aconnect_sse(http, "GET", "/api/events", params=params) as source:
            assert source.response.status_code == 200, await source.response.aread()
            self.ready.set()
            await self._stop.wait()

    async def wait(self) -> Opened:
        """Once the stream is open (its failure is raised)."""
        ready = asyncio.ensure_future(self.ready.wait())
        await asyncio.wait({self.task, ready}, timeout=30, return_when=asyncio.FIRST_COMPLETED)
        ready.cancel()
        if self.task.done():
            self.task.result()
        assert self.ready.is_set(), "the stream did not open"
        return self

    async def close(self) -> None:
        self._stop.set()
        await asyncio.wait_for(self.task, 30)


async def test_concurrent_streams_per_key_are_capped_and_given_back_however_they_end(
    servers: Callable[..., LiveServer], tmp_path: Path, standin: ModelStandIn
) -> None:
    config = write_config(
        tmp_path, standin, settings={"healthCheckInterval": 200}, api={"requireAuth": True, "maxStreamsPerKey": 2}
    )
    server = servers(config)
    key, key_id = await make_key(server, "capped")
    other, _ = await make_key(server, "other")

    def open_streams() -> int:
        assert server.layer is not None
        return server.layer.streams_of(f"key:{key_id}")

    async with server.async_client(**bearer(key)) as http, server.async_client(**bearer(other)) as http_other:
        events = await Opened(http, system="true").wait()
        async with connect(server.ws_url, additional_headers=bearer(key)) as ws:
            await send(ws, "system:subscribe")
            await until(ws, "health:check")
            assert server.call(open_streams) == 2

            # the third stream of the key, whatever kind: refused
            answer = await refusal(http, "GET", "/api/events", params={"system": "true"})
            assert answer.status_code == 429 and answer.headers["Retry-After"]
            assert_too_many(answer.json(), 2)
            answer = await refusal(http, "POST", "/api/teams/tell/stream", json={"toTeam": "alpha", "message": "no"})
            assert answer.status_code == 429
            assert_too_many(answer.json(), 2)
            async with connect(server.ws_url, additional_headers=bearer(key)) as third:
                error, code = await refused(third)
            assert code == 4429 and error["event"] == "error"
            assert_too_many(error["data"], 2)
            assert error["data"]["details"]["retryAfter"] > 0

            # another key has its own allowance
            other_events = await Opened(http_other, system="true").wait()
            await other_events.close()

            # a stream the client closed gives its place back; so does a streamed tell that ended
            await events.close()
            await server.eventually(open_streams, 1)
            told = [
                event.event
                async for event in _sse(http, "/api/teams/tell/stream", {"toTeam": "alpha", "message": "fits"})
            ]
            assert told[0] == "tell:accepted" and told[-1] == "tell:complete"
            await server.eventually(open_streams, 1)
        await server.eventually(open_streams, 0)  # the socket closed by the client
        again = await Opened(http, system="true").wait()
        await again.close()
    await server.eventually(open_streams, 0)


async def _sse(http: httpx.AsyncClient, path: str, body: dict[str, Any]) -> Any:
    async with asyncio.timeout(60), aconnect_sse(http, "POST", path, json=body) as source:
        assert source.response.status_code == 200, await source.response.aread()
        async for event in source.aiter_sse():
            conforms(event.data)
            yield event


async def test_without_authentication_the_cap_is_per_client_address(
    servers: Callable[..., LiveServer], tmp_path: Path, standin: ModelStandIn
) -> None:
    server = servers(write_config(tmp_path, standin, api={"maxStreamsPerKey": 1}))
    async with server.async_client() as http:
        first = await Opened(http, system="true").wait()
        answer = await refusal(http, "GET", "/api/events", params={"system": "true"})
        assert answer.status_code == 429
        assert_too_many(answer.json(), 1)
        assert "client address" in answer.json()["message"]
        async with connect(server.ws_url) as ws:
            error, code = await refused(ws)
        assert code == 4429
        assert_too_many(error["data"], 1)
        await first.close()
        await server.eventually(lambda: server.layer.streams_of("addr:127.0.0.1") if server.layer else -1, 0)
        second = await Opened(http, system="true").wait()
        await second.close()


@pytest.fixture
def throttled(servers: Callable[..., LiveServer], tmp_path: Path, standin: ModelStandIn) -> LiveServer:
    """Authentication on, and an address may fail to authenticate 3 times per minute."""
    rate_limit = {"enabled": True, "maxRequests": 3, "windowMs": 60_000}
    return servers(write_config(tmp_path, standin, api={"requireAuth": True, "rateLimit": rate_limit}))


async def test_the_websocket_honours_the_failed_authentication_throttle_before_checking_a_key(
    throttled: LiveServer,
) -> None:
    key, _ = await make_key(throttled, "good")
    async with throttled.async_client() as http:
        for _ in range(3):  # wrong keys use up this address's failed authentications
            answer = await http.get("/api/status", headers=bearer("iris_sk_" + "x" * 40))
            assert answer.status_code == 401
        answer = await http.get("/api/status", headers=bearer(key))
        assert answer.status_code == 429  # the HTTP path refuses even a good key now

    # the `auth` message: refused before the (good) key is looked at
    async with connect(throttled.ws_url) as ws:
        await send(ws, "auth", {"token": key})
        error, code = await refused(ws)
    assert code == 4429
    assert error["event"] == "error" and error["data"]["error"] == "TooManyRequestsError"
    assert error["data"]["statusCode"] == 429 and error["data"]["details"]["retryAfter"] > 0
    conforms(json.dumps(error))
    # the header, likewise
    async with connect(throttled.ws_url, additional_headers=bearer(key)) as ws:
        error, code = await refused(ws)
    assert code == 4429 and error["data"]["error"] == "TooManyRequestsError"


class _Records(logging.Handler):
    """Keeps the records logged while it is attached."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


async def test_json_nested_too_deeply_over_the_websocket_is_a_validation_error(
    servers: Callable[..., LiveServer], tmp_path: Path, standin: ModelStandIn
) -> None:
    open_server = servers(write_config(tmp_path, standin, settings={"healthCheckInterval": 200}))
    secured = servers(write_config(tmp_path / "secured", standin, api={"requireAuth": True}))
    deep = 100_000
    nested = "[" * deep + "]" * deep
    messages = [
        "[" * 10_000,  # not even closed
        nested,
        '{"event": "system:subscribe", "data": {"x": ' + nested + "}}",
        '{"x": ' + nested + ', "event": "system:subscribe"}',  # before the tag
    ]
    logged = _Records()
    loggers = [logging.getLogger(name) for name in ("", "uvicorn.error", "litestar", "iris")]
    for logger in loggers:
        logger.addHandler(logged)
    try:
        async with connect(open_server.ws_url, max_size=None) as ws:
            for message in messages:
                await ws.send(message)
                error = await receive(ws)
                assert error["event"] == "error" and error["data"]["error"] == "ValidationError", error
                assert error["data"]["statusCode"] == 400 and error["data"]["details"]["field"]
            await send(ws, "system:subscribe")  # the socket is still open and serving
            await until(ws, "health:check")

        # as the first message of a socket that must authenticate: refused as not-an-auth message, no crash
        for message in messages:
            async with connect(secured.ws_url, max_size=None) as ws:
                await ws.send(message)
                with pytest.raises(ConnectionClosed) as closed:
                    await asyncio.wait_for(ws.recv(), 10)
                assert closed.value.rcvd is not None and closed.value.rcvd.code == 4401
    finally:
        for logger in loggers:
            logger.removeHandler(logged)
    troubles = [r for r in logged.records if r.levelno >= logging.ERROR or r.exc_info]
    assert not troubles, [r.getMessage() for r in troubles]
