"""The store's writes on a SQLite file: in the event loop's thread while the database is free; behind another
connection's write lock, on the worker thread, in order and without holding up the loop; the WAL checkpointed."""

from __future__ import annotations

import asyncio
import secrets
import sqlite3
import threading
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

import app.db.writer
from app.clock import utcnow
from app.db.store import Store
from tests.support.records import stored_tell


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    opened = Store(f"sqlite+aiosqlite:///{tmp_path / 'iris.db'}")
    await opened.open()
    try:
        yield opened
    finally:
        await opened.close()


async def test_a_write_to_a_free_database_runs_in_the_loops_thread(store: Store) -> None:
    threads: list[str] = []

    def seen(*_args: object) -> None:
        threads.append(threading.current_thread().name)

    tell = await stored_tell(store)
    store._writer._connection_inline().raw.set_trace_callback(seen)
    await store.update_tell(tell.id, status="running", started_at=utcnow())
    assert len(threads) == 3 and set(threads) == {threading.current_thread().name}  # BEGIN, UPDATE, COMMIT
    assert store._writer.deferred == 0
    stored = await store.get_tell(tell.id)
    assert stored is not None and stored.status == "running"


async def test_a_write_behind_another_writer_waits_on_the_worker_thread_in_order(store: Store, tmp_path: Path) -> None:
    tell = await stored_tell(store)
    other = sqlite3.connect(tmp_path / "iris.db", isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another process's write transaction holds the lock
    try:
        first = asyncio.create_task(store.update_tell(tell.id, status="running", reason="first"))
        second = asyncio.create_task(store.update_tell(tell.id, reason="second"))
        ticks = 0
        while ticks < 20:  # the loop keeps running meanwhile
            await asyncio.sleep(0.01)
            ticks += 1
        assert not first.done() and not second.done()
    finally:
        other.execute("ROLLBACK")
        other.close()
    await asyncio.wait_for(asyncio.gather(first, second), 10)
    assert ticks == 20
    assert store._writer.deferred == 1  # the second went after the first, not around it
    stored = await store.get_tell(tell.id)
    assert stored is not None and (stored.status, stored.reason) == ("running", "second")
    # caught up: the next write is in the loop's thread again
    await store.update_tell(tell.id, reason="third")
    assert store._writer._behind is None


async def test_the_wal_is_checkpointed_while_writes_run_in_the_loops_thread(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(app.db.writer, "CHECKPOINT_EVERY", 20)
    tell = await stored_tell(store)
    writes, size = 400, 4_000
    for number in range(writes):
        text = secrets.token_hex(size // 2)  # new pages every time
        await store.update_tell(tell.id, response=text)
        checkpoint = store._writer.checkpointing
        if number % 20 == 19 and checkpoint is not None:
            await checkpoint  # it runs on the worker thread
    assert store._writer.checkpoints >= writes // 20 - 1
    stored = await store.get_tell(tell.id)
    assert stored is not None and stored.response == text


@pytest.mark.parametrize(
    ("url", "inline"),
    [
        ("sqlite+aiosqlite:///iris.db", True),
        ("sqlite+aiosqlite:////var/lib/iris/iris.db", True),
        ("sqlite+aiosqlite://", False),
        ("sqlite+aiosqlite:///:memory:", False),
        ("postgresql+asyncpg://iris@localhost/iris", False),
    ],
)
def test_only_a_sqlite_file_is_written_in_the_loops_thread(url: str, inline: bool) -> None:
    assert app.db.writer._sqlite_file(make_url(url)) is inline


async def test_columns_left_out_of_a_row_take_their_defaults(store: Store) -> None:
    first = await stored_tell(store)
    await store.add_tell(
        {
            "session_id": first.session_id,
            "from_team": "external",
            "team": "alpha",
            "message": "no id, no flags",
            "status": "queued",
            "queued_at": utcnow(),
        }
    )
    records = await store.tells(first.session_id, limit=5)
    added = next(record for record in records if record.message == "no id, no flags")
    assert added.id is not None and added.id != first.id
    assert (added.is_error, added.command) == (False, False)
