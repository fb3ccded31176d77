"""The key store: API keys in their own SQLite file, shared by the server and the CLI while both run."""

from __future__ import annotations

import asyncio
import contextlib
import datetime
import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Literal, cast

from advanced_alchemy.repository import SQLAlchemyAsyncRepository
from sqlalchemy import ColumnElement, Table, and_, bindparam, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from app.auth.db import (
    BUSY_TIMEOUT_MS,
    Clock,
    Page,
    check_limit,
    prepare,
    sqlite_config,
    teams_within,
)
from app.auth.keys import (
    ENVS,
    KEY_ID_PATTERN,
    ROLES,
    CreatedKey,
    KeyRecord,
    generate_key,
    hash_key,
    hashes_equal,
    is_key,
    new_key_id,
    normalize_permissions,
    role_permissions,
    validate_budget,
    validate_name,
    validate_teams,
)
from app.auth.models import ApiKeyRow
from app.clock import utc_period, utcnow
from app.cursors import decode_cursor, encode_cursor, foreign_cursor
from app.db.store import Store
from app.db.writer import Writer
from app.errors import NotFoundError, ValidationError

__all__ = ["MIN_HASH_PREFIX", "AuthOutcome", "KeyStore", "RevokeResult"]

log = logging.getLogger("iris.auth")

MIN_HASH_PREFIX = 4
"""A hash prefix given to revoke must have at least this many hex digits."""
MAX_EXPIRY_DAYS = 3650
_HEX = re.compile(r"[0-9a-fA-F]+")
_KEYS = cast(Table, ApiKeyRow.__table__)
_BY_HASH = select(ApiKeyRow).where(ApiKeyRow.key_hash == bindparam("digest"))
_ADD_USAGE = (
    update(_KEYS)
    .where(_KEYS.c.id == bindparam("key"))
    .values(usage_count=_KEYS.c.usage_count + bindparam("uses"), last_used_at=bindparam("last"))
)

AuthReason = Literal["ok", "missing", "malformed", "unknown", "revoked", "expired"]


class KeyRepository(SQLAlchemyAsyncRepository[ApiKeyRow]):
    """Key rows."""

    model_type = ApiKeyRow


@dataclass(frozen=True)
class AuthOutcome:
    """The result of checking a presented key: the record when it is usable, and why not otherwise."""

    record: KeyRecord | None
    reason: AuthReason
    key_id: str | None = None
    """The key's id when it is known but unusable (revoked, expired), for the audit log."""
    key_name: str | None = None

    @property
    def ok(self) -> bool:
        """Whether the key may be used."""
        return self.record is not None


@dataclass(frozen=True)
class RevokeResult:
    """A revoked key's record, and whether this call revoked it (False: it already was)."""

    record: KeyRecord
    newly_revoked: bool


async def key_spend(spend: Store, record: KeyRecord, now: datetime.datetime | None = None) -> float:
    """What the tells a key started have cost, in USD: in its budget's current period, or ever without a budget."""
    since, _resets = utc_period(record.budget_period or "total", now) if record.budget_usd is not None else (None, None)
    return await spend.spent(key_id=record.id, since=since)


def _record(row: ApiKeyRow) -> KeyRecord:
    return KeyRecord(
        id=row.id,
        name=row.name,
        role=row.role,
        permissions=tuple(row.permissions),
        teams=tuple(row.teams) if row.teams is not None else None,
        env=row.env,
        created_at=row.created_at,
        expires_at=row.expires_at,
        revoked_at=row.revoked_at,
        last_used_at=row.last_used_at,
        usage_count=row.usage_count,
        budget_usd=row.budget_usd,
        budget_period=row.budget_period,
    )


class KeyStore:
    """API keys in a SQLite file: create, list, revoke, authenticate, and usage counted in the background."""

    def __init__(self, path: str | Path, *, usage_flush_interval: float = 1.0, clock: Clock = utcnow) -> None:
        self.path = Path(path).expanduser()
        self.clock = clock
        self.usage_flush_interval = usage_flush_interval
        self._config = sqlite_config(self.path)
        self.engine: AsyncEngine = self._config.get_engine()
        self._writer = Writer(self.engine, busy_timeout_ms=BUSY_TIMEOUT_MS)
        self._sessions = self._config.create_session_maker()
        self._usage: dict[str, tuple[int, datetime.datetime]] = {}
        self._usage_lock = asyncio.Lock()
        self._flusher: asyncio.Task[None] | None = None
        self._stop = asyncio.Event()
        self._opened = False

    async def open(self) -> None:
        """Create the file if needed, apply pending migrations and start the usage writer."""
        await prepare("keys", self.path)
        self._opened = True
        self._stop.clear()
        if self._flusher is None:
            self._flusher = asyncio.create_task(self._flush_usage_forever(), name="iris-key-usage")

    async def close(self) -> None:
        """Write pending usage counts, stop the writer and release every connection."""
        if self._flusher is not None:
            self._stop.set()  # the writer finishes and stops; never cancelled mid-write
            await self._flusher
            self._flusher = None
        if self._opened:
            await self.flush_usage()
        await self._writer.close()
        await self.engine.dispose()
        self._opened = False

    async def __aenter__(self) -> KeyStore:
        await self.open()
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.close()

    def _session(self) -> AsyncSession:
        return self._sessions()

    # creating

    async def create(
        self,
        name: str,
        *,
        role: str | None = None,
        permissions: Iterable[str] | None = None,
        expires_in_days: int | None = None,
        env: str | None = None,
        teams: Iterable[str] | None = None,
        budget_usd: float | None = None,
        budget_period: str | None = None,
    ) -> CreatedKey:
        """Create a key from a role or explicit permissions (neither: viewer), with an optional cost budget for the
        tells it starts (per `budget_period`: day, month or total, the default); the plain key is returned only
        here."""
        validate_name(name)
        if role is not None and permissions is not None:
            raise ValidationError("give a role or permissions, not both", {"field": "role"})
        if permissions is not None:
            granted = normalize_permissions(permissions)
        else:
            role = role if role is not None else "viewer"
            granted = role_permissions(role)
        if expires_in_days is not None and not 1 <= expires_in_days <= MAX_EXPIRY_DAYS:
            raise ValidationError(
                f"expiresInDays: expected 1 to {MAX_EXPIRY_DAYS} days, got {expires_in_days}",
                {"field": "expiresInDays"},
            )
        if env is not None and env not in ENVS:
            raise ValidationError(f"env: expected one of {', '.join(ENVS)}, got {env!r}", {"field": "env"})
        scope = validate_teams(teams)
        budget_period = validate_budget(budget_usd, budget_period)
        now = self.clock()
        expires = now + datetime.timedelta(days=expires_in_days) if expires_in_days is not None else None
        plain = generate_key(env)
        for attempt in range(5):
            row = ApiKeyRow(
                id=new_key_id(),
                name=name,
                key_hash=hash_key(plain),
                env=env,
                role=role if role in ROLES and permissions is None else None,
                permissions=list(granted),
                teams=list(scope) if scope is not None else None,
                created_at=now,
                expires_at=expires,
                revoked_at=None,
                last_used_at=None,
                usage_count=0,
                budget_usd=budget_usd,
                budget_period=budget_period,
            )
            try:
                async with self._session() as db:
                    await KeyRepository(session=db).add(row)
                    await db.commit()
            except IntegrityError:  # an id (or, never in practice, a hash) already taken: draw again
                if attempt == 4:
                    raise
                plain = generate_key(env)
                continue
            return CreatedKey(key=plain, record=_record(row))
        raise AssertionError("unreachable")

    # reading

    def _active_clause(self, now: datetime.datetime) -> ColumnElement[bool]:
        return and_(
            ApiKeyRow.revoked_at.is_(None),
            or_(ApiKeyRow.expires_at.is_(None), ApiKeyRow.expires_at > now),
        )

    async def list_keys(
        self,
        *,
        active: bool | None = None,
        within: Iterable[str] | None = None,
        limit: int | None = None,
        cursor: str | None = None,
    ) -> Page[KeyRecord]:
        """Key records newest first; `limit` None is all.

        `active` True/False keeps only usable/unusable ones; `within` (a team scope) keeps only keys whose own
        scope is a subset of it (never a key without a team scope).
        """
        check_limit(limit)
        now = self.clock()
        await self.flush_usage()
        statement = select(ApiKeyRow).order_by(ApiKeyRow.created_at.desc(), ApiKeyRow.id.desc())
        if within is not None:
            statement = statement.where(teams_within(ApiKeyRow.teams, within))
        if active is not None:
            clause = self._active_clause(now)
            statement = statement.where(clause if active else ~clause)
        if cursor:
            at_text, key_id = decode_cursor(cursor, ["", ""])
            try:
                at = datetime.datetime.fromisoformat(at_text)
            except ValueError:
                raise foreign_cursor() from None
            statement = statement.where(
                or_(ApiKeyRow.created_at < at, and_(ApiKeyRow.created_at == at, ApiKeyRow.id < key_id))
            )
        if limit is not None:
            statement = statement.limit(limit + 1)
        async with self._session() as db:
            rows = list((await db.execute(statement)).scalars())
        next_cursor = None
        if limit is not None and len(rows) > limit:
            rows = rows[:limit]
            last = rows[-1]
            next_cursor = encode_cursor([last.created_at.isoformat(), last.id])
        return Page(items=[_record(row) for row in rows], next_cursor=next_cursor)

    async def get(self, key_id: str) -> KeyRecord | None:
        """A key's record by public id, or None."""
        async with self._session() as db:
            row = await KeyRepository(session=db).get_one_or_none(id=key_id)
        return _record(row) if row is not None else None

    async def find(self, ref: str) -> KeyRecord:
        """A key by public id or unique hash prefix (NotFoundError when unknown or ambiguous)."""
        return _record(await self._find_row(ref))

    async def _find_row(self, ref: str) -> ApiKeyRow:
        ref = ref.strip()
        async with self._session() as db:
            if KEY_ID_PATTERN.fullmatch(ref):
                row = await KeyRepository(session=db).get_one_or_none(id=ref)
                if row is not None:
                    return row
                raise NotFoundError(f"No key with id {ref}", {"keyId": ref})
            if is_key(ref):
                raise NotFoundError(
                    "Give the key's public id or a prefix of its hash, never the key itself", {"keyId": "(a key)"}
                )
            if not _HEX.fullmatch(ref):
                raise NotFoundError(
                    f"No key with id {ref} (expected an id like k_XXXXXXXXXX or a hex prefix of a key's hash)",
                    {"keyId": ref},
                )
            if len(ref) < MIN_HASH_PREFIX:
                raise NotFoundError(
                    f"A hash prefix needs at least {MIN_HASH_PREFIX} hex digits, got {ref}", {"keyId": ref}
                )
            prefix = ref.lower()
            statement = select(ApiKeyRow).where(ApiKeyRow.key_hash.startswith(prefix, autoescape=True)).limit(2)
            rows = list((await db.execute(statement)).scalars())
        if not rows:
            raise NotFoundError(f"No key whose hash starts with {prefix}", {"keyId": ref})
        if len(rows) > 1:
            raise NotFoundError(
                f"Ambiguous: several keys' hashes start with {prefix}; give more digits or the id", {"keyId": ref}
            )
        return rows[0]

    # revoking

    async def revoke(self, ref: str) -> RevokeResult:
        """Revoke a key by public id or unique hash prefix; effective on its next request. Idempotent."""
        row = await self._find_row(ref)
        now = self.clock()
        async with self._session() as db:
            result = await db.execute(
                update(ApiKeyRow).where(ApiKeyRow.id == row.id, ApiKeyRow.revoked_at.is_(None)).values(revoked_at=now)
            )
            await db.commit()
            fresh = await KeyRepository(session=db).get(row.id)
        changed = int(getattr(result, "rowcount", 0) or 0) > 0
        return RevokeResult(record=_record(fresh), newly_revoked=changed)

    # authenticating

    async def verify(self, plain: str | None) -> AuthOutcome:
        """Check a presented key against the store right now (no cache): usable, or why not. Counts a use."""
        if not plain:
            return AuthOutcome(None, "missing")
        if not is_key(plain):
            return AuthOutcome(None, "malformed")
        digest = hash_key(plain)
        async with self._session() as db:
            row = (await db.execute(_BY_HASH, {"digest": digest})).scalar_one_or_none()
        if row is None or not hashes_equal(row.key_hash, digest):
            return AuthOutcome(None, "unknown")
        record = _record(row)
        now = self.clock()
        status = record.status(now)
        if status != "active":
            return AuthOutcome(None, status, key_id=record.id, key_name=record.name)
        self.record_usage(record.id, now)
        pending = self._usage.get(record.id)
        return AuthOutcome(record.used(now, pending[0] if pending else 1), "ok", key_id=record.id, key_name=record.name)

    async def authenticate(self, plain: str | None) -> KeyRecord | None:
        """The usable key's record, or None (missing, malformed, unknown, revoked or expired)."""
        return (await self.verify(plain)).record

    # usage

    def record_usage(self, key_id: str, at: datetime.datetime | None = None) -> None:
        """Count one use of a key; written in the background (and on close)."""
        at = at or self.clock()
        count, last = self._usage.get(key_id, (0, at))
        self._usage[key_id] = (count + 1, max(last, at))

    async def flush_usage(self) -> None:
        """Write the usage counted since the last write."""
        async with self._usage_lock:
            if not self._usage:
                return
            pending, self._usage = self._usage, {}
            try:
                uses = [{"key": key_id, "uses": count, "last": last} for key_id, (count, last) in pending.items()]
                await self._writer.write([(_ADD_USAGE, uses)])
            except Exception:
                for key_id, (count, last) in pending.items():  # keep them for the next try
                    more, newer = self._usage.get(key_id, (0, last))
                    self._usage[key_id] = (count + more, max(last, newer))
                raise

    async def _flush_usage_forever(self) -> None:
        while not self._stop.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stop.wait(), self.usage_flush_interval)
            try:
                await self.flush_usage()
            except Exception:
                log.exception("could not write key usage to %s (will retry)", self.path)
