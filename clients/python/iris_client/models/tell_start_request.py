from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar
from uuid import UUID

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="TellStartRequest")


@_attrs_define
class TellStartRequest:
    """A tell without a wait (quick-tell, streamed tell, WebSocket tell:start).

    Attributes:
        to_team (str): A team name: 1 to 64 characters of [A-Za-z0-9_.@-], not starting with
            `.` or `-`. As a caller (`fromTeam`, `from`), `external` names the
            reserved caller for non-team clients.
        message (str): Text for the model - 1 byte to 1 MiB (UTF-8), no NUL characters. It is delivered as written:
            Claude Code runs no slash command (`/config ...`) and expands no `@path` mention in it. Only a
            command on `settings.allowedSlashCommands` runs as one, and only for a key holding the permission
            it amounts to (`/compact` team:compact, `/clear` team:clear, any other admin); without it the
            answer is 403 ForbiddenError naming the permission.
        from_team (str | Unset): A team name: 1 to 64 characters of [A-Za-z0-9_.@-], not starting with
            `.` or `-`. As a caller (`fromTeam`, `from`), `external` names the
            reserved caller for non-team clients.
        session_id (UUID | Unset): A session id (UUID v4 chosen by Iris).
        callback_url (str | Unset): Where this tell's webhook events go: the URL of a registered webhook
            endpoint (`POST /api/webhooks`) that the key may use (within its team
            scope, its team filter covering the tell's pair), exactly as it was
            registered; the endpoint gets the tell's events it subscribed to,
            signed with its secret. Anything else is 400 naming `callbackUrl`.
        model (str | Unset): The model for this tell (a Claude Code model name or alias, e.g. `sonnet`); the team's
            `model` otherwise. Switched in the running process (no restart); the next tell without one goes back to the
            team's.
        max_turns (int | Unset): At most this many agentic turns for this tell (the team's `maxTurns` otherwise); beyond
            it the tell ends `failed`. Taken only at start: see `processRestart`.
        max_budget_usd (float | Unset): Stop this tell once it has cost this many US dollars (Claude Code's `--max-
            budget-usd`); it then ends `failed` with a `budget_exceeded` reason. A key's or team's budget caps it further.
            Taken only at start.
        append_system_prompt (str | Unset): Text appended to Claude Code's system prompt for this tell (in place of the
            team's `appendSystemPrompt`). Taken only at start.
        output_schema (Any | Unset): A JSON Schema (draft 2020-12) of a JSON object, which the final answer must satisfy
            (without a `type`, `type: object` is implied; another `type`, or a schema that is not valid, is a 400 naming
            `outputSchema`). Claude Code is asked for structured output (`--json-schema`) and the answer is returned parsed
            as `output`. An answer that is not JSON valid against it ends the tell `failed` with an `output_invalid` reason
            naming what is wrong. Taken only at start.
    """

    to_team: str
    message: str
    from_team: str | Unset = UNSET
    session_id: UUID | Unset = UNSET
    callback_url: str | Unset = UNSET
    model: str | Unset = UNSET
    max_turns: int | Unset = UNSET
    max_budget_usd: float | Unset = UNSET
    append_system_prompt: str | Unset = UNSET
    output_schema: Any | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        to_team = self.to_team

        message = self.message

        from_team = self.from_team

        session_id: str | Unset = UNSET
        if not isinstance(self.session_id, Unset):
            session_id = str(self.session_id)

        callback_url = self.callback_url

        model = self.model

        max_turns = self.max_turns

        max_budget_usd = self.max_budget_usd

        append_system_prompt = self.append_system_prompt

        output_schema = self.output_schema

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "toTeam": to_team,
                "message": message,
            }
        )
        if from_team is not UNSET:
            field_dict["fromTeam"] = from_team
        if session_id is not UNSET:
            field_dict["sessionId"] = session_id
        if callback_url is not UNSET:
            field_dict["callbackUrl"] = callback_url
        if model is not UNSET:
            field_dict["model"] = model
        if max_turns is not UNSET:
            field_dict["maxTurns"] = max_turns
        if max_budget_usd is not UNSET:
            field_dict["maxBudgetUsd"] = max_budget_usd
        if append_system_prompt is not UNSET:
            field_dict["appendSystemPrompt"] = append_system_prompt
        if output_schema is not UNSET:
            field_dict["outputSchema"] = output_schema

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        to_team = d.pop("toTeam")

        message = d.pop("message")

        from_team = d.pop("fromTeam", UNSET)

        _session_id = d.pop("sessionId", UNSET)
        session_id: UUID | Unset
        if isinstance(_session_id, Unset):
            session_id = UNSET
        else:
            session_id = UUID(_session_id)

        callback_url = d.pop("callbackUrl", UNSET)

        model = d.pop("model", UNSET)

        max_turns = d.pop("maxTurns", UNSET)

        max_budget_usd = d.pop("maxBudgetUsd", UNSET)

        append_system_prompt = d.pop("appendSystemPrompt", UNSET)

        output_schema = d.pop("outputSchema", UNSET)

        tell_start_request = cls(
            to_team=to_team,
            message=message,
            from_team=from_team,
            session_id=session_id,
            callback_url=callback_url,
            model=model,
            max_turns=max_turns,
            max_budget_usd=max_budget_usd,
            append_system_prompt=append_system_prompt,
            output_schema=output_schema,
        )

        return tell_start_request
