"""API keys: the format, generation, hashing, permissions and roles, the key record and how it is shown."""

from __future__ import annotations

import datetime
import hashlib
import hmac
import math
import re
import secrets
import string
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Literal

import msgspec

from app.clock import utc_period
from app.errors import ValidationError
from app.redact import REDACTED, holds_key, redact, redact_value

__all__ = [
    "ADMIN",
    "AUTHENTICATED",
    "BASE62",
    "ENVS",
    "KEY_ID_PATTERN",
    "KEY_PATTERN",
    "NAME_PATTERN",
    "PERMISSIONS",
    "ROLES",
    "TEAM_PATTERN",
    "CreatedKey",
    "CreatedKeyView",
    "KeyRecord",
    "KeyView",
    "ParsedKey",
    "bearer_token",
    "generate_key",
    "grants",
    "hash_key",
    "hashes_equal",
    "is_key",
    "new_key_id",
    "normalize_permissions",
    "parse_key",
    "redact",
    "redact_value",
    "role_permissions",
    "validate_name",
    "validate_teams",
]

ADMIN = "admin"
AUTHENTICATED = "authenticated"
"""What an operation any valid key may use needs (`x-iris-permission: authenticated`): every key holds it; it is
never granted, listed or stored."""
PERMISSIONS: tuple[str, ...] = (
    "team:tell",
    "team:wake",
    "team:sleep",
    "team:cancel",
    "team:clear",
    "team:compact",
    "team:fork",
    "cache:read",
    "cache:write",
    "status:read",
    "debug:read",
    "metrics:read",
    "webhook:manage",
    ADMIN,
)
"""Every permission, in the contract's order (`admin` implies every other). `metrics:read` (`GET /metrics`, every
team's counts) is in no preset but admin: grant it alone to a scraper's key (`--permissions metrics:read`)."""

_VIEWER = ("status:read", "cache:read")
_OPERATOR = (*_VIEWER, "team:tell", "team:wake")
_DEVELOPER = (*_OPERATOR, "team:sleep", "team:clear", "debug:read")
ROLES: Mapping[str, tuple[str, ...]] = {
    "viewer": _VIEWER,
    "operator": _OPERATOR,
    "developer": _DEVELOPER,
    "admin": (ADMIN,),
}
"""Role presets: the permissions each role grants."""

ENVS: tuple[str, ...] = ("dev", "test", "prod")
BASE62 = string.digits + string.ascii_uppercase + string.ascii_lowercase
KEY_PREFIX = "iris_sk_"
SECRET_LENGTH = 40
KEY_PATTERN = re.compile(r"iris_sk_(?:(dev|test|prod)_)?([A-Za-z0-9]{40})")
"""A whole key: `iris_sk_{env}_{40 base62}`, the `_{env}` part optional."""
KEY_ID_PREFIX = "k_"
KEY_ID_LENGTH = 10
KEY_ID_PATTERN = re.compile(r"k_[A-Za-z0-9]{10}")
NAME_PATTERN = re.compile(r"[A-Za-z0-9_.@ -]{1,64}")
TEAM_PATTERN = re.compile(r"[A-Za-z0-9_@][A-Za-z0-9_.@-]{0,63}")


@dataclass(frozen=True)
class ParsedKey:
    """A well-formed key split into its parts."""

    env: str | None
    secret: str


def generate_key(env: str | None = None) -> str:
    """A new random key, `iris_sk_{env}_{40 base62}` (238 bits from `secrets`)."""
    if env is not None and env not in ENVS:
        raise ValidationError(f"env: expected one of {', '.join(ENVS)}, got {env!r}", {"field": "env"})
    secret = "".join(secrets.choice(BASE62) for _ in range(SECRET_LENGTH))
    return f"{KEY_PREFIX}{env}_{secret}" if env else f"{KEY_PREFIX}{secret}"


def parse_key(text: str) -> ParsedKey | None:
    """The parts of a well-formed key, or None."""
    match = KEY_PATTERN.fullmatch(text)
    return ParsedKey(env=match.group(1), secret=match.group(2)) if match else None


def is_key(text: str) -> bool:
    """Whether the text is a well-formed key."""
    return KEY_PATTERN.fullmatch(text) is not None


def hash_key(plain: str) -> str:
    """The SHA-256 of a key, as 64 lowercase hex digits (the only form stored)."""
    return hashlib.sha256(plain.encode("utf-8")).hexdigest()


def hashes_equal(a: str, b: str) -> bool:
    """Constant-time comparison of two hashes."""
    return hmac.compare_digest(a.encode("ascii", "replace"), b.encode("ascii", "replace"))


def new_key_id() -> str:
    """A new short public id, `k_` + 10 base62 characters."""
    return KEY_ID_PREFIX + "".join(secrets.choice(BASE62) for _ in range(KEY_ID_LENGTH))


def bearer_token(authorization: str | None) -> str | None:
    """The credential of an `Authorization: Bearer <token>` header value, or None."""
    if not authorization:
        return None
    scheme, _, token = authorization.strip().partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token or " " in token:
        return None
    return token


def normalize_permissions(permissions: Iterable[str]) -> tuple[str, ...]:
    """Validated permissions without duplicates, in canonical order (ValidationError names an unknown one)."""
    given = [p.strip() for p in permissions if p.strip()]
    unknown = [p for p in given if p not in PERMISSIONS]
    if unknown:
        raise ValidationError(
            f"permissions: unknown permission {unknown[0]!r} (expected some of {', '.join(PERMISSIONS)})",
            {"field": "permissions", "permission": unknown[0]},
        )
    if not given:
        raise ValidationError("permissions: expected at least one permission", {"field": "permissions"})
    return tuple(p for p in PERMISSIONS if p in given)


def role_permissions(role: str) -> tuple[str, ...]:
    """The permissions of a role preset (ValidationError for an unknown role)."""
    if role not in ROLES:
        raise ValidationError(f"role: expected one of {', '.join(ROLES)}, got {role!r}", {"field": "role"})
    return ROLES[role]


def grants(permissions: Iterable[str], permission: str) -> bool:
    """Whether a set of permissions includes `permission` (`admin` includes every one; every set includes
    `AUTHENTICATED`)."""
    held = set(permissions)
    return permission == AUTHENTICATED or ADMIN in held or permission in held


def validate_name(name: str) -> str:
    """A key name: 1 to 64 characters of letters, digits, space and `_.@-`."""
    if not NAME_PATTERN.fullmatch(name) or not name.strip():
        raise ValidationError("name: expected 1 to 64 characters of letters, digits, space and _.@-", {"field": "name"})
    if holds_key(name):
        raise ValidationError("name: must not look like a key", {"field": "name"})
    return name


def validate_teams(teams: Iterable[str] | None) -> tuple[str, ...] | None:
    """A team scope: None (every team) or 1 to 256 distinct team names."""
    if teams is None:
        return None
    names: list[str] = []
    for team in teams:
        if not TEAM_PATTERN.fullmatch(team):
            raise ValidationError(
                f"teams: {team!r} is not a team name (1 to 64 characters of [A-Za-z0-9_.@-])",
                {"field": "teams", "team": team},
            )
        if team not in names:
            names.append(team)
    if not names or len(names) > 256:
        raise ValidationError("teams: expected 1 to 256 team names", {"field": "teams"})
    return tuple(names)


BUDGET_PERIODS = ("day", "month", "total")
MAX_BUDGET_USD = 1_000_000.0


def validate_budget(budget_usd: float | None, budget_period: str | None) -> str | None:
    """The budget's period (`total` unless given) when a budget is given, None without one; ValidationError naming
    the field for a budget out of range, an unknown period, or a period without a budget."""
    if budget_usd is None:
        if budget_period is not None:
            raise ValidationError("budgetPeriod needs budgetUsd", {"field": "budgetPeriod"})
        return None
    if not (math.isfinite(budget_usd) and 0 < budget_usd <= MAX_BUDGET_USD):
        raise ValidationError(
            f"budgetUsd: expected more than 0 and at most {MAX_BUDGET_USD:g} USD, got {budget_usd}",
            {"field": "budgetUsd"},
        )
    period = budget_period or "total"
    if period not in BUDGET_PERIODS:
        raise ValidationError(
            f"budgetPeriod: expected one of {', '.join(BUDGET_PERIODS)}, got {period!r}", {"field": "budgetPeriod"}
        )
    return period


def _utc(value: datetime.datetime | None) -> datetime.datetime | None:
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=datetime.UTC)
    return value


@dataclass(frozen=True)
class KeyRecord:
    """A stored key, without its hash: who it is and what it may do."""

    id: str
    name: str
    role: str | None
    permissions: tuple[str, ...]
    teams: tuple[str, ...] | None
    env: str | None
    created_at: datetime.datetime
    expires_at: datetime.datetime | None = None
    revoked_at: datetime.datetime | None = None
    last_used_at: datetime.datetime | None = None
    usage_count: int = 0
    budget_usd: float | None = None
    """A cost budget in USD for the tells it starts (None: none)."""
    budget_period: str | None = None
    """`day`, `month` (UTC) or `total`, with a budget."""

    def has(self, permission: str) -> bool:
        """Whether the key holds the permission (`admin` holds all)."""
        return grants(self.permissions, permission)

    def allows_team(self, team: str) -> bool:
        """Whether the team is within the key's team scope."""
        return self.teams is None or team in self.teams

    def expired(self, now: datetime.datetime) -> bool:
        """Whether the key's expiry has passed."""
        expires = _utc(self.expires_at)
        return expires is not None and expires <= now

    def status(self, now: datetime.datetime) -> Literal["active", "revoked", "expired"]:
        """active, revoked or expired (revoked wins)."""
        if self.revoked_at is not None:
            return "revoked"
        return "expired" if self.expired(now) else "active"

    def active(self, now: datetime.datetime) -> bool:
        """Neither revoked nor expired."""
        return self.status(now) == "active"

    def used(self, at: datetime.datetime, count: int = 1) -> KeyRecord:
        """A copy with `count` more uses, last at `at`."""
        return replace(self, last_used_at=at, usage_count=self.usage_count + count)

    def budget_view(self, now: datetime.datetime, spent_usd: float) -> KeyBudgetView | None:
        """The key's budget in the period holding `now`, with `spent_usd` spent in it (None: it has no budget)."""
        if self.budget_usd is None:
            return None
        start, resets = utc_period(self.budget_period or "total", now)
        return KeyBudgetView(self.budget_usd, self.budget_period or "total", round(spent_usd, 6), start, resets)

    def view(self, now: datetime.datetime, spent_usd: float | None = None) -> KeyView:
        """The key as it is shown (never the key or its hash), `active` as of `now`, with what its tells have cost
        in its budget's period (`spent_usd`, when known)."""
        budget = self.budget_view(now, spent_usd) if spent_usd is not None else None
        return KeyView(
            id=self.id,
            name=self.name,
            role=self.role,
            permissions=list(self.permissions),
            teams=list(self.teams) if self.teams is not None else None,
            env=self.env,
            created_at=self.created_at,
            expires_at=self.expires_at,
            revoked_at=self.revoked_at,
            last_used_at=self.last_used_at,
            usage_count=self.usage_count,
            active=self.active(now),
            spent_usd=round(spent_usd, 6) if spent_usd is not None else None,
            budget=budget,
        )


class KeyBudgetView(msgspec.Struct, frozen=True, rename="camel"):
    """A key's cost budget and its spend this period (the contract's `Budget`)."""

    limit_usd: float
    period: str
    spent_usd: float
    period_start: datetime.datetime | None
    resets_at: datetime.datetime | None


class KeyView(msgspec.Struct, frozen=True, rename="camel", omit_defaults=True):
    """A key as callers see it (the contract's `ApiKey`, field for field; None `spentUsd`, `budget` left out)."""

    id: str
    name: str
    role: str | None
    permissions: list[str]
    teams: list[str] | None
    env: str | None
    created_at: datetime.datetime
    expires_at: datetime.datetime | None
    revoked_at: datetime.datetime | None
    last_used_at: datetime.datetime | None
    usage_count: int
    active: bool
    spent_usd: float | None = None
    """What its tells have cost in its budget's period (all time without one); None when not read."""
    budget: KeyBudgetView | None = None


class CreatedKeyView(msgspec.Struct, frozen=True, rename="camel"):
    """A new key as its creator sees it, the plain key included (the contract's `CreatedApiKey`)."""

    key: str
    id: str
    name: str
    role: str | None
    permissions: list[str]
    teams: list[str] | None
    env: str | None
    created_at: datetime.datetime
    expires_at: datetime.datetime | None
    budget: KeyBudgetView | None = None

    def __repr__(self) -> str:
        return f"CreatedKeyView(key={REDACTED!r}, id={self.id!r})"


@dataclass(frozen=True)
class CreatedKey:
    """A new key: the plain key (shown this once) and its record."""

    key: str
    record: KeyRecord

    def __repr__(self) -> str:
        return f"CreatedKey(key={REDACTED!r}, record={self.record!r})"

    def view(self) -> CreatedKeyView:
        """The new key as its creator sees it, with the plain key (shown this once)."""
        r = self.record
        return CreatedKeyView(
            key=self.key,
            id=r.id,
            name=r.name,
            role=r.role,
            permissions=list(r.permissions),
            teams=list(r.teams) if r.teams is not None else None,
            env=r.env,
            created_at=r.created_at,
            expires_at=r.expires_at,
            budget=r.budget_view(r.created_at, 0.0),
        )
