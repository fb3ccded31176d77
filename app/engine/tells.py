"""Tells: one message to a session and everything Claude Code streams back until the turn ends."""

from __future__ import annotations

import asyncio
import dataclasses
import datetime
import enum
import json
import uuid
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import jsonschema  # type: ignore[import-untyped]
import msgspec

from app.clock import utcnow
from app.engine.messages import Result, Said
from app.errors import ErrorKind, IrisError, TellCycleError


class TellStatus(enum.StrEnum):
    """Where a tell is in its life."""

    QUEUED = "queued"
    RUNNING = "running"
    COMPLETED = "completed"
    FAILED = "failed"
    CANCELLED = "cancelled"
    STALLED = "stalled"

    @property
    def finished(self) -> bool:
        """True once the tell has ended."""
        return self not in (TellStatus.QUEUED, TellStatus.RUNNING)


class FailureKind(enum.StrEnum):
    """Why a tell ended without its result, in the engine's words (the API edge names the contract's event)."""

    CANCELLED = "cancelled"
    """Someone asked: a cancel, a dropped queue, a deleted session."""
    STALLED = "stalled"
    """Claude Code said nothing for `responseTimeout`."""
    SHUTDOWN = "shutdown"
    """The server stopped during the tell."""
    SERVER_RESTART = "server_restart"
    """The tell was running when the server last stopped (found so at the next start)."""
    TEAM_REMOVED = "team_removed"
    """The tell's team left the config."""
    CLAUDE_ERROR = "claude_error"
    """Claude Code's own result was an error."""
    NO_CREDENTIALS = "no_credentials"
    """Claude Code had no model credentials (no API key, not logged in): the model API refused it."""
    PROCESS_EXITED = "process_exited"
    """Claude Code exited during the tell."""
    PROCESS_ERROR = "process_error"
    """The message could not be written to Claude Code."""
    START_FAILED = "start_failed"
    """No process could be started for the tell."""
    START_TIMEOUT = "start_timeout"
    """The tell's process was not ready within `spawnTimeout`."""
    POOL_FULL = "pool_full"
    """Every process was busy and the pool full."""
    INTERNAL_ERROR = "internal_error"
    """Iris itself failed to run the tell."""
    BUDGET_EXCEEDED = "budget_exceeded"
    """A cost budget (the tell's `maxBudgetUsd`, its key's or its team's) was reached: Claude Code stopped there."""
    OUTPUT_INVALID = "output_invalid"
    """The tell had an `outputSchema` and its final answer was not JSON valid against it."""


_NOT_STARTED = {ErrorKind.TIMEOUT: FailureKind.START_TIMEOUT, ErrorKind.POOL_FULL: FailureKind.POOL_FULL}


@dataclass(frozen=True, slots=True)
class Failure:
    """How a tell ended without its result: the kind of failure and the reason callers read."""

    kind: FailureKind
    detail: str
    """The tell's `reason`, as callers read it."""

    @classmethod
    def of(cls, kind: FailureKind, text: str) -> Failure:
        """A failure whose reason reads `<kind>: <text>`."""
        return cls(kind, f"{kind}: {text}")

    @classmethod
    def not_started(cls, error: IrisError) -> Failure:
        """A tell no process could be had for: the engine's error, named, is its reason."""
        return cls(_NOT_STARTED.get(error.kind, FailureKind.START_FAILED), f"{error.name}: {error.message}")


def no_credentials(team: str) -> Failure:
    """The failure of a tell whose Claude Code had no model credentials, with how to give it some."""
    return Failure.of(
        FailureKind.NO_CREDENTIALS,
        f"team {team!r} has no model credentials, so Claude Code could not reach the model: set ANTHROPIC_API_KEY "
        "in the server's environment or in the team's env (or log Claude Code in), or run ./dev demo to try Iris "
        "on a local model stand-in",
    )


def team_removed(team: str) -> Failure:
    """The failure of a tell whose team left the config."""
    return Failure.of(FailureKind.TEAM_REMOVED, f"team {team!r} is no longer in the config")


@dataclass(frozen=True, slots=True)
class Link:
    """One tell of a chain: its request id, its session and the caller → team pair it was told on."""

    request_id: uuid.UUID
    session_id: uuid.UUID
    from_team: str
    team: str

    @property
    def pair(self) -> str:
        """`caller → team`, as messages name it."""
        return f"{self.from_team} → {self.team}"

    def stored(self) -> dict[str, str]:
        """The link as the tell record's `chain` column keeps it."""
        return {
            "requestId": str(self.request_id),
            "sessionId": str(self.session_id),
            "from": self.from_team,
            "to": self.team,
        }

    @classmethod
    def from_stored(cls, data: dict[str, Any]) -> Link:
        """A link read back from the `chain` column."""
        return cls(uuid.UUID(data["requestId"]), uuid.UUID(data["sessionId"]), data["from"], data["to"])


Chain = tuple[Link, ...]
"""The tells a tell made from inside a tell waits under: root first, ending with its parent."""


def stored_chain(value: Any) -> Chain:
    """A chain read back from a tell record's `chain` column (none for a tell made from outside)."""
    if not isinstance(value, list):
        return ()
    return tuple(Link.from_stored(item) for item in value if isinstance(item, dict))


def check_chain(chain: Chain, session_id: uuid.UUID | None, from_team: str, team: str, max_depth: int) -> None:
    """Refuse (TellCycleError) a tell under `chain` to a session that already waits in it, or one deeper than
    `max_depth` tells (`session_id` None: the pair has no session yet)."""
    if not chain:
        return
    pair = f"{from_team} → {team}"
    names = [link.pair for link in chain]
    details: dict[str, Any] = {"from": from_team, "to": team, "chain": names, "maxTellDepth": max_depth}
    if session_id is not None and any(link.session_id == session_id for link in chain):
        raise TellCycleError(
            f"{pair} already waits in this chain, so the tell would wait on itself: {', '.join(names)}",
            {"reason": "cycle", **details},
        )
    if len(chain) + 1 > max_depth:
        raise TellCycleError(
            f"{pair} would be tell {len(chain) + 1} of a chain of at most {max_depth} (settings.maxTellDepth): "
            + ", ".join(names),
            {"reason": "depth", **details},
        )


@dataclass(frozen=True, slots=True)
class TellOptions:
    """What one tell may set for itself: its model, and options Claude Code takes only at start."""

    model: str | None = None
    max_turns: int | None = None
    max_budget_usd: float | None = None
    append_system_prompt: str | None = None
    output_schema: dict[str, Any] | None = None

    def stored(self) -> dict[str, Any] | None:
        """The options that are set, by their contract names (None when none is)."""
        named = {
            "model": self.model,
            "maxTurns": self.max_turns,
            "maxBudgetUsd": self.max_budget_usd,
            "appendSystemPrompt": self.append_system_prompt,
            "outputSchema": self.output_schema,
        }
        kept = {name: value for name, value in named.items() if value is not None}
        return kept or None

    @classmethod
    def from_stored(cls, data: Any) -> TellOptions:
        """Options read back from a tell record's `options` column."""
        if not isinstance(data, dict):
            return cls()
        return cls(
            data.get("model"),
            data.get("maxTurns"),
            data.get("maxBudgetUsd"),
            data.get("appendSystemPrompt"),
            data.get("outputSchema"),
        )


@dataclass(frozen=True, slots=True)
class Launch:
    """The options a Claude Code process takes only at start, beyond its team's (None: the team's own)."""

    max_turns: int | None = None
    max_budget_usd: float | None = None
    """Claude Code's `--max-budget-usd`: what the process may spend from its start."""
    append_system_prompt: str | None = None
    output_schema: str | None = None
    """The JSON Schema of structured output, as canonical JSON."""
    cap_from_budget: bool = False
    """The cap is what is left of a key's or team's budget (else the tell's own `maxBudgetUsd`)."""

    @classmethod
    def of(cls, options: TellOptions, cap_usd: float | None, cap_from_budget: bool = False) -> Launch:
        """The launch a tell with `options` needs, with `cap_usd` what it may spend (None: no limit), the part left
        of a budget when `cap_from_budget`."""
        schema = object_schema(options.output_schema) if options.output_schema is not None else None
        return cls(
            options.max_turns,
            cap_usd,
            options.append_system_prompt,
            json.dumps(schema, sort_keys=True, separators=(",", ":")) if schema is not None else None,
            cap_from_budget,
        )

    def differences(self, wanted: Launch, left_usd: float | None) -> list[str]:
        """The contract names of the options in which a process started with this launch (with `left_usd` of its
        cap left) differs from `wanted`; the cap is `budget` when either is a budget's, else `maxBudgetUsd`."""
        changed = [
            name
            for name, mine, theirs in (
                ("maxTurns", self.max_turns, wanted.max_turns),
                ("appendSystemPrompt", self.append_system_prompt, wanted.append_system_prompt),
                ("outputSchema", self.output_schema, wanted.output_schema),
            )
            if mine != theirs
        ]
        if (left_usd is None) != (wanted.max_budget_usd is None) or (
            left_usd is not None and wanted.max_budget_usd is not None and abs(left_usd - wanted.max_budget_usd) > 1e-6
        ):
            changed.append("budget" if self.cap_from_budget or wanted.cap_from_budget else "maxBudgetUsd")
        return changed


def object_schema(schema: dict[str, Any]) -> dict[str, Any]:
    """An `outputSchema` with the `type: object` it implies when it names no type."""
    return schema if "type" in schema else {"type": "object", **schema}


def output_problem(schema: dict[str, Any], value: Any) -> str | None:
    """What keeps `value` from being valid against `schema` (None: it is valid)."""
    validator = jsonschema.validators.validator_for(schema)(schema)
    error = jsonschema.exceptions.best_match(validator.iter_errors(value))
    if error is None:
        return None
    where = "/".join(str(part) for part in error.absolute_path)
    return f"{error.message}" + (f" (at /{where})" if where else "")


def parse_output(text: str | None) -> tuple[bool, Any]:
    """The final answer's text read as JSON (with a Markdown code fence around it allowed): (True, value), or
    (False, None) when it is not JSON."""
    if text is None:
        return False, None
    body = text.strip()
    if body.startswith("```"):
        body = body.split("\n", 1)[1] if "\n" in body else ""
        body = body.rsplit("```", 1)[0]
    try:
        return True, json.loads(body)
    except ValueError:
        return False, None


@dataclass(frozen=True, slots=True)
class KeptMessage:
    """One raw message of a tell as kept in memory: its JSON as Claude Code emitted it (encoded: a third to a
    fifth of the parsed form's size), its type and subtype, its session sequence number and when Iris read it."""

    json: bytes
    type: str
    subtype: str | None
    seq: int | None
    at: datetime.datetime

    @classmethod
    def of(cls, said: Said, seq: int | None = None) -> KeptMessage:
        """The kept form of a message read from Claude Code."""
        kind, subtype = said.data.get("type"), said.data.get("subtype")
        return cls(said.json, str(kind or "unknown"), subtype if isinstance(subtype, str) else None, seq, said.at)

    @property
    def data(self) -> dict[str, Any]:
        """The message as Claude Code emitted it."""
        decoded: dict[str, Any] = msgspec.json.decode(self.json)
        return decoded


@dataclass(slots=True)
class Usage:
    """Token counts of a tell."""

    input_tokens: int = 0
    output_tokens: int = 0
    cache_read_input_tokens: int = 0
    cache_creation_input_tokens: int = 0

    @classmethod
    def from_result(cls, usage: dict[str, Any] | None) -> Usage:
        """Read the model API's usage object."""
        usage = usage or {}

        def number(key: str) -> int:
            value = usage.get(key)
            return int(value) if isinstance(value, int | float) else 0

        return cls(
            number("input_tokens"),
            number("output_tokens"),
            number("cache_read_input_tokens"),
            number("cache_creation_input_tokens"),
        )

    @classmethod
    def total(cls, parts: Iterable[Usage]) -> Usage:
        """The sum of several usages."""
        total = cls()
        for part in parts:
            total.input_tokens += part.input_tokens
            total.output_tokens += part.output_tokens
            total.cache_read_input_tokens += part.cache_read_input_tokens
            total.cache_creation_input_tokens += part.cache_creation_input_tokens
        return total

    @property
    def tokens(self) -> int:
        """Every token counted."""
        return self.input_tokens + self.output_tokens + self.cache_read_input_tokens + self.cache_creation_input_tokens


def turn_cost(total: float | None, spent_before: float) -> float | None:
    """One turn's cost from the session's running total Claude Code reports after it (a total below what was spent
    before means Claude Code started counting afresh: all of it is the turn's)."""
    if total is None:
        return None
    return max(0.0, total - spent_before) if total >= spent_before - 1e-9 else total


@dataclass(eq=False)
class Tell:
    """A live tell. Its record is persisted when it is accepted and when it ends."""

    session_id: uuid.UUID
    from_team: str
    team: str
    message: str
    request_id: uuid.UUID = field(default_factory=uuid.uuid4)
    status: TellStatus = TellStatus.QUEUED
    failure: Failure | None = None
    response: str | None = None
    is_error: bool = False
    queued_at: datetime.datetime = field(default_factory=utcnow)
    started_at: datetime.datetime | None = None
    finished_at: datetime.datetime | None = None
    cost_usd: float | None = None
    usage: Usage | None = None
    num_turns: int | None = None
    exit_code: int | None = None
    messages: deque[KeptMessage] = field(default_factory=deque)
    message_limit: int = 200
    partial: list[str] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)
    done: asyncio.Event = field(default_factory=asyncio.Event)
    cancel_requested: bool = False
    persisted: asyncio.Task[None] | None = None
    command: bool = False
    """Run the text as the Claude Code command it names (else it reaches the model as written)."""
    parent_request_id: uuid.UUID | None = None
    """The tell whose Claude Code made this one (through Iris's tools), if any."""
    chain: Chain = ()
    """The tells this one waits under, root first, ending with its parent."""
    callback: uuid.UUID | None = None
    """The webhook endpoint its `callbackUrl` named (its events go there too)."""
    cancel_failure: Failure | None = None
    """Why it is being cancelled, when not at a caller's request (its parent tell ended)."""
    options: TellOptions = field(default_factory=TellOptions)
    budgets: tuple[Any, ...] = ()
    """The cost budgets it counts against (`app.engine.budgets.Budget`): its key's and its team's."""
    key_id: str | None = None
    """The public id of the API key that started it."""
    output: Any = None
    """The final answer parsed as JSON (a completed tell with an `outputSchema`)."""
    restarted_for: tuple[str, ...] = ()
    """The start-only options its session's process was restarted for (with `--resume`) before it ran."""
    cap_reason: str | None = None
    """Why Claude Code would stop it at its budget cap, as the reason reads (set when the cap is a budget's)."""
    _calls: dict[str, Usage] = field(default_factory=dict, repr=False)
    """The usage of each model call of the turn, by message id (an interrupted turn's result reports none)."""
    _key_source: str | None = field(default=None, repr=False)
    """Where Claude Code took its model credentials from this turn, as its init message said."""
    _auth_failed: bool = field(default=False, repr=False)
    """Claude Code said the model API did not authenticate it this turn."""

    @property
    def link(self) -> Link:
        """This tell as a link of the chains of the tells it makes."""
        return Link(self.request_id, self.session_id, self.from_team, self.team)

    @property
    def reason(self) -> str | None:
        """Why the tell ended without its result, as callers read it (None while it runs, and once completed)."""
        return self.failure.detail if self.failure is not None else None

    @property
    def duration_ms(self) -> int | None:
        """Milliseconds from start (or queueing, if it never started) to end."""
        if self.finished_at is None:
            return None
        start = self.started_at or self.queued_at
        return int((self.finished_at - start).total_seconds() * 1000)

    @property
    def partial_response(self) -> str:
        """What has been said so far: streamed chunks, or finished text blocks."""
        if self.partial:
            return "".join(self.partial)
        return "\n".join(self.texts)

    def keep(self, said: Said, seq: int | None = None) -> None:
        """Remember a message (up to the bound) with its session sequence number, and collect its text."""
        if self.message_limit:
            self.messages.append(KeptMessage.of(said, seq))
            if len(self.messages) > self.message_limit:
                self.messages.popleft()
        if said.key_source is not None:
            self._key_source = said.key_source
        self._auth_failed = self._auth_failed or said.auth_failed
        if said.data.get("type") == "assistant" and isinstance(said.data.get("usage"), dict):
            self._calls[str(said.data.get("message_id") or len(self._calls))] = Usage.from_result(said.data["usage"])
        self.texts.extend(said.texts)

    def finish_from_result(self, result: Result, spent_before: float = 0.0) -> None:
        """End the tell from Claude Code's final `result` message; `spent_before` is the session's running cost
        before this turn (Claude Code reports the session's total, not the turn's)."""
        self.cost_usd = turn_cost(result.cost_usd, spent_before)
        usage = Usage.from_result(result.usage)
        self.usage = usage if usage.tokens or not self._calls else Usage.total(self._calls.values())
        self.num_turns = result.num_turns
        text = result.text if result.text is not None else "\n".join(self.texts)
        self.response = text
        aborted = "abort" in result.terminal_reason or (self.cancel_requested and result.subtype != "success")
        if aborted:
            interrupted = Failure.of(FailureKind.CANCELLED, "interrupted at the caller's request")
            self.end(TellStatus.CANCELLED, self.cancel_failure or interrupted)
        elif result.subtype == "error_max_budget_usd":
            self.is_error = True
            cap = self.options.max_budget_usd
            reason = self.cap_reason or f"the tell's maxBudgetUsd (${cap or 0:.2f}) was reached"
            self.end(TellStatus.FAILED, Failure.of(FailureKind.BUDGET_EXCEEDED, f"Claude Code stopped: {reason}"))
        elif result.subtype == "error_max_turns":
            self.is_error = True
            limit = f" ({self.options.max_turns})" if self.options.max_turns is not None else ""
            stopped = f"Claude Code stopped at its turn limit, maxTurns{limit}, after {result.num_turns} turns"
            self.end(TellStatus.FAILED, Failure(FailureKind.CLAUDE_ERROR, stopped))
        elif result.is_error and self._auth_failed and self._key_source == "none":
            self.is_error = True
            self.end(TellStatus.FAILED, no_credentials(self.team))
        elif result.is_error:
            self.is_error = True
            reported = text or f"Claude Code reported an error ({result.subtype})"
            self.end(TellStatus.FAILED, Failure(FailureKind.CLAUDE_ERROR, reported))
        elif self.options.output_schema is not None:
            self._finish_with_output(object_schema(self.options.output_schema), result)
        else:
            self.end(TellStatus.COMPLETED, None)

    def _finish_with_output(self, schema: dict[str, Any], result: Result) -> None:
        """End a tell that had an `outputSchema`: completed with its answer parsed as `output` when that is JSON valid
        against the schema, else failed saying what is wrong."""
        found, value = (True, result.structured_output) if result.structured_output is not None else (False, None)
        if not found:
            found, value = parse_output(self.response)
        if not found:
            invalid = "no structured output valid against outputSchema came from Claude Code, nor a JSON answer"
            self.end(TellStatus.FAILED, Failure.of(FailureKind.OUTPUT_INVALID, invalid))
            return
        problem = output_problem(schema, value)
        if problem is not None:
            invalid = f"the final answer is not valid against outputSchema: {problem}"
            self.end(TellStatus.FAILED, Failure.of(FailureKind.OUTPUT_INVALID, invalid))
            return
        self.output = value
        self.end(TellStatus.COMPLETED, None)

    def end(self, status: TellStatus, failure: Failure | None) -> None:
        """Set the final status and failure (first call wins)."""
        if self.status.finished:
            return
        self.status = status
        self.failure = failure
        self.finished_at = utcnow()
        if self.response is None and (self.partial or self.texts):
            self.response = self.partial_response

    def pack(self) -> None:
        """Keep an ended tell in less memory: its streamed chunks as one."""
        if len(self.partial) > 1:
            self.partial = [self.partial_response]

    def row(self) -> dict[str, Any]:
        """This tell's new database row, by column (those left out, the unset ones among them, take their
        defaults)."""
        row = {
            "id": self.request_id,
            **self.columns(),
            "session_id": self.session_id,
            "from_team": self.from_team,
            "team": self.team,
            "message": self.message,
            "queued_at": self.queued_at,
            "command": self.command,
            "parent_request_id": self.parent_request_id,
            "chain": [link.stored() for link in self.chain] if self.chain else None,
            "key_id": self.key_id,
            "options": self.options.stored(),
            "callback_webhook_id": self.callback,
        }
        return {column: value for column, value in row.items() if value is not None}

    def columns(self) -> dict[str, Any]:
        """The columns that change over a tell's life."""
        return {
            "status": str(self.status),
            "reason": self.reason,
            "failure_kind": str(self.failure.kind) if self.failure is not None else None,
            "response": self.response,
            "is_error": self.is_error,
            "started_at": self.started_at,
            "finished_at": self.finished_at,
            "duration_ms": self.duration_ms,
            "cost_usd": self.cost_usd,
            "usage": dataclasses.asdict(self.usage) if self.usage else None,
            "num_turns": self.num_turns,
            "exit_code": self.exit_code,
            "output": self.output,
            "restarted_for": list(self.restarted_for) or None,
        }
