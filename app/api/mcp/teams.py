"""Iris's tools inside every team's Claude Code: the MCP tools, each call made as the calling team.

The engine gives each team's process these tools as its in-process MCP server `iris`; a call runs its REST
operation through `call_tool` with the team as the internal caller and the tell the process is answering as the
parent of any tell it makes. A waiting tell waits at most `settings.mcpToolTimeout`, then answers with its
request id; a tell that ended without its result (failed, cancelled, stalled) is an error result.
"""

from __future__ import annotations

from typing import Any

from litestar import Litestar

from app.api.mcp.dispatch import Caller, ToolOutcome, ToolSpec, call_tool, tools
from app.engine.process import IrisTool, ToolAnswer, ToolContext, ToolProvider

__all__ = ["team_tools"]

MAX_TELL_WAIT_MS = 3_600_000
"""The longest `timeout` a tell takes (the contract's bound)."""
_WAITING = frozenset({"tell", "ask"})
"""The operations that wait for a tell's end."""
_UNFINISHED = ("queued", "running")
_FAILED = ("failed", "cancelled", "stalled")


def _bounded(spec: ToolSpec, arguments: dict[str, Any], limit_ms: int) -> dict[str, Any]:
    """A waiting tell's arguments with its wait cut to `limit_ms` (a tell that returns at once is left as is)."""
    if spec.operation_id not in _WAITING:
        return arguments
    wait = arguments.get("timeout", 0)
    limit = min(limit_ms, MAX_TELL_WAIT_MS)
    if isinstance(wait, int) and not isinstance(wait, bool) and (wait == 0 or wait > limit):
        return {**arguments, "timeout": limit}
    return arguments


def _answer(spec: ToolSpec, outcome: ToolOutcome, waited_ms: Any) -> ToolAnswer:
    """What the calling team's model reads: the outcome's text, said plainly for a tell that has not ended or
    that ended without its result."""
    body = outcome.structured
    if outcome.is_error or body is None or "requestId" not in body or "status" not in body:
        return ToolAnswer(outcome.text, outcome.is_error)
    status, request_id = body["status"], body["requestId"]
    if status in _FAILED:
        reason = body.get("reason") or "no reason given"
        text = f"The tell {request_id} to {body.get('to')} ended {status}: {reason}"
        if body.get("response"):
            text += f"\n\nIts response so far: {body['response']}"
        return ToolAnswer(text, is_error=True)
    if status in _UNFINISHED and spec.operation_id in _WAITING:
        text = (
            f"The tell {request_id} to {body.get('to')} is still {status} after {waited_ms} ms; "
            f"call get_request with requestId {request_id} later for its answer."
        )
        if body.get("response"):
            text += f"\n\nIts response so far: {body['response']}"
        return ToolAnswer(text)
    return ToolAnswer(outcome.text)


def _handler(app: Litestar, spec: ToolSpec) -> Any:
    """One tool's handler: the call made as the context's team, under the tell it answers."""

    async def handle(context: ToolContext, arguments: dict[str, Any]) -> ToolAnswer:
        """Run the call through its REST operation, in process."""
        given = _bounded(spec, dict(arguments), context.timeout_ms)
        caller = Caller(team=context.team, parent_request_id=context.request_id)
        outcome = await call_tool(app, spec.name, given, caller)
        return _answer(spec, outcome, given.get("timeout"))

    return handle


def team_tools(app: Litestar) -> ToolProvider:
    """The tool provider the engine gives every team's process (see the module docstring)."""

    def provide(team: str) -> list[IrisTool]:
        """Every MCP tool, for one team's processes."""
        return [IrisTool(spec.name, spec.description, spec.input_schema, _handler(app, spec)) for spec in tools()]

    return provide
