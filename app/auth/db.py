"""SQLite plumbing shared by the key store and the audit log: engines, migrations and pages."""

from __future__ import annotations

import asyncio
import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Generic, Literal, TypeVar

from advanced_alchemy.config import AsyncSessionConfig, EngineConfig, SQLAlchemyAsyncConfig
from alembic.config import Config
from sqlalchemy import ColumnElement, MetaData, and_, event, exists, func, literal, pool, select
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.orm import InstrumentedAttribute

from app.db import migrate
from app.db.migrate import sqlite_pragmas
from app.errors import ValidationError

MIGRATIONS = Path(__file__).with_name("migrations")
StoreName = Literal["keys", "audit"]
VERSION_TABLES: dict[StoreName, str] = {"keys": "iris_keys_alembic_version", "audit": "iris_audit_alembic_version"}
BUSY_TIMEOUT_MS = 10_000

T = TypeVar("T")
Clock = Callable[[], datetime.datetime]


def sqlite_url(path: str | Path) -> str:
    """The async SQLAlchemy URL of a SQLite file."""
    return f"sqlite+aiosqlite:///{Path(path).expanduser()}"


def sqlite_config(path: str | Path) -> SQLAlchemyAsyncConfig:
    """An advanced-alchemy config on a SQLite file in WAL mode with a busy timeout (shared by processes)."""
    config = SQLAlchemyAsyncConfig(
        connection_string=sqlite_url(path),
        session_config=AsyncSessionConfig(expire_on_commit=False),
        engine_config=EngineConfig(connect_args={"timeout": BUSY_TIMEOUT_MS / 1000}),
    )
    event.listen(config.get_engine().sync_engine, "connect", sqlite_pragmas(BUSY_TIMEOUT_MS))
    return config


def alembic_config(store: StoreName, url: str) -> Config:
    """An Alembic config for one store's migrations on `url`."""
    return migrate.alembic_config(url, MIGRATIONS / store, VERSION_TABLES[store])


async def upgrade_async(store: StoreName, url: str) -> None:
    """Apply every pending migration of one store from async code, in a worker thread."""
    await migrate.upgrade_async(url, MIGRATIONS / store, VERSION_TABLES[store])


async def prepare(store: StoreName, path: str | Path) -> None:
    """Create the file privately, with its folder (see `app.db.migrate.make_private`), and bring it to the newest
    schema."""
    await upgrade_async(store, sqlite_url(path))


def run_env(metadata: MetaData) -> None:
    """The body of a store's env.py: run its migrations on a short-lived engine."""
    from alembic import context

    config = context.config
    version_table = config.get_main_option("version_table") or "alembic_version"

    def run(connection: Connection) -> None:
        context.configure(
            connection=connection,
            target_metadata=metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            version_table=version_table,
            include_name=lambda name, type_, parent: type_ != "table" or str(name) in metadata.tables,
        )
        with context.begin_transaction():
            context.run_migrations()

    async def online() -> None:
        engine = create_async_engine(
            config.get_main_option("sqlalchemy.url") or "",
            poolclass=pool.NullPool,
            connect_args={"timeout": BUSY_TIMEOUT_MS / 1000},
        )
        async with engine.connect() as connection:
            await connection.run_sync(run)
        await engine.dispose()

    asyncio.run(online())


def teams_within(column: InstrumentedAttribute[list[str] | None], teams: Iterable[str]) -> ColumnElement[bool]:
    """SQL: the JSON array of team names in `column` is not empty and names only `teams` (a null never matches)."""
    each = func.json_each(column).table_valued("value")
    outside = select(literal(1)).select_from(each).where(each.c.value.not_in(list(teams)))
    return and_(func.json_array_length(column) > 0, ~exists(outside))


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a listing, newest first; `next_cursor` is None on the last page."""

    items: list[T] = field(default_factory=list)
    next_cursor: str | None = None


def check_limit(limit: int | None, maximum: int | None = None) -> None:
    """ValidationError unless the page size is None or 1 to `maximum`."""
    if limit is not None and (limit < 1 or (maximum is not None and limit > maximum)):
        top = f" to {maximum}" if maximum is not None else " or more"
        raise ValidationError(f"limit: expected 1{top}, got {limit}", {"field": "limit"})
