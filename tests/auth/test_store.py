"""The key store: create, list, revoke, authenticate, expiry, usage, migrations, and a second process."""

from __future__ import annotations

import asyncio
import datetime
import json
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from alembic import command

from app.auth.db import alembic_config, sqlite_url
from app.auth.keys import hash_key, is_key
from app.auth.models import ApiKeyRow
from app.auth.store import KeyStore
from app.errors import NotFoundError, ValidationError
from tests.auth.conftest import PYTHON, ROOT, AuthPaths


class Clock:
    """A settable clock."""

    def __init__(self) -> None:
        self.now = datetime.datetime(2025, 1, 16, 12, 0, tzinfo=datetime.UTC)

    def __call__(self) -> datetime.datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += datetime.timedelta(**delta)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
async def store(tmp_path: Path, clock: Clock) -> AsyncIterator[KeyStore]:
    async with KeyStore(tmp_path / "keys.db", clock=clock, usage_flush_interval=0.05) as opened:
        yield opened


async def test_create_returns_the_key_once_and_stores_only_its_hash(store: KeyStore, clock: Clock) -> None:
    created = await store.create("ci-runner", role="operator", env="prod", teams=["alpha"], expires_in_days=30)
    assert is_key(created.key) and created.key.startswith("iris_sk_prod_")
    record = created.record
    assert record.role == "operator" and record.teams == ("alpha",) and record.env == "prod"
    assert record.permissions == ("status:read", "cache:read", "team:tell", "team:wake")  # as the contract shows
    assert record.expires_at == clock.now + datetime.timedelta(days=30)
    await store.close()
    raw = b"".join(p.read_bytes() for p in store.path.parent.iterdir() if p.name.startswith("keys.db"))
    assert created.key.encode() not in raw and created.key[-40:].encode() not in raw
    rows = sqlite3.connect(store.path).execute("select id, key_hash from iris_api_key").fetchall()
    assert rows == [(record.id, hash_key(created.key))]


async def test_role_permissions_and_defaults(store: KeyStore) -> None:
    viewer = (await store.create("v")).record
    assert viewer.role == "viewer" and viewer.permissions == ("status:read", "cache:read")
    explicit = (await store.create("e", permissions=["team:fork", "cache:write"])).record
    assert explicit.role is None and explicit.permissions == ("team:fork", "cache:write")
    assert explicit.teams is None and explicit.expires_at is None and explicit.env is None


@pytest.mark.parametrize(
    "kwargs",
    [
        {"role": "viewer", "permissions": ["cache:read"]},
        {"role": "root"},
        {"permissions": ["team:tell", "nope"]},
        {"permissions": []},
        {"expires_in_days": 0},
        {"expires_in_days": 3651},
        {"env": "staging"},
        {"teams": []},
        {"teams": ["-bad"]},
    ],
)
async def test_bad_create_input_is_a_validation_error(store: KeyStore, kwargs: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        await store.create("name", **kwargs)  # type: ignore[arg-type]
    assert (await store.list_keys()).items == []


async def test_authenticate(store: KeyStore) -> None:
    created = await store.create("a", role="developer")
    record = await store.authenticate(created.key)
    assert record is not None and record.id == created.record.id and record.usage_count == 1
    assert await store.authenticate(None) is None
    assert await store.authenticate("") is None
    assert await store.authenticate("iris_sk_nope") is None
    assert await store.authenticate(created.key[:-1] + ("A" if created.key[-1] != "A" else "B")) is None
    outcome = await store.verify("iris_sk_" + "x" * 40)
    assert outcome.reason == "unknown" and not outcome.ok
    assert (await store.verify("bogus")).reason == "malformed"
    assert (await store.verify(None)).reason == "missing"


async def test_revocation_is_effective_at_once_and_idempotent(store: KeyStore) -> None:
    created = await store.create("a")
    assert await store.authenticate(created.key) is not None
    result = await store.revoke(created.record.id)
    assert result.newly_revoked and result.record.revoked_at is not None
    outcome = await store.verify(created.key)
    assert outcome.reason == "revoked" and outcome.key_id == created.record.id and outcome.record is None
    again = await store.revoke(created.record.id)
    assert not again.newly_revoked and again.record.revoked_at == result.record.revoked_at


async def test_expiry_is_effective_without_restart(store: KeyStore, clock: Clock) -> None:
    created = await store.create("a", expires_in_days=1)
    assert await store.authenticate(created.key) is not None
    clock.advance(days=1)
    outcome = await store.verify(created.key)
    assert outcome.reason == "expired" and outcome.key_name == "a"


async def test_revoke_by_hash_prefix(store: KeyStore) -> None:
    created = await store.create("a")
    digest = hash_key(created.key)
    result = await store.revoke(digest[:10].upper())
    assert result.record.id == created.record.id and result.newly_revoked


async def test_revoke_unknown_ambiguous_and_too_short(store: KeyStore, clock: Clock) -> None:
    async with store._session() as db:
        for i, digest in enumerate(["abcd" + "0" * 60, "abcd" + "1" * 60]):
            db.add(
                ApiKeyRow(
                    id=f"k_AAAAAAAAA{i}",
                    name="x",
                    key_hash=digest,
                    env=None,
                    role=None,
                    permissions=["admin"],
                    teams=None,
                    created_at=clock.now,
                    expires_at=None,
                    revoked_at=None,
                    last_used_at=None,
                    usage_count=0,
                )
            )
        await db.commit()
    with pytest.raises(NotFoundError, match="Ambiguous"):
        await store.revoke("abcd")
    assert (await store.revoke("abcd0")).record.id == "k_AAAAAAAAA0"
    with pytest.raises(NotFoundError, match="at least 4"):
        await store.revoke("abc")
    with pytest.raises(NotFoundError):
        await store.revoke("k_ZZZZZZZZZZ")
    with pytest.raises(NotFoundError):
        await store.revoke("ffff")
    with pytest.raises(NotFoundError):
        await store.revoke("not-an-id")
    with pytest.raises(NotFoundError, match="never the key"):
        await store.revoke("iris_sk_" + "a" * 40)


async def test_list_filters_and_pages_newest_first(store: KeyStore, clock: Clock) -> None:
    made = []
    for i in range(5):
        made.append((await store.create(f"k{i}", expires_in_days=1 if i == 1 else None)).record)
        clock.advance(seconds=1)
    await store.revoke(made[0].id)
    clock.advance(days=2)  # k1 expired
    everything = await store.list_keys()
    assert [r.name for r in everything.items] == ["k4", "k3", "k2", "k1", "k0"] and everything.next_cursor is None
    assert [r.name for r in (await store.list_keys(active=True)).items] == ["k4", "k3", "k2"]
    assert [r.name for r in (await store.list_keys(active=False)).items] == ["k1", "k0"]
    first = await store.list_keys(limit=2)
    second = await store.list_keys(limit=2, cursor=first.next_cursor)
    third = await store.list_keys(limit=2, cursor=second.next_cursor)
    assert [r.name for r in first.items + second.items + third.items] == ["k4", "k3", "k2", "k1", "k0"]
    assert third.next_cursor is None
    with pytest.raises(ValidationError):
        await store.list_keys(limit=2, cursor="garbage!")
    with pytest.raises(ValidationError):
        await store.list_keys(limit=0)


async def test_usage_is_counted_in_the_background(store: KeyStore, clock: Clock) -> None:
    created = await store.create("a")
    for _ in range(5):
        assert await store.authenticate(created.key) is not None
    for _ in range(100):  # the writer runs every 50 ms
        await asyncio.sleep(0.05)
        row = sqlite3.connect(store.path).execute("select usage_count from iris_api_key").fetchone()
        if row[0] == 5:
            break
    assert row[0] == 5
    record = await store.get(created.record.id)
    assert record is not None and record.usage_count == 5 and record.last_used_at == clock.now


async def test_usage_is_written_on_close(tmp_path: Path) -> None:
    store = KeyStore(tmp_path / "keys.db", usage_flush_interval=3600)
    await store.open()
    created = await store.create("a")
    for _ in range(3):
        await store.authenticate(created.key)
    await store.close()
    async with KeyStore(tmp_path / "keys.db") as reopened:
        record = await reopened.get(created.record.id)
    assert record is not None and record.usage_count == 3


def test_migrations_match_the_models(tmp_path: Path) -> None:
    for name in ("keys", "audit"):
        config = alembic_config(name, sqlite_url(tmp_path / f"{name}.db"))
        command.upgrade(config, "head")
        command.check(config)  # raises when the models need a migration the folder lacks
        tables = {r[0] for r in sqlite3.connect(tmp_path / f"{name}.db").execute("select name from sqlite_master")}
        assert f"iris_{name}_alembic_version" in tables and "alembic_version" not in tables


async def _cli(paths: AuthPaths, *args: str) -> tuple[int, str, str]:
    process = await asyncio.create_subprocess_exec(
        PYTHON,
        "-m",
        "app.auth.cli",
        *args,
        cwd=ROOT,
        env=paths.env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await process.communicate()
    return process.returncode or 0, out.decode(), err.decode()


@pytest.mark.slow
async def test_a_second_process_shares_the_store_while_it_is_open_and_busy(auth_paths: AuthPaths) -> None:
    async with KeyStore(auth_paths.keys, usage_flush_interval=0.01) as store:
        mine = await store.create("server-side", role="operator")
        stop = asyncio.Event()
        uses = 0

        async def busy() -> None:  # the server keeps authenticating and writing usage meanwhile
            nonlocal uses
            while not stop.is_set():
                assert await store.authenticate(mine.key) is not None
                uses += 1
                await asyncio.sleep(0.01)

        worker = asyncio.create_task(busy())
        code, out, err = await _cli(auth_paths, "key", "generate", "from-cli", "--role", "viewer", "--json")
        assert code == 0, err
        created = json.loads(out)
        # a key made by the other process works here at once ...
        record = await store.authenticate(created["key"])
        assert record is not None and record.id == created["id"] and record.permissions == ("status:read", "cache:read")
        # ... and its revocation there takes effect here on the next request
        code, out, err = await _cli(auth_paths, "key", "revoke", created["id"])
        assert code == 0, err
        assert f"Revoked key {created['id']}" in out
        assert await store.authenticate(created["key"]) is None
        code, out, err = await _cli(auth_paths, "key", "revoke", mine.record.id)
        assert code == 0, err
        assert (await store.verify(mine.key)).reason == "revoked"
        stop.set()
        with pytest.raises(AssertionError):
            await worker  # the worker's key was revoked under it
        assert uses > 0
