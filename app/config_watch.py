"""Hot reload of the config file: watch it, and hand every valid new version to a callback.

Engine-free: the server passes a callback (the engine's `apply_config`, plus its own bookkeeping). An invalid
file is logged and reported to `on_error`; the old config stays in force until a valid one is saved.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import os
from collections.abc import Callable
from pathlib import Path

import watchfiles

from app.config import IrisConfig, load_config
from app.errors import IrisError

__all__ = ["ConfigWatcher"]

log = logging.getLogger("iris.config")

Loader = Callable[[Path], IrisConfig]


class ConfigWatcher:
    """Watches one config file and calls `on_change` with each valid new version."""

    def __init__(
        self,
        path: str | os.PathLike[str],
        on_change: Callable[[IrisConfig], None],
        *,
        on_error: Callable[[Exception], None] | None = None,
        load: Loader = load_config,
        debounce_ms: int = 200,
        force_polling: bool | None = None,
    ) -> None:
        self.path = Path(path).expanduser().resolve()
        self.on_change = on_change
        self.on_error = on_error
        self.load = load
        self.debounce_ms = debounce_ms
        self.force_polling = force_polling
        self._digest = self._read_digest()
        self._stop = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._ready = asyncio.Event()
        self.reloads = 0
        self.failures = 0

    def _read_digest(self) -> str | None:
        try:
            return hashlib.sha256(self.path.read_bytes()).hexdigest()
        except OSError:
            return None

    def check(self) -> IrisConfig | None:
        """Reload now if the file's content changed; returns the new config when one was applied."""
        digest = self._read_digest()
        if digest is None or digest == self._digest:
            return None
        self._digest = digest
        try:
            config = self.load(self.path)
        except (IrisError, OSError) as error:
            self.failures += 1
            log.error("config reload failed; keeping the old config: %s", getattr(error, "message", error))
            if self.on_error is not None:
                self.on_error(error)
            return None
        try:
            self.on_change(config)
        except Exception as error:
            self.failures += 1
            log.exception("applying the reloaded config failed")
            if self.on_error is not None:
                self.on_error(error)
            return None
        self.reloads += 1
        log.info("config reloaded from %s", self.path)
        return config

    def _relevant(self, _change: watchfiles.Change, changed: str) -> bool:
        return Path(changed).name == self.path.name

    async def run(self) -> None:
        """Watch until `stop()`; every change to the file's content is checked and applied."""
        async for _changes in watchfiles.awatch(
            self.path.parent,
            watch_filter=self._relevant,
            stop_event=self._stop,
            debounce=self.debounce_ms,
            step=50,
            recursive=False,
            force_polling=self.force_polling,
            yield_on_timeout=False,
            rust_timeout=500,
        ):
            self.check()

    def start(self) -> asyncio.Task[None]:
        """Run the watcher in a background task."""
        self._stop.clear()
        self._task = asyncio.create_task(self._run_logged(), name="iris-config-watch")
        return self._task

    async def _run_logged(self) -> None:
        try:
            await self.run()
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("the config watcher stopped")

    async def stop(self) -> None:
        """Stop watching."""
        self._stop.set()
        if self._task is not None:
            try:
                await asyncio.wait_for(asyncio.shield(self._task), 2)
            except TimeoutError:
                self._task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await self._task
            self._task = None
