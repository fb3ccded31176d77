from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.worktree_cleanup import WorktreeCleanup


T = TypeVar("T", bound="DeleteSessionResponse")


@_attrs_define
class DeleteSessionResponse:
    """
    Attributes:
        team (str): A team name: 1 to 64 characters of [A-Za-z0-9_.@-], not starting with
            `.` or `-`. As a caller (`fromTeam`, `from`), `external` names the
            reserved caller for non-team clients.
        from_team (str): A team name: 1 to 64 characters of [A-Za-z0-9_.@-], not starting with
            `.` or `-`. As a caller (`fromTeam`, `from`), `external` names the
            reserved caller for non-team clients.
        session_id (UUID): A session id (UUID v4 chosen by Iris).
        deleted (bool):
        transcript_deleted (bool): Whether a Claude Code transcript file was found and deleted.
        tells_deleted (int): Tell records deleted with the session.
        worktree (None | Unset | WorktreeCleanup): What became of the session's git worktree (teams whose isolation is
            `worktree`; absent if it had none).
    """

    team: str
    from_team: str
    session_id: UUID
    deleted: bool
    transcript_deleted: bool
    tells_deleted: int
    worktree: None | Unset | WorktreeCleanup = UNSET

    def to_dict(self) -> dict[str, Any]:
        from ..models.worktree_cleanup import WorktreeCleanup

        team = self.team

        from_team = self.from_team

        session_id = str(self.session_id)

        deleted = self.deleted

        transcript_deleted = self.transcript_deleted

        tells_deleted = self.tells_deleted

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
                "sessionId": session_id,
                "deleted": deleted,
                "transcriptDeleted": transcript_deleted,
                "tellsDeleted": tells_deleted,
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

        session_id = UUID(d.pop("sessionId"))

        deleted = d.pop("deleted")

        transcript_deleted = d.pop("transcriptDeleted")

        tells_deleted = d.pop("tellsDeleted")

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

        delete_session_response = cls(
            team=team,
            from_team=from_team,
            session_id=session_id,
            deleted=deleted,
            transcript_deleted=transcript_deleted,
            tells_deleted=tells_deleted,
            worktree=worktree,
        )

        return delete_session_response
