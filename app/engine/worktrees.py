"""Git worktrees of sessions: a branch and a folder of its own for each session of a team with `isolation: worktree`."""

from __future__ import annotations

import asyncio
import logging
import os
import re
import shutil
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from app.config import TeamConfig
from app.errors import ProcessError

__all__ = ["GIT_TIMEOUT_S", "WorktreeCleanup", "WorktreeView", "Worktrees", "short_id"]

log = logging.getLogger("iris.engine")

GIT_TIMEOUT_S = 30.0
"""How long one git command may take before it is killed (and the operation fails)."""
SHORT_ID_LENGTH = 8
STAT_FILES = 100
"""The files `diffStat` lists at most (its summary line counts them all)."""
BASE_KEY = "irisBase"
"""The branch's config entry (`branch.<name>.irisBase`) holding the commit the branch started from."""
SESSION_KEY = "irisSession"
"""The branch's config entry holding the id of the session it belongs to."""
_QUIET = ("-c", "core.hooksPath=/dev/null", "-c", "core.fsmonitor=false")
"""Iris's own git commands run none of the repository's hooks (post-checkout on `worktree add`) or fsmonitor."""
_ABSOLUTE_PATH = re.compile(r"(?<![\w.~-])/[^\s'\"`:,]+")
_SUMMARY = re.compile(
    r"(\d+) files? changed(?:, (\d+) insertions?\(\+\))?(?:, (\d+) deletions?\(-\))?",
)


def short_id(session_id: uuid.UUID) -> str:
    """The first characters of a session id: its branch's and folder's last part."""
    return session_id.hex[:SHORT_ID_LENGTH]


def branch_name(team: str, session_id: uuid.UUID) -> str:
    """The branch of a session's worktree: `iris/<team>/<short id>`."""
    return f"iris/{team}/{short_id(session_id)}"


@dataclass(frozen=True, slots=True)
class WorktreeView:
    """A session's worktree as callers see it: its branch, where it is, and what changed since its base."""

    branch: str
    path: str
    """Relative to IRIS_HOME."""
    base: str
    """The commit the branch started from."""
    head: str
    dirty: bool
    """Uncommitted changes (tracked or untracked files)."""
    untracked_files: int
    diff_stat: str
    """`git diff --stat <base>` in the worktree: committed and uncommitted changes of tracked files."""
    files_changed: int
    insertions: int
    deletions: int


WorktreeOutcome = Literal["removed", "kept", "branchKept"]


@dataclass(frozen=True, slots=True)
class WorktreeCleanup:
    """What became of a deleted session's worktree: removed with its branch, kept (uncommitted changes), or its
    folder removed and its branch kept (commits on no other branch)."""

    branch: str
    path: str
    """Relative to IRIS_HOME."""
    outcome: WorktreeOutcome
    reason: str | None = None


@dataclass(frozen=True, slots=True)
class _Place:
    """Where a session's worktree is, and its branch."""

    team: str
    branch: str
    folder: Path
    relative: str


class Worktrees:
    """The worktrees of sessions under `$IRIS_HOME/worktrees/<team>/<short id>`, made, described and removed with
    git (no shell, a timeout per command)."""

    def __init__(self, home: Path) -> None:
        self.home = home
        self.root = home / "worktrees"
        self._locks: dict[str, asyncio.Lock] = {}

    def place(self, team: str, session_id: uuid.UUID) -> _Place:
        """Where a session's worktree is (whether or not it exists), found again from the team and id alone."""
        folder = self.root / team / short_id(session_id)
        return _Place(team, branch_name(team, session_id), folder, str(folder.relative_to(self.home)))

    def exists(self, team: str, session_id: uuid.UUID) -> bool:
        """Whether the session has a worktree folder."""
        return (self.place(team, session_id).folder / ".git").exists()

    def _lock(self, team: TeamConfig) -> asyncio.Lock:
        """One lock per repository (the folder holding `.git`, at or above the team's path): git's own locks refuse
        concurrent changes of its config and refs."""
        path = Path(team.path)
        top = next((folder for folder in (path, *path.parents) if (folder / ".git").exists()), path)
        return self._locks.setdefault(str(top), asyncio.Lock())

    async def ensure(
        self, name: str, team: TeamConfig, session_id: uuid.UUID, *, parent: uuid.UUID | None = None
    ) -> Path:
        """The folder Claude Code runs in for the session: its worktree, made on first use on branch
        `iris/<team>/<short id>` from the team's HEAD (a fork: from its parent's branch at its current HEAD). With
        a team path below the repository's top, the same folder inside the worktree."""
        place = self.place(name, session_id)
        async with self._lock(team):
            prefix = (await self._git(team, "rev-parse", "--show-prefix", cwd=team.path)).strip()
            if (place.folder / ".git").exists():
                return place.folder / prefix
            owner = await self._config_get(team, f"branch.{place.branch}.{SESSION_KEY}")
            if owner is not None and owner != str(session_id):
                raise ProcessError(
                    f"Team {name!r}: branch {place.branch} belongs to another session; delete that branch first",
                    {"team": name, "branch": place.branch},
                )
            for folder in (self.home, self.root, place.folder.parent):  # private, as IRIS_HOME is
                folder.mkdir(parents=True, exist_ok=True, mode=0o700)
            await self._git(team, "worktree", "prune", cwd=team.path)
            if owner is not None and await self._has_branch(team, place.branch):
                await self._git(team, "worktree", "add", str(place.folder), place.branch, cwd=team.path)
                return place.folder / prefix
            base = await self._start_point(name, team, parent)
            await self._git(team, "worktree", "add", "-b", place.branch, str(place.folder), base, cwd=team.path)
            await self._git(team, "config", f"branch.{place.branch}.{BASE_KEY}", base, cwd=team.path)
            await self._git(team, "config", f"branch.{place.branch}.{SESSION_KEY}", str(session_id), cwd=team.path)
            log.info("made worktree %s on branch %s from %s", place.relative, place.branch, base[:12])
            return place.folder / prefix

    async def _start_point(self, name: str, team: TeamConfig, parent: uuid.UUID | None) -> str:
        """The commit a new branch starts from: the parent session's branch head, else the team's HEAD."""
        if parent is not None:
            parent_branch = branch_name(name, parent)
            if await self._has_branch(team, parent_branch):
                return await self._commit(team, f"refs/heads/{parent_branch}")
        try:
            return await self._commit(team, "HEAD")
        except ProcessError:
            raise ProcessError(
                f"Team {name!r} asks for worktree isolation but its repository has no commit yet",
                {"team": name},
            ) from None

    async def _commit(self, team: TeamConfig, ref: str) -> str:
        """The commit a ref names."""
        return (await self._git(team, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}", cwd=team.path)).strip()

    async def _has_branch(self, team: TeamConfig, branch: str) -> bool:
        code, _out = await self._run(team, "show-ref", "--verify", "--quiet", f"refs/heads/{branch}", cwd=team.path)
        return code == 0

    async def _config_get(self, team: TeamConfig, key: str) -> str | None:
        code, out = await self._run(team, "config", "--get", key, cwd=team.path)
        return out.strip() if code == 0 and out.strip() else None

    async def describe(self, name: str, team: TeamConfig | None, session_id: uuid.UUID) -> WorktreeView | None:
        """The session's worktree with its changes since its base; None when it has none (or git cannot tell)."""
        place = self.place(name, session_id)
        if team is None or not (place.folder / ".git").exists():
            return None
        folder = str(place.folder)
        try:
            base = await self._config_get(team, f"branch.{place.branch}.{BASE_KEY}")
            head = (await self._git(team, "rev-parse", "HEAD", cwd=folder)).strip()
            base = base or head
            stat, status = await asyncio.gather(
                self._git(team, "diff", f"--stat-count={STAT_FILES}", base, cwd=folder),
                self._git(team, "status", "--porcelain", "--untracked-files=all", cwd=folder),
            )
        except ProcessError as error:
            log.warning("could not describe worktree %s: %s", place.relative, error.message)
            return None
        lines = [line for line in status.splitlines() if line.strip()]
        summary = _SUMMARY.search(stat.strip().splitlines()[-1]) if stat.strip() else None
        return WorktreeView(
            branch=place.branch,
            path=place.relative,
            base=base,
            head=head,
            dirty=bool(lines),
            untracked_files=sum(1 for line in lines if line.startswith("??")),
            diff_stat=stat.rstrip("\n"),
            files_changed=int(summary.group(1)) if summary else 0,
            insertions=int(summary.group(2) or 0) if summary else 0,
            deletions=int(summary.group(3) or 0) if summary else 0,
        )

    async def remove(self, name: str, team: TeamConfig | None, session_id: uuid.UUID) -> WorktreeCleanup | None:
        """Remove a deleted session's worktree and branch when nothing would be lost. A worktree with uncommitted
        changes is kept whole; a clean one whose branch has commits on no other branch loses its folder and keeps its
        branch. None when the session had no worktree (nor branch)."""
        place = self.place(name, session_id)
        if team is None:
            if (place.folder / ".git").exists():
                return WorktreeCleanup(place.branch, place.relative, "kept", "the team is no longer configured")
            return None
        async with self._lock(team):
            try:
                return await self._remove(team, place)
            except ProcessError as error:
                log.warning("kept worktree %s: %s", place.relative, error.message)
                return WorktreeCleanup(place.branch, place.relative, "kept", f"git failed: {error.message}")

    async def _remove(self, team: TeamConfig, place: _Place) -> WorktreeCleanup | None:
        has_folder = (place.folder / ".git").exists()
        has_branch = await self._has_branch(team, place.branch)
        if not has_folder and not has_branch:
            return None
        if has_folder:
            status = await self._git(team, "status", "--porcelain", "--untracked-files=all", cwd=str(place.folder))
            changed = [line for line in status.splitlines() if line.strip()]
            if changed:
                files = f"{len(changed)} file{'s' if len(changed) != 1 else ''}"
                reason = f"uncommitted changes in {files}; worktree and branch kept"
                log.warning("kept worktree %s of a deleted session: %s", place.relative, reason)
                return WorktreeCleanup(place.branch, place.relative, "kept", reason)
            await self._git(team, "worktree", "remove", str(place.folder), cwd=team.path)
        if has_branch:
            unique = await self._git(
                team,
                "rev-list",
                "--count",
                f"refs/heads/{place.branch}",
                "--not",
                f"--exclude={place.branch}",  # --branches takes names without refs/heads/
                "--branches",
                cwd=team.path,
            )
            count = int(unique.strip() or 0)
            if count:
                reason = f"{count} commit{'s' if count != 1 else ''} on no other branch; branch kept"
                log.warning("kept branch %s of a deleted session: %s", place.branch, reason)
                return WorktreeCleanup(place.branch, place.relative, "branchKept", reason)
            await self._git(team, "branch", "-D", place.branch, cwd=team.path)
        return WorktreeCleanup(place.branch, place.relative, "removed")

    async def _git(self, team: TeamConfig, *args: str, cwd: str) -> str:
        """Run git; its output, or ProcessError naming the command and git's own words (without paths)."""
        _code, out = await self._run(team, *args, cwd=cwd, failing=True)
        return out

    async def _run(self, team: TeamConfig, *args: str, cwd: str, failing: bool = False) -> tuple[int, str]:
        """Run git without a shell, at most `GIT_TIMEOUT_S`; its exit code and output (with `failing`, a non-zero
        exit is ProcessError, its message free of paths)."""
        git = shutil.which("git")
        if git is None:
            raise ProcessError("git is not on PATH (needed for isolation: worktree)")
        env = {**os.environ, "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C", "GIT_OPTIONAL_LOCKS": "0"}
        try:
            process = await asyncio.create_subprocess_exec(
                git,
                *_QUIET,
                *args,
                cwd=cwd,
                env=env,
                stdin=asyncio.subprocess.DEVNULL,
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.PIPE,
            )
        except OSError as error:
            raise ProcessError(f"git {args[0]} could not be run: {error.strerror or type(error).__name__}") from None
        try:
            async with asyncio.timeout(GIT_TIMEOUT_S):
                out, err = await process.communicate()
        except TimeoutError:
            process.kill()
            await process.wait()
            raise ProcessError(f"git {args[0]} did not finish within {GIT_TIMEOUT_S:g} s") from None
        code = process.returncode or 0
        if code and failing:
            words = _without_paths(err.decode("utf-8", "replace").strip().splitlines()[-1:] or [""])
            raise ProcessError(f"git {args[0]} failed (exit {code})" + (f": {words}" if words else ""))
        return code, out.decode("utf-8", "replace")


def _without_paths(lines: list[str]) -> str:
    """git's words with every absolute path replaced by `<path>`."""
    return _ABSOLUTE_PATH.sub("<path>", " ".join(lines))[:300]
