from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="Worktree")


@_attrs_define
class Worktree:
    """A session's git worktree: its branch `iris/<team>/<short session id>`, its folder
    (relative to IRIS_HOME) and what changed since the commit the branch started from.

        Attributes:
            branch (str):
            path (str): The worktree's folder, relative to IRIS_HOME (`worktrees/<team>/<short session id>`).
            base (str): The commit the branch started from (the team's HEAD, or a fork's parent's branch head).
            head (str): The commit the worktree is at now.
            dirty (bool): Whether it has uncommitted changes (tracked or untracked files).
            untracked_files (int):
            diff_stat (str): `git diff --stat <base>` in the worktree: committed and uncommitted changes of tracked files.
            files_changed (int):
            insertions (int):
            deletions (int):
    """

    branch: str
    path: str
    base: str
    head: str
    dirty: bool
    untracked_files: int
    diff_stat: str
    files_changed: int
    insertions: int
    deletions: int

    def to_dict(self) -> dict[str, Any]:
        branch = self.branch

        path = self.path

        base = self.base

        head = self.head

        dirty = self.dirty

        untracked_files = self.untracked_files

        diff_stat = self.diff_stat

        files_changed = self.files_changed

        insertions = self.insertions

        deletions = self.deletions

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "branch": branch,
                "path": path,
                "base": base,
                "head": head,
                "dirty": dirty,
                "untrackedFiles": untracked_files,
                "diffStat": diff_stat,
                "filesChanged": files_changed,
                "insertions": insertions,
                "deletions": deletions,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        branch = d.pop("branch")

        path = d.pop("path")

        base = d.pop("base")

        head = d.pop("head")

        dirty = d.pop("dirty")

        untracked_files = d.pop("untrackedFiles")

        diff_stat = d.pop("diffStat")

        files_changed = d.pop("filesChanged")

        insertions = d.pop("insertions")

        deletions = d.pop("deletions")

        worktree = cls(
            branch=branch,
            path=path,
            base=base,
            head=head,
            dirty=dirty,
            untracked_files=untracked_files,
            diff_stat=diff_stat,
            files_changed=files_changed,
            insertions=insertions,
            deletions=deletions,
        )

        return worktree
