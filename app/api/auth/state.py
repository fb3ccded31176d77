"""The auth services of one app (key store, audit log, rate limits) and what each request carries about them."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterable, Mapping
from typing import Any

from litestar.connection import ASGIConnection
from litestar.types import Scope

from app.api.auth.access import Identity, StreamAccess
from app.auth.audit import AuditLog
from app.auth.keys import KeyRecord, hash_key, is_key
from app.auth.ratelimit import RateDecision, RateLimits
from app.auth.store import AuthOutcome, KeyStore
from app.config import EXTERNAL, IrisConfig

__all__ = [
    "UNAUTHORIZED",
    "AuthServices",
    "audit_details",
    "audit_scope",
    "client_address",
    "key_of",
    "key_scope",
    "rate_decision",
    "rate_headers",
]

log = logging.getLogger("iris.auth")

UNAUTHORIZED = {
    "missing": "Missing API key (Authorization: Bearer <key>)",
    "malformed": "Malformed API key (expected iris_sk_[env_]<40 base62 characters>)",
    "unknown": "Unknown API key",
    "revoked": "This API key has been revoked",
    "expired": "This API key has expired",
}
"""What a refused key is told (401), by `AuthOutcome.reason`."""
WS_METHOD, WS_PATH = "WS", "/ws"
"""The method and path of the WebSocket's audit rows."""

_STATE = "iris_auth"
"""The key of this request's auth facts in `scope["state"]`."""


class KeyCheck:
    """`KeyStore.verify`, with usable keys remembered for as long as the key store file is unchanged.

    Every request still checks the store: SQLite's `PRAGMA data_version` (one read on a connection of our own)
    changes whenever any other connection, in this process or another (the CLI), commits to the file, and any
    change forgets every remembered key. A revocation therefore takes effect on the next request, as does
    expiry (checked against the clock on every hit); only unchanged files skip the lookup.
    """

    def __init__(self, store: KeyStore) -> None:
        self.store = store
        self._conn: sqlite3.Connection | None = None
        self._version: int | None = None
        self._known: dict[str, AuthOutcome] = {}

    def open(self) -> None:
        """Open the watching connection (the store's file exists once the store is open)."""
        self._conn = sqlite3.connect(self.store.path, check_same_thread=False, isolation_level=None)

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None
        self._known.clear()

    def _changed(self) -> bool:
        if self._conn is None:
            return True
        try:
            version = int(self._conn.execute("PRAGMA data_version").fetchone()[0])
        except sqlite3.Error:
            return True
        changed = version != self._version
        self._version = version
        return changed

    async def verify(self, plain: str | None) -> AuthOutcome:
        """The store's verdict on a presented key (see the class docstring)."""
        if not plain or not is_key(plain):
            return await self.store.verify(plain)
        if self._changed():
            self._known.clear()
        digest = hash_key(plain)
        known = self._known.get(digest)
        now = self.store.clock()
        if known is not None and known.record is not None and known.record.active(now):
            self.store.record_usage(known.record.id, now)
            return known
        self._known.pop(digest, None)
        outcome = await self.store.verify(plain)
        if outcome.ok:
            if len(self._known) >= 10_000:
                self._known.clear()
            self._known[digest] = outcome
        return outcome


class AuthServices:
    """The key store, audit log and rate limits of one app: built with the app, opened by its lifespan."""

    def __init__(self, config: IrisConfig) -> None:
        self.config = config
        self.require_auth = config.api.require_auth
        self.limits = RateLimits(config.api.rate_limit)
        self.store = KeyStore(config.api.key_store_path)
        self.audit = AuditLog(
            config.api.audit_log_path, config.api.audit_retention_days, auth_success=config.api.audit.auth_success
        )
        self.keys = KeyCheck(self.store)
        self._key_names: dict[str, str] = {}
        """The names of keys that opened a WebSocket, for the audit rows of their later refusals."""
        self._opened = False

    async def open(self) -> None:
        """Open the key store and the audit log (creating the files and applying migrations)."""
        await self.store.open()
        self.keys.open()
        await self.audit.open()
        self._opened = True

    async def close(self) -> None:
        """Close the key store, then flush and close the audit log (never losing a queued row)."""
        if not self._opened:
            return
        self._opened = False
        try:
            self.keys.close()
            await self.store.close()
        finally:
            await self.audit.close()

    def stream_access(self) -> StreamAccess:
        """How the stream layer (SSE and `/ws`) checks keys, counts `tell:start` and audits."""
        return StreamAccess(
            require_auth=self.require_auth,
            authenticate_from=self._authenticate,
            rate_limit=self._rate_limit,
            auth_failed=self._auth_failed,
            auth_blocked=self._auth_blocked,
            key_active=self._key_active,
            audit=self._audit,
        )

    def _auth_blocked(self, client: str | None) -> None:
        blocked = self.limits.auth_blocked(client)
        if blocked is not None:
            self._refused_for_failures(client)
            raise blocked.error(f"Too many failed authentications from this address; retry in {blocked.reset} s")

    async def _key_active(self, key_id: str) -> bool:
        record = await self.store.get(key_id)
        return record is not None and record.active(self.store.clock())

    async def _authenticate(self, token: str, client: str | None) -> KeyRecord | None:
        outcome = await self.keys.verify(token)
        if outcome.record is not None:  # the socket was accepted (101) before its credentials were checked
            if len(self._key_names) >= 10_000:
                self._key_names.clear()
            self._key_names[outcome.record.id] = outcome.record.name
            self.audit.record(
                "auth_success",
                key=outcome.record,
                client_address=client,
                method=WS_METHOD,
                path=WS_PATH,
                status_code=101,
            )
        else:
            self.audit.record(
                "auth_failure",
                key_id=outcome.key_id,
                key_name=outcome.key_name,
                client_address=client,
                method=WS_METHOD,
                path=WS_PATH,
                status_code=401,
                error=UNAUTHORIZED.get(outcome.reason, "Missing or invalid API key"),
                details={"reason": outcome.reason},
            )
        return outcome.record

    def _auth_failed(self, client: str | None) -> None:
        decision = self.limits.auth_failed(client)
        if not decision.allowed:
            self._refused_for_failures(client)
            raise decision.error("Too many failed authentications from this address")

    def _refused_for_failures(self, client: str | None) -> None:
        """The audit row of a socket refused because its address failed to authenticate too often."""
        self.audit.record(
            "rate_limited",
            client_address=client,
            method=WS_METHOD,
            path=WS_PATH,
            status_code=429,
            details={"reason": "authentication failures"},
        )

    def _rate_limit(self, key_id: str | None, client: str | None) -> None:
        decision = self.limits.hit(key_id=key_id, client_address=client)
        if not decision.allowed:
            self.audit.record(
                "rate_limited",
                key_id=key_id,
                key_name=self._key_names.get(key_id) if key_id else None,
                client_address=client,
                method=WS_METHOD,
                path=WS_PATH,
                status_code=429,
            )
            raise decision.error()

    def _audit(self, event: str, identity: Identity, client: str | None, details: Mapping[str, Any]) -> None:
        key = getattr(identity, "key", None)
        self.audit.record(
            event,
            key=key if isinstance(key, KeyRecord) else None,
            key_id=identity.key_id,
            client_address=client,
            method=WS_METHOD,
            path=WS_PATH,
            status_code=202,  # accepted: the tell runs on, its events on the socket
            details=details,
            team=details.get("toTeam"),
            from_team=details.get("fromTeam") or (EXTERNAL if details.get("toTeam") else None),
        )


def facts(scope: Scope) -> dict[str, Any]:
    """This request's auth facts (key, rate decision, team, audit details), created on first use."""
    state = scope.setdefault("state", {})
    found = state.get(_STATE)
    if found is None:
        found = state[_STATE] = {}
    return found


def client_address(connection: ASGIConnection[Any, Any, Any, Any]) -> str | None:
    """The peer's address."""
    return connection.client.host if connection.client else None


def key_of(connection: ASGIConnection[Any, Any, Any, Any]) -> KeyRecord | None:
    """The key that made the request (None when authentication is off or the route is public)."""
    key = facts(connection.scope).get("key")
    return key if isinstance(key, KeyRecord) else None


def key_scope(connection: ASGIConnection[Any, Any, Any, Any]) -> tuple[str, ...] | None:
    """The teams the request's key may address (None: every team)."""
    key = key_of(connection)
    return key.teams if key is not None else None


def rate_decision(scope: Scope) -> RateDecision | None:
    """The rate-limit decision taken for this request, if any."""
    decision = facts(scope).get("rate")
    return decision if isinstance(decision, RateDecision) else None


def rate_headers(decision: RateDecision) -> dict[str, str]:
    """`RateLimit-Limit`, `-Remaining`, `-Reset`, `-Policy`, and `Retry-After` when refused (none when off)."""
    if not decision.enforced:
        return {}
    headers = {
        "RateLimit-Limit": str(decision.limit),
        "RateLimit-Remaining": str(decision.remaining),
        "RateLimit-Reset": str(decision.reset),
        "RateLimit-Policy": f"{decision.limit};w={decision.window}",
    }
    if not decision.allowed:
        headers["Retry-After"] = str(decision.reset)
    return headers


def audit_details(connection: ASGIConnection[Any, Any, Any, Any], **details: Any) -> None:
    """Add details to the audit row this request's operation will write."""
    facts(connection.scope).setdefault("details", {}).update(details)


def audit_scope(connection: ASGIConnection[Any, Any, Any, Any], teams: Iterable[str] | None) -> None:
    """The teams the audit row of this request's operation concerns (None: no team; see `AuditLog.record`)."""
    facts(connection.scope)["audit_teams"] = list(teams) if teams is not None else None
