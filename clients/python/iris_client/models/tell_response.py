from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar
from uuid import UUID

from attrs import define as _attrs_define

from ..models.tell_status import TellStatus
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.claude_message import ClaudeMessage
    from ..models.process_restart import ProcessRestart
    from ..models.tell_link import TellLink
    from ..models.usage import Usage


T = TypeVar("T", bound="TellResponse")


@_attrs_define
class TellResponse:
    """A tell's record (the seed's tell response, extended). `reason` is set
    for every status but completed: a kind, a colon and what happened
    (`cancelled: dropped from the queue`). The kinds: `cancelled` (at a
    caller's request, dropped from the queue, or its session deleted or
    rebooted), `shutdown` (running at a graceful stop; cancelled),
    `server_restart` (running when the server crashed; failed),
    `team_removed` (its team left the config; failed while queued,
    cancelled while running), `stalled` (no message from Claude Code for
    `responseTimeout`), `process_exited` (Claude Code exited; its exit
    code and the last lines of its stderr), `process_error` (Claude Code
    could not be written to), the error that kept its process from
    starting (`ProcessError`, `TimeoutError`), `internal_error`, and
    `no_credentials` (the team's Claude Code has no model credentials: no
    API key in its environment or the team's `env`, not logged in; the
    reason says how to give it some), `budget_exceeded` (the tell's
    `maxBudgetUsd`, or its key's or team's cost budget, was reached:
    Claude Code stopped after the model call that reached it, or the
    budget was spent before the tell started) and `output_invalid` (the
    final answer was not JSON valid against the tell's `outputSchema`).
    Any other failed turn has Claude Code's own error text instead. `response` is
    the partial text so far while running. A tell a team made from inside
    one of its own tells (through Iris's MCP tools) has `parentRequestId`
    and `chain`; cancelling a tell cancels the tells it waits on (reason
    `cancelled: its parent tell ... ended`).

        Attributes:
            from_ (str): A team name: 1 to 64 characters of [A-Za-z0-9_.@-], not starting with
                `.` or `-`. As a caller (`fromTeam`, `from`), `external` names the
                reserved caller for non-team clients.
            to (str): A team name: 1 to 64 characters of [A-Za-z0-9_.@-], not starting with
                `.` or `-`. As a caller (`fromTeam`, `from`), `external` names the
                reserved caller for non-team clients.
            message (str):
            timestamp (datetime.datetime): When the tell was received (queued).
            request_id (UUID): A tell's request id.
            session_id (UUID): A session id (UUID v4 chosen by Iris).
            status (TellStatus): queued → running → one of completed, failed, cancelled, stalled.
            response (str | Unset):
            duration (int | Unset): Milliseconds from start to end (or to now while running).
            started_at (datetime.datetime | Unset):
            finished_at (datetime.datetime | Unset):
            queue_position (int | Unset): While queued - tells ahead of this one in the session's queue.
            reason (str | Unset):
            is_error (bool | Unset):
            cost_usd (float | Unset):
            usage (Usage | Unset): Token usage of a tell (or totals).
            messages (list[ClaudeMessage] | Unset): Cached raw messages (only when requested).
            parent_request_id (UUID | Unset): A tell's request id.
            chain (list[TellLink] | Unset): The tells a tell made from inside a tell waits under, root first,
                ending with its parent (`parentRequestId`).
            output (Any | Unset): The final answer parsed as JSON, valid against the tell's `outputSchema` (only for a
                completed tell that had one).
            process_restart (ProcessRestart | Unset): Iris restarted the session's Claude Code process (with `--resume`: the
                conversation goes on) before this tell, because options it takes only at start differ from those of the running
                process: the tell's own (`maxTurns`, `maxBudgetUsd`, `appendSystemPrompt`, `outputSchema`), those a previous
                tell set, or the part of a budget left (`budget`).
    """

    from_: str
    to: str
    message: str
    timestamp: datetime.datetime
    request_id: UUID
    session_id: UUID
    status: TellStatus
    response: str | Unset = UNSET
    duration: int | Unset = UNSET
    started_at: datetime.datetime | Unset = UNSET
    finished_at: datetime.datetime | Unset = UNSET
    queue_position: int | Unset = UNSET
    reason: str | Unset = UNSET
    is_error: bool | Unset = UNSET
    cost_usd: float | Unset = UNSET
    usage: Usage | Unset = UNSET
    messages: list[ClaudeMessage] | Unset = UNSET
    parent_request_id: UUID | Unset = UNSET
    chain: list[TellLink] | Unset = UNSET
    output: Any | Unset = UNSET
    process_restart: ProcessRestart | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        from_ = self.from_

        to = self.to

        message = self.message

        timestamp = self.timestamp.isoformat()

        request_id = str(self.request_id)

        session_id = str(self.session_id)

        status = self.status.value

        response = self.response

        duration = self.duration

        started_at: str | Unset = UNSET
        if not isinstance(self.started_at, Unset):
            started_at = self.started_at.isoformat()

        finished_at: str | Unset = UNSET
        if not isinstance(self.finished_at, Unset):
            finished_at = self.finished_at.isoformat()

        queue_position = self.queue_position

        reason = self.reason

        is_error = self.is_error

        cost_usd = self.cost_usd

        usage: dict[str, Any] | Unset = UNSET
        if not isinstance(self.usage, Unset):
            usage = self.usage.to_dict()

        messages: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.messages, Unset):
            messages = []
            for messages_item_data in self.messages:
                messages_item = messages_item_data.to_dict()
                messages.append(messages_item)

        parent_request_id: str | Unset = UNSET
        if not isinstance(self.parent_request_id, Unset):
            parent_request_id = str(self.parent_request_id)

        chain: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.chain, Unset):
            chain = []
            for componentsschemas_tell_chain_item_data in self.chain:
                componentsschemas_tell_chain_item = (
                    componentsschemas_tell_chain_item_data.to_dict()
                )
                chain.append(componentsschemas_tell_chain_item)

        output = self.output

        process_restart: dict[str, Any] | Unset = UNSET
        if not isinstance(self.process_restart, Unset):
            process_restart = self.process_restart.to_dict()

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "from": from_,
                "to": to,
                "message": message,
                "timestamp": timestamp,
                "requestId": request_id,
                "sessionId": session_id,
                "status": status,
            }
        )
        if response is not UNSET:
            field_dict["response"] = response
        if duration is not UNSET:
            field_dict["duration"] = duration
        if started_at is not UNSET:
            field_dict["startedAt"] = started_at
        if finished_at is not UNSET:
            field_dict["finishedAt"] = finished_at
        if queue_position is not UNSET:
            field_dict["queuePosition"] = queue_position
        if reason is not UNSET:
            field_dict["reason"] = reason
        if is_error is not UNSET:
            field_dict["isError"] = is_error
        if cost_usd is not UNSET:
            field_dict["costUsd"] = cost_usd
        if usage is not UNSET:
            field_dict["usage"] = usage
        if messages is not UNSET:
            field_dict["messages"] = messages
        if parent_request_id is not UNSET:
            field_dict["parentRequestId"] = parent_request_id
        if chain is not UNSET:
            field_dict["chain"] = chain
        if output is not UNSET:
            field_dict["output"] = output
        if process_restart is not UNSET:
            field_dict["processRestart"] = process_restart

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.claude_message import ClaudeMessage
        from ..models.process_restart import ProcessRestart
        from ..models.tell_link import TellLink
        from ..models.usage import Usage

        d = dict(src_dict)
        from_ = d.pop("from")

        to = d.pop("to")

        message = d.pop("message")

        timestamp = datetime.datetime.fromisoformat(d.pop("timestamp"))

        request_id = UUID(d.pop("requestId"))

        session_id = UUID(d.pop("sessionId"))

        status = TellStatus(d.pop("status"))

        response = d.pop("response", UNSET)

        duration = d.pop("duration", UNSET)

        _started_at = d.pop("startedAt", UNSET)
        started_at: datetime.datetime | Unset
        if isinstance(_started_at, Unset):
            started_at = UNSET
        else:
            started_at = datetime.datetime.fromisoformat(_started_at)

        _finished_at = d.pop("finishedAt", UNSET)
        finished_at: datetime.datetime | Unset
        if isinstance(_finished_at, Unset):
            finished_at = UNSET
        else:
            finished_at = datetime.datetime.fromisoformat(_finished_at)

        queue_position = d.pop("queuePosition", UNSET)

        reason = d.pop("reason", UNSET)

        is_error = d.pop("isError", UNSET)

        cost_usd = d.pop("costUsd", UNSET)

        _usage = d.pop("usage", UNSET)
        usage: Usage | Unset
        if isinstance(_usage, Unset):
            usage = UNSET
        else:
            usage = Usage.from_dict(_usage)

        _messages = d.pop("messages", UNSET)
        messages: list[ClaudeMessage] | Unset = UNSET
        if _messages is not UNSET:
            messages = []
            for messages_item_data in _messages:
                messages_item = ClaudeMessage.from_dict(messages_item_data)

                messages.append(messages_item)

        _parent_request_id = d.pop("parentRequestId", UNSET)
        parent_request_id: UUID | Unset
        if isinstance(_parent_request_id, Unset):
            parent_request_id = UNSET
        else:
            parent_request_id = UUID(_parent_request_id)

        _chain = d.pop("chain", UNSET)
        chain: list[TellLink] | Unset = UNSET
        if _chain is not UNSET:
            chain = []
            for componentsschemas_tell_chain_item_data in _chain:
                componentsschemas_tell_chain_item = TellLink.from_dict(
                    componentsschemas_tell_chain_item_data
                )

                chain.append(componentsschemas_tell_chain_item)

        output = d.pop("output", UNSET)

        _process_restart = d.pop("processRestart", UNSET)
        process_restart: ProcessRestart | Unset
        if isinstance(_process_restart, Unset):
            process_restart = UNSET
        else:
            process_restart = ProcessRestart.from_dict(_process_restart)

        tell_response = cls(
            from_=from_,
            to=to,
            message=message,
            timestamp=timestamp,
            request_id=request_id,
            session_id=session_id,
            status=status,
            response=response,
            duration=duration,
            started_at=started_at,
            finished_at=finished_at,
            queue_position=queue_position,
            reason=reason,
            is_error=is_error,
            cost_usd=cost_usd,
            usage=usage,
            messages=messages,
            parent_request_id=parent_request_id,
            chain=chain,
            output=output,
            process_restart=process_restart,
        )

        return tell_response
