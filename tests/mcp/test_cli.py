"""`litestar iris mcp install|uninstall|stdio`: Claude Code's own config written and read back with the bundled
`claude mcp`, in a HOME of the test's own; the stdio bridge driven by the official MCP stdio client."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import click
import httpx2
import pytest
from click.testing import CliRunner, Result
from mcp.client.session import ClientSession
from mcp.client.stdio import StdioServerParameters, stdio_client
from mcp.client.streamable_http import streamable_http_client
from mcp_types import TextContent

from app.api.app import create_app
from app.api.mcp.cli import KEY_ID_HEADER, server_url
from app.auth.audit import AuditLog, AuditRecord
from app.auth.cli import IrisCLIPlugin
from app.auth.keys import KEY_PATTERN, KeyRecord
from app.auth.store import KeyStore
from app.config import IrisConfig, load_config
from tests.mcp.people import Iris, claude, claude_home, live
from tests.support.live import ROOT

__all__ = ["claude_home", "live"]  # fixtures

PYTHON = sys.executable
LITESTAR = str(Path(PYTHON).with_name("litestar"))


def iris_group(config: Path) -> click.Group:
    """The `iris` group as the app's CLI plugin registers it (with `iris mcp`)."""
    plugins = [p for p in create_app(load_config(config)).plugins.cli if isinstance(p, IrisCLIPlugin)]
    assert len(plugins) == 1
    top = click.Group("litestar")
    plugins[0].on_cli_init(top)
    group = top.commands["iris"]
    assert isinstance(group, click.Group) and "mcp" in group.commands
    return group


def run(iris: Iris, *args: str) -> Result:
    """`litestar iris --config CONFIG mcp ARGS`, in-process."""
    return CliRunner().invoke(iris_group(iris.config), ["--config", str(iris.config), "mcp", *args])


def config_of(iris: Iris) -> IrisConfig:
    return load_config(iris.config)


def keys(iris: Iris) -> list[KeyRecord]:
    async def read() -> list[KeyRecord]:
        async with KeyStore(config_of(iris).api.key_store_path) as store:
            return (await store.list_keys()).items

    return asyncio.run(read())


def authenticates(iris: Iris, key: str) -> KeyRecord | None:
    async def check() -> KeyRecord | None:
        async with KeyStore(config_of(iris).api.key_store_path) as store:
            return await store.authenticate(key)

    return asyncio.run(check())


def audit(iris: Iris, event: str) -> list[AuditRecord]:
    async def read() -> list[AuditRecord]:
        log = AuditLog(config_of(iris).api.audit_log_path)
        try:
            await log.open(prune=False)
            return (await log.query(event=event, limit=None)).items
        finally:
            await log.close()

    return asyncio.run(read())


def user_entry(home: Path, name: str) -> dict[str, Any] | None:
    """The entry Claude Code wrote in its user config (read here only to check what it holds)."""
    file = home / ".claude.json"
    if not file.exists():
        return None
    entry = json.loads(file.read_text()).get("mcpServers", {}).get(name)
    return entry if isinstance(entry, dict) else None


def one_line_error(result: Result | subprocess.CompletedProcess[str]) -> str:
    code = result.exit_code if isinstance(result, Result) else result.returncode
    assert code == 1, result.stdout + result.stderr
    assert result.stdout == ""
    assert result.stderr.startswith("error: ") and result.stderr.count("\n") == 1, result.stderr
    assert "Traceback" not in result.stderr and "iris_sk_" not in result.stderr
    return result.stderr


# ----------------------------------------------------------------------------- install and uninstall


def test_install_registers_iris_with_claude_code_and_uninstall_removes_it(live: Iris, claude_home: Path) -> None:
    before = {k.id for k in keys(live)}
    installed = run(live, "install", "--teams", "alpha", "--url", live.mcp_url)
    assert installed.exit_code == 0, installed.output
    assert "iris_sk_" not in installed.output  # the key went to Claude Code's config, not to the terminal
    made = [k for k in keys(live) if k.id not in before]
    assert len(made) == 1 and made[0].role == "operator" and made[0].teams == ("alpha",)
    assert made[0].id in installed.stdout and "Added MCP server iris" in installed.stdout

    entry = user_entry(claude_home, "iris")
    assert entry is not None and entry["type"] == "http" and entry["url"] == live.mcp_url
    bearer = entry["headers"]["Authorization"]
    assert bearer.startswith("Bearer ") and entry["headers"][KEY_ID_HEADER] == made[0].id
    record = authenticates(live, bearer.removeprefix("Bearer "))
    assert record is not None and record.id == made[0].id

    got = claude("mcp", "get", "iris")  # Claude Code's own MCP client connects to /mcp with the key
    assert got.returncode == 0, got.stdout + got.stderr
    assert "User config" in got.stdout and live.mcp_url in got.stdout and "Connected" in got.stdout, got.stdout
    listed = claude("mcp", "list")
    assert f"iris: {live.mcp_url} (HTTP) - ✔ Connected" in listed.stdout, listed.stdout
    created = [row for row in audit(live, "key_created") if row.key_id == made[0].id]
    assert len(created) == 1 and created[0].details is not None
    assert created[0].details["via"] == "cli" and created[0].details["command"] == "mcp install"
    assert tuple(created[0].teams or ()) == ("alpha",)

    removed = run(live, "uninstall")
    assert removed.exit_code == 0, removed.output
    assert f"revoked key {made[0].id}" in removed.stdout
    assert user_entry(claude_home, "iris") is None
    assert claude("mcp", "get", "iris").returncode == 1
    assert "iris:" not in claude("mcp", "list").stdout
    assert authenticates(live, bearer.removeprefix("Bearer ")) is None
    assert [
        row.details["command"] for row in audit(live, "key_revoked") if row.key_id == made[0].id and row.details
    ] == ["mcp uninstall"]


def test_project_scope_names_the_env_var_and_prints_the_key_once(
    live: Iris, claude_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = tmp_path / "project"
    project.mkdir()
    monkeypatch.chdir(project)
    installed = run(live, "install", "--scope", "project", "--name", "fleet", "--role", "viewer", "--url", live.mcp_url)
    assert installed.exit_code == 0, installed.output
    lines = installed.stdout.splitlines()
    assert len(lines) == 1 and KEY_PATTERN.fullmatch(lines[0])
    assert "IRIS_API_KEY" in installed.stderr and "shown once" in installed.stderr
    shared = (project / ".mcp.json").read_text()
    assert lines[0] not in shared  # .mcp.json is meant to be shared: it names the variable, not the key
    entry = json.loads(shared)["mcpServers"]["fleet"]
    assert entry["url"] == live.mcp_url and entry["headers"]["Authorization"] == "Bearer ${IRIS_API_KEY}"
    record = authenticates(live, lines[0])
    assert record is not None and record.role == "viewer" and entry["headers"][KEY_ID_HEADER] == record.id
    got = claude("mcp", "get", "fleet", cwd=project)
    assert got.returncode == 0 and "Project config" in got.stdout, got.stdout

    assert run(live, "uninstall", "--name", "fleet").exit_code == 1  # it is not in the user config
    removed = run(live, "uninstall", "--name", "fleet", "--scope", "project")
    assert removed.exit_code == 0, removed.output
    assert "fleet" not in json.loads((project / ".mcp.json").read_text())["mcpServers"]
    assert authenticates(live, lines[0]) is None


def test_install_refuses_a_name_claude_code_already_has(live: Iris, claude_home: Path) -> None:
    added = claude("mcp", "add", "--transport", "http", "--scope", "user", "iris", "http://127.0.0.1:9/mcp")
    assert added.returncode == 0, added.stderr
    before = len(keys(live))
    error = one_line_error(run(live, "install", "--url", live.mcp_url))
    assert "already has an MCP server named iris" in error
    assert len(keys(live)) == before  # refused before any key was made
    error = one_line_error(run(live, "uninstall"))
    assert "not added by `litestar iris mcp install`" in error
    assert user_entry(claude_home, "iris") is not None  # someone else's entry is left alone


def test_uninstall_after_the_key_was_revoked_still_removes_the_entry(live: Iris, claude_home: Path) -> None:
    assert run(live, "install", "--name", "gone", "--url", live.mcp_url).exit_code == 0
    entry = user_entry(claude_home, "gone")
    assert entry is not None
    key_id = entry["headers"][KEY_ID_HEADER]

    async def revoke() -> None:
        async with KeyStore(config_of(live).api.key_store_path) as store:
            await store.revoke(key_id)

    asyncio.run(revoke())
    removed = run(live, "uninstall", "--name", "gone")
    assert removed.exit_code == 0, removed.output
    assert f"key {key_id} was revoked before" in removed.stdout
    assert user_entry(claude_home, "gone") is None
    assert not [row for row in audit(live, "key_revoked") if row.key_id == key_id]


BAD_INPUT = [
    ("install", "--teams", "gamma"),
    ("install", "--teams", ","),
    ("install", "--name", "two words"),
    ("install", "--url", "ftp://example.org/mcp"),
    ("install", "--claude", "/nonexistent/claude"),
    ("uninstall",),
    ("stdio", "--url", "not a url"),
]

USAGE_ERRORS = [
    ("install", "--role", "root"),
    ("install", "--scope", "local"),
    ("install", "--bogus"),
    ("uninstall", "--scope", "everywhere"),
    ("stdio",),
    ("frobnicate",),
]


def usage_error(result: Result | subprocess.CompletedProcess[str]) -> str:
    """Litestar's usage-error style: status 2, the usage line, then the message in a box, on stderr."""
    code = result.exit_code if isinstance(result, Result) else result.returncode
    assert code == 2, result.stdout + result.stderr
    assert result.stdout == ""
    lines = [line.strip() for line in result.stderr.splitlines() if line.strip()]
    assert lines[0].startswith("Usage: ") and lines[1].startswith("╭─ Error ─") and lines[-1].startswith("╰─"), lines
    assert "Traceback" not in result.stderr and "iris_sk_" not in result.stderr
    return result.stderr


@pytest.mark.parametrize("args", BAD_INPUT, ids=[" ".join(a) for a in BAD_INPUT])
def test_bad_input_is_one_line_and_status_1(live: Iris, claude_home: Path, args: tuple[str, ...]) -> None:
    before = len(keys(live))
    one_line_error(run(live, *args))
    assert len(keys(live)) == before


@pytest.mark.parametrize("args", USAGE_ERRORS, ids=[" ".join(a) for a in USAGE_ERRORS])
def test_a_usage_error_is_litestars_and_status_2(live: Iris, claude_home: Path, args: tuple[str, ...]) -> None:
    before = len(keys(live))
    usage_error(run(live, *args))
    assert len(keys(live)) == before


def test_mcp_without_a_subcommand_shows_the_help(live: Iris) -> None:
    result = run(live)
    assert result.exit_code == 0 and "install" in result.stdout and "stdio" in result.stdout


@pytest.mark.parametrize(
    ("api", "url"),
    [
        ({}, "http://127.0.0.1:1615/mcp"),
        ({"host": "0.0.0.0", "port": 8080}, "http://127.0.0.1:8080/mcp"),
        ({"host": "::", "port": 8080}, "http://[::1]:8080/mcp"),
        ({"host": "fd00::5"}, "http://[fd00::5]:1615/mcp"),
        ({"host": "iris.internal", "tls": {"cert": "CERT", "key": "CERT"}}, "https://iris.internal:1615/mcp"),
    ],
)
def test_the_url_follows_the_config(tmp_path: Path, api: dict[str, Any], url: str) -> None:
    (tmp_path / "cert.pem").write_text("not checked here")
    api = json.loads(json.dumps(api).replace("CERT", str(tmp_path / "cert.pem")))
    (tmp_path / "c.yaml").write_text(json.dumps({"teams": {}, "api": api}))
    assert server_url(load_config(tmp_path / "c.yaml")) == url


@pytest.mark.slow
def test_litestar_iris_mcp_through_the_app(live: Iris, claude_home: Path) -> None:
    env = {**os.environ, "IRIS_CONFIG_PATH": str(live.config), "PYTHONPATH": str(ROOT)}

    def litestar(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [LITESTAR, "iris", "mcp", *args],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )

    made = litestar("install", "--name", "fleet-cli", "--url", live.mcp_url)
    assert made.returncode == 0, made.stderr
    assert "iris_sk_" not in made.stdout + made.stderr
    assert user_entry(claude_home, "fleet-cli") is not None
    removed = litestar("uninstall", "--name", "fleet-cli")
    assert removed.returncode == 0, removed.stderr
    assert user_entry(claude_home, "fleet-cli") is None
    assert "Invalid value for '--role'" in usage_error(litestar("install", "--role", "root"))
    one_line_error(litestar("install", "--teams", "gamma"))


# ----------------------------------------------------------------------------- the stdio bridge


BRIDGES = {
    "python -m": [PYTHON, "-m", "app.api.mcp.cli"],
    "litestar": [LITESTAR, "iris", "mcp"],  # from the repository root, the app found as `litestar run` finds it
}


def bridge(iris: Iris, key: str | None, how: str = "python -m") -> StdioServerParameters:
    """`... stdio --url URL`, the key in IRIS_API_KEY (not on the command line)."""
    env = {"PYTHONPATH": str(ROOT), "IRIS_CONFIG_PATH": str(iris.config), **({"IRIS_API_KEY": key} if key else {})}
    command, *args = BRIDGES[how]
    return StdioServerParameters(command=command, args=[*args, "stdio", "--url", iris.mcp_url], env=env, cwd=ROOT)


def text_of(result: Any) -> str:
    return " ".join(part.text for part in result.content if isinstance(part, TextContent))


async def direct_tools(iris: Iris, key: str) -> list[str]:
    async with (
        httpx2.AsyncClient(headers={"Authorization": f"Bearer {key}"}) as http,
        streamable_http_client(iris.mcp_url, http_client=http) as (read, write),
        ClientSession(read, write) as session,
    ):
        await session.initialize()
        return sorted(tool.name for tool in (await session.list_tools()).tools)


@pytest.mark.slow
@pytest.mark.parametrize("how", list(BRIDGES))
async def test_the_stdio_bridge_forwards_to_iris(live: Iris, how: str) -> None:
    progress: list[tuple[float, str | None]] = []

    async def on_progress(done: float, total: float | None, message: str | None) -> None:
        progress.append((done, message))

    async with stdio_client(bridge(live, live.operator, how)) as (read, write), ClientSession(read, write) as session:
        await session.initialize()
        listed = await session.list_tools()
        names = sorted(tool.name for tool in listed.tools)
        assert names == await direct_tools(live, live.operator)
        assert "send_message" in names and all(tool.output_schema for tool in listed.tools)

        told = await session.call_tool(
            "send_message",
            {"toTeam": "alpha", "message": "over the bridge #slow:4:150", "timeout": 0},
            progress_callback=on_progress,
        )
        assert not told.is_error, text_of(told)
        assert told.structured_content is not None and told.structured_content["status"] == "completed"
        assert "over the bridge" in told.structured_content["response"]
        assert progress, "no notifications/progress came through the bridge"

        refused = await session.call_tool("team_sleep", {"team": "alpha"})  # the operator role lacks team:sleep
        assert refused.is_error and text_of(refused).startswith("ForbiddenError:"), text_of(refused)
        unknown = await session.call_tool("send_message", {"toTeam": "nobody", "message": "hi"})
        assert unknown.is_error and text_of(unknown).startswith("TeamNotFoundError:"), text_of(unknown)


@pytest.mark.slow
def test_the_stdio_bridge_fails_in_one_line_on_a_bad_key_or_url(live: Iris) -> None:
    wrong = "iris_sk_" + "x" * 40
    for args, env in (
        (["--url", live.mcp_url, "--key", wrong], {}),
        (["--url", live.mcp_url], {"IRIS_API_KEY": wrong}),
        (["--url", live.mcp_url], {}),
        (["--url", "http://127.0.0.1:9/mcp"], {"IRIS_API_KEY": live.operator}),
    ):
        proc = subprocess.run(
            [PYTHON, "-m", "app.api.mcp.cli", "stdio", *args],
            cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT), **env},
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        error = one_line_error(proc)
        assert "the bridge to" in error and live.operator not in error
