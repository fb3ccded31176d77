"""What the server answers below the routes, on `python -m app serve` and `litestar run` over raw sockets: header
limits (431) before authentication, malformed HTTP, CORS refusals and deeply nested JSON in the contract's shape;
no key in any log; the same refusals on every entry point."""

from __future__ import annotations

import contextlib
import logging
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import msgspec
import pytest
from litestar.testing import TestClient
from websockets.sync.client import connect

from app.api import models as m
from app.api.app import create_app
from app.api.hardening import redact_record
from app.errors import ConfigurationError
from app.standin import ModelStandIn
from tests.support.live import (
    ROOT,
    LiveServer,
    child_environment,
    create_key,
    free_port,
    wait_until_serving,
    write_config,
)

SECRET = "iris_sk_test_" + "Q7x" * 13 + "Z"  # key-shaped, 40 characters after the env
LITESTAR = Path(sys.executable).with_name("litestar")


@dataclass
class Served:
    """An Iris server in a child process, its stderr (the log) in a file."""

    process: subprocess.Popen[bytes]
    port: int
    log: Path
    key: str | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def log_text(self) -> str:
        return self.log.read_text(errors="replace")


def start(command: list[str], port: int, log: Path, env: dict[str, str], key: str | None = None) -> Served:
    """Run `command` from the repository root until `GET /api/health` answers."""
    with log.open("wb") as sink:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=sink, stderr=subprocess.STDOUT)
    served = Served(process, port, log, key)
    wait_until_serving(served.url, process, served.log_text)
    return served


def stop(served: Served) -> None:
    served.process.send_signal(signal.SIGINT)
    try:
        served.process.wait(30)
    except subprocess.TimeoutExpired:
        served.process.kill()
        served.process.wait(10)


@pytest.fixture(scope="module")
def serve(tmp_path_factory: pytest.TempPathFactory, standin: ModelStandIn) -> Iterator[Served]:
    """`python -m app serve` with authentication on, an admin key and CORS for one origin."""
    root = tmp_path_factory.mktemp("hardening")
    port = free_port()
    config = write_config(
        root,
        standin,
        {"alpha": {}},
        api={
            "port": port,
            "requireAuth": True,
            "cors": {"enabled": True, "origins": ["http://localhost:3100"]},
            "rateLimit": {"enabled": True, "maxRequests": 1_000_000},
        },
    )
    command = [sys.executable, "-m", "app", "serve", "--config", config.source]
    served = start(command, port, root / "serve.log", child_environment(root / "iris"), create_key(config))
    yield served
    stop(served)


# ----------------------------------------------------------------------------- raw HTTP


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes

    def error(self, status: int, name: str) -> m.Error:
        """The body as the contract's Error, checked against `status` and `name`."""
        assert self.status == status, (self.status, self.body[:500])
        assert self.headers["content-type"] == "application/json"
        error = msgspec.json.decode(self.body, type=m.Error)
        assert error.status_code == status and error.error == name and error.message
        assert error.timestamp > 1_600_000_000_000
        assert self.headers["x-content-type-options"] == "nosniff"
        return error


def parse(raw: bytes) -> Answer:
    head, _, body = raw.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    assert lines[0].startswith("HTTP/1.1 "), raw[:300]
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    if "content-length" in headers:
        body = body[: int(headers["content-length"])]
    return Answer(int(lines[0].split()[1]), headers, body)


def exchange(port: int, data: bytes) -> Answer:
    """Send `data` on a new connection and read until the server closes it."""
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall(data)
        return parse(read_all(sock))


def read_all(sock: socket.socket) -> bytes:
    chunks = []
    with contextlib.suppress(ConnectionResetError):
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def get(path: str, *headers: str) -> bytes:
    lines = [f"GET {path} HTTP/1.1", "Host: 127.0.0.1", "Connection: close", *headers]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


# ----------------------------------------------------------------------------- header limits


def test_a_head_over_max_header_bytes_is_431_before_authentication(serve: Served) -> None:
    answer = exchange(serve.port, get("/api/teams", "X-Big: " + "a" * 40_000))
    error = answer.error(431, "RequestHeaderFieldsTooLargeError")
    assert error.details == {"limit": 32768} and "32768 bytes" in error.message
    assert answer.headers["connection"] == "close"
    url = exchange(serve.port, get("/api/teams?" + "q=1&" * 10_000))
    assert url.error(431, "RequestHeaderFieldsTooLargeError").details == {"limit": 32768}


def test_more_than_max_headers_is_431(serve: Served) -> None:
    error = exchange(serve.port, get("/api/teams", *(f"X-{i}: 1" for i in range(150)))).error(
        431, "RequestHeaderFieldsTooLargeError"
    )
    assert error.details == {"limit": 100} and "100 headers" in error.message


def test_a_head_within_the_limits_reaches_authentication(serve: Served) -> None:
    answer = exchange(serve.port, get("/api/teams", "X-Fine: " + "a" * 20_000, *(f"X-{i}: 1" for i in range(80))))
    answer.error(401, "UnauthorizedError")
    with httpx.Client(base_url=serve.url, headers={"Authorization": f"Bearer {serve.key}"}) as client:
        for _ in range(5):  # one keep-alive connection: each request's head counts on its own
            assert client.get("/api/teams", headers={"X-Fine": "a" * 20_000}).status_code == 200
        big = client.post("/api/teams/tell", content=b"x" * 1_000_000, headers={"Content-Type": "application/json"})
        assert big.status_code == 400  # a large body is not a large head
        assert client.get("/api/teams").status_code == 200


def test_pipelined_requests_and_websockets_pass_through(serve: Served) -> None:
    with socket.create_connection(("127.0.0.1", serve.port), timeout=30) as sock:
        sock.sendall(get("/api/health").replace(b"Connection: close\r\n", b"") + get("/api/health"))
        raw = read_all(sock)
    assert raw.count(b"HTTP/1.1 200 OK") == 2
    with connect(f"ws://127.0.0.1:{serve.port}/ws", additional_headers={"Authorization": f"Bearer {serve.key}"}):
        pass


def test_an_endless_header_is_cut_off_early(serve: Served) -> None:
    """100 MiB of one header value: the server answers 431 and stops reading long before the end."""
    total, chunk = 100 * 1024 * 1024, b"a" * 65536
    received: list[bytes] = []
    with socket.create_connection(("127.0.0.1", serve.port), timeout=30) as sock:
        reader = threading.Thread(target=lambda: received.append(read_all(sock)), daemon=True)
        reader.start()
        sock.sendall(b"GET /api/teams HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Endless: ")
        sent = 0
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            while sent < total:
                sock.sendall(chunk)
                sent += len(chunk)
        reader.join(30)
    assert sent < total // 4, f"the server kept reading: {sent} bytes accepted"
    assert received, "no answer"
    parse(received[0]).error(431, "RequestHeaderFieldsTooLargeError")
    assert httpx.get(f"{serve.url}/api/health", timeout=10).status_code == 200


# ----------------------------------------------------------------------------- malformed HTTP, CORS, JSON


@pytest.mark.parametrize(
    ("request_bytes", "part"),
    [
        (b"G@T /api/health HTTP/1.1\r\nHost: x\r\n\r\n", "requestLine"),
        (b"GET /api/health HTTP/9.x\r\nHost: x\r\n\r\n", "requestLine"),
        (b"GET /api/health HTTP/1.1\r\nHost: x\r\nBad Header: y\r\n\r\n", "headers"),
        (b"GET /api/health HTTP/1.1\r\nHost: x\r\nX-Value: a\x01b\r\n\r\n", "headers"),
        (
            b"POST /api/teams/tell HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            b"Transfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n",
            "body",
        ),
    ],
)
def test_malformed_http_is_a_400_in_the_contract(serve: Served, request_bytes: bytes, part: str) -> None:
    error = exchange(serve.port, request_bytes).error(400, "ValidationError")
    assert error.details == {"field": part} and error.message.startswith(f"{part}: malformed HTTP request")
    assert "Invalid HTTP request received" not in error.message


@pytest.mark.parametrize(
    ("headers", "words"),
    [
        (("Sec-WebSocket-Version: 13",), "missing Sec-WebSocket-Key header"),
        (("Sec-WebSocket-Version: 13", "Sec-WebSocket-Key: bad"), "invalid Sec-WebSocket-Key header"),
        (("Sec-WebSocket-Version: 7", "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ=="), "Sec-WebSocket-Version"),
    ],
)
def test_a_malformed_websocket_handshake_is_refused_in_the_contract(
    serve: Served, headers: tuple[str, ...], words: str
) -> None:
    request = get("/ws", "Upgrade: websocket", "Connection: Upgrade", *headers).replace(b"Connection: close\r\n", b"")
    error = exchange(serve.port, request).error(400, "ValidationError")
    assert error.details == {"field": "headers"} and words in error.message


def test_a_cors_preflight_from_another_origin_is_refused_in_the_contract(serve: Served) -> None:
    preflight = {"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"}
    response = httpx.options(f"{serve.url}/api/teams/tell", headers=preflight)
    assert response.status_code == 400 and response.headers["content-type"] == "application/json"
    error = msgspec.json.decode(response.content, type=m.Error)
    assert error.error == "ValidationError" and error.details == {"field": "Origin", "in": "header"}
    assert "https://evil.example is not an allowed origin" in error.message
    asks = {"Origin": "http://localhost:3100", "Access-Control-Request-Method": "PUT"}
    method = msgspec.json.decode(httpx.options(f"{serve.url}/api/teams/tell", headers=asks).content, type=m.Error)
    assert method.details == {"field": "Access-Control-Request-Method", "in": "header"}
    allowed = {"Origin": "http://localhost:3100", "Access-Control-Request-Method": "POST"}
    ok = httpx.options(f"{serve.url}/api/teams/tell", headers=allowed)
    assert ok.status_code == 204 and ok.headers["access-control-allow-origin"] == "http://localhost:3100"


@pytest.mark.parametrize(
    "body",
    [b"[" * 100_000, b'{"toTeam": "alpha", "message": ' + b"[" * 100_000, b'{"toTeam": ' + b'{"a":' * 100_000],
)
def test_deeply_nested_json_is_a_400_naming_the_body(serve: Served, body: bytes) -> None:
    response = httpx.post(
        f"{serve.url}/api/teams/tell",
        content=body,
        headers={"Authorization": f"Bearer {serve.key}", "Content-Type": "application/json"},
        timeout=30,
    )
    assert response.status_code == 400, response.text
    error = msgspec.json.decode(response.content, type=m.Error)
    assert error.error == "ValidationError" and error.details == {"field": "body"}


# ----------------------------------------------------------------------------- logs


def test_no_key_reaches_the_server_log(serve: Served) -> None:
    for request in (
        get(f"/api/health?token={SECRET}"),
        get(f"/api/keys/{SECRET}"),
        get(f"/api/teams/{SECRET}/status"),
        get("/api/health", f"{SECRET}: 1"),
        get("/api/teams", f"Authorization: Bearer {SECRET}"),
    ):
        exchange(serve.port, request)
    deadline = time.monotonic() + 10
    while serve.log_text().count("iris_sk_[REDACTED]") < 3:
        assert time.monotonic() < deadline, serve.log_text()[-3000:]
        time.sleep(0.1)
    text = serve.log_text()
    assert "/api/keys/iris_sk_[REDACTED]" in text and "token=iris_sk_[REDACTED]" in text  # the access log
    assert SECRET not in text and SECRET[8:] not in text


def test_no_key_reaches_any_logger_even_at_trace_level(
    tmp_path: Path, standin: ModelStandIn, caplog: pytest.LogCaptureFixture
) -> None:
    """uvicorn's trace log prints every scope with its headers: a key in a header name is redacted there too."""
    config = write_config(tmp_path, standin, {"alpha": {}})
    caplog.set_level(5)
    with LiveServer(config, options={"log_level": "trace", "log_config": None}) as live:
        exchange(live.port, get(f"/api/health?token={SECRET}", f"{SECRET}: 1", f"X-Key: {SECRET}"))
        logging.getLogger("iris.api").warning("a message quoting %s", SECRET)
    text = "\n".join(f"{record.name} {record.getMessage()}" for record in caplog.records)
    assert "uvicorn.asgi" in text and "uvicorn.access" in text and "iris_sk_[REDACTED]" in text
    assert SECRET[8:] not in text


@pytest.mark.parametrize(
    ("message", "args", "logged"),
    [
        ('%s - "%s %s HTTP/%s" %d', ("127.0.0.1:5", "GET", f"/api/keys/{SECRET}", "1.1", 404), None),
        ("Authorization: Bearer %s (%s)", ("opaque", "here"), "Authorization: Bearer [REDACTED] (here)"),
        ("scope=%r", ({"headers": [(SECRET.encode(), b"1")]},), None),
        ("%(who)s", ({"who": SECRET},), "iris_sk_[REDACTED]"),
        ({"key": SECRET}, (), "{'key': 'iris_sk_[REDACTED]'}"),
    ],
)
def test_redacted_records_still_format(message: Any, args: Any, logged: str | None) -> None:
    record = logging.LogRecord("uvicorn.access", logging.INFO, __file__, 1, message, args, None)
    redact_record(record)
    text = record.getMessage()
    assert SECRET[8:] not in text and "[REDACTED]" in text and (logged is None or text == logged)
    if isinstance(args, tuple) and len(args) == 5:
        assert isinstance(record.args, tuple) and len(record.args) == 5  # uvicorn's access formatter unpacks them


# ----------------------------------------------------------------------------- every entry point


def test_litestar_run_holds_the_same_header_limits(
    tmp_path: Path, standin: ModelStandIn, stopper: list[subprocess.Popen[bytes]]
) -> None:
    config = write_config(tmp_path, standin, {"alpha": {}})
    port = free_port()
    command = [str(LITESTAR), "run", "--port", str(port)]
    served = start(
        command, port, tmp_path / "run.log", child_environment(tmp_path / "iris", IRIS_CONFIG_PATH=config.source)
    )
    stopper.append(served.process)
    exchange(port, get("/api/teams", "X-Big: " + "a" * 40_000)).error(431, "RequestHeaderFieldsTooLargeError")
    exchange(port, b"G@T / HTTP/1.1\r\n\r\n").error(400, "ValidationError")
    assert httpx.get(f"{served.url}/api/teams").json()["items"][0]["name"] == "alpha"
    stop(served)
    assert served.process.returncode == 0


@pytest.mark.parametrize(
    ("arguments", "words"),
    [
        (["--host", "0.0.0.0"], "--host 0.0.0.0 is not a loopback address and api.requireAuth is false"),
        (["--web-concurrency", "2"], "one process per config"),
    ],
)
def test_litestar_run_refuses_what_serve_refuses(
    tmp_path: Path, standin: ModelStandIn, arguments: list[str], words: str
) -> None:
    config = write_config(tmp_path, standin, {"alpha": {}})
    done = subprocess.run(
        [str(LITESTAR), "run", "--port", str(free_port()), *arguments],
        cwd=ROOT,
        env=child_environment(tmp_path / "iris", IRIS_CONFIG_PATH=config.source),
        capture_output=True,
        timeout=60,
    )
    assert done.returncode == 1
    output = (done.stdout + done.stderr).decode()
    assert words in " ".join(re.sub("[│╭╮╰╯─]", " ", output).split()), output  # the CLI draws a box
    assert "Traceback" not in output


def test_the_app_itself_refuses_no_auth_on_a_public_host(tmp_path: Path, standin: ModelStandIn) -> None:
    """`create_app` (any ASGI server, the tests) applies the check at startup."""
    config = write_config(tmp_path, standin, {"alpha": {}}, api={"host": "0.0.0.0", "requireAuth": False})
    with pytest.raises(BaseException) as raised, TestClient(create_app(config)):  # raised in exception groups
        pass
    error: BaseException | None = raised.value
    while isinstance(error, BaseExceptionGroup):
        error = error.exceptions[0]
    assert isinstance(error, ConfigurationError) and "api.host 0.0.0.0 is not a loopback address" in error.message
    safe = write_config(tmp_path, standin, {"alpha": {}}, api={"host": "0.0.0.0", "requireAuth": True})
    with TestClient(create_app(safe)) as client:
        assert client.get("/api/health").status_code == 200
