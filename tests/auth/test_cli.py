"""`litestar iris key ...` and `litestar iris audit`: through click's runner and as real processes."""

from __future__ import annotations

import asyncio
import datetime
import hashlib
import json
import subprocess
from pathlib import Path
from typing import Any

import msgspec
import pytest
from click.testing import CliRunner, Result

from app.api.app import find_config_path
from app.api.models import ApiKey, AuditEntry, CreatedApiKey
from app.auth.audit import AuditLog
from app.auth.cli import IrisCLIPlugin, iris, load_stores, parse_since, resolve_config_path
from app.auth.keys import KEY_PATTERN
from app.auth.store import KeyStore
from app.config import load_config
from app.db.models import SpendRecord
from app.db.store import Store
from tests.auth.conftest import PYTHON, ROOT, AuthPaths

LITESTAR = str(Path(PYTHON).with_name("litestar"))


def run(*args: str) -> Result:
    """Run the `iris` group in-process."""
    return CliRunner().invoke(iris, list(args), catch_exceptions=False)


def test_generate_prints_the_key_once(auth_paths: AuthPaths) -> None:
    result = run("key", "generate", "ci-runner", "--role", "operator", "--env", "prod", "--teams", "alpha,beta")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert len(lines) == 1 and KEY_PATTERN.fullmatch(lines[0]) and lines[0].startswith("iris_sk_prod_")
    assert "Created key k_" in result.stderr and "not shown again" in result.stderr
    assert "teams: alpha, beta" in result.stderr
    listed = run("key", "list")
    assert lines[0] not in listed.output and lines[0][-40:] not in listed.output
    assert "ci-runner" in listed.output and "operator" in listed.output and "alpha,beta" in listed.output
    assert auth_paths.keys.exists()


def test_generate_json_matches_the_contract(auth_paths: AuthPaths) -> None:
    result = run("key", "generate", "bot", "--permissions", "team:tell,cache:read", "--expires", "7", "--json")
    assert result.exit_code == 0, result.output
    created = msgspec.convert(json.loads(result.stdout), CreatedApiKey)
    assert created.role is None and [p.value for p in created.permissions] == ["team:tell", "cache:read"]
    assert created.expires_at is not None and created.teams is None and created.env is None
    assert created.expires_at - created.created_at == datetime.timedelta(days=7)


def test_list_json_active_and_revoke(auth_paths: AuthPaths) -> None:
    first = json.loads(run("key", "generate", "one", "--json").stdout)
    second = json.loads(run("key", "generate", "two", "--role", "admin", "--json").stdout)
    revoked = run("key", "revoke", first["id"])
    assert revoked.exit_code == 0 and revoked.stdout == f"Revoked key {first['id']} (one).\n"
    again = run("key", "revoke", first["id"])
    assert again.exit_code == 0 and "already revoked" in again.stdout

    everything = msgspec.convert(json.loads(run("key", "list", "--json").stdout), list[ApiKey])
    assert [(k.id, k.active) for k in everything] == [(second["id"], True), (first["id"], False)]
    active = msgspec.convert(json.loads(run("key", "list", "--active", "--json").stdout), list[ApiKey])
    assert [k.id for k in active] == [second["id"]]
    assert "revoked" in run("key", "list").stdout

    prefix = hashlib.sha256(second["key"].encode()).hexdigest()[:12]
    by_hash = run("key", "revoke", prefix, "--json")
    assert by_hash.exit_code == 0 and json.loads(by_hash.stdout)["id"] == second["id"]
    assert run("key", "list", "--active").stdout == "No active keys.\n"


def test_audit_lists_entries(auth_paths: AuthPaths) -> None:
    async def write() -> None:
        log = AuditLog(auth_paths.audit)
        await log.open()
        log.record(
            "auth_failure",
            client_address="10.1.1.1",
            method="GET",
            path="/api/teams",
            status_code=401,
            error="Missing or invalid API key",
        )
        log.record(
            "tell",
            key_id="k_7Hq2mZ9xLp",
            key_name="ci-runner",
            method="POST",
            path="/api/teams/tell",
            status_code=200,
            details={"toTeam": "alpha"},
        )
        await log.close()

    asyncio.run(write())
    table = run("audit")
    assert table.exit_code == 0
    lines = table.stdout.splitlines()
    assert lines[0].split()[:3] == ["ID", "TIME", "EVENT"]
    assert "tell" in lines[1] and "POST /api/teams/tell" in lines[1] and "auth_failure" in lines[2]
    entries = msgspec.convert(json.loads(run("audit", "--json").stdout), list[AuditEntry])
    assert [e.event.value for e in entries] == ["tell", "auth_failure"]
    assert entries[0].details == {"toTeam": "alpha"}
    only = json.loads(run("audit", "--event", "auth_failure", "--since", "1h", "--limit", "5", "--json").stdout)
    assert [e["event"] for e in only] == ["auth_failure"]
    assert json.loads(run("audit", "--since", "2999-01-01", "--json").stdout) == []
    assert json.loads(run("audit", "--key", "k_7Hq2mZ9xLp", "--json").stdout)[0]["keyName"] == "ci-runner"
    assert run("audit", "--limit", "1", "--json").stdout.count('"id"') == 1


def test_empty_stores(auth_paths: AuthPaths) -> None:
    assert run("key", "list").stdout == "No keys.\n"
    assert run("key", "list", "--json").stdout == "[]\n"
    assert run("audit").stdout == "No audit entries.\n"


USAGE_ERRORS = [
    ("key", "generate"),
    ("key", "generate", "x", "--role", "viewer", "--permissions", "cache:read"),
    ("key", "generate", "x", "--role", "root"),
    ("key", "generate", "x", "--env", "staging"),
    ("key", "generate", "x", "--expires", "0"),
    ("key", "generate", "x", "--expires", "soon"),
    ("key", "generate", "x", "--teams", ","),
    ("key", "generate", "x", "--bogus"),
    ("key", "revoke"),
    ("key", "frobnicate"),
    ("audit", "--since", "yesterday"),
    ("audit", "--event", "auth.success"),
    ("audit", "--limit", "0"),
    ("nope",),
    ("--bogus",),
]
"""What click's parser (or a check of the command line alone) refuses: Litestar's style, status 2."""

FAILURES = [
    ("key", "generate", "x", "--permissions", "team:tell,team:fly"),
    ("key", "generate", "x", "--permissions", ","),
    ("key", "generate", "x", "--teams", "gamma"),
    ("key", "generate", "bad/name"),
    ("key", "revoke", "k_ZZZZZZZZZZ"),
    ("key", "revoke", "k_ZZ"),
    ("key", "revoke", "abc"),
    ("key", "revoke", "iris_sk_" + "a" * 40),
]
"""What the config or the stores refuse: one line, status 1."""


@pytest.mark.parametrize("args", USAGE_ERRORS, ids=[" ".join(a)[:40] for a in USAGE_ERRORS])
def test_a_usage_error_is_litestars_and_status_2(auth_paths: AuthPaths, args: tuple[str, ...]) -> None:
    result = run(*args)
    assert result.exit_code == 2
    assert result.stdout == ""
    lines = [line.strip() for line in result.stderr.splitlines() if line.strip()]
    assert lines[0].startswith("Usage: ") and lines[1].startswith("╭─ Error ─") and lines[-1].startswith("╰─"), lines
    assert len(lines) >= 4 and all(line.startswith("│ ") and line.endswith(" │") for line in lines[2:-1]), lines
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("args", FAILURES, ids=[" ".join(a)[:40] for a in FAILURES])
def test_a_failure_is_one_line_and_status_1(auth_paths: AuthPaths, args: tuple[str, ...]) -> None:
    result = run(*args)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.startswith("error: ") and result.stderr.count("\n") == 1, result.stderr
    assert "Traceback" not in result.stderr


def test_a_bad_config_is_one_line(auth_paths: AuthPaths, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("IRIS_CONFIG_PATH", str(auth_paths.config.with_name("missing.yaml")))
    result = run("key", "list")
    assert result.exit_code == 1 and result.stderr.count("\n") == 1 and "cannot be read" in result.stderr
    auth_paths.config.write_text("teams: [1, 2]\n")
    monkeypatch.setenv("IRIS_CONFIG_PATH", str(auth_paths.config))
    result = run("key", "list")
    assert result.exit_code == 1 and result.stderr.count("\n") == 1


def test_help_and_no_subcommand(auth_paths: AuthPaths) -> None:
    for args in ((), ("key",), ("--help",), ("key", "generate", "--help")):
        result = run(*args)
        assert result.exit_code == 0 and "Usage:" in result.stdout


def test_config_resolution(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    home = tmp_path / "home"
    env = {"IRIS_HOME": str(home)}
    assert resolve_config_path(None, env) is None
    stores = load_stores(None, env)
    assert stores.key_store_path == home / "keys.db" and stores.audit_log_path == home / "audit.db"
    assert stores.config is None and stores.teams is None and stores.retention_days == 90
    (tmp_path / "config.example.yaml").write_text("teams: {}\napi: {keyStorePath: /x/k.db}\n")
    assert resolve_config_path(None, env) == tmp_path / "config.example.yaml"
    assert load_stores(None, env).key_store_path == Path("/x/k.db")
    (tmp_path / "config.yaml").write_text("teams: {}\n")
    assert resolve_config_path(None, env) == tmp_path / "config.yaml"
    home.mkdir()
    (home / "config.yaml").write_text("teams: {}\n")
    assert resolve_config_path(None, env) == home / "config.yaml"
    assert resolve_config_path(None, {**env, "IRIS_CONFIG_PATH": "/a.yaml"}) == Path("/a.yaml")
    assert resolve_config_path("/b.yaml", {**env, "IRIS_CONFIG_PATH": "/a.yaml"}) == Path("/b.yaml")


@pytest.mark.parametrize("present", [(), ("example",), ("example", "local"), ("example", "local", "home")])
def test_config_resolution_agrees_with_the_server(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, present: tuple[str, ...]
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("IRIS_CONFIG_PATH", raising=False)
    monkeypatch.setenv("IRIS_HOME", str(tmp_path / "home"))
    (tmp_path / "home").mkdir()
    files = {"example": "config.example.yaml", "local": "config.yaml", "home": "home/config.yaml"}
    for name in present:
        (tmp_path / files[name]).write_text("teams: {}\n")
    mine = resolve_config_path()
    theirs = find_config_path()
    if mine is None:
        assert not theirs.is_file()
    else:
        assert mine.resolve() == theirs.resolve()


def test_config_option(auth_paths: AuthPaths, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("IRIS_CONFIG_PATH")
    result = run("--config", str(auth_paths.config), "key", "generate", "x")
    assert result.exit_code == 0 and auth_paths.keys.exists()


def test_parse_since() -> None:
    now = datetime.datetime(2025, 1, 16, 12, tzinfo=datetime.UTC)
    assert parse_since("15m", now) == now - datetime.timedelta(minutes=15)
    assert parse_since("7d", now) == now - datetime.timedelta(days=7)
    assert parse_since("2025-01-16T10:00:00Z", now) == now - datetime.timedelta(hours=2)
    assert parse_since("2025-01-16", now) == datetime.datetime(2025, 1, 16, tzinfo=datetime.UTC)


def test_plugin_adds_the_group() -> None:
    import click
    from litestar.plugins import CLIPluginProtocol

    plugin = IrisCLIPlugin()
    assert isinstance(plugin, CLIPluginProtocol)
    group = click.Group("litestar")
    plugin.on_cli_init(group)
    assert group.commands["iris"] is iris


def _process(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False)


@pytest.mark.slow
def test_litestar_iris_through_the_plugin(auth_paths: AuthPaths) -> None:
    env = {**auth_paths.env, "LITESTAR_APP": "tests.auth.litestar_app:app"}
    made = _process([LITESTAR, "iris", "key", "generate", "deploy", "--role", "developer", "--json"], env)
    assert made.returncode == 0, made.stderr
    created = msgspec.convert(json.loads(made.stdout), CreatedApiKey)

    async def check() -> None:
        async with KeyStore(auth_paths.keys) as store:
            record = await store.authenticate(created.key)
            assert record is not None and record.role == "developer"

    asyncio.run(check())
    bad = _process([LITESTAR, "iris", "key", "generate", "x", "--role", "root"], env)
    assert bad.returncode == 2 and bad.stdout == ""
    assert "Usage: litestar iris key generate" in bad.stderr and "Invalid value for '--role'" in bad.stderr
    failed = _process([LITESTAR, "iris", "key", "generate", "x", "--teams", "gamma"], env)
    assert failed.returncode == 1 and failed.stdout == ""
    assert failed.stderr == "error: --teams: gamma is not a configured team (configured: alpha, beta)\n"


@pytest.mark.slow
def test_python_m_runs_the_same_group(auth_paths: AuthPaths) -> None:
    listed = _process([PYTHON, "-m", "app.auth.cli", "key", "list", "--json"], auth_paths.env)
    assert listed.returncode == 0 and json.loads(listed.stdout) == []
    bad = _process([PYTHON, "-m", "app.auth.cli", "key", "revoke", "k_ZZZZZZZZZZ"], auth_paths.env)
    assert bad.returncode == 1 and bad.stderr == "error: No key with id k_ZZZZZZZZZZ\n"


def test_an_admin_key_with_teams_comes_with_a_warning(auth_paths: AuthPaths) -> None:
    scoped = run("key", "generate", "boss", "--role", "admin", "--teams", "alpha")
    assert scoped.exit_code == 0, scoped.output
    [warning] = [line for line in scoped.stderr.splitlines() if line.startswith("warning:")]
    assert "every permission, but only within alpha" in warning
    assert "create, list and revoke keys whose teams are within them" in warning  # what it can do
    assert "may not reach any other team" in warning and "create a key without --teams" in warning  # and cannot
    assert KEY_PATTERN.fullmatch(scoped.stdout.strip())  # the key itself is still the only line on stdout
    explicit = run("key", "generate", "boss2", "--permissions", "admin", "--teams", "alpha,beta", "--json")
    assert explicit.exit_code == 0 and "only within alpha, beta" in explicit.stderr
    assert json.loads(explicit.stdout)["teams"] == ["alpha", "beta"]
    for quiet in (("--role", "admin"), ("--role", "developer", "--teams", "alpha"), ("--teams", "beta")):
        made = run("key", "generate", "quiet", *quiet)
        assert made.exit_code == 0 and "warning" not in made.stderr, quiet


def test_key_commands_are_audited(auth_paths: AuthPaths) -> None:
    made = json.loads(run("key", "generate", "audited", "--role", "operator", "--teams", "alpha", "--json").stdout)
    assert run("key", "revoke", made["id"]).exit_code == 0
    assert run("key", "revoke", made["id"]).exit_code == 0  # already revoked: nothing changes, nothing recorded
    entries = msgspec.convert(json.loads(run("audit", "--json").stdout), list[AuditEntry])
    rows = [(e.event.value, e.key_id, (e.details or {}).get("via"), (e.details or {}).get("command")) for e in entries]
    assert sorted(rows) == sorted(
        [("key_created", made["id"], "cli", "key generate"), ("key_revoked", made["id"], "cli", "key revoke")]
    )
    assert all(made["key"] not in json.dumps(e.details) for e in entries)


def test_revoke_takes_a_unique_prefix_of_the_id(auth_paths: AuthPaths) -> None:
    async def make() -> list[str]:
        ids: list[str] = []
        async with KeyStore(auth_paths.keys) as store:
            while len({i[2] for i in ids}) == len(ids):  # until two ids share their first character
                ids.append((await store.create(f"k{len(ids)}")).record.id)
        return ids

    ids = asyncio.run(make())
    shared = next(i[:3] for i in ids if sum(j.startswith(i[:3]) for j in ids) > 1)
    twins = sorted(i for i in ids if i.startswith(shared))
    ambiguous = run("key", "revoke", shared)
    assert ambiguous.exit_code == 1 and ambiguous.stdout == "" and ambiguous.stderr.count("\n") == 1
    assert ambiguous.stderr.startswith(f"error: Ambiguous: {len(twins)} keys' ids start with {shared}: ")
    assert all(f"{i} (k{ids.index(i)})" in ambiguous.stderr for i in twins)

    target = twins[0]
    prefix = next(target[:n] for n in range(3, 13) if sum(j.startswith(target[:n]) for j in ids) == 1)
    revoked = run("key", "revoke", prefix)
    assert revoked.exit_code == 0 and revoked.stdout == f"Revoked key {target} (k{ids.index(target)}).\n"
    active = {k["id"] for k in json.loads(run("key", "list", "--active", "--json").stdout)}
    assert active == set(ids) - {target}

    unknown = next(
        f"k_{c}"
        for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
        if not any(i.startswith(f"k_{c}") for i in ids)
    )
    missing = run("key", "revoke", unknown)
    assert missing.exit_code == 1 and missing.stderr == f"error: No key whose id starts with {unknown}\n"
    assert {k["id"] for k in json.loads(run("key", "list", "--active", "--json").stdout)} == active


def test_generate_with_a_budget_and_list_what_it_spent(auth_paths: AuthPaths) -> None:
    made = run("key", "generate", "ci", "--role", "operator", "--budget-usd", "5", "--budget-period", "day")
    assert made.exit_code == 0, made.output
    assert "budget: $5.00/day" in made.stderr
    key_id = next(r.id for r in asyncio.run(_records(auth_paths.keys)))
    today = datetime.datetime.now(datetime.UTC).replace(hour=0, minute=0, second=0, microsecond=0)

    async def spend() -> None:
        """Ledger rows as the server leaves them: one of today, one of yesterday (another period)."""
        store = Store(load_config(auth_paths.config).database_url)
        await store.open()
        try:
            async with store.session() as db:
                db.add(
                    SpendRecord(at=today + datetime.timedelta(seconds=5), team="alpha", key_id=key_id, cost_usd=1.25)
                )
                db.add(SpendRecord(at=today - datetime.timedelta(seconds=5), team="alpha", key_id=key_id, cost_usd=3.0))
                await db.commit()
        finally:
            await store.close()

    asyncio.run(spend())
    [shown] = msgspec.convert(json.loads(run("key", "list", "--json").stdout), list[ApiKey])
    assert shown.budget is not None and shown.budget.limit_usd == 5.0 and shown.budget.period.value == "day"
    assert shown.budget.spent_usd == 1.25 and shown.spent_usd == 1.25
    assert shown.budget.resets_at == today + datetime.timedelta(days=1)
    table = run("key", "list").stdout
    assert "SPENT" in table and "$1.2500" in table and "$5.00/day" in table

    without = run("key", "generate", "plain")
    assert without.exit_code == 0 and "budget: none" in without.stderr
    assert run("key", "generate", "x", "--budget-period", "day").exit_code == 2
    assert run("key", "generate", "x", "--budget-usd", "0").exit_code == 2


async def _records(path: Path) -> list[Any]:
    """The keys of a key store."""
    async with KeyStore(path) as store:
        return list((await store.list_keys()).items)
