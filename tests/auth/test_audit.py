"""The audit log: batches, flush and close, retention, queries, and never a key."""

from __future__ import annotations

import asyncio
import datetime
import json
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path

import msgspec
import pytest
import yaml

from app.api.auth.mappers import audit_entry
from app.api.models import AuditEntry
from app.api.operations import load, operations, table
from app.auth.audit import AUDIT_EVENTS, AuditLog, AuditRecord
from app.auth.db import Page
from app.auth.keys import KeyRecord, generate_key
from app.errors import ValidationError
from app.spec import SPEC_PATH
from tests.auth.conftest import PYTHON, ROOT, AuthPaths

NOW = datetime.datetime(2025, 1, 16, 12, 0, tzinfo=datetime.UTC)


def rows(path: Path) -> list[tuple[int, str]]:
    """(id, event) of every row, read by another connection."""
    return sqlite3.connect(path).execute("select id, event from iris_audit_event order by id").fetchall()


@pytest.fixture
async def audit(tmp_path: Path) -> AsyncIterator[AuditLog]:
    log = AuditLog(tmp_path / "audit.db", 90, flush_interval=0.05, batch_size=10)
    await log.open()
    yield log
    await log.close()


def test_event_names_are_the_contracts() -> None:
    spec = yaml.safe_load(SPEC_PATH.read_text())
    assert list(AUDIT_EVENTS) == spec["components"]["schemas"]["AuditEventType"]["enum"]
    named = {op.audit for op in operations()} | {message.audit for message in table().messages.values()}
    assert named - {None} <= set(AUDIT_EVENTS)


def test_every_state_changing_operation_has_an_event() -> None:
    spec = yaml.safe_load(SPEC_PATH.read_text())
    changing = {
        op["operationId"]
        for item in spec["paths"].values()
        for method, op in item.items()
        if method in ("post", "put", "patch", "delete")
    }
    assert {op.operation_id for op in operations() if op.audit is not None} == changing
    operation_events = {op.audit for op in operations()} - {None}
    assert set(AUDIT_EVENTS) - operation_events == {"auth_success", "auth_failure", "forbidden", "rate_limited"}
    assert table().messages["tell:start"].audit == "tell"


def test_an_audit_event_outside_the_contract_is_refused(tmp_path: Path) -> None:
    """The table will not load an `x-iris-audit` that is not an AuditEventType."""
    bad = tmp_path / "iris.yaml"
    bad.write_text(SPEC_PATH.read_text().replace("x-iris-audit: cancel", "x-iris-audit: cancelled", 1))
    with pytest.raises(ValueError, match="cancelTell: x-iris-audit: 'cancelled' is not an AuditEventType"):
        load(bad)


async def test_background_writer_writes_in_batches(audit: AuditLog, monkeypatch: pytest.MonkeyPatch) -> None:
    sizes: list[int] = []
    original = audit.flush

    async def counting() -> int:
        written = await original()
        if written:
            sizes.append(written)
        return written

    monkeypatch.setattr(audit, "flush", counting)
    for i in range(250):
        audit.record("tell", key_id="k_1", status_code=200, details={"i": i})
    assert audit.pending == 250  # record() never waits for the database
    for _ in range(200):
        await asyncio.sleep(0.02)
        if len(rows(audit.path)) == 250:
            break
    assert [event for _, event in rows(audit.path)] == ["tell"] * 250
    assert sum(sizes) == 250 and len(sizes) <= 3  # a few transactions, not 250


async def test_timer_flushes_a_small_batch(audit: AuditLog) -> None:
    audit.record("auth_success", key_id="k_1")
    for _ in range(100):
        await asyncio.sleep(0.02)
        if rows(audit.path):
            break
    assert rows(audit.path) == [(1, "auth_success")]


async def test_close_loses_nothing(tmp_path: Path) -> None:
    log = AuditLog(tmp_path / "audit.db", flush_interval=3600, batch_size=100_000)
    await log.open()
    for i in range(1000):
        log.record("auth_failure", client_address=f"10.0.0.{i % 256}", status_code=401)
    assert rows(log.path) == []
    await log.close()
    assert len(rows(log.path)) == 1000
    log.record("tell")  # after close: refused with a warning, not an error
    assert log.pending == 0


async def test_rows_recorded_before_open_are_kept(tmp_path: Path) -> None:
    log = AuditLog(tmp_path / "audit.db")
    log.record("key_created", key_id="k_1", key_name="ci")
    await log.open()
    await log.close()
    assert rows(log.path) == [(1, "key_created")]


async def test_unknown_event_is_a_programming_error(audit: AuditLog) -> None:
    with pytest.raises(ValueError):
        audit.record("auth.success")


async def test_retention_on_open_and_daily(tmp_path: Path) -> None:
    now = [NOW]
    log = AuditLog(tmp_path / "audit.db", 30, clock=lambda: now[0], flush_interval=0.02, prune_interval=0.05)
    log.record("tell", at=NOW - datetime.timedelta(days=31))
    log.record("wake", at=NOW - datetime.timedelta(days=29))
    await log.open(prune=False)
    await log.flush()
    await log.close()
    assert [e for _, e in rows(log.path)] == ["tell", "wake"]

    reopened = AuditLog(tmp_path / "audit.db", 30, clock=lambda: now[0], flush_interval=0.02, prune_interval=0.05)
    await reopened.open()  # prunes on open
    assert [e for _, e in rows(log.path)] == ["wake"]
    now[0] = NOW + datetime.timedelta(days=2)  # a day later the writer prunes again, without a restart
    for _ in range(100):
        await asyncio.sleep(0.02)
        if not rows(log.path):
            break
    assert rows(log.path) == []
    reopened.record("sleep")
    await reopened.close()
    assert [e for _, e in rows(log.path)] == ["sleep"]
    assert rows(log.path)[0][0] == 3  # ids are never reused


async def test_a_scope_sees_only_rows_whose_teams_are_within_it(audit: AuditLog) -> None:
    alpha_key = KeyRecord("k_alpha00000", "alpha-ci", "operator", ("team:tell",), ("alpha",), None, NOW)
    wide_key = KeyRecord("k_wide000000", "ci", "admin", ("admin",), None, None, NOW)
    audit.record("tell", key=wide_key, team="alpha", from_team="external")  # 1: about alpha
    audit.record("tell", key=wide_key, team="alpha", from_team="beta")  # 2: alpha and beta
    audit.record("auth_success", key=alpha_key)  # 3: a key within alpha, about no team: its scope
    audit.record("auth_success", key=wide_key)  # 4: a key without a scope
    audit.record("auth_failure", status_code=401)  # 5: an unknown client
    audit.record("wake_all", key=alpha_key, from_team="external", teams=["alpha", "beta"])  # 6: every team
    audit.record("key_created", key=alpha_key, teams=None)  # 7: made a key without a scope
    audit.record("key_created", key=wide_key, teams=["alpha"])  # 8: a key within alpha
    audit.record("tell", team="x" * 200, from_team="alpha")  # 9: a malformed team is not stored

    def ids(page: Page[AuditRecord]) -> list[int]:
        return [e.id for e in page.items]

    assert ids(await audit.query(within=["alpha"])) == [9, 8, 3, 1]
    assert ids(await audit.query(within=["alpha", "beta"])) == [9, 8, 6, 3, 2, 1]
    assert ids(await audit.query(within=["gamma"])) == []
    assert len((await audit.query()).items) == 9
    [told] = (await audit.query(within=["alpha"], event="tell", limit=1)).items
    assert (told.team, told.from_team, told.teams) == (None, "alpha", ("alpha",))
    second = audit_entry(next(e for e in (await audit.query()).items if e.id == 2))
    assert (second.team, second.from_team) == ("alpha", "beta")


async def test_query_filters_and_pages_newest_first(audit: AuditLog) -> None:
    key = KeyRecord("k_7Hq2mZ9xLp", "ci-runner", "operator", ("team:tell",), None, "prod", NOW)
    for i in range(7):
        audit.record(
            "tell" if i % 2 else "auth_success",
            key=key if i < 5 else None,
            client_address="127.0.0.1",
            method="POST",
            path="/api/teams/tell",
            status_code=200,
            details={"n": i},
            at=NOW + datetime.timedelta(minutes=i),
        )
    page = await audit.query(limit=3)  # flushes what is queued first
    assert [e.details for e in page.items] == [{"n": 6}, {"n": 5}, {"n": 4}]
    ids = [e.id for e in page.items]
    while page.next_cursor:
        page = await audit.query(limit=3, cursor=page.next_cursor)
        ids += [e.id for e in page.items]
    assert ids == [7, 6, 5, 4, 3, 2, 1]
    assert [e.id for e in (await audit.query(event="tell")).items] == [6, 4, 2]
    assert [e.id for e in (await audit.query(key_id="k_7Hq2mZ9xLp")).items] == [5, 4, 3, 2, 1]
    since = await audit.query(since=NOW + datetime.timedelta(minutes=5))
    assert [e.id for e in since.items] == [7, 6]
    entry = msgspec.convert(msgspec.to_builtins(audit_entry(page.items[0])), AuditEntry)
    assert entry.key_name == "ci-runner" and entry.method == "POST"
    for bad in ({"event": "nope"}, {"cursor": "!!"}, {"limit": 0}, {"since": NOW.replace(tzinfo=None)}):
        with pytest.raises(ValidationError):
            await audit.query(**bad)  # type: ignore[arg-type]


async def test_a_key_is_never_written(tmp_path: Path) -> None:
    key = generate_key("prod")
    other = generate_key()
    log = AuditLog(tmp_path / "audit.db")
    await log.open()
    log.record(
        "auth_failure",
        key_name=f"name {key}",
        client_address="127.0.0.1",
        method="GET",
        path=f"/api/teams?token={key}",
        status_code=401,
        error=f"Invalid API key {key}",
        details={
            "authorization": f"Bearer {other}",
            "nested": [key, {"k": key}],
            key: "as a mapping key",
            "truncated": key[:30],
        },
    )
    await log.close()
    raw = b"".join(p.read_bytes() for p in tmp_path.iterdir() if p.name.startswith("audit.db"))
    for secret in (key, key[-40:], other[-40:], key[13:30]):
        assert secret.encode() not in raw
    entry = (await _read(tmp_path / "audit.db")).items[0]
    assert entry.error == "Invalid API key iris_sk_[REDACTED]"
    assert entry.details is not None and entry.details["authorization"] == "Bearer [REDACTED]"


async def _read(path: Path):  # type: ignore[no-untyped-def]
    log = AuditLog(path)
    await log.open(prune=False)
    try:
        return await log.query()
    finally:
        await log.close()


@pytest.mark.slow
async def test_the_cli_reads_while_the_server_writes(auth_paths: AuthPaths) -> None:
    log = AuditLog(auth_paths.audit, flush_interval=0.01, batch_size=5)
    await log.open()
    stop = asyncio.Event()

    async def busy() -> None:
        while not stop.is_set():
            log.record("tell", key_id="k_1", status_code=200)
            await asyncio.sleep(0.005)

    worker = asyncio.create_task(busy())
    await asyncio.sleep(0.1)
    process = await asyncio.create_subprocess_exec(
        PYTHON,
        "-m",
        "app.auth.cli",
        "audit",
        "--json",
        "--limit",
        "5",
        "--event",
        "tell",
        cwd=ROOT,
        env=auth_paths.env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await process.communicate()
    stop.set()
    await worker
    await log.close()
    assert process.returncode == 0, err.decode()
    entries = msgspec.convert(json.loads(out), list[AuditEntry])
    assert len(entries) == 5 and [e.id for e in entries] == sorted((e.id for e in entries), reverse=True)
