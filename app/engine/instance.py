"""One server per store: an exclusive lock on a file beside the sessions database, held while an engine runs.

A second server on the same store would stop the first one's Claude Code processes as leftovers and run its
queued tells again. The lock is `flock(2)`: the kernel releases it when its holder ends, however it ends (a
killed server leaves no stale lock), and Claude Code does not inherit it (the file is opened close-on-exec).
"""

from __future__ import annotations

import fcntl
import hashlib
import os
from pathlib import Path

from sqlalchemy.engine import make_url

from app.config import iris_home
from app.db.migrate import make_private, sqlite_file
from app.errors import ConfigurationError

__all__ = ["InstanceLock", "server_running"]


class InstanceLock:
    """The lock of one store: `acquire` it before the store is touched, `release` it once the store is closed."""

    def __init__(self, path: Path, name: str) -> None:
        self.path = path
        self.name = name
        """The store as error messages name it (the database file's name, no folder)."""
        self._fd: int | None = None

    @classmethod
    def of(cls, url: str) -> InstanceLock | None:
        """The lock of the store at a SQLAlchemy URL: `<file>.lock` beside a SQLite file, a file in `IRIS_HOME`
        named after the URL for another database, None for an in-memory database (no other server can open it)."""
        file = sqlite_file(url)
        if file is not None:
            return cls(file.with_name(file.name + ".lock"), file.name)
        parsed = make_url(url)
        if parsed.get_backend_name() == "sqlite":
            return None
        digest = hashlib.sha256(parsed.render_as_string(hide_password=True).encode()).hexdigest()[:16]
        return cls(iris_home() / f"server-{digest}.lock", parsed.database or parsed.get_backend_name())

    def acquire(self) -> None:
        """Take the lock and write this process's pid in its file, or raise ConfigurationError naming the server
        that holds it."""
        if self._fd is not None:
            return
        make_private(self.path)
        fd = self._open()
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _pid_in(fd)
            os.close(fd)
            raise self._taken(holder) from None
        except BaseException:
            os.close(fd)
            raise
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        self._fd = fd

    def release(self) -> None:
        """Let the lock go. The file stays: removing it would race with the next server opening it."""
        fd, self._fd = self._fd, None
        if fd is None:
            return
        try:
            os.ftruncate(fd, 0)
        finally:
            os.close(fd)  # the only descriptor of the lock: closing it releases the lock

    def problem(self) -> str | None:
        """Why no server may start on this store now (another one holds the lock), or None. Takes nothing and
        creates nothing."""
        if self._fd is not None:
            return None
        if not self.path.exists():
            return None
        fd = self._open()
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return self._taken(_pid_in(fd)).message
        finally:
            os.close(fd)
        return None

    def _open(self) -> int:
        try:
            return os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
        except OSError as error:
            raise ConfigurationError(
                f"cannot open the server lock of {self.name}: {error.strerror}", {"key": "database"}
            ) from None

    def _taken(self, holder: str) -> ConfigurationError:
        return ConfigurationError(
            f"another Iris server is running on {self.name} (pid {holder})", {"key": "database", "pid": holder}
        )


def _pid_in(fd: int) -> str:
    """The pid the holder of a lock wrote in its file ("unknown" while it has not yet)."""
    try:
        text = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
    except OSError:
        return "unknown"
    return text if text.isdigit() else "unknown"


def server_running(url: str) -> str | None:
    """Why no server may start on the store at `url` now (another one runs on it), or None."""
    lock = InstanceLock.of(url)
    return lock.problem() if lock is not None else None
