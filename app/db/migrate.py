"""Bring a database up to the newest schema with Alembic, and the SQLite settings every store shares.

Every store file is private: its folders are created 0700, the file 0600 (so are its `-wal`, `-shm` and
`-journal` files, which SQLite creates with the file's own mode), whatever the umask; existing files and
`IRIS_HOME` with wider modes are tightened when a store opens them (logged once, when it happens).
"""

from __future__ import annotations

import asyncio
import logging
import os
import stat
from collections.abc import Callable
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy.engine import make_url
from sqlalchemy.engine.interfaces import DBAPIConnection
from sqlalchemy.pool import ConnectionPoolEntry

from app.config import iris_home

log = logging.getLogger("iris.db")

MIGRATIONS = Path(__file__).with_name("migrations")
SQLITE_SIDE_FILES = ("-wal", "-shm", "-journal")
_UNTIGHTENED: set[Path] = set()


def sqlite_file(url: str) -> Path | None:
    """The file of a SQLite URL (None for another database or an in-memory one)."""
    parsed = make_url(url)
    database = parsed.database or ""
    if parsed.get_backend_name() != "sqlite" or not database or database == ":memory:" or database.startswith("file:"):
        return None
    return Path(database).expanduser()


def _tighten(path: Path, mode: int) -> None:
    """Take away every permission beyond `mode` (group and others') from an existing file or folder."""
    try:
        current = stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        return
    if not current & ~mode:
        return
    try:
        path.chmod(current & mode)
    except PermissionError:  # another user's: say so (once), and go on
        if path not in _UNTIGHTENED:
            _UNTIGHTENED.add(path)
            log.warning("%s is open beyond its owner (mode %04o) and not ours to tighten", path.name, current)
        return
    log.warning("%s was open beyond its owner (mode %04o): tightened to %04o", path.name, current, current & mode)


def make_private(path: Path) -> None:
    """Make a store file private: missing folders created 0700, the file created 0600 (SQLite gives its side
    files the file's mode), and the file, its side files and `IRIS_HOME` tightened when wider."""
    path = path.expanduser().absolute()
    missing = []
    folder = path.parent
    while not folder.exists():
        missing.append(folder)
        folder = folder.parent
    for folder in reversed(missing):
        try:
            os.mkdir(folder, 0o700)
        except FileExistsError:
            continue
        os.chmod(folder, 0o700)  # a umask can also take the owner's bits
    home = iris_home().absolute()
    if path.parent == home or home in path.parent.parents:
        _tighten(home, 0o700)
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:
        pass
    else:
        os.chmod(path, 0o600)
    for name in (path, *(path.with_name(path.name + suffix) for suffix in SQLITE_SIDE_FILES)):
        _tighten(name, 0o600)


def sqlite_pragmas(
    busy_timeout_ms: int, *, foreign_keys: bool = False
) -> Callable[[DBAPIConnection, ConnectionPoolEntry], None]:
    """A `connect` listener making the SQLite file private (`make_private`) and putting the connection in WAL
    mode with a busy timeout (shared by processes)."""

    def on_connect(dbapi_connection: DBAPIConnection, _record: ConnectionPoolEntry) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA database_list")
        main = next((row[2] for row in cursor.fetchall() if row[1] == "main"), "")
        if main:  # before WAL mode creates the side files
            make_private(Path(main))
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
    """Create a SQLite file privately (see `make_private`) and apply every pending migration (blocking; runs its
    own event loop)."""
    file = sqlite_file(url)
    if file is not None:
        make_private(file)
    command.upgrade(alembic_config(url, script_location, version_table), "head")


async def upgrade_async(url: str, script_location: Path = MIGRATIONS, version_table: str | None = None) -> None:
    """Apply every pending migration from async code, in a worker thread."""
    await asyncio.to_thread(upgrade, url, script_location, version_table)
