"""Where a store's small write transactions run.

On a SQLite file they run on a connection of the writer's own in the event loop's thread: a write that finds the
database free takes microseconds there, while aiosqlite moves every statement, the commit and the connection's
reset to its thread and back (about a millisecond of CPU a transaction). Each Core statement is compiled once per
set of parameter names, with its columns' bind processors, and then runs as the driver's SQL. That connection never
waits for a lock (`busy_timeout` 0) and never checkpoints the WAL itself: a transaction that finds another
connection writing is run again, whole, on a worker thread whose connection waits as every other one does, and
the WAL is checkpointed (PASSIVE) on that thread every `CHECKPOINT_EVERY` transactions. Transactions run in the
order they were asked for. Anywhere else (PostgreSQL, an in-memory or URI-configured SQLite) they run on the
async engine.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import sqlite3
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import ClauseElement, Executable
from sqlalchemy.engine import URL, Dialect
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.sql.compiler import SQLCompiler

from app.db.migrate import sqlite_pragmas

__all__ = ["CHECKPOINT_EVERY", "Step", "Writer"]

Step = tuple[Executable, Any]
"""One Core statement of a transaction with its parameters: a dict, or a list of them for many rows."""
CHECKPOINT_EVERY = 256
"""Transactions written in the loop's thread between two WAL checkpoints on the worker thread."""
_SQLITE_BUSY = 5
_SQLITE_LOCKED = 6


def _sqlite_file(url: URL) -> bool:
    """Whether `url` names a SQLite database file by its path alone (not in memory, no URI options)."""
    if url.get_backend_name() != "sqlite" or url.query:
        return False
    return (url.database or "") not in ("", ":memory:")


def _busy(error: sqlite3.OperationalError) -> bool:
    """Whether a SQLite error says another connection holds the lock the statement needed."""
    code = getattr(error, "sqlite_errorcode", None)
    return isinstance(code, int) and code & 0xFF in (_SQLITE_BUSY, _SQLITE_LOCKED)


@dataclass(frozen=True)
class _Compiled:
    """A Core statement as the driver's SQL for one set of parameter names."""

    sql: str
    names: tuple[str, ...]
    processors: tuple[Callable[[Any], Any] | None, ...]
    defaults: Mapping[str, Callable[[], Any]]
    """Values of the columns the statement sets by default when the parameters do not name them."""

    def values(self, parameters: Mapping[str, Any]) -> tuple[Any, ...]:
        row = []
        for name, process in zip(self.names, self.processors, strict=True):
            value = parameters[name] if name in parameters else self.defaults[name]()
            row.append(value if process is None else process(value))
        return tuple(row)


def _made(make: Callable[[Any], Any]) -> Callable[[], Any]:
    return lambda: make(None)  # a column's callable default, as SQLAlchemy wraps it (its argument: no context)


def _given(value: Any) -> Callable[[], Any]:
    return lambda: value


def _compile(statement: Executable, names: Sequence[str], dialect: Dialect) -> _Compiled:
    compiled = cast(ClauseElement, statement).compile(dialect=dialect, column_keys=list(names))
    assert isinstance(compiled, SQLCompiler) and compiled.positiontup is not None
    defaults: dict[str, Callable[[], Any]] = {}
    for column in [*compiled.insert_prefetch, *compiled.update_prefetch]:
        default = column.default if column in compiled.insert_prefetch else column.onupdate
        if default is None or not (default.is_scalar or default.is_callable):
            raise TypeError(f"{column.key}: only scalar or callable column defaults can be written in place")
        arg: Any = getattr(default, "arg", None)
        defaults[column.key] = _made(arg) if default.is_callable else _given(arg)
    processors = tuple(
        compiled.binds[name].type.dialect_impl(dialect).bind_processor(dialect) for name in compiled.positiontup
    )
    return _Compiled(compiled.string, tuple(compiled.positiontup), processors, defaults)


class _Connection:
    """One driver connection to the file, with the compiled forms of the statements it has run."""

    def __init__(self, database: str, dialect: Dialect, busy_timeout_ms: int) -> None:
        self.raw = sqlite3.connect(database, isolation_level=None, check_same_thread=False)
        try:
            sqlite_pragmas(busy_timeout_ms, foreign_keys=True)(self.raw, None)  # type: ignore[arg-type]
            if busy_timeout_ms == 0:
                self.raw.execute("PRAGMA wal_autocheckpoint=0")
        except BaseException:
            self.raw.close()  # e.g. the database was locked: the next write connects again
            raise
        self._dialect = dialect
        self._compiled: dict[tuple[int, frozenset[str]], tuple[Executable, _Compiled]] = {}

    def _statement(self, statement: Executable, parameters: Mapping[str, Any]) -> _Compiled:
        key = (id(statement), frozenset(parameters))
        known = self._compiled.get(key)
        if known is None or known[0] is not statement:
            known = (statement, _compile(statement, list(parameters), self._dialect))
            self._compiled[key] = known
        return known[1]

    def run(self, steps: Sequence[Step]) -> None:
        """Run `steps` in one transaction."""
        raw = self.raw
        raw.execute("BEGIN")
        try:
            for statement, parameters in steps:
                rows = parameters if isinstance(parameters, list) else [parameters]
                if not rows:
                    continue
                compiled = self._statement(statement, rows[0])
                if len(rows) == 1:
                    raw.execute(compiled.sql, compiled.values(rows[0]))
                else:
                    raw.executemany(compiled.sql, [compiled.values(row) for row in rows])
            raw.execute("COMMIT")
        except BaseException:
            if raw.in_transaction:
                raw.execute("ROLLBACK")
            raise

    def checkpoint(self) -> None:
        """Copy what the WAL holds into the database, as far as no reader needs it (PASSIVE)."""
        self.raw.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()

    def close(self) -> None:
        self.raw.close()


class Writer:
    """Runs write transactions of Core statements for one database (see the module's docstring)."""

    def __init__(self, engine: AsyncEngine, *, busy_timeout_ms: int = 5000) -> None:
        self._async = engine
        self._busy_timeout_ms = busy_timeout_ms
        self._database = engine.url.database if _sqlite_file(engine.url) else None
        self._inline: _Connection | None = None
        self._waiting: _Connection | None = None
        self._thread: concurrent.futures.ThreadPoolExecutor | None = None
        self._behind: asyncio.Future[None] | None = None
        """The last transaction handed to the worker thread, while it runs (later ones go after it)."""
        self._since_checkpoint = 0
        self.checkpointing: asyncio.Future[None] | None = None
        """The last WAL checkpoint handed to the worker thread."""
        self.checkpoints = 0
        """WAL checkpoints done."""
        self.deferred = 0
        """Transactions that found the database busy and ran on the worker thread."""

    @property
    def in_place(self) -> bool:
        """Whether transactions run on the writer's own SQLite connections (else on the async engine)."""
        return self._database is not None

    async def write(self, steps: Sequence[Step]) -> None:
        """Run `steps` in one transaction, after every transaction asked for before."""
        if self._database is None:
            await self._write_async(steps)
            return
        if self._behind is None:
            try:
                self._connection_inline().run(steps)
            except sqlite3.OperationalError as exc:
                if not _busy(exc):
                    raise
                self.deferred += 1
            else:
                self._since_checkpoint += 1
                if self._since_checkpoint >= CHECKPOINT_EVERY:
                    self._since_checkpoint = 0
                    self._checkpoint_later()
                return
        await self._on_thread(steps)

    async def _write_async(self, steps: Sequence[Step]) -> None:
        async with self._async.begin() as connection:
            for statement, parameters in steps:
                await connection.execute(statement, parameters)

    async def _on_thread(self, steps: Sequence[Step]) -> None:
        """Run `steps` on the worker thread, waiting for locks, after what the thread already has."""
        loop = asyncio.get_running_loop()
        done = loop.run_in_executor(self._executor(), self._connection_waiting().run, steps)
        self._behind = done
        done.add_done_callback(self._caught_up)
        await asyncio.shield(done)

    def _caught_up(self, done: asyncio.Future[None]) -> None:
        if self._behind is done:
            self._behind = None

    def _checkpoint_later(self) -> None:
        if self.checkpointing is not None and not self.checkpointing.done():
            return  # the last one is still running
        loop = asyncio.get_running_loop()
        self.checkpointing = loop.run_in_executor(self._executor(), self._connection_waiting().checkpoint)
        self.checkpointing.add_done_callback(self._checkpointed)

    def _checkpointed(self, done: asyncio.Future[None]) -> None:
        if done.cancelled() or done.exception() is not None:
            return  # retried after the next `CHECKPOINT_EVERY` transactions
        self.checkpoints += 1

    def _connection_inline(self) -> _Connection:
        if self._inline is None:
            assert self._database is not None
            self._inline = _Connection(self._database, self._async.dialect, 0)
        return self._inline

    def _connection_waiting(self) -> _Connection:
        if self._waiting is None:
            assert self._database is not None
            self._waiting = _Connection(self._database, self._async.dialect, self._busy_timeout_ms)
        return self._waiting

    def _executor(self) -> concurrent.futures.ThreadPoolExecutor:
        if self._thread is None:
            self._thread = concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="iris-db-writer")
        return self._thread

    async def close(self) -> None:
        """Finish what the worker thread has, and close both connections."""
        if self._thread is not None:
            thread, self._thread = self._thread, None
            await asyncio.get_running_loop().run_in_executor(None, thread.shutdown, True)
        for connection in (self._inline, self._waiting):
            if connection is not None:
                connection.close()
        self._inline = self._waiting = None
        self._behind = None
