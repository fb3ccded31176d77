"""Sessions: the live side of each (its process, running tell and queue), found by pair or id, made on first use."""

from __future__ import annotations

import asyncio
import datetime
import time
import uuid
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field

from app.clock import utcnow
from app.db.models import SessionRecord
from app.db.store import Store
from app.engine.process import ClaudeProcess
from app.engine.tells import Tell, TellStatus
from app.engine.views import ProcessState
from app.errors import SessionNotFoundError


def primary_pair(from_team: str, team: str) -> str:
    """What a pair's primary session stores in `primary_pair` (forks store nothing there)."""
    return f"{from_team}→{team}"


@dataclass(eq=False)
class SessionRuntime:
    """A session's live side: its process, the running tell and the queue behind it."""

    session_id: uuid.UUID
    from_team: str
    team: str
    forked_from: uuid.UUID | None = None
    process: ClaudeProcess | None = None
    spawning: bool = False
    claims: int = 0
    """Wakes admitted to the pool that have not yet got their process."""
    current: Tell | None = None
    queue: deque[Tell] = field(default_factory=deque)
    worker: asyncio.Task[None] | None = None
    spawn_lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    last_used: float = field(default_factory=time.monotonic)
    last_activity: datetime.datetime | None = None
    spent_usd: float | None = None
    """Claude Code's running cost of the session as it last reported it (None: not yet known in this run)."""
    deleting: asyncio.Event | None = None
    """Set while the session is being deleted (the event is set once it is gone): it takes no new work."""

    @property
    def state(self) -> ProcessState:
        """The process's real state."""
        process = self.process
        if self.spawning:
            return "spawning"
        if process is None or not process.alive:
            return "stopped"
        if process.stopping:
            return "terminating"
        if self.current is not None and self.current.status is TellStatus.RUNNING:
            return "processing"
        return "idle"

    @property
    def busy(self) -> bool:
        """Running or about to run a tell."""
        return self.spawning or self.current is not None or bool(self.queue)

    @property
    def awake(self) -> bool:
        """Its process is alive and not on its way to sleep."""
        process = self.process
        return process is not None and process.alive and not process.stopping

    @property
    def pid(self) -> int | None:
        """The live process's pid."""
        return self.process.pid if self.process is not None and self.process.alive else None


class Sessions:
    """The sessions this server knows: each caller → team pair's primary one, and forks, by id."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.runtimes: dict[uuid.UUID, SessionRuntime] = {}
        self._pairs: dict[tuple[str, str], uuid.UUID] = {}
        self._pair_locks: dict[tuple[str, str], asyncio.Lock] = {}

    def live(self) -> Iterable[SessionRuntime]:
        """Sessions known to this server since it started."""
        return self.runtimes.values()

    async def of_pair(self, from_team: str, team: str, *, create: bool) -> SessionRuntime | None:
        """The pair's primary session, loaded or (with `create`) made on first use; one being deleted is waited
        out (the pair then has none, or a new one)."""
        while True:
            runtime = await self._load_pair(from_team, team, create=create)
            if runtime is None or runtime.deleting is None:
                return runtime
            await runtime.deleting.wait()

    async def _load_pair(self, from_team: str, team: str, *, create: bool) -> SessionRuntime | None:
        """The pair's primary session as it is now (one lock per pair: concurrent first uses make one)."""
        key = (from_team, team)
        session_id = self._pairs.get(key)
        if session_id is not None and session_id in self.runtimes:
            return self.runtimes[session_id]
        lock = self._pair_locks.setdefault(key, asyncio.Lock())
        async with lock:
            session_id = self._pairs.get(key)
            if session_id is not None and session_id in self.runtimes:
                return self.runtimes[session_id]
            record = await self.store.primary_session(from_team, team)
            if record is None:
                if not create:
                    return None
                record = await self.create(from_team, team, primary=True)
            runtime = self.runtime_for(record)
            self._pairs[key] = record.id
            return runtime

    async def primaries(
        self, from_team: str, teams: list[str]
    ) -> list[tuple[SessionRuntime | None, SessionRecord | None]]:
        """The caller's primary session with each team (none is made) and its stored record, from one read of the
        store; one being deleted is waited out, as in `of_pair`."""
        stored = {
            record.team: record
            for record in await self.store.sessions()
            if record.primary_pair == primary_pair(from_team, record.team)
        }
        found: list[tuple[SessionRuntime | None, SessionRecord | None]] = []
        for team in teams:
            record = stored.get(team)
            runtime = self._known_pair(from_team, team)
            if runtime is None and record is not None:
                runtime = self.runtime_for(record)
                self._pairs[(from_team, team)] = record.id
            if runtime is not None and runtime.deleting is not None:
                runtime = await self.of_pair(from_team, team, create=False)
                record = await self.store.get_session(runtime.session_id) if runtime is not None else None
            if record is not None and (runtime is None or record.id != runtime.session_id):
                record = None
            found.append((runtime, record))
        return found

    def _known_pair(self, from_team: str, team: str) -> SessionRuntime | None:
        """The pair's primary session if this server has it loaded."""
        session_id = self._pairs.get((from_team, team))
        return self.runtimes.get(session_id) if session_id is not None else None

    async def create(
        self, from_team: str, team: str, *, primary: bool, forked_from: uuid.UUID | None = None
    ) -> SessionRecord:
        """Store a new session (Iris picks its id): the pair's primary one, or a fork."""
        now = utcnow()
        record = SessionRecord(
            id=uuid.uuid4(),
            from_team=from_team,
            team=team,
            primary_pair=primary_pair(from_team, team) if primary else None,
            forked_from=forked_from,
            created_at=now,
            last_used_at=now,
            message_count=0,
            process_state="stopped",
            cost_usd=0.0,
            input_tokens=0,
            output_tokens=0,
        )
        return await self.store.add_session(record)

    def runtime_for(self, record: SessionRecord) -> SessionRuntime:
        """The live side of a stored session, made on first use."""
        runtime = self.runtimes.get(record.id)
        if runtime is None:
            runtime = SessionRuntime(
                record.id, record.from_team, record.team, record.forked_from, last_activity=record.last_used_at
            )
            self.runtimes[record.id] = runtime
        return runtime

    async def by_id(self, session_id: uuid.UUID, team: str) -> SessionRuntime:
        """A session named by id; it must belong to `team`."""
        runtime = self.runtimes.get(session_id)
        if runtime is None:
            record = await self.store.get_session(session_id)
            if record is None:
                raise SessionNotFoundError(f"No session {session_id}", {"sessionId": str(session_id)})
            runtime = self.runtime_for(record)
        if runtime.team != team:
            raise SessionNotFoundError(
                f"Session {session_id} belongs to team {runtime.team!r}, not {team!r}",
                {"sessionId": str(session_id)},
            )
        if runtime.deleting is not None:
            raise SessionNotFoundError(f"Session {session_id} is being deleted", {"sessionId": str(session_id)})
        return runtime

    async def target(self, caller: str, team: str, session_id: uuid.UUID | None) -> SessionRuntime:
        """The session an operation acts on: the named one (of this team) or the pair's primary one."""
        if session_id is not None:
            return await self.by_id(session_id, team)
        runtime = await self.of_pair(caller, team, create=False)
        if runtime is None:
            raise SessionNotFoundError(f"No session for {caller} → {team}", {"team": team})
        return runtime

    def forget(self, runtime: SessionRuntime) -> None:
        """Drop a deleted session (and its pair's claim on it)."""
        self.runtimes.pop(runtime.session_id, None)
        key = (runtime.from_team, runtime.team)
        if self._pairs.get(key) == runtime.session_id:
            del self._pairs[key]
