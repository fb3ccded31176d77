"""The store: sessions, tell records and started processes; reads through advanced-alchemy repositories, the
writes on a tell's path as SQLAlchemy Core statements run by `app.db.writer` (no ORM unit of work)."""

from __future__ import annotations

import datetime
from typing import Any, cast
from uuid import UUID

from advanced_alchemy.config import AsyncSessionConfig, SQLAlchemyAsyncConfig
from advanced_alchemy.repository import SQLAlchemyAsyncRepository
from sqlalchemy import Table, bindparam, delete, event, func, insert, inspect, select, update
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession
from sqlalchemy.orm import DeclarativeBase

from app.db.migrate import sqlite_pragmas, upgrade_async
from app.db.models import ProcessRecord, SessionRecord, SpendRecord, TellRecord
from app.db.writer import Step, Writer

UNFINISHED = ("queued", "running")

_SESSIONS = cast(Table, SessionRecord.__table__)
_TELLS = cast(Table, TellRecord.__table__)
_PROCESSES = cast(Table, ProcessRecord.__table__)
_SPEND = cast(Table, SpendRecord.__table__)
_ID = "row_id"
"""The parameter naming the row of the prebuilt statements below (their other parameters are the columns)."""
_INSERT_TELL = insert(_TELLS)
_UPDATE_TELL = update(_TELLS).where(_TELLS.c.id == bindparam(_ID))
_UPDATE_SESSION = update(_SESSIONS).where(_SESSIONS.c.id == bindparam(_ID))
_ADD_TO_SESSION = _UPDATE_SESSION.values(
    message_count=_SESSIONS.c.message_count + bindparam("add_messages"),
    cost_usd=_SESSIONS.c.cost_usd + bindparam("add_cost_usd"),
    input_tokens=_SESSIONS.c.input_tokens + bindparam("add_input_tokens"),
    output_tokens=_SESSIONS.c.output_tokens + bindparam("add_output_tokens"),
)
_INSERT_PROCESS = insert(_PROCESSES)
_INSERT_SPEND = insert(_SPEND)
_UPDATE_PROCESS = update(_PROCESSES).where(_PROCESSES.c.id == bindparam(_ID))
_DELETE_PROCESS = delete(_PROCESSES).where(_PROCESSES.c.id == bindparam(_ID))


class SessionRepository(SQLAlchemyAsyncRepository[SessionRecord]):
    """Sessions."""

    model_type = SessionRecord


class TellRepository(SQLAlchemyAsyncRepository[TellRecord]):
    """Tell records."""

    model_type = TellRecord


def _row(record: DeclarativeBase) -> dict[str, Any]:
    """The column values set on a new ORM object, by column key (the rest take their column defaults); a primary
    key left unset is made by its column's default and set on the object, as an ORM flush would."""
    values = record.__dict__
    row = {}
    for attribute in inspect(type(record)).column_attrs:
        column = attribute.columns[0]
        if attribute.key in values and (values[attribute.key] is not None or not column.primary_key):
            row[column.key] = values[attribute.key]
        elif column.primary_key and column.default is not None and column.default.is_callable:
            row[column.key] = column.default.arg(None)
            setattr(record, attribute.key, row[column.key])
    return row


class Store:
    """Async access to the sessions database."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.config = SQLAlchemyAsyncConfig(
            connection_string=url,
            session_config=AsyncSessionConfig(expire_on_commit=False),
        )
        self.engine: AsyncEngine = self.config.get_engine()
        if self.engine.dialect.name == "sqlite":
            event.listen(self.engine.sync_engine, "connect", sqlite_pragmas(5000, foreign_keys=True))
        self._sessions = self.config.create_session_maker()
        self._writer = Writer(self.engine)

    async def open(self) -> None:
        """Create the database file privately, with its folder (see `app.db.migrate.make_private`), and apply
        pending migrations."""
        await upgrade_async(self.url)

    async def close(self) -> None:
        """Release every connection."""
        await self._writer.close()
        await self.engine.dispose()

    def session(self) -> AsyncSession:
        """A new database session (use as `async with`)."""
        return self._sessions()

    async def _write(self, *steps: Step) -> None:
        """Run Core statements with their parameters in one transaction (no ORM session; see `app.db.writer`)."""
        await self._writer.write(steps)

    async def recover_after_restart(
        self, now: datetime.datetime, *, reason: str, failure_kind: str
    ) -> tuple[int, list[TellRecord]]:
        """Mark every process stopped and the tells that were running failed (with that reason and failure kind).

        Returns how many tells were so ended, and the queued tells, oldest first, for the engine to run again.
        """
        async with self.session() as db:
            await db.execute(update(SessionRecord).values(process_state="stopped"))
            running = list((await db.execute(select(TellRecord).where(TellRecord.status == "running"))).scalars())
            for record in running:
                start = record.started_at or record.queued_at
                await db.execute(
                    update(TellRecord)
                    .where(TellRecord.id == record.id)
                    .values(
                        status="failed",
                        reason=reason,
                        failure_kind=failure_kind,
                        finished_at=now,
                        duration_ms=max(0, int((now - start).total_seconds() * 1000)),
                    )
                )
            queued = await db.execute(
                select(TellRecord).where(TellRecord.status == "queued").order_by(TellRecord.queued_at, TellRecord.id)
            )
            waiting = list(queued.scalars())
            await db.commit()
            return len(running), waiting

    # processes

    async def add_process(self, record: ProcessRecord) -> None:
        """Record a Claude Code process about to start."""
        await self._write((_INSERT_PROCESS, _row(record)))

    async def update_process(self, token: UUID, **values: Any) -> None:
        """Set some columns of a process record (its pid and start time, once known)."""
        await self._write((_UPDATE_PROCESS, {**values, _ID: token}))

    async def remove_process(self, token: UUID) -> None:
        """Forget a process that has ended."""
        await self._write((_DELETE_PROCESS, {_ID: token}))

    async def processes(self) -> list[ProcessRecord]:
        """Every recorded process, oldest first."""
        async with self.session() as db:
            statement = select(ProcessRecord).order_by(ProcessRecord.started_at)
            return list((await db.execute(statement)).scalars())

    async def clear_processes(self, tokens: list[UUID]) -> None:
        """Forget the given processes (those a previous run left, once stopped)."""
        async with self.session() as db:
            await db.execute(delete(ProcessRecord).where(ProcessRecord.id.in_(tokens)))
            await db.commit()

    # sessions

    async def get_session(self, session_id: UUID) -> SessionRecord | None:
        """A session by id."""
        async with self.session() as db:
            return await SessionRepository(session=db).get_one_or_none(id=session_id)

    async def primary_session(self, from_team: str, team: str) -> SessionRecord | None:
        """The pair's primary session, if any."""
        async with self.session() as db:
            return await SessionRepository(session=db).get_one_or_none(primary_pair=f"{from_team}→{team}")

    async def sessions(self, team: str | None = None) -> list[SessionRecord]:
        """Every session (of one team), oldest first."""
        async with self.session() as db:
            statement = select(SessionRecord).order_by(SessionRecord.created_at)
            if team is not None:
                statement = statement.where(SessionRecord.team == team)
            return list((await db.execute(statement)).scalars())

    async def sessions_with_tell_counts(self, teams: list[str]) -> list[tuple[SessionRecord, int]]:
        """The sessions of these teams, oldest first, each with how many tell records it has (one grouped query)."""
        counts = (
            select(TellRecord.session_id, func.count().label("tells"))
            .where(TellRecord.team.in_(teams))
            .group_by(TellRecord.session_id)
            .subquery()
        )
        statement = (
            select(SessionRecord, func.coalesce(counts.c.tells, 0))
            .outerjoin(counts, counts.c.session_id == SessionRecord.id)
            .where(SessionRecord.team.in_(teams))
            .order_by(SessionRecord.created_at)
        )
        async with self.session() as db:
            return [(record, int(tells)) for record, tells in (await db.execute(statement)).tuples()]

    async def add_session(self, record: SessionRecord) -> SessionRecord:
        """Insert a session."""
        async with self.session() as db:
            added = await SessionRepository(session=db).add(record)
            await db.commit()
            return added

    async def update_session(self, session_id: UUID, **values: Any) -> None:
        """Set some columns of a session."""
        await self._write((_UPDATE_SESSION, {**values, _ID: session_id}))

    async def finish_tell(
        self,
        request_id: UUID,
        columns: dict[str, Any],
        session_id: UUID,
        *,
        messages: int,
        cost_usd: float,
        input_tokens: int,
        output_tokens: int,
        last_used_at: datetime.datetime,
        last_response_at: datetime.datetime | None,
        spend: SpendRecord | None = None,
    ) -> None:
        """Record a tell's end and add its counts to the session's totals (and its cost to the spend ledger), in one
        transaction."""
        totals: dict[str, Any] = {
            _ID: session_id,
            "add_messages": messages,
            "add_cost_usd": cost_usd,
            "add_input_tokens": input_tokens,
            "add_output_tokens": output_tokens,
            "last_used_at": last_used_at,
        }
        if last_response_at is not None:
            totals["last_response_at"] = last_response_at
        steps: list[Step] = [
            (_UPDATE_TELL, {**columns, _ID: request_id}),
            (_ADD_TO_SESSION, totals),
        ]
        if spend is not None:
            steps.append((_INSERT_SPEND, _row(spend)))
        await self._write(*steps)

    async def spent(
        self, *, team: str | None = None, key_id: str | None = None, since: datetime.datetime | None = None
    ) -> float:
        """What the tells of a team (or started by a key) have cost since `since` (ever, without it), in USD."""
        statement = select(func.coalesce(func.sum(SpendRecord.cost_usd), 0.0))
        if team is not None:
            statement = statement.where(SpendRecord.team == team)
        if key_id is not None:
            statement = statement.where(SpendRecord.key_id == key_id)
        if since is not None:
            statement = statement.where(SpendRecord.at >= since)
        async with self.session() as db:
            return float((await db.execute(statement)).scalar_one())

    async def delete_session(self, session_id: UUID) -> None:
        """Delete a session and its tell records."""
        async with self.session() as db:
            await db.execute(delete(TellRecord).where(TellRecord.session_id == session_id))
            await db.execute(delete(SessionRecord).where(SessionRecord.id == session_id))
            await db.commit()

    # tells

    async def add_tell(self, record: TellRecord | dict[str, Any]) -> None:
        """Insert a tell record (or its row, by column)."""
        await self._write((_INSERT_TELL, record if isinstance(record, dict) else _row(record)))

    async def update_tell(self, request_id: UUID, **values: Any) -> None:
        """Set some columns of a tell record."""
        await self._write((_UPDATE_TELL, {**values, _ID: request_id}))

    async def get_tell(self, request_id: UUID) -> TellRecord | None:
        """A tell record by request id."""
        async with self.session() as db:
            return await TellRepository(session=db).get_one_or_none(id=request_id)

    async def tells(
        self, session_id: UUID, *, limit: int, before: tuple[datetime.datetime, UUID] | None = None
    ) -> list[TellRecord]:
        """A session's tells newest first, `limit` of them, older than the `before` cursor."""
        async with self.session() as db:
            statement = select(TellRecord).where(TellRecord.session_id == session_id)
            if before is not None:
                at, request_id = before
                statement = statement.where(
                    (TellRecord.queued_at < at) | ((TellRecord.queued_at == at) & (TellRecord.id < request_id))
                )
            statement = statement.order_by(TellRecord.queued_at.desc(), TellRecord.id.desc()).limit(limit)
            return list((await db.execute(statement)).scalars())

    async def clear_tells(self, session_id: UUID) -> int:
        """Delete a session's finished tell records; returns how many."""
        async with self.session() as db:
            result = await db.execute(
                delete(TellRecord).where(TellRecord.session_id == session_id, TellRecord.status.not_in(UNFINISHED))
            )
            await db.commit()
            return int(getattr(result, "rowcount", 0) or 0)
