"""Stream access: how the stream layer authenticates, rate-limits and audits its callers.

The stream handlers need these from the auth layer, expressed as plain callables so that the layer can be
plugged in without the stream code importing the key store:

- `authenticate(token) -> identity | None` (sync or async). An identity is anything with
  `allows(permission, team=None) -> bool` (the `Identity` protocol), or a key record with `id`,
  `has(permission)` and `allows_team(team)` (like `app.auth.keys.KeyRecord`), which is adapted.
- `authenticate_from(token, client_address) -> identity | None` (async): used instead of `authenticate` when
  given (the auth layer's, which audits the outcome with the caller's address).
- `rate_limit(key_id, client_address)`: count one WebSocket `tell:start`; raise `TooManyRequestsError` when over.
- `auth_failed(client_address)`: count a refused credential against the address (so keys cannot be guessed at
  speed); it may raise `TooManyRequestsError`.
- `auth_blocked(client_address)`: raise `TooManyRequestsError` when the address has used up its failed
  authentications; called before any credential is checked.
- `key_active(key_id) -> bool` (sync or async): whether a key is still usable (neither revoked nor expired);
  open streams are checked with it whenever the key store changes, and end when it says no.
- `audit(event, identity, client_address, details)`: record a state change made over the WebSocket.

With `require_auth` false every connection gets `OPEN`, which allows everything. With `require_auth` true and
no `authenticate`, every connection is refused (fail closed).
"""

from __future__ import annotations

import datetime
import inspect
import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

from app.auth.keys import bearer_token
from app.errors import UnauthorizedError

__all__ = [
    "OPEN",
    "Identity",
    "KeyIdentity",
    "KeyLike",
    "StreamAccess",
    "as_identity",
    "bearer_token",
    "expires_at",
]

log = logging.getLogger("iris.streams")


@runtime_checkable
class Identity(Protocol):
    """An authenticated caller, as the stream layer sees it."""

    @property
    def key_id(self) -> str | None:
        """The public id of the key (None when authentication is off)."""
        ...

    @property
    def scoped(self) -> bool:
        """Whether the caller may address only some teams (a key with a team scope)."""
        ...

    def allows(self, permission: str, team: str | None = None) -> bool:
        """Whether the caller holds `permission` and (when given) may address `team`."""
        ...


@runtime_checkable
class KeyLike(Protocol):
    """A stored API key record (`app.auth.keys.KeyRecord` has this shape)."""

    @property
    def id(self) -> str:
        """The key's public id."""
        ...

    def has(self, permission: str) -> bool:
        """Whether the key holds the permission."""
        ...

    def allows_team(self, team: str) -> bool:
        """Whether the team is within the key's team scope."""
        ...


@dataclass(frozen=True)
class _Open:
    """Authentication is off: everything is allowed."""

    key_id: str | None = None
    scoped: bool = False

    def allows(self, permission: str, team: str | None = None) -> bool:
        return True


OPEN: Identity = _Open()
"""The identity of every caller when `api.requireAuth` is false."""


@dataclass(frozen=True)
class KeyIdentity:
    """A key record seen as an `Identity`."""

    key: KeyLike

    @property
    def key_id(self) -> str | None:
        return self.key.id

    @property
    def scoped(self) -> bool:
        return getattr(self.key, "teams", None) is not None

    def allows(self, permission: str, team: str | None = None) -> bool:
        return self.key.has(permission) and (team is None or self.key.allows_team(team))

    @property
    def expires_at(self) -> datetime.datetime | None:
        """When the key expires, if the record says (`KeyRecord.expires_at`)."""
        value = getattr(self.key, "expires_at", None)
        return value if isinstance(value, datetime.datetime) else None


def expires_at(identity: Identity) -> datetime.datetime | None:
    """When an identity's key expires (UTC), when it is known."""
    value = getattr(identity, "expires_at", None)
    if not isinstance(value, datetime.datetime):
        return None
    return value if value.tzinfo is not None else value.replace(tzinfo=datetime.UTC)


def as_identity(value: object) -> Identity | None:
    """An `Identity` for what an authenticator returned (None stays None)."""
    if value is None:
        return None
    if isinstance(value, KeyLike):
        return KeyIdentity(value)
    if isinstance(value, Identity):
        return value
    raise TypeError(f"an authenticator returned {type(value).__name__}, which is neither an Identity nor a key")


Authenticate = Callable[[str], "Awaitable[object | None] | object | None"]
AuthenticateFrom = Callable[[str, str | None], "Awaitable[object | None]"]
RateLimit = Callable[[str | None, str | None], None]
AuthFailed = Callable[[str | None], None]
KeyActive = Callable[[str], "Awaitable[bool] | bool"]
Audit = Callable[[str, Identity, str | None, Mapping[str, Any]], None]


@dataclass
class StreamAccess:
    """How the stream layer authenticates, rate-limits and audits (see the module docstring)."""

    require_auth: bool = True
    authenticate: Authenticate | None = None
    rate_limit: RateLimit | None = None
    audit: Audit | None = None
    auth_failed: AuthFailed | None = None
    auth_blocked: AuthFailed | None = None
    key_active: KeyActive | None = None
    authenticate_from: AuthenticateFrom | None = None

    async def identify(self, token: str | None, client: str | None = None) -> Identity:
        """The identity of a presented credential; UnauthorizedError when it is missing or not accepted.

        An address that has used up its failed authentications gets TooManyRequestsError before the
        credential is looked at.
        """
        if not self.require_auth:
            return OPEN
        if self.auth_blocked is not None:
            self.auth_blocked(client)
        if not token:
            raise UnauthorizedError("Missing API key (Authorization: Bearer <key>)")
        identity = None
        if self.authenticate_from is not None:
            identity = as_identity(await self.authenticate_from(token, client))
        elif self.authenticate is None:
            log.warning("api.requireAuth is on but no authenticator is plugged into the stream layer")
        else:
            result = self.authenticate(token)
            if inspect.isawaitable(result):
                result = await result
            identity = as_identity(result)
        if identity is None:
            if self.auth_failed is not None:
                self.auth_failed(client)
            raise UnauthorizedError("Missing or invalid API key")
        return identity

    async def identify_scope(
        self, scope: Mapping[str, Any], authorization: str | None, client: str | None = None
    ) -> Identity:
        """The identity of an HTTP request: the auth middleware's `scope["user"]` when it set one, else the header."""
        if not self.require_auth:
            return OPEN
        user = scope.get("user")
        if user is not None:
            identity = as_identity(user)
            if identity is not None:
                return identity
        return await self.identify(bearer_token(authorization), client)

    async def still_active(self, key_id: str) -> bool:
        """Whether a key is still usable (True when there is no way to tell: no `key_active`)."""
        if self.key_active is None:
            return True
        result = self.key_active(key_id)
        if inspect.isawaitable(result):
            result = await result
        return bool(result)

    def count_tell(self, identity: Identity, client: str | None) -> None:
        """Count a WebSocket `tell:start` against the rate limit (raises TooManyRequestsError when over)."""
        if self.rate_limit is not None:
            self.rate_limit(identity.key_id, client)

    def record(self, event: str, identity: Identity, client: str | None, details: Mapping[str, Any]) -> None:
        """Audit a state change made over the WebSocket (never fails the caller)."""
        if self.audit is None:
            return
        try:
            self.audit(event, identity, client, details)
        except Exception:
            log.exception("could not audit %s", event)
