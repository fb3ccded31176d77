"""Every error answer, the framework's own included, has the contract's shape and says what went wrong."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import msgspec
import pytest
from litestar.testing import TestClient

from app.api import models as m
from app.api.app import create_app
from app.api.errors import MAX_BODY_BYTES
from app.api.status import controllers as status_controllers
from app.cursors import encode_cursor
from app.errors import ProcessError, ProcessPoolLimitError
from app.standin import ModelStandIn
from tests.support.live import LiveServer, write_config
from tests.support.waiting import until

REPO = str(Path(__file__).resolve().parents[2])


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory, standin: ModelStandIn) -> Iterator[TestClient[Any]]:
    config = write_config(tmp_path_factory.mktemp("errors"), standin, {"alpha": {}})
    with TestClient(create_app(config), raise_server_exceptions=False) as client:
        yield client


def error_of(response: httpx.Response, status: int, name: str) -> m.Error:
    """The response decoded strictly as the contract's Error, checked against `status` and `name`."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    error = msgspec.json.decode(response.content, type=m.Error)
    assert error.status_code == status and error.error == name
    assert error.timestamp > 1_600_000_000_000 and error.message
    assert "Traceback" not in response.text and REPO not in response.text and ".py" not in response.text
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["x-request-id"]
    return error


def test_unknown_path_is_404_not_found(api: TestClient[Any]) -> None:
    for path in ("/api/nothing-here", "/nothing", "/api/teams/alpha/nothing"):
        error = error_of(api.get(path), 404, "NotFoundError")
        assert error.details == {"path": path}


def test_wrong_method_is_405_with_allow(api: TestClient[Any]) -> None:
    response = api.put("/api/teams/tell", json={})
    error = error_of(response, 405, "MethodNotAllowedError")
    assert "POST" in response.headers["allow"]
    assert isinstance(error.details, dict) and "POST" in error.details["allowed"]
    error_of(api.delete("/api/date"), 405, "MethodNotAllowedError")


def test_body_over_10_mib_is_413(api: TestClient[Any]) -> None:
    big = b'{"toTeam": "alpha", "message": "' + b"x" * MAX_BODY_BYTES + b'"}'
    response = api.post("/api/teams/tell", content=big, headers={"content-type": "application/json"})
    error = error_of(response, 413, "PayloadTooLargeError")
    assert error.details == {"limit": 10 * 1024 * 1024}

    def chunks() -> Iterator[bytes]:  # no Content-Length: the limit holds while reading
        yield b'{"toTeam": "alpha", "message": "'
        for _ in range(11):
            yield b"y" * (1024 * 1024)
        yield b'"}'

    error_of(api.post("/api/teams/alpha/wake", content=chunks()), 413, "PayloadTooLargeError")


@pytest.mark.parametrize(
    ("body", "field", "words"),
    [
        ({"toTeam": "alpha", "message": "hi", "colour": "red"}, "colour", "unknown field"),
        ({"toTeam": "alpha", "message": "hi", "timeout": "5"}, "timeout", "expected `int`, got `str`"),
        ({"toTeam": "alpha"}, "message", "missing required field"),
        ({"toTeam": "alpha", "message": ""}, "message", "length >= 1"),
        ({"toTeam": "alpha", "message": "a\u0000b"}, "message", "regex"),
        ({"toTeam": "alpha", "message": "hi", "timeout": -2}, "timeout", ">= -1"),
        ({"toTeam": ".alpha", "message": "hi"}, "toTeam", "regex"),
        ({"toTeam": "alpha", "message": "hi", "sessionId": "nope"}, "sessionId", "UUID"),
        ([1, 2], "body", "expected `object`"),
    ],
)
def test_bad_bodies_are_400_naming_the_field(api: TestClient[Any], body: Any, field: str, words: str) -> None:
    error = error_of(api.post("/api/teams/tell", json=body), 400, "ValidationError")
    assert error.details == {"field": field}
    assert words in error.message and error.message.startswith(f"{field}:")


def test_integral_numbers_are_integers_and_uuids_are_hyphenated(api: TestClient[Any]) -> None:
    accepted = api.post("/api/teams/tell", json={"toTeam": "nobody", "message": "hi", "timeout": 5.0})
    error_of(accepted, 404, "TeamNotFoundError")  # got past validation
    error = error_of(
        api.post("/api/teams/tell", json={"toTeam": "a", "message": "hi", "timeout": 5.5}), 400, "ValidationError"
    )
    assert error.details == {"field": "timeout"}
    unhyphenated = {"toTeam": "alpha", "message": "hi", "sessionId": "3f2c9a1e7b4d4c8e9f215a6b7c8d9e01"}
    error = error_of(api.post("/api/teams/tell", json=unhyphenated), 400, "ValidationError")
    assert error.details == {"field": "sessionId"}


def test_unreadable_or_missing_bodies_are_400(api: TestClient[Any]) -> None:
    error = error_of(api.post("/api/teams/tell", content=b"{nope"), 400, "ValidationError")
    assert error.details == {"field": "body"} and "JSON" in error.message
    error = error_of(api.post("/api/teams/tell"), 400, "ValidationError")
    assert error.details == {"field": "body"}
    error = error_of(api.post("/api/permissions/c0ffee00-1234-4abc-9def-0123456789ab", json={}), 400, "ValidationError")
    assert error.details == {"field": "decision"}


@pytest.mark.parametrize("blank", [b"\r\n", b" ", b"\t\n"])
def test_a_blank_body_is_not_an_absent_one(api: TestClient[Any], blank: bytes) -> None:
    """Only an empty body is no body (an optional one then takes its defaults); whitespace alone is no JSON."""
    json_type = {"content-type": "application/json"}
    assert api.post("/api/teams/alpha/sleep", headers=json_type).status_code == 200
    error = error_of(api.post("/api/teams/alpha/sleep", content=blank, headers=json_type), 400, "ValidationError")
    assert error.details == {"field": "body"} and "JSON" in error.message


@pytest.mark.parametrize(
    ("url", "field", "where"),
    [
        ("/api/teams/status?limit=0", "limit", "query"),
        ("/api/teams/status?limit=many", "limit", "query"),
        ("/api/teams?includeProcesses=perhaps", "includeProcesses", "query"),
        ("/api/teams/status?fromTeam=-x", "fromTeam", "query"),
        ("/api/logs?level=loud", "level", "query"),
        ("/api/logs?since=yesterday", "since", "query"),
        ("/api/cache/not-a-uuid", "sessionId", "path"),
        ("/api/requests/42", "requestId", "path"),
        ("/api/teams/-alpha/report", "team", "path"),
    ],
)
def test_bad_parameters_are_400_naming_them(api: TestClient[Any], url: str, field: str, where: str) -> None:
    error = error_of(api.get(url), 400, "ValidationError")
    assert isinstance(error.details, dict)
    assert error.details["field"] == field and error.details["in"] == where


def test_bad_cursor_is_400(api: TestClient[Any]) -> None:
    error = error_of(api.get("/api/teams/status?cursor=not-ours"), 400, "ValidationError")
    assert error.details == {"field": "cursor"}


@pytest.mark.parametrize("junk", ["~~~~", "!!!!", "=="])
def test_a_cursor_outside_its_form_is_400(api: TestClient[Any], junk: str) -> None:
    """A cursor is URL-safe base64 without padding (the spec's pattern): other characters are refused, not
    decoded around."""
    cursor = encode_cursor([0, "alpha"])
    assert api.get("/api/teams", params={"cursor": cursor}).status_code == 200
    error = error_of(api.get("/api/teams", params={"cursor": cursor + junk}), 400, "ValidationError")
    assert isinstance(error.details, dict) and error.details["field"] == "cursor"


def test_iris_errors_keep_their_name_status_and_details(api: TestClient[Any]) -> None:
    error = error_of(api.get("/api/teams/nobody/report"), 404, "TeamNotFoundError")
    assert error.details == {"team": "nobody", "configuredTeams": ["alpha"]}
    error = error_of(api.get("/api/teams/alpha/report?fromTeam=stranger"), 404, "TeamNotFoundError")
    assert error.details == {"fromTeam": "stranger", "configuredTeams": ["alpha"]}
    error_of(api.get("/api/teams/alpha/report"), 404, "SessionNotFoundError")
    error_of(api.get("/api/requests/8d7e6f5a-4b3c-4d2e-8f1a-0b9c8d7e6f5a"), 404, "RequestNotFoundError")
    unknown = "/api/permissions/c0ffee00-1234-4abc-9def-0123456789ab"
    error_of(api.post(unknown, json={"decision": "approve"}), 404, "NotFoundError")


@pytest.mark.parametrize(
    ("method", "url", "body", "field"),
    [
        ("POST", "/api/teams/tell", {"toTeam": "backend", "message": "hi"}, "toTeam"),
        ("POST", "/api/teams/backend/wake", {}, "team"),
        ("GET", "/api/teams/status?team=backend", None, "team"),
        ("POST", "/api/teams/tell", {"toTeam": "alpha", "fromTeam": "backend", "message": "hi"}, "fromTeam"),
    ],
)
def test_an_unknown_team_is_404_listing_the_configured_teams(
    api: TestClient[Any], method: str, url: str, body: Any, field: str
) -> None:
    error = error_of(api.request(method, url, json=body), 404, "TeamNotFoundError")
    assert "'backend'" in error.message and "configured: alpha" in error.message
    assert isinstance(error.details, dict)
    assert error.details[field] == "backend" and error.details["configuredTeams"] == ["alpha"]


def test_503_carries_retry_after(api: TestClient[Any], monkeypatch: pytest.MonkeyPatch) -> None:
    async def full(*args: Any, **kwargs: Any) -> Any:
        raise ProcessPoolLimitError("All 10 processes are busy", {"maxProcesses": 10}, retry_after_seconds=7)

    monkeypatch.setattr(api.app.state.engine, "wake", full)
    response = api.post("/api/teams/alpha/wake")
    error = error_of(response, 503, "ProcessPoolLimitError")
    assert response.headers["retry-after"] == "7"
    assert error.details == {"maxProcesses": 10, "retryAfter": 7, "requestId": response.headers["x-request-id"]}


def test_server_side_iris_errors_name_no_file(api: TestClient[Any], monkeypatch: pytest.MonkeyPatch) -> None:
    async def broken(*args: Any, **kwargs: Any) -> Any:
        raise ProcessError(
            "Claude Code for team 'alpha' could not start: [Errno 2] No such file: '/opt/claude/bin/claude'",
            {"stderr": "error in /home/someone/.claude/settings.json"},
        )

    monkeypatch.setattr(api.app.state.engine, "wake", broken)
    response = api.post("/api/teams/alpha/wake", headers={"X-Request-ID": "spawn-1"})
    error = error_of(response, 500, "ProcessError")
    assert "/opt/claude" not in response.text and "/home/someone" not in response.text
    assert "could not start" in error.message and "<path>" in error.message
    assert error.details == {"stderr": "error in <path>", "requestId": "spawn-1"}


def test_unexpected_errors_are_a_generic_500_logged_with_the_request_id(
    api: TestClient[Any], monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(*args: Any) -> Any:
        raise RuntimeError("SELECT secret FROM keys in /srv/iris/app/engine.py")

    monkeypatch.setattr(status_controllers, "clock_reading", broken)
    with caplog.at_level(logging.ERROR, logger="iris.api"):
        response = api.get("/api/date", headers={"X-Request-ID": "trace-me-123"})
    error = error_of(response, 500, "InternalServerError")
    assert "SELECT" not in response.text and "secret" not in response.text and "RuntimeError" not in response.text
    assert error.details == {"requestId": "trace-me-123"} and response.headers["x-request-id"] == "trace-me-123"
    [record] = [r for r in caplog.records if r.name == "iris.api" and "trace-me-123" in r.getMessage()]
    assert record.exc_info is not None and "SELECT secret" in str(record.exc_info[1])


def test_request_ids_are_made_when_missing_or_unsafe(api: TestClient[Any]) -> None:
    made = api.get("/api/health").headers["x-request-id"]
    assert len(made) == 32
    assert (
        api.get("/api/health", headers={"X-Request-ID": "bad id; <script>"}).headers["x-request-id"]
        != "bad id; <script>"
    )


def test_cors_allows_the_configured_origin_only(api: TestClient[Any]) -> None:
    preflight = {"Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "authorization"}
    allowed = api.options("/api/teams/tell", headers={"Origin": "http://localhost:3100", **preflight})
    assert allowed.status_code in (200, 204)
    assert allowed.headers["access-control-allow-origin"] == "http://localhost:3100"
    refused = api.options("/api/teams/tell", headers={"Origin": "http://evil.example", **preflight})
    assert "access-control-allow-origin" not in refused.headers


def test_plain_options_lists_every_method_of_the_path(api: TestClient[Any]) -> None:
    response = api.options("/api/cache/3f2c9a1e-7b4d-4c8e-9f21-5a6b7c8d9e01")
    assert response.status_code == 204 and response.headers["allow"] == "DELETE, GET, OPTIONS"


async def test_a_client_that_hangs_up_mid_body_is_no_server_error(
    tmp_path: Path, standin: ModelStandIn, caplog: pytest.LogCaptureFixture
) -> None:
    """A request whose client leaves before its body arrives logs no error (it is not the server's fault)."""
    api_log = logging.getLogger("iris.api")
    with LiveServer(write_config(tmp_path, standin)) as server:
        api_log.addHandler(caplog.handler)  # the app's logging setup keeps its records from the root logger
        caplog.set_level(logging.DEBUG, logger="iris.api")
        for path in ("/api/teams/tell", "/api/teams/tell/stream"):
            _, writer = await asyncio.open_connection("127.0.0.1", server.port)
            head = (
                f"POST {path} HTTP/1.1\r\nHost: iris\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n"
            )
            writer.write(head.encode() + b'{"toTeam": "alpha",')  # 19 of the 100 bytes announced
            await writer.drain()
            writer.transport.abort()

        def left() -> list[str]:
            return [r.getMessage() for r in caplog.records if "left before its body arrived" in r.getMessage()]

        await until(lambda: len(left()) == 2, what="both requests seen to end")
        assert left() == [
            f"POST {path}: the client left before its body arrived"
            for path in ("/api/teams/tell", "/api/teams/tell/stream")
        ]
        api_log.removeHandler(caplog.handler)
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == []
