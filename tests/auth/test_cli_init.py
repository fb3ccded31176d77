"""`litestar iris init [FOLDER...]`: a config with one team per folder in IRIS_HOME, and a first admin key."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner, Result

from app.auth.audit import AuditLog
from app.auth.cli import iris
from app.auth.store import KeyStore
from app.cli.init import init, team_name
from app.config import load_config

KEY_LINE = re.compile(r"^  export IRIS_API_KEY=(iris_sk_\S+)$", re.MULTILINE)


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private IRIS_HOME (not made yet) and no IRIS_CONFIG_PATH."""
    monkeypatch.setenv("IRIS_HOME", str(tmp_path / "iris"))
    monkeypatch.delenv("IRIS_CONFIG_PATH", raising=False)
    monkeypatch.chdir(tmp_path)
    return tmp_path / "iris"


def run(*args: str) -> Result:
    if "init" not in iris.commands:
        iris.add_command(init)
    return CliRunner().invoke(iris, ["init", *args], catch_exceptions=False)


def folders(root: Path, *names: str) -> list[str]:
    made = []
    for name in names:
        (root / name).mkdir(parents=True)
        made.append(str(root / name))
    return made


def test_one_team_per_folder_and_a_working_admin_key(home: Path, tmp_path: Path) -> None:
    paths = folders(tmp_path, "web", "api")
    result = run(*paths)
    assert result.exit_code == 0, result.output
    written = home / "config.yaml"
    config = load_config(written)
    assert {name: team.path for name, team in config.teams.items()} == {"web": paths[0], "api": paths[1]}
    assert list(yaml.safe_load(written.read_text())) == ["teams"]  # everything else keeps its default
    [key] = KEY_LINE.findall(result.stdout)
    assert f"Wrote {written} with 2 teams" in result.stdout
    assert "Start the server: python -m app serve\n" in result.stdout  # it finds IRIS_HOME/config.yaml itself
    assert "http://127.0.0.1:1615/schema/swagger" in result.stdout
    assert 'litestar iris tell web "' in result.stdout

    async def check() -> None:
        async with KeyStore(config.api.key_store_path) as store:
            record = await store.authenticate(key)
            assert record is not None and record.role == "admin" and record.teams is None
        log = AuditLog(config.api.audit_log_path)
        await log.open(prune=False)
        try:
            [entry] = (await log.query(event="key_created")).items
            assert entry.key_id == record.id and entry.details == {"via": "cli", "command": "init"}
        finally:
            await log.close()

    asyncio.run(check())


def test_no_folder_is_this_folder(home: Path, tmp_path: Path) -> None:
    result = run()
    assert result.exit_code == 0, result.output
    assert load_config(home / "config.yaml").teams[tmp_path.name].path == str(tmp_path)


def test_names_are_made_valid_and_clashes_get_a_number(home: Path, tmp_path: Path) -> None:
    paths = folders(tmp_path, "a/app", "b/app", "my project", "external", "c/app")
    result = run(*paths)
    assert result.exit_code == 0, result.output
    teams = {name: team.path for name, team in load_config(home / "config.yaml").teams.items()}
    assert teams == {
        "app": paths[0],
        "app-2": paths[1],
        "my-project": paths[2],
        "external-2": paths[3],
        "app-3": paths[4],
    }
    notes = result.stderr.splitlines()
    assert f"team app-2: {paths[1]} (its name 'app' is taken)" in notes
    assert f"team my-project: {paths[2]} (its name 'my project' is not a team name)" in notes
    assert f"team external-2: {paths[3]} (its name 'external' is taken)" in notes
    again = folders(tmp_path, "d/app")
    assert run("--force", paths[0], paths[0], *again).exit_code == 0  # the same folder twice is one team
    assert list(load_config(home / "config.yaml").teams) == ["app", "app-2"]


def test_team_name_rule() -> None:
    assert team_name(Path("/x/alpha")) == "alpha"
    assert team_name(Path("/x/.hidden")) == "hidden"
    assert team_name(Path("/x/été 2025")) == "t-2025"
    assert team_name(Path("/x/" + "a" * 80)) == "a" * 64
    assert team_name(Path("/x/...")) is None and team_name(Path("/x/日本")) is None


def test_an_existing_config_is_kept_unless_force(home: Path, tmp_path: Path) -> None:
    home.mkdir()
    (home / "config.yaml").write_text("teams: {}\n")
    [path] = folders(tmp_path, "alpha")
    refused = run(path)
    assert refused.exit_code == 1 and refused.stdout == ""
    assert refused.stderr == f"error: {home / 'config.yaml'} exists already; give --force to replace it\n"
    assert (home / "config.yaml").read_text() == "teams: {}\n"
    forced = run("--force", path)
    assert forced.exit_code == 0 and list(load_config(home / "config.yaml").teams) == ["alpha"]


def test_bad_folders_are_refused(home: Path, tmp_path: Path) -> None:
    (tmp_path / "file.txt").write_text("x")
    for args, said in [
        ((str(tmp_path / "missing"),), f"error: {tmp_path / 'missing'}: expected an existing folder\n"),
        ((str(tmp_path / "file.txt"),), f"error: {tmp_path / 'file.txt'}: expected an existing folder\n"),
        (tuple(folders(tmp_path, "日本")), None),
    ]:
        result = run(*args)
        assert result.exit_code == 1 and result.stdout == "" and result.stderr.count("\n") == 1, result.output
        assert said is None or result.stderr == said
        assert not (home / "config.yaml").exists()


def test_config_option_names_the_file(home: Path, tmp_path: Path) -> None:
    [path] = folders(tmp_path, "alpha")
    target = tmp_path / "elsewhere" / "iris.yaml"
    if "init" not in iris.commands:
        iris.add_command(init)
    result = CliRunner().invoke(iris, ["--config", str(target), "init", path], catch_exceptions=False)
    assert result.exit_code == 0 and list(load_config(target).teams) == ["alpha"]
    assert f"Start the server: python -m app serve --config {target}\n" in result.stdout
    assert f'litestar iris --config {target} tell alpha "' in result.stdout
    assert not (home / "config.yaml").exists()
