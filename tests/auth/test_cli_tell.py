"""`litestar iris tell TEAM MESSAGE` against a running server (real Claude Code on the model stand-in): the answer
streamed as it comes, `--json` events, `--from` and `--session`, and status 1 when the tell fails."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from app.auth.cli import iris
from app.cli.tell import tell, tell_url
from app.config import load_config
from app.standin import ModelStandIn
from tests.support.live import ROOT, LiveServer, create_key, free_port, write_config

LITESTAR = str(Path(sys.executable).with_name("litestar"))


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, standin: ModelStandIn) -> Iterator[LiveServer]:
    config = write_config(tmp_path_factory.mktemp("cli-tell"), standin, api={"requireAuth": True})
    live = LiveServer(config, create_key(config, "cli-tell")).start()
    yield live
    live.stop()


def run(server: LiveServer, *args: str, key: str | None = None) -> Result:
    """`iris tell ...` in this process, on the server's URL, with its key in IRIS_API_KEY."""
    if "tell" not in iris.commands:
        iris.add_command(tell)
    env = {"IRIS_API_KEY": key if key is not None else server.key or ""}
    return CliRunner(env=env).invoke(iris, ["tell", "--url", server.url, *args], catch_exceptions=False)


def events(result: Result) -> list[dict[str, Any]]:
    return [json.loads(line) for line in result.stdout.splitlines()]


def test_the_answer_is_printed_and_the_status_is_0(server: LiveServer) -> None:
    result = run(server, "alpha", "hello there")
    assert result.exit_code == 0, result.output
    assert result.stdout == "echo[n=1]: hello there\n" and result.stderr == ""


def test_json_prints_one_event_per_line(server: LiveServer) -> None:
    result = run(server, "beta", "#slow:3:50 counting", "--json")
    assert result.exit_code == 0, result.output
    seen = events(result)
    names = [e["event"] for e in seen]
    assert names[0] == "tell:accepted" and names[-1] == "tell:complete" and "tell:chunk" in names
    assert set(names[1:-1]) == {"tell:chunk"}
    complete = seen[-1]["data"]
    assert complete["status"] == "completed" and complete["response"].endswith("counting")
    assert "".join(e["data"]["chunk"] for e in seen if e["event"] == "tell:chunk") == complete["response"]


def test_from_and_session_pick_the_conversation(server: LiveServer) -> None:
    first = events(run(server, "alpha", "one", "--from", "beta", "--json"))[-1]["data"]
    assert first["response"] == "echo[n=1]: one"
    again = run(server, "alpha", "two", "--from", "beta", "--session", first["sessionId"])
    assert again.exit_code == 0 and again.stdout == "echo[n=3]: two\n"
    with server.client() as http:
        record = http.get(f"/api/requests/{first['requestId']}").json()
    assert record["from"] == "beta" and record["to"] == "alpha"
    other = run(server, "alpha", "three", "--from", "beta", "--session", "0" * 8 + "-0000-4000-8000-" + "0" * 12)
    assert other.exit_code == 1 and other.stdout == "" and other.stderr.startswith("error: 404 ")


def test_a_failed_tell_is_status_1(server: LiveServer) -> None:
    result = run(server, "beta", "#status:400 break", "--from", "alpha")
    assert result.exit_code == 1
    assert result.stderr.startswith("error: the tell ended failed") and result.stderr.count("\n") == 1


def test_refusals_are_one_line_and_status_1(server: LiveServer) -> None:
    unknown = run(server, "gamma", "hi")
    assert unknown.exit_code == 1 and unknown.stdout == "" and unknown.stderr.count("\n") == 1
    assert unknown.stderr.startswith("error: 404 TeamNotFoundError: ")
    no_key = run(server, "alpha", "hi", key="")
    assert no_key.exit_code == 1 and no_key.stderr.startswith("error: 401 UnauthorizedError: ")
    assert "IRIS_API_KEY or --key" in no_key.stderr
    viewer = create_key(server.config, "cli-viewer", role="viewer")
    refused = run(server, "alpha", "hi", key=viewer)
    assert refused.exit_code == 1 and refused.stderr.startswith("error: 403 ForbiddenError: ")


def test_no_server_is_status_1() -> None:
    url = f"http://127.0.0.1:{free_port()}"
    if "tell" not in iris.commands:
        iris.add_command(tell)
    result = CliRunner().invoke(iris, ["tell", "--url", url, "alpha", "hi"], catch_exceptions=False)
    assert result.exit_code == 1 and result.stdout == "" and result.stderr.count("\n") == 1
    assert result.stderr.startswith(f"error: no Iris server answered at {url} ")


def test_the_url_comes_from_the_config(tmp_path: Path, standin: ModelStandIn) -> None:
    config = write_config(tmp_path, standin, api={"host": "0.0.0.0", "port": 4321})
    assert tell_url(config) == "http://127.0.0.1:4321"
    assert tell_url(load_config(config.source)) == "http://127.0.0.1:4321"


def test_litestar_iris_tell_streams_as_the_answer_comes(server: LiveServer) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "IRIS_API_KEY": server.key or ""}
    env.pop("LITESTAR_APP", None)
    env["IRIS_CONFIG_PATH"] = server.config.source
    process = subprocess.Popen(
        [LITESTAR, "iris", "tell", "--url", server.url, "alpha", "#slow:4:700 step by step"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        assert process.stdout is not None
        first = process.stdout.read1(4096)  # type: ignore[attr-defined]
        still_running = process.poll() is None
        rest = process.stdout.read()
        assert process.wait(60) == 0, process.stderr.read() if process.stderr else ""
    finally:
        if process.poll() is None:
            process.kill()
    assert first and still_running  # the first chunk was on the terminal before the tell ended
    assert re.fullmatch(r"echo\[n=\d+\]: #slow:4:700 step by step\n", (first + rest).decode())
    assert len(first) < len(first + rest)
