"""Bring a database up to the newest schema with Alembic, and the SQLite settings every store shares."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy.engine.interfaces import DBAPIConnection
from sqlalchemy.pool import ConnectionPoolEntry

MIGRATIONS = Path(__file__).with_name("migrations")


def sqlite_pragmas(
    busy_timeout_ms: int, *, foreign_keys: bool = False
) -> Callable[[DBAPIConnection, ConnectionPoolEntry], None]:
    """A `connect` listener putting a SQLite connection in WAL mode with a busy timeout (shared by processes)."""

    def on_connect(dbapi_connection: DBAPIConnection, _record: ConnectionPoolEntry) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        if foreign_keys:
            cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    return on_connect


def alembic_config(url: str, script_location: Path = MIGRATIONS, version_table: str | None = None) -> Config:
    """An Alembic config for the migrations in `script_location` (Iris's sessions store by default) on `url`."""
    config = Config()
    config.set_main_option("script_location", str(script_location))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    if version_table is not None:
        config.set_main_option("version_table", version_table)
    return config


def upgrade(url: str, script_location: Path = MIGRATIONS, version_table: str | None = None) -> None:
    """Apply every pending migration (blocking; runs its own event loop)."""
    command.upgrade(alembic_config(url, script_location, version_table), "head")


async def upgrade_async(url: str, script_location: Path = MIGRATIONS, version_table: str | None = None) -> None:
    """Apply every pending migration from async code, in a worker thread."""
    await asyncio.to_thread(upgrade, url, script_location, version_table)
