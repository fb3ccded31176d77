"""`litestar iris tell TEAM MESSAGE`: one tell through the running server's API, the answer streamed as it comes."""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import click
from rich_click import RichCommand

from app.api.mcp.cli import KEY_ENV, server_url
from app.auth.cli import fail, resolve_config_path
from app.config import IrisConfig, load_config

if TYPE_CHECKING:
    import httpx
    import httpx_sse

__all__ = ["tell", "tell_url"]

_CONNECT_TIMEOUT_S = 10.0


def tell_url(config: IrisConfig) -> str:
    """The config's server (`api.host`, `api.port`, `api.tls`), as clients on this machine reach it."""
    return server_url(config).removesuffix("/mcp")


def _problem(response: httpx.Response) -> str:
    """A refused tell in one line: the contract's error name and message (or the bare status)."""
    try:
        body = response.json()
        said = f"{body['error']}: {body['message']}"
    except (ValueError, KeyError, TypeError):
        said = response.reason_phrase or "no reason given"
    hint = f" (give a key: {KEY_ENV} or --key)" if response.status_code == 401 else ""
    return f"{response.status_code} {said}{hint}"


def _follow(events: Iterable[httpx_sse.ServerSentEvent], as_json: bool) -> str | None:
    """Print the stream's events as they come; None when the tell completed, else why it did not."""
    printed = ""
    for sse in events:
        try:
            envelope: dict[str, Any] = json.loads(sse.data)
            name, data = envelope["event"], envelope["data"]
        except (ValueError, KeyError, TypeError):
            continue  # a heartbeat, or anything else that is no event envelope
        if as_json:
            click.echo(json.dumps(envelope, ensure_ascii=False, separators=(",", ":")))
        if name == "tell:chunk" and not as_json:
            printed += data["chunk"]
            click.echo(data["chunk"], nl=False)
        elif name == "tell:complete":
            if not as_json:
                if not printed:
                    printed = data.get("response") or ""
                    click.echo(printed, nl=False)
                if printed and not printed.endswith("\n"):
                    click.echo()
            if data.get("status") != "completed" or data.get("isError"):
                reason = data.get("reason")
                return f"the tell ended {data.get('status')}" + (f": {reason}" if reason else "")
            return None
        elif name == "tell:error":
            if printed and not as_json:
                click.echo()
            return f"{data.get('error')}: {data.get('message')}"
        elif name == "error":
            if printed and not as_json:
                click.echo()
            return f"{data.get('error')}: {data.get('message')} (the tell runs on)"
    return "the stream ended before the tell did"


@click.command("tell", cls=RichCommand)
@click.argument("team")
@click.argument("message")
@click.option("--from", "from_team", default=None, metavar="TEAM", help="Speak as this team (default: external).")
@click.option("--session", "session_id", default=None, metavar="ID", help="The session (default: the pair's own).")
@click.option("--json", "as_json", is_flag=True, help='One JSON event per line ({"event": ..., "data": ...}).')
@click.option("--key", default=None, help=f"The API key (default: {KEY_ENV}; a --key shows in `ps`).")
@click.option("--url", default=None, help="The server (default: the config's api.host, api.port and api.tls).")
def tell(
    team: str,
    message: str,
    from_team: str | None,
    session_id: str | None,
    as_json: bool,
    key: str | None,
    url: str | None,
) -> None:
    """Tell TEAM MESSAGE through the running server and stream the answer; status 1 when the tell fails."""
    import httpx  # here, not above: the other commands start without it
    import httpx_sse

    if url is None:
        path = resolve_config_path(click.get_current_context().meta.get("iris.config"))
        url = tell_url(load_config(path) if path is not None else IrisConfig(teams={}))
    base = url.rstrip("/")
    key = key or os.environ.get(KEY_ENV) or None
    body = {"toTeam": team, "message": message}
    body |= {"fromTeam": from_team} if from_team else {}
    body |= {"sessionId": session_id} if session_id else {}
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    timeout = httpx.Timeout(_CONNECT_TIMEOUT_S, read=None)  # a tell may think for long between chunks
    try:
        with (
            httpx.Client(timeout=timeout) as client,
            httpx_sse.connect_sse(client, "POST", f"{base}/api/teams/tell/stream", json=body, headers=headers) as sse,
        ):
            if sse.response.status_code != 200:
                sse.response.read()
                fail(_problem(sse.response))
            try:
                problem = _follow(sse.iter_sse(), as_json)
            except httpx.TransportError as error:
                problem = f"the connection to {base} broke ({type(error).__name__}); the tell runs on"
    except httpx.TransportError as error:
        fail(
            f"no Iris server answered at {base} ({type(error).__name__}); start one with `python -m app serve`, "
            "or name another with --url"
        )
    if problem is not None:
        fail(problem)
