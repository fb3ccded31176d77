"""`litestar iris mcp install|uninstall|stdio`: Iris's `/mcp` in a person's Claude Code, and a stdio bridge to it."""

from __future__ import annotations

import asyncio
import importlib.util
import ipaddress
import logging
import re
import shutil
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import click
from rich_click import RichCommand, RichGroup

from app.auth.cli import Stores, audit_key_change, load_stores, scoped_admin_warning
from app.auth.keys import ADMIN, ROLES, KeyRecord
from app.auth.store import KeyStore
from app.config import IrisConfig, load_config
from app.redact import redact

if TYPE_CHECKING:
    import mcp_types

__all__ = ["KEY_ENV", "KEY_ID_HEADER", "claude_binary", "mcp", "server_url"]

KEY_ENV = "IRIS_API_KEY"
"""Where `mcp stdio` finds its key when `--key` is not given, and what a project-scope install refers to."""
KEY_ID_HEADER = "X-Iris-Key-Id"
"""Sent with the key in the Claude Code entry: the public id of the key `mcp install` made, so uninstall revokes it."""
SCOPES = ("user", "project")
_NAME = re.compile(r"[A-Za-z0-9_-]{1,64}")
_KEY_ID = re.compile(rf"^\s*{KEY_ID_HEADER}:\s*(k_[A-Za-z0-9]{{10}})\s*$", re.MULTILINE | re.IGNORECASE)
_SCOPE_LINE = re.compile(r"^\s*Scope:\s*(\w+)", re.MULTILINE)
_CLAUDE_TIMEOUT_S = 60


def _fail(message: str) -> NoReturn:
    """Print one line on stderr and exit with status 1."""
    click.echo(f"error: {' '.join(message.split())}", err=True)
    raise click.exceptions.Exit(1)


# ----------------------------------------------------------------------------- where things are


def server_url(config: IrisConfig) -> str:
    """The URL of the config's `/mcp`: `api.tls` decides the scheme; an any-address host is reached on loopback."""
    api = config.api
    host = api.host.strip() or "127.0.0.1"
    try:
        address = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        address = None
    if address is not None and address.is_unspecified:
        address = ipaddress.ip_address("::1" if address.version == 6 else "127.0.0.1")
    if address is not None:
        host = f"[{address}]" if address.version == 6 else str(address)
    scheme = "https" if api.tls is not None else "http"
    return f"{scheme}://{host}:{api.port}/mcp"


def claude_binary(explicit: str | None = None) -> str:
    """The Claude Code that Iris runs: `--claude`, else the binary inside claude-agent-sdk, else `claude` on PATH."""
    if explicit:
        if not Path(explicit).is_file():
            _fail(f"--claude: {explicit} is not a file")
        return explicit
    spec = importlib.util.find_spec("claude_agent_sdk")
    for folder in (spec.submodule_search_locations or []) if spec is not None else []:
        bundled = Path(folder) / "_bundled" / ("claude.exe" if sys.platform == "win32" else "claude")
        if bundled.is_file():
            return str(bundled)
    found = shutil.which("claude")
    if found is None:
        _fail("Claude Code was not found (not in claude-agent-sdk, not on PATH); name it with --claude PATH")
    return found


def _claude(binary: str, *args: str) -> subprocess.CompletedProcess[str]:
    """Run `claude mcp ARGS` in the working directory (where a project-scope entry lives)."""
    try:
        return subprocess.run(
            [binary, "mcp", *args],
            capture_output=True,
            text=True,
            timeout=_CLAUDE_TIMEOUT_S,
            stdin=subprocess.DEVNULL,
            check=False,
        )
    except subprocess.TimeoutExpired:
        _fail(f"`claude mcp {args[0]}` did not finish within {_CLAUDE_TIMEOUT_S} s")
    except OSError as error:
        _fail(f"Claude Code could not be run: {error.strerror or error}")


def _said(result: subprocess.CompletedProcess[str]) -> str:
    """What Claude Code said about a failure, on one line, with anything like a key removed."""
    text = (result.stderr or result.stdout or "").strip() or f"exit status {result.returncode}"
    return redact(" ".join(text.split()))[:500]


# ----------------------------------------------------------------------------- the stores


def _context_stores() -> tuple[Stores, IrisConfig | None]:
    """The key store and audit log of the `iris` group's `--config` (or the default one), and that config."""
    ctx = click.get_current_context()
    explicit = ctx.meta.get("iris.config")
    stores = load_stores(explicit)
    config = load_config(stores.config) if stores.config is not None else None
    return stores, config


def _run(coroutine: Any) -> Any:
    # Litestar's CLI configures logging at INFO; the migration check's chatter is not the command's output.
    logging.getLogger("alembic").setLevel(logging.WARNING)
    return asyncio.run(coroutine)


# ----------------------------------------------------------------------------- commands


class _McpGroup(RichGroup):
    """`mcp`, in Litestar's rich style: no subcommand shows the help (status 0)."""

    command_class = RichCommand

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        """Show the help when no subcommand is given."""
        if not args and not ctx.resilient_parsing:
            click.echo(ctx.get_help())
            ctx.exit(0)
        return super().parse_args(ctx, args)


@click.group("mcp", cls=_McpGroup)
def mcp() -> None:
    """Iris's /mcp in Claude Code's own MCP config, and a stdio bridge for hosts that only speak stdio."""


@mcp.command("install")
@click.option("--name", default="iris", show_default=True, help="The MCP server's name in Claude Code.")
@click.option("--role", type=click.Choice(list(ROLES)), default="operator", show_default=True, help="The key's role.")
@click.option("--teams", default=None, metavar="A,B", help="The only teams the key may address (default all).")
@click.option(
    "--scope",
    type=click.Choice(SCOPES),
    default="user",
    show_default=True,
    help="user: every project of this user (the key is in ~/.claude.json); project: this folder's .mcp.json "
    f"(shared; it names ${KEY_ENV} and the key is printed once).",
)
@click.option("--url", default=None, help="Iris's /mcp URL (default: from the config's api host, port and TLS).")
@click.option("--claude", "claude_path", default=None, metavar="PATH", help="The Claude Code binary to configure.")
def install(name: str, role: str, teams: str | None, scope: str, url: str | None, claude_path: str | None) -> None:
    """Make a key and register Iris's /mcp with Claude Code (`claude mcp add --transport http`)."""
    if not _NAME.fullmatch(name):
        _fail(f"--name: expected letters, digits, '_' or '-' (at most 64), got {name!r}")
    scope_teams = None if teams is None else [t.strip() for t in teams.split(",") if t.strip()]
    if scope_teams is not None and not scope_teams:
        _fail("--teams: expected at least one team name")
    stores, config = _context_stores()
    if scope_teams is not None and stores.teams is not None:
        unknown = [t for t in scope_teams if t not in stores.teams]
        if unknown:
            _fail(f"--teams: {unknown[0]} is not a configured team (configured: {', '.join(stores.teams) or 'none'})")
    if url is None:
        if config is None:
            _fail("no config file found: give --url or --config")
        url = server_url(config)
    elif not re.fullmatch(r"https?://[^\s/]+(/\S*)?", url):
        _fail(f"--url: expected an http:// or https:// URL, got {url!r}")
    binary = claude_binary(claude_path)
    existing = _claude(binary, "get", name)
    if existing.returncode == 0:
        _fail(f"Claude Code already has an MCP server named {name}: remove it first or choose another --name")
    if scope_teams and role == ADMIN:
        click.echo(scoped_admin_warning(scope_teams), err=True)

    async def create() -> Any:
        async with KeyStore(stores.key_store_path) as store:
            return await store.create(f"claude-code {name}@{scope}", role=role, teams=scope_teams)

    created = _run(create())
    record: KeyRecord = created.record
    bearer = f"${{{KEY_ENV}}}" if scope == "project" else created.key
    added = _claude(
        binary,
        "add",
        "--transport",
        "http",
        "--scope",
        scope,
        name,
        url,
        "--header",
        f"Authorization: Bearer {bearer}",
        "--header",
        f"{KEY_ID_HEADER}: {record.id}",
    )
    if added.returncode != 0:

        async def undo() -> None:
            async with KeyStore(stores.key_store_path) as store:
                await store.revoke(record.id)

        _run(undo())
        _fail(f"`claude mcp add` failed, key {record.id} revoked again: {_said(added)}")
    details = {"command": "mcp install", "server": name, "scope": scope, "url": url}
    _run(audit_key_change(stores, "key_created", record, details))
    granted = f"role {role}; teams: {', '.join(record.teams) if record.teams else 'all'}"
    if scope == "project":
        click.echo(created.key)
        click.echo(
            f"Added MCP server {name} ({url}) to ./.mcp.json with key {record.id} ({granted}). The file names "
            f"${KEY_ENV}, not the key: set {KEY_ENV} to the key above (shown once) where Claude Code runs.",
            err=True,
        )
    else:
        click.echo(f"Added MCP server {name} ({url}) to Claude Code's user config with key {record.id} ({granted}).")


@mcp.command("uninstall")
@click.option("--name", default="iris", show_default=True, help="The MCP server's name in Claude Code.")
@click.option("--scope", type=click.Choice(SCOPES), default="user", show_default=True, help="Where it was added.")
@click.option("--claude", "claude_path", default=None, metavar="PATH", help="The Claude Code binary to configure.")
def uninstall(name: str, scope: str, claude_path: str | None) -> None:
    """Remove the MCP server `mcp install` added and revoke the key it made."""
    stores, _ = _context_stores()
    binary = claude_binary(claude_path)
    found = _claude(binary, "get", name)
    if found.returncode != 0:
        _fail(f"Claude Code has no MCP server named {name}")
    shown = _SCOPE_LINE.search(found.stdout)
    if shown is None or shown.group(1).lower() != scope:
        _fail(f"Claude Code's MCP server {name} is not in its {scope} config (--scope)")
    key_id = _KEY_ID.search(found.stdout)
    if key_id is None:
        _fail(
            f"Claude Code's MCP server {name} was not added by `litestar iris mcp install`; remove it with Claude Code"
        )
    removed = _claude(binary, "remove", name, "--scope", scope)
    if removed.returncode != 0:
        _fail(f"`claude mcp remove` failed: {_said(removed)}")

    async def revoke() -> Any:
        async with KeyStore(stores.key_store_path) as store:
            return await store.revoke(key_id.group(1))

    try:
        result = _run(revoke())
    except Exception as error:
        message = getattr(error, "message", None) or str(error)
        _fail(f"removed MCP server {name}, but its key {key_id.group(1)} was not revoked: {message}")
    if not result.newly_revoked:
        click.echo(
            f"Removed MCP server {name} from Claude Code's {scope} config; key {key_id.group(1)} was revoked before."
        )
        return
    _run(
        audit_key_change(
            stores, "key_revoked", result.record, {"command": "mcp uninstall", "server": name, "scope": scope}
        )
    )
    click.echo(f"Removed MCP server {name} from Claude Code's {scope} config and revoked key {result.record.id}.")


@mcp.command("stdio")
@click.option("--url", required=True, help="The running Iris's /mcp, e.g. http://127.0.0.1:1615/mcp.")
@click.option("--key", envvar=KEY_ENV, default=None, show_envvar=True, help="The Iris key (better: the env var).")
def stdio(url: str, key: str | None) -> None:
    """Serve MCP on stdin/stdout, forwarding tools/list and tools/call to Iris's /mcp."""
    if not re.fullmatch(r"https?://[^\s/]+(/\S*)?", url):
        _fail(f"--url: expected an http:// or https:// URL, got {url!r}")
    try:
        asyncio.run(_bridge(url, key))
    except KeyboardInterrupt:
        return
    except Exception as error:
        _fail(f"the bridge to {url} ended: {_reason(error)}")


def _reason(error: BaseException) -> str:
    """The innermost cause of a failure (task groups wrap them), without anything like a key."""
    while isinstance(error, BaseExceptionGroup) and error.exceptions:
        error = error.exceptions[0]
    return redact(f"{type(error).__name__}: {error}")


async def _bridge(url: str, key: str | None) -> None:
    """Connect to Iris first (so a wrong URL or key fails at once), then serve stdio until stdin closes."""
    import httpx2
    from mcp.client.session import ClientSession
    from mcp.client.streamable_http import streamable_http_client
    from mcp.server.lowlevel import Server
    from mcp.server.stdio import stdio_server

    headers = {"Authorization": f"Bearer {key}"} if key else {}
    # No read timeout: a waiting send_message answers when its team does (Iris bounds the wait itself).
    async with (
        httpx2.AsyncClient(headers=headers, timeout=httpx2.Timeout(30, read=None)) as http,
        streamable_http_client(url, http_client=http) as (read, write),
        ClientSession(read, write) as upstream,
    ):
        hello = await upstream.initialize()

        async def list_tools(ctx: Any, params: mcp_types.PaginatedRequestParams | None) -> mcp_types.ListToolsResult:
            """Iris's tools, page by page as Iris gives them."""
            return await upstream.list_tools(params=params)

        async def call_tool(ctx: Any, params: mcp_types.CallToolRequestParams) -> mcp_types.CallToolResult:
            """One tool call on Iris; its progress notifications reach the caller that asked for them."""
            return await upstream.call_tool(
                params.name, dict(params.arguments or {}), progress_callback=ctx.session.report_progress
            )

        server: Server[Any] = Server(
            hello.server_info.name,
            version=hello.server_info.version,
            instructions=hello.instructions,
            on_list_tools=list_tools,
            on_call_tool=call_tool,
        )
        async with stdio_server() as (stdin, stdout):
            await server.run(stdin, stdout, server.create_initialization_options())


def main(argv: Sequence[str] | None = None) -> None:
    """`python -m app.api.mcp.cli ...`: the same commands, for hosts that start the bridge themselves."""
    from app.auth.cli import iris

    iris.add_command(mcp)
    iris(["mcp", *(sys.argv[1:] if argv is None else argv)], prog_name="python -m app.api.mcp.cli")


if __name__ == "__main__":
    main()
