"""A git worktree per session: real repositories in tmp folders, real Claude Code on the model stand-in."""

from __future__ import annotations

import asyncio
import subprocess
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from app.config import IrisConfig, load_config
from app.config_watch import ConfigWatcher
from app.engine import Engine
from app.errors import ConfigurationError, ProcessError
from app.standin import ModelStandIn
from tests.support.live import LiveServer, write_config

Start = Callable[[IrisConfig], Any]
StartAlpha = Callable[..., Awaitable[tuple[Engine, Path]]]


def git(folder: Path, *args: str) -> str:
    """Run git in `folder`; its output."""
    return subprocess.run(["git", *args], cwd=folder, check=True, capture_output=True, text=True).stdout


def make_repo(folder: Path) -> Path:
    """A git repository with one commit (README.md) on `main`."""
    folder.mkdir(parents=True, exist_ok=True)
    git(folder, "init", "-q", "-b", "main")
    git(folder, "config", "user.email", "iris@example.com")
    git(folder, "config", "user.name", "Iris tests")
    (folder / "README.md").write_text("hello\n")
    git(folder, "add", "README.md")
    git(folder, "commit", "-qm", "start")
    return folder


def worktree_config(tmp_path: Path, standin: ModelStandIn, **alpha: Any) -> IrisConfig:
    """Team alpha on a git repository with `isolation: worktree`, team beta (a caller) in a plain folder."""
    repo = make_repo(tmp_path / "projects" / "alpha")
    beta = tmp_path / "projects" / "beta"
    beta.mkdir(parents=True)
    document = {
        "settings": {"shutdownGrace": 2000},
        "database": {"path": str(tmp_path / "iris.db")},
        "teams": {
            "alpha": {"path": str(repo), "env": standin.env(), "isolation": "worktree", **alpha},
            "beta": {"path": str(beta), "env": standin.env()},
        },
    }
    file = tmp_path / "config.yaml"
    file.write_text(yaml.safe_dump(document))
    return load_config(file)


@pytest.fixture
def worktree_engine(tmp_path: Path, home: Path, standin: ModelStandIn, engine_factory: Start) -> StartAlpha:
    """Start an engine on `worktree_config` (`alpha`: more of team alpha's entry): the engine and alpha's repository."""

    async def start(**alpha: Any) -> tuple[Engine, Path]:
        config = worktree_config(tmp_path, standin, **alpha)
        engine: Engine = await engine_factory(config)
        return engine, Path(config.teams["alpha"].path)

    return start


def short(session_id: uuid.UUID) -> str:
    return session_id.hex[:8]


def worktree_of(tmp_path: Path, session_id: uuid.UUID) -> Path:
    """Where a session of alpha has its worktree (IRIS_HOME is tmp_path/iris, see the `home` fixture)."""
    return tmp_path / "iris" / "worktrees" / "alpha" / short(session_id)


def branches(repo: Path) -> set[str]:
    return set(git(repo, "for-each-ref", "--format=%(refname:short)", "refs/heads").split())


# config


def test_worktree_isolation_needs_a_git_repository(tmp_path: Path, home: Path) -> None:
    plain = tmp_path / "plain"
    plain.mkdir()
    file = tmp_path / "config.yaml"
    file.write_text(yaml.safe_dump({"teams": {"alpha": {"path": str(plain), "isolation": "worktree"}}}))
    with pytest.raises(ConfigurationError) as error:
        load_config(file)
    assert error.value.details is not None and error.value.details["key"] == "teams.alpha.isolation"
    assert "team alpha" in error.value.message and "not in a git repository" in error.value.message
    assert str(plain) not in error.value.message
    make_repo(plain)
    assert load_config(file).teams["alpha"].isolation == "worktree"
    (plain / "sub").mkdir()
    file.write_text(yaml.safe_dump({"teams": {"alpha": {"path": str(plain / "sub"), "isolation": "worktree"}}}))
    assert load_config(file).teams["alpha"].isolation == "worktree"  # a folder inside a repository will do
    with pytest.raises(ConfigurationError) as no_git:
        load_config(file, env={"PATH": str(tmp_path / "no-bin-here")})
    assert no_git.value.details is not None and no_git.value.details["key"] == "teams.alpha.isolation"
    assert "`git` is not on PATH" in no_git.value.message
    assert load_config(tmp_path / "config.yaml").teams["alpha"].isolation == "worktree"
    other = tmp_path / "other"
    other.mkdir()
    file.write_text(yaml.safe_dump({"teams": {"alpha": {"path": str(other)}}}))
    assert load_config(file).teams["alpha"].isolation == "none"


async def test_a_reload_to_a_non_git_folder_is_refused_naming_the_team(tmp_path: Path, home: Path) -> None:
    repo = make_repo(tmp_path / "repo")
    plain = tmp_path / "plain"
    plain.mkdir()
    file = tmp_path / "config.yaml"
    file.write_text(yaml.safe_dump({"teams": {"alpha": {"path": str(repo), "isolation": "worktree"}}}))
    applied: list[IrisConfig] = []
    errors: list[Exception] = []
    watcher = ConfigWatcher(file, applied.append, on_error=errors.append)
    file.write_text(yaml.safe_dump({"teams": {"alpha": {"path": str(plain), "isolation": "worktree"}}}))
    assert watcher.check() is None and applied == []
    [error] = errors
    assert isinstance(error, ConfigurationError) and error.details is not None
    assert error.details["key"] == "teams.alpha.isolation"


# sessions


async def test_two_callers_write_the_same_file_name_without_clobbering(
    tmp_path: Path, worktree_engine: StartAlpha
) -> None:
    engine, repo = await worktree_engine()
    write = "#bash:echo {who} > same.txt && sleep 1 && cat same.txt && pwd"
    external, from_beta = await asyncio.gather(
        engine.tell("alpha", write.format(who="external")),
        engine.tell("alpha", write.format(who="beta"), from_team="beta"),
    )
    assert external.status == "completed" and from_beta.status == "completed"
    assert external.session_id != from_beta.session_id
    mine, theirs = worktree_of(tmp_path, external.session_id), worktree_of(tmp_path, from_beta.session_id)
    assert external.response == f"tool said: external\n{mine}"
    assert from_beta.response == f"tool said: beta\n{theirs}"
    assert (mine / "same.txt").read_text() == "external\n"
    assert (theirs / "same.txt").read_text() == "beta\n"
    assert not (repo / "same.txt").exists()
    assert {f"iris/alpha/{short(external.session_id)}", f"iris/alpha/{short(from_beta.session_id)}"} < branches(repo)
    assert git(mine, "rev-parse", "--abbrev-ref", "HEAD").strip() == f"iris/alpha/{short(external.session_id)}"


async def test_reads_are_confined_to_the_sessions_worktree(tmp_path: Path, worktree_engine: StartAlpha) -> None:
    engine, repo = await worktree_engine(grantPermission="no")
    first = await engine.tell("alpha", "hello")
    folder = worktree_of(tmp_path, first.session_id)
    (folder / "README.md").write_text("in the worktree\n")
    inside = await engine.tell("alpha", f"#read:{folder}/README.md")
    assert inside.response is not None and inside.response.startswith("tool said:"), inside.response
    assert "in the worktree" in inside.response
    original = await engine.tell("alpha", f"#read:{repo}/README.md")
    assert original.response is not None and original.response.startswith("tool error:"), original.response
    assert "grantPermission: no" in original.response


async def test_status_and_report_show_branch_path_and_diff_stat(tmp_path: Path, worktree_engine: StartAlpha) -> None:
    engine, repo = await worktree_engine()
    [before] = await engine.team_status(team="alpha")
    assert before.session_id is None and before.worktree is None
    told = await engine.tell("alpha", "#bash:echo more >> README.md && echo new > notes.txt")
    assert told.status == "completed", told.reason
    base = git(repo, "rev-parse", "HEAD").strip()
    [status] = await engine.team_status(team="alpha")
    view = status.worktree
    assert view is not None
    assert view.branch == f"iris/alpha/{short(told.session_id)}"
    assert view.path == f"worktrees/alpha/{short(told.session_id)}"
    assert view.base == base and view.head == base
    assert view.dirty and view.untracked_files == 1
    assert (view.files_changed, view.insertions, view.deletions) == (1, 1, 0)
    assert "README.md | 1 +" in view.diff_stat and "1 file changed, 1 insertion(+)" in view.diff_stat
    committed = await engine.tell("alpha", "#bash:git add -A && git commit -qm work && git rev-parse HEAD")
    head = committed.response.removeprefix("tool said: ").strip() if committed.response else ""
    report = await engine.report("alpha")
    view = report.session.worktree
    assert view is not None and view.base == base and view.head == head != base
    assert not view.dirty and view.untracked_files == 0
    assert (view.files_changed, view.insertions, view.deletions) == (2, 2, 0)
    [beta] = await engine.team_status(team="beta")
    assert beta.worktree is None  # a team without isolation has none


async def test_a_fork_branches_from_its_parents_branch(tmp_path: Path, worktree_engine: StartAlpha) -> None:
    engine, repo = await worktree_engine()
    parent = await engine.tell("alpha", "#bash:echo p > parent.txt && git add parent.txt && git commit -qm parent")
    assert parent.status == "completed", parent.reason
    parent_head = git(worktree_of(tmp_path, parent.session_id), "rev-parse", "HEAD").strip()
    assert parent_head != git(repo, "rev-parse", "main").strip()
    fork = await engine.fork("alpha")
    folder = worktree_of(tmp_path, fork.session_id)
    assert fork.folder == str(folder) and (folder / "parent.txt").read_text() == "p\n"
    assert git(folder, "rev-parse", "HEAD").strip() == parent_head
    told = await engine.tell("alpha", "#bash:echo f > fork.txt && cat parent.txt", session_id=fork.session_id)
    assert told.response == "tool said: p"
    assert not (worktree_of(tmp_path, parent.session_id) / "fork.txt").exists()
    echoed = await engine.tell("alpha", "in the fork", session_id=fork.session_id)
    assert echoed.response is not None and echoed.response.startswith("echo[n=")
    assert int(echoed.response.split("n=")[1].split("]")[0]) > 1  # the fork goes on with its parent's conversation
    page = await engine.read_cache(fork.session_id)
    assert page.session.worktree is not None and page.session.worktree.base == parent_head


async def test_delete_keeps_a_dirty_worktree_and_removes_a_clean_one(
    tmp_path: Path, worktree_engine: StartAlpha
) -> None:
    engine, repo = await worktree_engine()
    dirty = await engine.tell("alpha", "#bash:echo unsaved > work.txt")
    clean = await engine.tell("alpha", "just talk", from_team="beta")
    assert worktree_of(tmp_path, clean.session_id).is_dir()
    deleted = await engine.delete("alpha")
    assert deleted.worktree is not None and deleted.worktree.outcome == "kept"
    assert deleted.worktree.reason is not None and "uncommitted changes in 1 file" in deleted.worktree.reason
    assert (worktree_of(tmp_path, dirty.session_id) / "work.txt").read_text() == "unsaved\n"
    assert f"iris/alpha/{short(dirty.session_id)}" in branches(repo)
    removed = await engine.delete("alpha", from_team="beta")
    assert removed.worktree is not None and removed.worktree.outcome == "removed"
    assert removed.worktree.path == f"worktrees/alpha/{short(clean.session_id)}"
    assert not worktree_of(tmp_path, clean.session_id).exists()
    assert f"iris/alpha/{short(clean.session_id)}" not in branches(repo)
    assert f"worktrees/alpha/{short(clean.session_id)}" not in git(repo, "worktree", "list")


async def test_reboot_keeps_a_branch_with_commits_of_its_own(tmp_path: Path, worktree_engine: StartAlpha) -> None:
    engine, repo = await worktree_engine()
    first = await engine.tell("alpha", "#bash:echo c > c.txt && git add c.txt && git commit -qm mine")
    assert first.status == "completed", first.reason
    rebooted = await engine.reboot("alpha")
    assert rebooted.worktree is not None and rebooted.worktree.outcome == "branchKept"
    assert rebooted.worktree.reason == "1 commit on no other branch; branch kept"
    assert not worktree_of(tmp_path, first.session_id).exists()
    assert git(repo, "show", f"iris/alpha/{short(first.session_id)}:c.txt") == "c\n"
    fresh = await engine.tell("alpha", "#bash:ls")
    assert fresh.session_id == rebooted.new_session_id and fresh.response == "tool said: README.md"


async def test_a_restart_finds_each_sessions_worktree_again(
    tmp_path: Path, home: Path, standin: ModelStandIn, engine_factory: Start
) -> None:
    config = worktree_config(tmp_path, standin)
    first: Engine = await engine_factory(config)
    told = await first.tell("alpha", "#bash:echo before > kept.txt", from_team="beta")
    await first.shutdown()
    second: Engine = await engine_factory(config)
    again = await second.tell("alpha", "#bash:cat kept.txt && pwd", from_team="beta")
    assert again.session_id == told.session_id
    assert again.response == f"tool said: before\n{worktree_of(tmp_path, told.session_id)}"
    [status] = await second.team_status(team="alpha", from_team="beta")
    assert status.worktree is not None and status.worktree.path == f"worktrees/alpha/{short(told.session_id)}"
    assert len(git(Path(config.teams["alpha"].path), "worktree", "list").splitlines()) == 2


def test_the_api_shows_worktrees_without_machine_paths(tmp_path: Path, home: Path, standin: ModelStandIn) -> None:
    repo = make_repo(tmp_path / "projects" / "alpha")
    config = write_config(tmp_path, standin, {"alpha": {"isolation": "worktree"}, "beta": {}})
    assert config.teams["alpha"].path == str(repo)
    with LiveServer(config) as live, httpx.Client(base_url=live.url, timeout=60) as client:
        told = client.post("/api/teams/tell", json={"toTeam": "alpha", "message": "#bash:echo x > x.txt"})
        assert told.status_code == 200, told.text
        session = uuid.UUID(told.json()["sessionId"])
        where = f"worktrees/alpha/{short(session)}"
        [status] = client.get("/api/teams/status", params={"team": "alpha"}).json()["items"]
        assert status["worktree"]["branch"] == f"iris/alpha/{short(session)}"
        assert status["worktree"]["path"] == where and status["worktree"]["untrackedFiles"] == 1
        report = client.get("/api/teams/alpha/report").json()
        assert report["session"]["worktree"]["path"] == where and report["session"]["worktree"]["dirty"] is True
        assert str(tmp_path) not in str(status) + str(report["session"]["worktree"])
        deleted = client.delete("/api/teams/alpha/delete")
        assert deleted.status_code == 200, deleted.text
        assert deleted.json()["worktree"] == {
            "branch": f"iris/alpha/{short(session)}",
            "path": where,
            "outcome": "kept",
            "reason": "uncommitted changes in 1 file; worktree and branch kept",
        }
        [beta] = client.get("/api/teams/status", params={"team": "beta"}).json()["items"]
        assert "worktree" not in beta


async def test_git_failures_are_process_errors_without_paths(
    tmp_path: Path, home: Path, standin: ModelStandIn, engine_factory: Start
) -> None:
    empty = tmp_path / "projects" / "alpha"
    empty.mkdir(parents=True)
    git(empty, "init", "-q")
    file = tmp_path / "config.yaml"
    team = {"path": str(empty), "env": standin.env(), "isolation": "worktree"}
    file.write_text(yaml.safe_dump({"database": {"path": str(tmp_path / "iris.db")}, "teams": {"alpha": team}}))
    engine: Engine = await engine_factory(load_config(file))
    told = await engine.tell("alpha", "hello")
    assert told.status == "failed" and told.reason is not None
    assert "Team 'alpha' asks for worktree isolation but its repository has no commit yet" in told.reason
    make_repo(empty)
    session = uuid.uuid4()
    blocker = worktree_of(tmp_path, session)
    blocker.parent.mkdir(parents=True, exist_ok=True)
    blocker.write_text("in the way")
    with pytest.raises(ProcessError) as error:
        await engine.worktrees.ensure("alpha", engine.config.teams["alpha"], session)
    assert error.value.message.startswith("git worktree failed (exit 128): fatal: ")
    assert "<path>" in error.value.message and str(tmp_path) not in error.value.message
