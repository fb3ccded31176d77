"""The config file: schema, `${VAR}` interpolation, validation and paths."""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any, Literal

import msgspec
import msgspec.inspect
import yaml

from app.errors import ConfigurationError

__all__ = [
    "ApiConfig",
    "ChannelsConfig",
    "CorsConfig",
    "DashboardConfig",
    "DatabaseConfig",
    "IrisConfig",
    "MetricsConfig",
    "RateLimitConfig",
    "Settings",
    "TeamConfig",
    "TlsConfig",
    "iris_home",
    "load_config",
]

TEAM_NAME_PATTERN = r"^[A-Za-z0-9_@][A-Za-z0-9_.@-]{0,63}$"
EXTERNAL = "external"

PositiveMs = Annotated[int, msgspec.Meta(ge=1)]
Port = Annotated[int, msgspec.Meta(ge=1, le=65535)]
Color = Annotated[str, msgspec.Meta(pattern=r"^#[0-9A-Fa-f]{6}$")]
CommandName = Annotated[str, msgspec.Meta(pattern=r"^[A-Za-z0-9][A-Za-z0-9_:.-]{0,63}$")]


class _Section(msgspec.Struct, rename="camel", forbid_unknown_fields=True, kw_only=True):
    """A config section: camelCase keys, unknown keys rejected."""


class Settings(_Section):
    """Pool sizes and timeouts (milliseconds unless noted)."""

    max_processes: Annotated[int, msgspec.Meta(ge=1, le=1000)] = 10
    idle_timeout: PositiveMs = 3_600_000
    response_timeout: PositiveMs = 120_000
    spawn_timeout: PositiveMs = 30_000
    health_check_interval: PositiveMs = 30_000
    max_queued_tells: Annotated[int, msgspec.Meta(ge=0, le=10_000)] = 16
    shutdown_grace: Annotated[int, msgspec.Meta(ge=0)] = 5_000
    cancel_grace: Annotated[int, msgspec.Meta(ge=0)] = 3_000
    cache_messages_per_tell: Annotated[int, msgspec.Meta(ge=0)] = 200
    permission_timeout: PositiveMs = 60_000
    events_retained: Annotated[int, msgspec.Meta(ge=0)] = 1_000
    log_buffer_size: Annotated[int, msgspec.Meta(ge=1)] = 2_000
    hot_reload_config: bool = False
    allowed_slash_commands: tuple[CommandName, ...] = ()
    """Claude Code commands (names without the `/`) a tell may run; any other text reaches the model as written."""
    max_tell_depth: Annotated[int, msgspec.Meta(ge=1, le=100)] = 8
    """Tells in one chain at most (a tell a team makes from inside a tell adds one); deeper is TellCycleError."""
    mcp_tool_timeout: PositiveMs | None = None
    """How long one of Iris's tools called by a team's Claude Code may wait (default: `responseTimeout`)."""


class CorsConfig(_Section):
    """Cross-origin requests allowed by the API."""

    enabled: bool = True
    origins: tuple[str, ...] = ("http://localhost:3100",)


class RateLimitConfig(_Section):
    """Requests allowed per identity per window."""

    enabled: bool = True
    window_ms: PositiveMs = 900_000
    max_requests: Annotated[int, msgspec.Meta(ge=1)] = 100


AuthSuccessAudit = Literal["all", "first-per-key-per-minute", "none"]


class AuditConfig(_Section):
    """What the audit log keeps of routine events."""

    auth_success: AuthSuccessAudit = "first-per-key-per-minute"
    """`auth_success` rows: every one, the first of each key in any minute, or none (refusals are always kept)."""


class MetricsConfig(_Section):
    """`GET /metrics`, the Prometheus text format."""

    enabled: bool = True
    public: bool = False
    """Answer without a key (else the key needs `metrics:read`)."""


class WebhookRetryConfig(_Section):
    """When a webhook delivery that failed is tried again: exponential backoff with jitter, for `retryForMs`."""

    first_delay_ms: Annotated[int, msgspec.Meta(ge=1, le=30_000)] = 5_000
    """The wait before the first retry (at most 30 s)."""
    factor: Annotated[float, msgspec.Meta(ge=1.0, le=10.0)] = 2.0
    """Each later wait is this many times the one before (before jitter)."""
    max_delay_ms: PositiveMs = 3_600_000
    """No wait is longer than this."""
    jitter: Annotated[float, msgspec.Meta(ge=0.0, le=0.5)] = 0.2
    """Each wait is moved at random by up to this fraction of it, either way."""
    retry_for_ms: PositiveMs = 90_000_000
    """How long after its event a delivery is still tried (the last try at that mark); then it ends `failed`."""


class WebhooksConfig(_Section):
    """Signed webhook deliveries (`/api/webhooks`) and the hosts they may go to."""

    allowed_hosts: tuple[str, ...] = ()
    """Host names, IP addresses or networks (CIDR) an endpoint URL may name; none: no endpoint can be registered.
    A loopback, private or otherwise non-public address (named, or resolved from a name) must itself be listed."""
    timeout_ms: Annotated[int, msgspec.Meta(ge=100, le=300_000)] = 10_000
    """One attempt's deadline (connect, send, answer); past it the attempt failed and is retried."""
    concurrency: Annotated[int, msgspec.Meta(ge=1, le=64)] = 4
    """Attempts in flight per endpoint at once (a slow endpoint holds only its own)."""
    retry: WebhookRetryConfig = msgspec.field(default_factory=WebhookRetryConfig)


class TlsConfig(_Section):
    """Certificate and key files for HTTPS."""

    cert: str
    key: str


class ApiConfig(_Section):
    """The HTTP, WebSocket and SSE server."""

    enabled: bool = False
    port: Port = 1615
    host: str = "127.0.0.1"
    require_auth: bool = True
    key_store_path: str = "keys.db"
    audit_log_path: str = "audit.db"
    audit_retention_days: Annotated[int, msgspec.Meta(ge=1)] = 90
    max_header_bytes: Annotated[int, msgspec.Meta(ge=1024, le=1_048_576)] = 32_768
    """The request line and headers of one request, in bytes (431 beyond, before authentication)."""
    max_headers: Annotated[int, msgspec.Meta(ge=8, le=10_000)] = 100
    """Headers in one request (431 beyond, before authentication)."""
    max_streams_per_key: Annotated[int, msgspec.Meta(ge=1)] = 16
    """Concurrent WebSocket, SSE and streamed-tell streams per key (per client address when auth is off)."""
    cors: CorsConfig = msgspec.field(default_factory=CorsConfig)
    rate_limit: RateLimitConfig = msgspec.field(default_factory=RateLimitConfig)
    audit: AuditConfig = msgspec.field(default_factory=AuditConfig)
    metrics: MetricsConfig = msgspec.field(default_factory=MetricsConfig)
    webhooks: WebhooksConfig = msgspec.field(default_factory=WebhooksConfig)
    tls: TlsConfig | None = None


DashboardPath = Annotated[str, msgspec.Meta(pattern=r"^(?:/[A-Za-z0-9._~-]+)+$")]
RESERVED_PATHS = ("/api", "/ws", "/mcp", "/schema", "/metrics")
"""The server's own paths, which `dashboard.path` may not be or lie under."""


class DashboardConfig(_Section):
    """The browser dashboard: served by the API server at `path`, and on a port of its own when `port` is set."""

    enabled: bool = True
    path: DashboardPath = "/dashboard"
    """Where the API server serves it (`/dashboard` redirects to `/dashboard/`)."""
    port: Port | None = None
    """A second listener in the same process serving only the dashboard, at `/` and at `path` (None: none); the
    page calls the API across origins, so its origin must be in `api.cors.origins`."""
    host: str = "127.0.0.1"
    """The second listener's address; a non-loopback one requires `api.requireAuth: true`, as `api.host` does."""


class DatabaseConfig(_Section):
    """Where sessions and tell records are stored."""

    path: str = "iris.db"
    url: str | None = None


class ChannelsConfig(_Section):
    """The backend that carries live events between server instances."""

    backend: Literal["memory", "redis"] = "memory"
    url: str | None = None


class TeamConfig(_Section):
    """One team: a project directory and how its Claude Code process runs."""

    path: str
    description: str = ""
    color: Color | None = None
    idle_timeout: PositiveMs | None = None
    model: str | None = None
    permission_mode: Literal["default", "acceptEdits", "plan", "bypassPermissions"] | None = None
    grant_permission: Literal["yes", "no", "ask"] = "yes"
    allowed_tools: tuple[str, ...] = ()
    disallowed_tools: tuple[str, ...] = ()
    append_system_prompt: str | None = None
    max_turns: Annotated[int, msgspec.Meta(ge=1)] | None = None
    claude_path: str | None = None
    env: dict[str, str] = msgspec.field(default_factory=dict)
    setting_sources: tuple[Literal["user", "project", "local"], ...] = ("user", "project", "local")
    iris_tools: bool = True
    """Give the team's Claude Code Iris's own tools (MCP server `iris`), so it can tell other teams."""
    tell_teams: tuple[str, ...] | None = None
    """The teams its Iris tools may address (None: every team)."""
    budget_usd: Annotated[float, msgspec.Meta(gt=0)] | None = None
    """A cost budget in USD for the team's tells, every caller's together (None: no budget)."""
    budget_period: Literal["day", "month", "total"] = "total"
    """What the budget counts: the current UTC day, the current UTC month, or every tell ever."""
    isolation: Literal["none", "worktree"] = "none"
    """`worktree`: each session works in a git worktree of its own (the path must be in a git repository)."""


class IrisConfig(_Section):
    """The whole config file, with paths resolved."""

    teams: dict[str, TeamConfig]
    settings: Settings = msgspec.field(default_factory=Settings)
    api: ApiConfig = msgspec.field(default_factory=ApiConfig)
    dashboard: DashboardConfig = msgspec.field(default_factory=DashboardConfig)
    database: DatabaseConfig = msgspec.field(default_factory=DatabaseConfig)
    channels: ChannelsConfig = msgspec.field(default_factory=ChannelsConfig)
    source: str = ""
    """The file this config was loaded from (not a key in the file)."""

    def team(self, name: str) -> TeamConfig | None:
        """The team's config, or None."""
        return self.teams.get(name)

    def team_idle_timeout(self, name: str) -> int:
        """The team's idle timeout in ms, falling back to the global one."""
        team = self.teams.get(name)
        if team is not None and team.idle_timeout is not None:
            return team.idle_timeout
        return self.settings.idle_timeout

    def tool_timeout(self) -> int:
        """How long one of Iris's tools called by a team's process may wait, in ms (`settings.mcpToolTimeout`)."""
        return self.settings.mcp_tool_timeout or self.settings.response_timeout

    @property
    def database_url(self) -> str:
        """The SQLAlchemy URL of the sessions store."""
        return self.database.url or f"sqlite+aiosqlite:///{self.database.path}"


def iris_home(env: Mapping[str, str] | None = None) -> Path:
    """`IRIS_HOME`, or `~/.iris`."""
    env = os.environ if env is None else env
    return Path(env.get("IRIS_HOME") or Path.home() / ".iris").expanduser()


def default_config_path(env: Mapping[str, str] | None = None) -> Path:
    """`IRIS_CONFIG_PATH`, or `config.yaml` in `IRIS_HOME`."""
    env = os.environ if env is None else env
    if env.get("IRIS_CONFIG_PATH"):
        return Path(env["IRIS_CONFIG_PATH"]).expanduser()
    return iris_home(env) / "config.yaml"


def find_config_file(env: Mapping[str, str] | None = None) -> Path | None:
    """The config file to use: `IRIS_CONFIG_PATH`, else the first that exists of `$IRIS_HOME/config.yaml`,
    `./config.yaml` and `./config.example.yaml` (so commands work from the repository root); None if none does."""
    env = os.environ if env is None else env
    if env.get("IRIS_CONFIG_PATH"):
        return default_config_path(env)
    candidates = [default_config_path(env), Path.cwd() / "config.yaml", Path.cwd() / "config.example.yaml"]
    return next((path for path in candidates if path.is_file()), None)


_PLACEHOLDER = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-(.*?))?\}")


class _Interpolator:
    """Replaces `${NAME}` and `${NAME:-default}` in every string of a parsed document."""

    def __init__(self, source: str, env: Mapping[str, str]) -> None:
        self.source = source
        self.env = env

    def __call__(self, node: Any, path: str) -> Any:
        if isinstance(node, dict):
            return {key: self(value, f"{path}.{key}" if path else str(key)) for key, value in node.items()}
        if isinstance(node, list):
            return [self(value, f"{path}[{i}]") for i, value in enumerate(node)]
        if isinstance(node, str):
            return self._string(node, path)
        return node

    def _string(self, text: str, path: str) -> Any:
        def replace(match: re.Match[str]) -> str:
            name, default = match.group(1), match.group(2)
            if name in self.env:
                return self.env[name]
            if default is not None:
                return default
            raise ConfigurationError(
                f"{self.source}: {path}: environment variable {name} is not set and has no default",
                {"file": self.source, "key": path, "expected": f"${{{name}}} to be set"},
            )

        return _PLACEHOLDER.sub(replace, text)


def _msgspec_error(source: str, error: msgspec.ValidationError, root: type = IrisConfig) -> ConfigurationError:
    match = re.match(r"(?s)(.*?)(?: - at `\$(.*)`)?$", str(error))
    message, where = (match.group(1), match.group(2) or "") if match else (str(error), "")
    key = re.sub(r"\['([^']*)'\]", r".\1", where).lstrip(".")
    unknown = re.match(r"Object contains unknown field `(.*)`", message)
    if unknown:
        key = f"{key}.{unknown.group(1)}" if key else unknown.group(1)
        message = "unknown key (not in the schema)"
    key = key or "(top level)"
    if message.startswith("Invalid enum value"):
        choices = _choices(key, root)
        if choices:
            message = f"{message}; expected one of {', '.join(repr(c) for c in choices)}"
    return ConfigurationError(
        f"{source}: {key}: {message[:1].lower() + message[1:]}",
        {"file": source, "key": key, "expected": message},
    )


def _choices(key: str, root: type) -> list[Any]:
    """The allowed values of the literal-typed key at a dotted path (`teams.a.grantPermission`)."""
    info: Any = msgspec.inspect.type_info(root)
    for part in re.split(r"\.|\[\d+\]", key):
        if not part:
            continue
        while isinstance(info, msgspec.inspect.UnionType):
            info = next((t for t in info.types if not isinstance(t, msgspec.inspect.NoneType)), None)
        if isinstance(info, msgspec.inspect.StructType):
            info = next((f.type for f in info.fields if f.encode_name == part), None)
        elif isinstance(info, msgspec.inspect.DictType):
            info = info.value_type
        else:
            return []
    while isinstance(info, msgspec.inspect.UnionType | msgspec.inspect.ListType | msgspec.inspect.VarTupleType):
        if isinstance(info, msgspec.inspect.UnionType):
            info = next((t for t in info.types if not isinstance(t, msgspec.inspect.NoneType)), None)
        else:
            info = info.item_type
    return list(info.values) if isinstance(info, msgspec.inspect.LiteralType) else []


def _team_error(source: str, data: Any) -> ConfigurationError | None:
    """msgspec cannot name a mapping's key in its error path; find the failing team by converting each."""
    teams = data.get("teams") if isinstance(data, dict) else None
    if not isinstance(teams, dict):
        return None
    for name, team in teams.items():
        try:
            msgspec.convert(team, TeamConfig, str_keys=True, strict=False)
        except msgspec.ValidationError as error:
            inner = _msgspec_error(source, error, TeamConfig)
            key = inner.details["key"] if inner.details else ""
            key = f"teams.{name}" + ("" if key == "(top level)" else f".{key}")
            message = inner.details["expected"] if inner.details else inner.message
            if message.startswith("Object contains unknown field"):
                message = "unknown key (not in the schema)"
            return ConfigurationError(
                f"{source}: {key}: {message[:1].lower() + message[1:]}",
                {"file": source, "key": key, "expected": message},
            )
    return None


def parse_config(text: str, source: str, env: Mapping[str, str] | None = None) -> IrisConfig:
    """Parse and validate config text; paths are resolved against the source's folder and IRIS_HOME."""
    env = os.environ if env is None else env
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
        raise ConfigurationError(
            f"{source}: not valid YAML{where}: {getattr(error, 'problem', None) or error}",
            {"file": source, "key": "(top level)", "expected": "valid YAML"},
        ) from None
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise ConfigurationError(
            f"{source}: (top level): expected a mapping, got {type(raw).__name__}",
            {"file": source, "key": "(top level)", "expected": "a mapping"},
        )
    data = _Interpolator(source, env)(raw, "")
    try:
        # Lax conversion turns strings that came from placeholders into the numbers and booleans
        # the schema expects (`maxProcesses: ${IRIS_MAX:-10}` is 10); YAML's own scalars are typed already.
        config = msgspec.convert(data, IrisConfig, str_keys=True, strict=False)
    except msgspec.ValidationError as error:
        raise _team_error(source, data) or _msgspec_error(source, error) from None
    return _resolve(config, source, env)


def _check_git_repository(source: str, name: str, path: Path, env: Mapping[str, str]) -> None:
    """ConfigurationError naming the team when `isolation: worktree` cannot work: no `git` on PATH, or the team's
    folder is not inside a git work tree (a `.git` folder or file in it or above it)."""
    key = f"teams.{name}.isolation"
    if shutil.which("git", path=env.get("PATH", os.defpath)) is None:
        raise ConfigurationError(
            f"{source}: {key}: team {name} asks for worktree isolation but `git` is not on PATH",
            {"file": source, "key": key, "expected": "git on PATH for isolation: worktree"},
        )
    if not any((folder / ".git").exists() for folder in (path, *path.parents)):
        raise ConfigurationError(
            f"{source}: {key}: team {name} asks for worktree isolation but its path is not in a git repository",
            {"file": source, "key": key, "expected": "a path inside a git repository for isolation: worktree"},
        )


def _validate_teams(config: IrisConfig, source: str, env: Mapping[str, str]) -> None:
    for name, team in config.teams.items():
        if name == EXTERNAL:
            raise ConfigurationError(
                f"{source}: teams.{name}: the name `{EXTERNAL}` is reserved for callers that are not teams",
                {"file": source, "key": f"teams.{name}", "expected": "a name other than external"},
            )
        if not re.match(TEAM_NAME_PATTERN, name):
            raise ConfigurationError(
                f"{source}: teams.{name}: expected a team name of 1 to 64 characters of "
                "[A-Za-z0-9_.@-], not starting with `.` or `-`",
                {"file": source, "key": f"teams.{name}", "expected": TEAM_NAME_PATTERN},
            )
        path = Path(team.path)
        if not path.exists():
            raise ConfigurationError(
                f"{source}: teams.{name}.path: expected an existing directory, `{team.path}` does not exist",
                {"file": source, "key": f"teams.{name}.path", "expected": "an existing directory"},
            )
        if not path.is_dir():
            raise ConfigurationError(
                f"{source}: teams.{name}.path: expected a directory, `{team.path}` is not one",
                {"file": source, "key": f"teams.{name}.path", "expected": "a directory"},
            )
    for name, team in config.teams.items():
        if team.isolation == "worktree":
            _check_git_repository(source, name, Path(team.path), env)
    for name, team in config.teams.items():
        for index, other in enumerate(team.tell_teams or ()):
            if other not in config.teams:
                key = f"teams.{name}.tellTeams[{index}]"
                raise ConfigurationError(
                    f"{source}: {key}: expected a configured team, `{other}` is not one",
                    {"file": source, "key": key, "expected": "a configured team"},
                )
    api = config.api
    if api.tls is not None:
        for key in ("cert", "key"):
            if not Path(getattr(api.tls, key)).is_file():
                raise ConfigurationError(
                    f"{source}: api.tls.{key}: expected a readable file, `{getattr(api.tls, key)}` is not one",
                    {"file": source, "key": f"api.tls.{key}", "expected": "a file"},
                )
    dashboard = config.dashboard.path
    reserved = next((p for p in RESERVED_PATHS if dashboard == p or dashboard.startswith(p + "/")), None)
    if reserved is not None:
        raise ConfigurationError(
            f"{source}: dashboard.path: `{dashboard}` is the server's own {reserved}: choose another path",
            {"file": source, "key": "dashboard.path", "expected": f"a path outside {', '.join(RESERVED_PATHS)}"},
        )
    if config.channels.backend == "redis" and not config.channels.url:
        raise ConfigurationError(
            f"{source}: channels.url: expected a redis URL when channels.backend is redis",
            {"file": source, "key": "channels.url", "expected": "a redis:// URL"},
        )


def _resolve(config: IrisConfig, source: str, env: Mapping[str, str]) -> IrisConfig:
    base = Path(source).expanduser().resolve().parent if source and source != "<string>" else Path.cwd()
    home = iris_home(env)

    def team_path(raw: str) -> str:
        path = Path(raw).expanduser()
        return str(path if path.is_absolute() else (base / path).resolve())

    def data_path(raw: str) -> str:
        path = Path(raw).expanduser()
        return str(path if path.is_absolute() else home / path)

    teams = {name: msgspec.structs.replace(t, path=team_path(t.path)) for name, t in config.teams.items()}
    tls = config.api.tls
    if tls is not None:
        tls = TlsConfig(cert=team_path(tls.cert), key=team_path(tls.key))
    api = msgspec.structs.replace(
        config.api,
        key_store_path=data_path(config.api.key_store_path),
        audit_log_path=data_path(config.api.audit_log_path),
        tls=tls,
    )
    database = msgspec.structs.replace(config.database, path=data_path(config.database.path))
    resolved = msgspec.structs.replace(config, teams=teams, api=api, database=database, source=str(source))
    _validate_teams(resolved, source, env)
    return resolved


def load_config(path: str | os.PathLike[str] | None = None, env: Mapping[str, str] | None = None) -> IrisConfig:
    """Load, interpolate and validate the config file (`IRIS_CONFIG_PATH` when no path is given)."""
    env = os.environ if env is None else env
    file = Path(path).expanduser() if path is not None else default_config_path(env)
    try:
        text = file.read_text(encoding="utf-8")
    except OSError as error:
        raise ConfigurationError(
            f"{file}: cannot be read: {error.strerror or error}",
            {"file": str(file), "key": "(file)", "expected": "a readable YAML file"},
        ) from None
    return parse_config(text, str(file), env)
