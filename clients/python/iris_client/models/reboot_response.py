from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.worktree_cleanup import WorktreeCleanup


T = TypeVar("T", bound="RebootResponse")


@_attrs_define
class RebootResponse:
    """
    Attributes:
        team (str): A team name: 1 to 64 characters of [A-Za-z0-9_.@-], not starting with
            `.` or `-`. As a caller (`fromTeam`, `from`), `external` names the
            reserved caller for non-team clients.
        from_team (str): A team name: 1 to 64 characters of [A-Za-z0-9_.@-], not starting with
            `.` or `-`. As a caller (`fromTeam`, `from`), `external` names the
            reserved caller for non-team clients.
        old_session_id (None | UUID): The deleted session (null if the pair had none).
        new_session_id (UUID): A session id (UUID v4 chosen by Iris).
        worktree (None | Unset | WorktreeCleanup): What became of the old session's git worktree (teams whose isolation
            is `worktree`; absent if it had none).
    """

    team: str
    from_team: str
    old_session_id: None | UUID
    new_session_id: UUID
    worktree: None | Unset | WorktreeCleanup = UNSET

    def to_dict(self) -> dict[str, Any]:
        from ..models.worktree_cleanup import WorktreeCleanup

        team = self.team

        from_team = self.from_team

        old_session_id: None | str
        if isinstance(self.old_session_id, UUID):
            old_session_id = str(self.old_session_id)
        else:
            old_session_id = self.old_session_id

        new_session_id = str(self.new_session_id)

        worktree: dict[str, Any] | None | Unset
        if isinstance(self.worktree, Unset):
            worktree = UNSET
        elif isinstance(self.worktree, WorktreeCleanup):
            worktree = self.worktree.to_dict()
        else:
            worktree = self.worktree

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "team": team,
                "fromTeam": from_team,
                "oldSessionId": old_session_id,
                "newSessionId": new_session_id,
            }
        )
        if worktree is not UNSET:
            field_dict["worktree"] = worktree

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.worktree_cleanup import WorktreeCleanup

        d = dict(src_dict)
        team = d.pop("team")

        from_team = d.pop("fromTeam")

        def _parse_old_session_id(data: object) -> None | UUID:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                old_session_id_type_0 = UUID(data)

                return old_session_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | UUID, data)

        old_session_id = _parse_old_session_id(d.pop("oldSessionId"))

        new_session_id = UUID(d.pop("newSessionId"))

        def _parse_worktree(data: object) -> None | Unset | WorktreeCleanup:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                worktree_type_0 = WorktreeCleanup.from_dict(data)

                return worktree_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Unset | WorktreeCleanup, data)

        worktree = _parse_worktree(d.pop("worktree", UNSET))

        reboot_response = cls(
            team=team,
            from_team=from_team,
            old_session_id=old_session_id,
            new_session_id=new_session_id,
            worktree=worktree,
        )

        return reboot_response
