"""`litestar iris key generate|list|revoke` and `litestar iris audit` (or `python -m app.auth.cli`)."""

from __future__ import annotations

import asyncio
import datetime
import json
import logging
import os
import re
from collections.abc import Callable, Coroutine, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn, TypeVar

import click
import litestar.cli  # noqa: F401  (Litestar's rich-click settings: the same help and error style as `litestar`)
import msgspec
from rich_click import RichCommand, RichGroup

from app.auth.audit import AUDIT_EVENTS, AuditLog, AuditRecord
from app.auth.keys import (
    ADMIN,
    BUDGET_PERIODS,
    ENVS,
    KEY_ID_PATTERN,
    KEY_ID_PREFIX,
    MAX_BUDGET_USD,
    PERMISSIONS,
    ROLES,
    KeyRecord,
)
from app.auth.store import KeyStore, key_spend
from app.clock import utcnow
from app.config import ApiConfig, DatabaseConfig, find_config_file, iris_home, load_config
from app.db.store import Store
from app.errors import IrisError, NotFoundError

__all__ = [
    "IrisCLIPlugin",
    "Stores",
    "fail",
    "iris",
    "load_stores",
    "resolve_config_path",
    "run_async",
    "scoped_admin_warning",
]

T = TypeVar("T")


# ----------------------------------------------------------------------------- config


@dataclass(frozen=True)
class Stores:
    """Where the key store and the audit log are, as the server sees them."""

    key_store_path: Path
    audit_log_path: Path
    retention_days: int
    teams: tuple[str, ...] | None
    """The configured teams (None without a config file)."""
    config: Path | None
    database_url: str | None = None
    """The sessions store, which keeps what each key's tells cost (None: not known)."""


def resolve_config_path(explicit: str | None = None, env: Mapping[str, str] | None = None) -> Path | None:
    """The server's config file: --config, else the one the server itself finds; None when no file exists."""
    if explicit:
        return Path(explicit).expanduser()
    return find_config_file(env)


def load_stores(explicit: str | None = None, env: Mapping[str, str] | None = None) -> Stores:
    """The stores of the config file (the defaults under IRIS_HOME when there is none)."""
    env = os.environ if env is None else env
    path = resolve_config_path(explicit, env)
    if path is None:
        api = ApiConfig()
        home = iris_home(env)
        database = f"sqlite+aiosqlite:///{home / DatabaseConfig().path}"
        return Stores(
            home / api.key_store_path, home / api.audit_log_path, api.audit_retention_days, None, None, database
        )
    config = load_config(path, env)
    return Stores(
        Path(config.api.key_store_path),
        Path(config.api.audit_log_path),
        config.api.audit_retention_days,
        tuple(config.teams),
        path,
        config.database_url,
    )


# ----------------------------------------------------------------------------- errors


def fail(message: str) -> NoReturn:
    """Print one line on stderr and exit with status 1."""
    line = " ".join(message.split())
    click.echo(f"error: {line}", err=True)
    raise click.exceptions.Exit(1)


class _Group(RichGroup):
    """A group in Litestar's rich style (usage errors: rich, status 2); no subcommand shows the help, status 0."""

    command_class = RichCommand

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        """Parse; no arguments at all: the help on stdout and status 0."""
        if not args and self.no_args_is_help and not ctx.resilient_parsing:
            click.echo(ctx.get_help())
            ctx.exit(0)
        return super().parse_args(ctx, args)


class _IrisGroup(_Group):
    """The top group: a usage error is Litestar's (status 2); any other failure (store, config, anything) is one
    line on stderr and status 1."""

    def invoke(self, ctx: click.Context) -> Any:
        """Run the subcommand; a failure is one line on stderr and status 1, never a traceback."""
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.exceptions.Abort, click.UsageError):
            raise
        except click.ClickException as error:
            fail(error.format_message())
        except IrisError as error:
            fail(error.message)
        except Exception as error:
            fail(f"{type(error).__name__}: {error}")


def run_async(factory: Callable[[], Coroutine[Any, Any, T]]) -> T:
    """Run a command's coroutine to its end."""
    # Litestar's CLI configures logging at INFO; the migration check's chatter is not the command's output.
    logging.getLogger("alembic").setLevel(logging.WARNING)
    return asyncio.run(factory())


def _stores() -> Stores:
    """The stores, from the config file named by `--config` or found by default (loaded once per run)."""
    ctx = click.get_current_context()
    stores = ctx.meta.get("iris.stores")
    if not isinstance(stores, Stores):
        stores = ctx.meta["iris.stores"] = load_stores(ctx.meta.get("iris.config"))
    return stores


async def audit_key_change(stores: Stores, event: str, record: KeyRecord, details: dict[str, Any]) -> None:
    """Write one audit row (`via: cli`) about a key a command made or revoked."""
    log = AuditLog(stores.audit_log_path, stores.retention_days)
    try:
        await log.open(prune=False)
        log.record(event, key=record, details={"via": "cli", **details})
        await log.flush()
    finally:
        await log.close()


def _split(value: str | None) -> list[str] | None:
    if value is None:
        return None
    return [part.strip() for part in value.split(",") if part.strip()]


def _time(value: datetime.datetime | None) -> str:
    if value is None:
        return "-"
    return value.astimezone(datetime.UTC).strftime("%Y-%m-%d %H:%M:%SZ")


def _table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(headers)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip()]
    lines += ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in rows]
    return "\n".join(lines)


def _json(value: Any) -> str:
    return json.dumps(msgspec.to_builtins(value), indent=2, ensure_ascii=False)


_RELATIVE = re.compile(r"(\d+)\s*([smhdw])")
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


def parse_since(text: str, now: datetime.datetime | None = None) -> datetime.datetime:
    """`--since`: an ISO 8601 date or time (UTC unless it says otherwise), or an age such as 90s, 15m, 2h, 7d, 1w."""
    now = now or utcnow()
    match = _RELATIVE.fullmatch(text.strip())
    if match:
        return now - datetime.timedelta(**{_UNITS[match.group(2)]: int(match.group(1))})
    try:
        value = datetime.datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise click.BadParameter(
            f"expected an ISO 8601 time (2025-01-16T12:00:00Z) or an age (90s, 15m, 2h, 7d, 1w), got {text!r}",
            param_hint="'--since'",
        ) from None
    return value if value.tzinfo is not None else value.replace(tzinfo=datetime.UTC)


# ----------------------------------------------------------------------------- commands


@click.group("iris", cls=_IrisGroup, no_args_is_help=True)
@click.option(
    "--config",
    "config",
    default=None,
    metavar="PATH",
    help="The Iris config file (default: IRIS_CONFIG_PATH, else IRIS_HOME/config.yaml, ./config.yaml or "
    "./config.example.yaml, as the server finds it).",
)
def iris(config: str | None) -> None:
    """Iris API keys and audit log (on the same stores as the server, also while it runs)."""
    click.get_current_context().meta["iris.config"] = config


@iris.group("key", cls=_Group, no_args_is_help=True)
def key_group() -> None:
    """Create, list and revoke API keys."""


@key_group.command("generate")
@click.argument("name")
@click.option("--role", type=click.Choice(list(ROLES)), default=None, help="A permission preset.")
@click.option("--permissions", default=None, metavar="A,B", help=f"Explicit permissions: {', '.join(PERMISSIONS)}.")
@click.option("--expires", type=click.IntRange(1, 3650), default=None, metavar="DAYS", help="Days until it expires.")
@click.option("--env", "key_env", type=click.Choice(list(ENVS)), default=None, help="Environment tag in the key.")
@click.option("--teams", default=None, metavar="A,B", help="The only teams the key may address (default all).")
@click.option(
    "--budget-usd",
    type=click.FloatRange(min=0, min_open=True, max=MAX_BUDGET_USD),
    default=None,
    metavar="USD",
    help="A cost budget for the tells the key starts: one that would start over it is refused (402).",
)
@click.option(
    "--budget-period",
    type=click.Choice(list(BUDGET_PERIODS)),
    default=None,
    help="What the budget counts: the UTC day, the UTC month, or everything (total, the default).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the new key and its record as JSON.")
def generate(
    name: str,
    role: str | None,
    permissions: str | None,
    expires: int | None,
    key_env: str | None,
    teams: str | None,
    budget_usd: float | None,
    budget_period: str | None,
    as_json: bool,
) -> None:
    """Create a key for NAME (--role or --permissions; neither: viewer). The key is printed once."""
    if role is not None and permissions is not None:
        raise click.UsageError("give --role or --permissions, not both")
    if budget_period is not None and budget_usd is None:
        raise click.UsageError("--budget-period needs --budget-usd")
    stores = _stores()
    scope = _split(teams)
    if teams is not None and not scope:
        raise click.BadParameter("expected at least one team name", param_hint="'--teams'")
    if scope is not None and stores.teams is not None:
        unknown = [t for t in scope if t not in stores.teams]
        if unknown:
            configured = ", ".join(stores.teams) or "none"
            fail(f"--teams: {unknown[0]} is not a configured team (configured: {configured})")

    if scope and (role == ADMIN or ADMIN in (_split(permissions) or [])):
        click.echo(scoped_admin_warning(scope), err=True)

    async def create() -> Any:
        async with KeyStore(stores.key_store_path) as store:
            return await store.create(
                name,
                role=role,
                permissions=_split(permissions),
                expires_in_days=expires,
                env=key_env,
                teams=scope,
                budget_usd=budget_usd,
                budget_period=budget_period,
            )

    created = run_async(create)
    run_async(lambda: audit_key_change(stores, "key_created", created.record, {"command": "key generate"}))
    if as_json:
        click.echo(_json(created.view()))
        return
    r = created.record
    click.echo(created.key)
    click.echo(
        f"Created key {r.id} ({r.name}): {_grants(r)}; teams: {', '.join(r.teams) if r.teams else 'all'}; "
        f"expires: {_time(r.expires_at) if r.expires_at else 'never'}; budget: {_budget(r)}. "
        "Store the key now: it is not shown again.",
        err=True,
    )


def scoped_admin_warning(teams: Sequence[str]) -> str:
    """What an admin key limited to some teams can and cannot do (printed when one is made)."""
    names = ", ".join(teams)
    return (
        f"warning: admin with --teams: this key holds every permission, but only within {names}. It may tell, "
        "wake, sleep, clear and read those teams (as `external` or as one of them), read their logs, status and "
        "audit entries, and create, list and revoke keys whose teams are within them. It may not reach any other "
        "team or act as its caller, create a key without --teams or wider than its own, see or revoke keys that "
        "reach other teams, or read audit entries about other teams or about no team."
    )


def _budget(r: KeyRecord, spent_usd: float | None = None) -> str:
    """A key's budget in a few words (`$5.00/day`, with `$1.2345 of ` what it has spent when known), or `none`."""
    if r.budget_usd is None:
        return "none"
    per = {"day": "/day", "month": "/month"}.get(r.budget_period or "total", " total")
    spent = f"${spent_usd:.4f} of " if spent_usd is not None else ""
    return f"{spent}${r.budget_usd:.2f}{per}"


async def _spend(stores: Stores, records: Sequence[KeyRecord]) -> dict[str, float]:
    """What each key's tells have cost (in its budget's period, or ever), read from the sessions store; nothing
    when that store cannot be read."""
    if stores.database_url is None:
        return {}
    spend = Store(stores.database_url)
    try:
        await spend.open()
        return {record.id: await key_spend(spend, record) for record in records}
    except Exception as error:  # the keys are still listed, their spend as unknown
        click.echo(f"warning: what the keys spent could not be read: {type(error).__name__}", err=True)
        return {}
    finally:
        await spend.close()


def _grants(r: KeyRecord) -> str:
    return f"role {r.role} ({', '.join(r.permissions)})" if r.role else f"permissions {', '.join(r.permissions)}"


@key_group.command("list")
@click.option("--active", is_flag=True, help="Only usable keys (not revoked, not expired).")
@click.option("--json", "as_json", is_flag=True, help="Print the key records as JSON.")
def list_command(active: bool, as_json: bool) -> None:
    """List keys, newest first (never the keys themselves)."""
    stores = _stores()

    async def read() -> list[KeyRecord]:
        async with KeyStore(stores.key_store_path) as store:
            return (await store.list_keys(active=True if active else None)).items

    records = run_async(read)
    spent = run_async(lambda: _spend(stores, records)) if records else {}
    now = utcnow()
    if as_json:
        click.echo(_json([r.view(now, spent.get(r.id)) for r in records]))
        return
    if not records:
        click.echo("No keys." if not active else "No active keys.")
        return
    rows = [
        [
            r.id,
            r.name,
            r.role or "-",
            ",".join(r.permissions),
            ",".join(r.teams) if r.teams else "all",
            r.env or "-",
            _time(r.created_at),
            _time(r.expires_at),
            _time(r.last_used_at),
            str(r.usage_count),
            f"${spent[r.id]:.4f}" if r.id in spent else "-",
            _budget(r),
            r.status(now),
        ]
        for r in records
    ]
    headers = ["ID", "NAME", "ROLE", "PERMISSIONS", "TEAMS", "ENV", "CREATED", "EXPIRES", "LAST USED", "USES"]
    click.echo(_table([*headers, "SPENT", "BUDGET", "STATUS"], rows))


@key_group.command("revoke")
@click.argument("key_id", metavar="ID")
@click.option("--json", "as_json", is_flag=True, help="Print the revoked key's record as JSON.")
def revoke(key_id: str, as_json: bool) -> None:
    """Revoke the key with public id ID (or a unique prefix of the id or of its hash); it stops working at once."""
    stores = _stores()

    async def run() -> Any:
        async with KeyStore(stores.key_store_path) as store:
            return await store.revoke(await _complete_id(store, key_id.strip()))

    result = run_async(run)
    r = result.record
    if result.newly_revoked:
        run_async(lambda: audit_key_change(stores, "key_revoked", r, {"command": "key revoke"}))
    if as_json:
        click.echo(_json(r.view(utcnow())))
    elif result.newly_revoked:
        click.echo(f"Revoked key {r.id} ({r.name}).")
    else:
        click.echo(f"Key {r.id} ({r.name}) was already revoked at {_time(r.revoked_at)}.")


async def _complete_id(store: KeyStore, ref: str) -> str:
    """The whole public id a unique prefix such as `k_7Hq` stands for; anything else is returned as it is."""
    if not ref.startswith(KEY_ID_PREFIX) or len(ref) <= len(KEY_ID_PREFIX) or KEY_ID_PATTERN.fullmatch(ref):
        return ref
    matches = [r for r in (await store.list_keys()).items if r.id.startswith(ref)]
    if not matches:
        raise NotFoundError(f"No key whose id starts with {ref}", {"keyId": ref})
    if len(matches) > 1:
        listed = ", ".join(f"{r.id} ({r.name})" for r in sorted(matches, key=lambda r: r.id))
        raise NotFoundError(
            f"Ambiguous: {len(matches)} keys' ids start with {ref}: {listed}; give more characters", {"keyId": ref}
        )
    return matches[0].id


@iris.command("audit")
@click.option("--since", default=None, help="Only entries since a time (ISO 8601) or an age (15m, 2h, 7d).")
@click.option("--event", type=click.Choice(list(AUDIT_EVENTS)), default=None, help="Only entries of this type.")
@click.option("--key", "key_id", default=None, metavar="ID", help="Only entries of this key.")
@click.option("--limit", type=click.IntRange(1, 100_000), default=50, show_default=True, help="At most this many.")
@click.option("--json", "as_json", is_flag=True, help="Print the entries as JSON.")
def audit(since: str | None, event: str | None, key_id: str | None, limit: int, as_json: bool) -> None:
    """Show the audit log, newest first."""
    stores = _stores()
    after = parse_since(since) if since is not None else None

    async def read() -> list[AuditRecord]:
        log = AuditLog(stores.audit_log_path, stores.retention_days)
        try:
            await log.open(prune=False)
            return (await log.query(since=after, event=event, key_id=key_id, limit=limit)).items
        finally:
            await log.close()

    entries = run_async(read)
    if as_json:
        click.echo(_json([e.view() for e in entries]))
        return
    if not entries:
        click.echo("No audit entries.")
        return
    rows = [
        [
            str(e.id),
            _time(e.timestamp),
            e.event,
            e.key_id or "-",
            e.key_name or "-",
            e.client_address or "-",
            f"{e.method or ''} {e.path or ''}".strip() or "-",
            str(e.status_code) if e.status_code is not None else "-",
            e.error or "",
        ]
        for e in entries
    ]
    click.echo(_table(["ID", "TIME", "EVENT", "KEY", "NAME", "CLIENT", "REQUEST", "STATUS", "ERROR"], rows))


# ----------------------------------------------------------------------------- Litestar


class IrisCLIPlugin:
    """Adds `litestar iris ...` to the Litestar CLI (a structural `CLIPluginProtocol`: put it in the app's plugins);
    `commands` are added to the `iris` group (the layers above auth bring their own, e.g. `iris mcp`)."""

    __slots__ = ("commands",)

    def __init__(self, commands: Sequence[click.Command] = ()) -> None:
        self.commands = tuple(commands)

    def on_cli_init(self, cli: click.Group) -> None:
        """Register the `iris` group, with the given commands in it."""
        for command in self.commands:
            iris.add_command(command)
        cli.add_command(iris)


if __name__ == "__main__":
    iris(prog_name="python -m app.auth.cli")
