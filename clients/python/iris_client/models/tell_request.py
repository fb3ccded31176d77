from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar
from uuid import UUID

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="TellRequest")


@_attrs_define
class TellRequest:
    """A message for the caller → toTeam session (or the fork named by sessionId).

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
        timeout (int | Unset): How long the caller waits: -1 returns at once (202; the tell runs on),
            0 waits for the end, N (1 to 3,600,000) waits at most N milliseconds
            and then returns the status and partial response (202). The tell
            always runs to its end.
        session_id (UUID | Unset): A session id (UUID v4 chosen by Iris).
    """

    to_team: str
    message: str
    from_team: str | Unset = UNSET
    timeout: int | Unset = UNSET
    session_id: UUID | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        to_team = self.to_team

        message = self.message

        from_team = self.from_team

        timeout = self.timeout

        session_id: str | Unset = UNSET
        if not isinstance(self.session_id, Unset):
            session_id = str(self.session_id)

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "toTeam": to_team,
                "message": message,
            }
        )
        if from_team is not UNSET:
            field_dict["fromTeam"] = from_team
        if timeout is not UNSET:
            field_dict["timeout"] = timeout
        if session_id is not UNSET:
            field_dict["sessionId"] = session_id

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        to_team = d.pop("toTeam")

        message = d.pop("message")

        from_team = d.pop("fromTeam", UNSET)

        timeout = d.pop("timeout", UNSET)

        _session_id = d.pop("sessionId", UNSET)
        session_id: UUID | Unset
        if isinstance(_session_id, Unset):
            session_id = UNSET
        else:
            session_id = UUID(_session_id)

        tell_request = cls(
            to_team=to_team,
            message=message,
            from_team=from_team,
            timeout=timeout,
            session_id=session_id,
        )

        return tell_request
