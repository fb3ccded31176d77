# GENERATED FILE - DO NOT EDIT BY HAND.
# Source: openapi/iris.yaml (the hand-written API contract).
# Regenerate with `python scripts/gen.py`; `python scripts/gen.py --check` fails when this file is stale.

from __future__ import annotations

from typing import Annotated, Any, Literal, TypeAlias
from msgspec import Meta, Struct as _Struct, UNSET, UnsetType, field
from uuid import UUID
from enum import StrEnum
from datetime import date as date_aliased, datetime


class Struct(_Struct, forbid_unknown_fields=True):
    pass


class ApiKey(Struct):
    id: KeyId
    name: str
    role: (
        Annotated[
            KeyRole,
            Meta(
                description="The preset it was created with (null for explicit permissions)."
            ),
        ]
        | None
    )
    permissions: list[Permission]
    teams: (
        Annotated[list[TeamName], Meta(description="Team scope (null - every team).")]
        | None
    )
    env: KeyEnv | None
    created_at: datetime = field(name="createdAt")
    expires_at: datetime | None = field(name="expiresAt")
    revoked_at: datetime | None = field(name="revokedAt")
    last_used_at: datetime | None = field(name="lastUsedAt")
    usage_count: Annotated[int, Meta(ge=0)] = field(name="usageCount")
    active: Annotated[bool, Meta(description="Neither revoked nor expired.")]
    spent_usd: (
        Annotated[
            float,
            Meta(
                description="What the tells this key started have cost, in the budget's period (all time without a budget).",
                ge=0.0,
            ),
        ]
        | UnsetType
    ) = field(name="spentUsd", default=UNSET)
    budget: (
        Annotated[
            Budget,
            Meta(
                description="The key's cost budget and its spend this period (null without one)."
            ),
        ]
        | None
        | UnsetType
    ) = UNSET


class ApiKeyPage(Struct):
    items: list[ApiKey]
    next_cursor: Cursor | None = field(name="nextCursor")


class AuditEntry(Struct):
    id: Annotated[int, Meta(ge=1)]
    timestamp: datetime
    event: AuditEventType
    key_id: str | None = field(name="keyId")
    key_name: str | None = field(name="keyName")
    client_address: str | None = field(name="clientAddress")
    method: str | None
    path: str | None
    status_code: int | None = field(name="statusCode")
    error: str | None
    details: dict[str, Any] | None
    team: (
        Annotated[
            str,
            Meta(
                description="The team of the caller → team pair the operation acted on (null when none)."
            ),
        ]
        | None
    )
    from_team: (
        Annotated[
            str,
            Meta(
                description="The caller of that pair (`external` or a team; null when none)."
            ),
        ]
        | None
    ) = field(name="fromTeam")


class AuditEventType(StrEnum):
    auth_success = "auth_success"
    auth_failure = "auth_failure"
    forbidden = "forbidden"
    rate_limited = "rate_limited"
    key_created = "key_created"
    key_revoked = "key_revoked"
    tell = "tell"
    cancel = "cancel"
    reboot = "reboot"
    delete = "delete"
    fork = "fork"
    wake = "wake"
    launch = "launch"
    sleep = "sleep"
    wake_all = "wake_all"
    compact = "compact"
    cache_clear = "cache_clear"
    permission_decision = "permission_decision"
    webhook_created = "webhook_created"
    webhook_deleted = "webhook_deleted"
    webhook_redelivered = "webhook_redelivered"


class AuditPage(Struct):
    items: list[AuditEntry]
    next_cursor: Cursor | None = field(name="nextCursor")


class AuthMessage(Struct, tag_field="event", tag="auth"):
    data: WsAuth


class AwakeStatus(StrEnum):
    awake = "awake"
    asleep = "asleep"


class Budget(Struct):
    limit_usd: Annotated[float, Meta(gt=0.0)] = field(name="limitUsd")
    period: BudgetPeriod
    spent_usd: Annotated[float, Meta(ge=0.0)] = field(name="spentUsd")
    period_start: (
        Annotated[
            datetime,
            Meta(description="Where the period began (null for a total budget)."),
        ]
        | None
    ) = field(name="periodStart")
    resets_at: (
        Annotated[
            datetime,
            Meta(
                description="When the spend starts again from 0 (null for a total budget)."
            ),
        ]
        | None
    ) = field(name="resetsAt")


class BudgetKind(StrEnum):
    key = "key"
    team = "team"


class BudgetPeriod(StrEnum):
    day = "day"
    month = "month"
    total = "total"


class BudgetReached(Struct):
    budget: BudgetKind
    limit_usd: float = field(name="limitUsd")
    spent_usd: float = field(name="spentUsd")
    period: BudgetPeriod
    resets_at: datetime | None = field(name="resetsAt")
    timestamp: datetime
    key_id: KeyId | UnsetType = field(name="keyId", default=UNSET)
    key_name: str | UnsetType = field(name="keyName", default=UNSET)
    team: (
        Annotated[
            TeamName,
            Meta(
                description="The team of a team budget; for a key budget, the team of the tell that reached it."
            ),
        ]
        | UnsetType
    ) = UNSET
    request_id: RequestId | UnsetType = field(name="requestId", default=UNSET)


class BudgetReachedEvent(Struct, tag_field="event", tag="budget:reached"):
    data: BudgetReached


class CacheMessage(Struct):
    session_id: SessionId = field(name="sessionId")
    seq: Annotated[int, Meta(ge=0)]
    request_id: RequestId = field(name="requestId")
    message: ClaudeMessage


class CacheMessageEvent(Struct, tag_field="event", tag="cache:message"):
    data: CacheMessage


class CachePage(Struct):
    session_id: SessionId = field(name="sessionId")
    team: TeamName
    from_team: TeamName = field(name="fromTeam")
    items: Annotated[
        list[TellResponse], Meta(description="Tell records, newest first.")
    ]
    next_cursor: Cursor | None = field(name="nextCursor")


class CacheSubscribe(Struct):
    session_id: SessionId = field(name="sessionId")
    after_seq: (
        Annotated[
            int,
            Meta(
                description="Replay retained events after this sequence number (else reset).",
                ge=0,
            ),
        ]
        | UnsetType
    ) = field(name="afterSeq", default=UNSET)


class CacheSubscribeMessage(Struct, tag_field="event", tag="cache:subscribe"):
    data: CacheSubscribe


class CacheUnsubscribe(Struct):
    session_id: SessionId = field(name="sessionId")


class CacheUnsubscribeMessage(Struct, tag_field="event", tag="cache:unsubscribe"):
    data: CacheUnsubscribe


CallbackUrl: TypeAlias = Annotated[
    str,
    Meta(
        description="Where this tell's webhook events go: the URL of a registered webhook\nendpoint (`POST /api/webhooks`) that the key may use (within its team\nscope, its team filter covering the tell's pair), exactly as it was\nregistered; the endpoint gets the tell's events it subscribed to,\nsigned with its secret. Anything else is 400 naming `callbackUrl`.\n",
        max_length=2048,
        min_length=8,
    ),
]


class CancelRequest(Struct):
    from_team: TeamName | UnsetType = field(name="fromTeam", default=UNSET)
    session_id: SessionId | UnsetType = field(name="sessionId", default=UNSET)
    drop_queued: (
        Annotated[bool, Meta(description="Also cancel the session's queued tells.")]
        | UnsetType
    ) = field(name="dropQueued", default=False)


class CancelResponse(Struct):
    team: TeamName
    from_team: TeamName = field(name="fromTeam")
    session_id: SessionId = field(name="sessionId")
    cancelled: Annotated[
        bool,
        Meta(
            description="True only if a running tell ended cancelled because of this request."
        ),
    ]
    dropped_queued: Annotated[
        int, Meta(description="Queued tells cancelled (dropQueued).", ge=0)
    ] = field(name="droppedQueued")
    request_id: RequestId | UnsetType = field(name="requestId", default=UNSET)
    status: (
        Annotated[
            TellStatus,
            Meta(
                description="The status the running tell ended with (null when nothing was running)."
            ),
        ]
        | None
        | UnsetType
    ) = UNSET
    message: (
        Annotated[str, Meta(description="A human-readable account of what happened.")]
        | UnsetType
    ) = UNSET


class ChannelsBackend(StrEnum):
    memory = "memory"
    redis = "redis"


class ChannelsStatus(Struct):
    backend: ChannelsBackend
    connected: Annotated[
        bool,
        Meta(description="Whether the backend is reachable (always true for memory)."),
    ]
    disconnected_since: (
        Annotated[
            datetime,
            Meta(description="When the connection was lost (null while connected)."),
        ]
        | None
    ) = field(name="disconnectedSince")
    last_error: (
        Annotated[
            str,
            Meta(
                description="The last connection error (its kind and message), if any since start."
            ),
        ]
        | None
    ) = field(name="lastError")
    last_error_at: datetime | None = field(name="lastErrorAt")
    reconnects: Annotated[
        int,
        Meta(
            description="Times the connection was lost and made again since start.",
            ge=0,
        ),
    ]
    dropped_events: Annotated[
        int,
        Meta(
            description="Events this instance could not publish (the backend was down) since start.",
            ge=0,
        ),
    ] = field(name="droppedEvents")


class ClaudeMessage(Struct):
    seq: Annotated[
        int,
        Meta(
            description="The session event sequence number it was published with.", ge=0
        ),
    ]
    type: Annotated[
        str,
        Meta(
            description="Claude Code's message type (system, assistant, user, result, stream_event, ...)."
        ),
    ]
    timestamp: Annotated[
        datetime, Meta(description="When Iris received the message from Claude Code.")
    ]
    data: Annotated[
        dict[str, Any], Meta(description="The message as Claude Code emitted it.")
    ]
    subtype: str | UnsetType = UNSET


class ClearCacheResponse(Struct):
    session_id: SessionId = field(name="sessionId")
    cleared: Annotated[int, Meta(description="Tell records deleted.", ge=0)]


class CompactRequest(Struct):
    from_team: TeamName | UnsetType = field(name="fromTeam", default=UNSET)
    timeout: TellTimeout | UnsetType = 0
    session_id: SessionId | UnsetType = field(name="sessionId", default=UNSET)


class CreateKeyRequest(Struct):
    name: Annotated[
        str,
        Meta(
            description="Letters, digits, spaces and `_.@-`, not spaces alone, and nothing that starts like a key (`iris_sk_`, in any case).",
            max_length=64,
            min_length=1,
            pattern="^[A-Za-z0-9_.@ -]*[A-Za-z0-9_.@-][A-Za-z0-9_.@ -]*$",
        ),
    ]
    role: KeyRole | UnsetType = UNSET
    permissions: Annotated[list[Permission], Meta(min_length=1)] | UnsetType = UNSET
    expires_in_days: (
        Annotated[
            int,
            Meta(
                description="Days until the key expires (default never).", ge=1, le=3650
            ),
        ]
        | UnsetType
    ) = field(name="expiresInDays", default=UNSET)
    env: KeyEnv | UnsetType = UNSET
    teams: (
        Annotated[
            list[TeamName],
            Meta(
                description="The only teams this key may address (default all).",
                max_length=256,
                min_length=1,
            ),
        ]
        | UnsetType
    ) = UNSET
    budget_usd: (
        Annotated[
            float,
            Meta(
                description="A cost budget in US dollars for the tells this key starts (default none); a tell that would start over it is refused with 402.",
                gt=0.0,
                le=1000000.0,
            ),
        ]
        | UnsetType
    ) = field(name="budgetUsd", default=UNSET)
    budget_period: BudgetPeriod | UnsetType = field(name="budgetPeriod", default=UNSET)


class CreateWebhookRequest(Struct):
    url: WebhookUrl
    events: Annotated[list[WebhookEventType], Meta(min_length=1)]
    teams: (
        Annotated[
            list[TeamName],
            Meta(
                description="Only events about these teams (a caller → team pair whose team is\none of them and whose caller is `external` or one of them; a key\nbudget's event only without a filter). Absent - every team.\n",
                min_length=1,
            ),
        ]
        | UnsetType
    ) = UNSET
    callbacks_only: (
        Annotated[
            bool,
            Meta(
                description="Tell events (`tell.*`, `permission.requested`) only of the tells\nthat name this endpoint as their `callbackUrl`; other events as\nsubscribed.\n"
            ),
        ]
        | UnsetType
    ) = field(name="callbacksOnly", default=False)
    description: Annotated[str, Meta(max_length=200)] | UnsetType = UNSET


class CreatedApiKey(Struct):
    key: Annotated[
        str,
        Meta(
            description="The plain key; store it now, it cannot be shown again.",
            pattern="^iris_sk_(?:(?:dev|test|prod)_)?[A-Za-z0-9]{40}$",
        ),
    ]
    id: KeyId
    name: str
    role: KeyRole | None
    permissions: list[Permission]
    teams: list[TeamName] | None
    env: KeyEnv | None
    created_at: datetime = field(name="createdAt")
    expires_at: datetime | None = field(name="expiresAt")
    budget: (
        Annotated[
            Budget,
            Meta(
                description="The key's cost budget, nothing spent yet (null without one)."
            ),
        ]
        | None
        | UnsetType
    ) = UNSET


class CreatedWebhook(Struct):
    id: WebhookId
    url: WebhookUrl
    events: list[WebhookEventType]
    teams: list[TeamName] | None
    callbacks_only: bool = field(name="callbacksOnly")
    description: str | None
    created_at: datetime = field(name="createdAt")
    created_by: KeyId | None = field(name="createdBy")
    secret: Annotated[
        str,
        Meta(
            description="The Standard Webhooks signing secret; store it now, it cannot be shown again.",
            pattern="^whsec_[A-Za-z0-9+/]+={0,2}$",
        ),
    ]


class CurrentKey(Struct):
    authenticated: Annotated[
        bool,
        Meta(
            description="Whether a key was checked (false only with `api.requireAuth` false)."
        ),
    ]
    id: KeyId | None
    name: str | None
    role: (
        Annotated[
            KeyRole,
            Meta(
                description="The preset it was created with (null for explicit permissions, or without a key)."
            ),
        ]
        | None
    )
    permissions: Annotated[
        list[Permission],
        Meta(description="What it may do (`admin` holds every permission)."),
    ]
    teams: (
        Annotated[list[TeamName], Meta(description="Team scope (null - every team).")]
        | None
    )
    env: KeyEnv | None
    created_at: datetime | None = field(name="createdAt")
    expires_at: (
        Annotated[datetime, Meta(description="When it stops working (null - never).")]
        | None
    ) = field(name="expiresAt")
    last_used_at: datetime | None = field(name="lastUsedAt")
    usage_count: Annotated[int, Meta(ge=0)] = field(name="usageCount")


Cursor: TypeAlias = Annotated[
    str,
    Meta(
        description="An opaque paging cursor (a previous page's nextCursor): URL-safe base64 without padding. The pattern is its form only; a listing accepts only the cursors it gave out.",
        max_length=512,
        min_length=1,
        pattern="^[A-Za-z0-9_-]+$",
    ),
]


class DateResponse(Struct):
    iso: Annotated[datetime, Meta(description="ISO 8601 / RFC 3339, UTC (suffix Z).")]
    unix_ms: Annotated[int, Meta(description="Unix time in milliseconds.")] = field(
        name="unixMs"
    )
    unix: Annotated[int, Meta(description="Unix time in seconds.")]
    rfc2822: str
    date: date_aliased
    time: Annotated[
        str,
        Meta(
            description="HH:MM:SS (UTC).", pattern="^[0-2][0-9]:[0-5][0-9]:[0-6][0-9]$"
        ),
    ]
    weekday: DayOfWeek
    timezone: Literal["UTC"]


class DayOfWeek(StrEnum):
    monday = "Monday"
    tuesday = "Tuesday"
    wednesday = "Wednesday"
    thursday = "Thursday"
    friday = "Friday"
    saturday = "Saturday"
    sunday = "Sunday"


class DeleteSessionResponse(Struct):
    team: TeamName
    from_team: TeamName = field(name="fromTeam")
    session_id: SessionId = field(name="sessionId")
    deleted: bool
    transcript_deleted: Annotated[
        bool,
        Meta(
            description="Whether a Claude Code transcript file was found and deleted."
        ),
    ] = field(name="transcriptDeleted")
    tells_deleted: Annotated[
        int, Meta(description="Tell records deleted with the session.", ge=0)
    ] = field(name="tellsDeleted")
    worktree: (
        Annotated[
            WorktreeCleanup,
            Meta(
                description="What became of the session's git worktree (teams whose isolation is `worktree`; absent if it had none)."
            ),
        ]
        | None
        | UnsetType
    ) = UNSET


DeliveryId: TypeAlias = Annotated[UUID, Meta(description="A webhook delivery's id.")]


class Error(Struct):
    error: ErrorName
    message: Annotated[
        str, Meta(description="Human-readable; never a stack trace, path or SQL.")
    ]
    status_code: Annotated[int, Meta(ge=400, le=599)] = field(name="statusCode")
    timestamp: Annotated[int, Meta(description="Unix time in milliseconds.", ge=0)]
    details: (
        Annotated[
            dict[str, Any],
            Meta(
                description="Extra context - the offending `field`, the missing `permission`, the `team`, limits."
            ),
        ]
        | UnsetType
    ) = UNSET


class ErrorName(StrEnum):
    validation_error = "ValidationError"
    unauthorized_error = "UnauthorizedError"
    forbidden_error = "ForbiddenError"
    team_not_found_error = "TeamNotFoundError"
    session_not_found_error = "SessionNotFoundError"
    request_not_found_error = "RequestNotFoundError"
    not_found_error = "NotFoundError"
    method_not_allowed_error = "MethodNotAllowedError"
    timeout_error = "TimeoutError"
    payload_too_large_error = "PayloadTooLargeError"
    request_header_fields_too_large_error = "RequestHeaderFieldsTooLargeError"
    session_queue_full_error = "SessionQueueFullError"
    too_many_requests_error = "TooManyRequestsError"
    process_error = "ProcessError"
    configuration_error = "ConfigurationError"
    internal_server_error = "InternalServerError"
    process_pool_limit_error = "ProcessPoolLimitError"
    tell_cycle_error = "TellCycleError"
    budget_exceeded_error = "BudgetExceededError"


class ForkRequest(Struct):
    from_team: TeamName | UnsetType = field(name="fromTeam", default=UNSET)
    session_id: SessionId | UnsetType = field(name="sessionId", default=UNSET)


class ForkResponse(Struct):
    team: TeamName
    from_team: TeamName = field(name="fromTeam")
    session_id: SessionId = field(name="sessionId")
    forked_from: SessionId = field(name="forkedFrom")
    command: Annotated[
        str,
        Meta(
            description="A shell command a person can run to continue the fork interactively."
        ),
    ]


class GrantPermission(StrEnum):
    yes = "yes"
    no = "no"
    ask = "ask"


class Health(Struct):
    status: Literal["ok"]
    version: str
    uptime: Annotated[
        int, Meta(description="Milliseconds since the server started.", ge=0)
    ]


class HealthCheck(Struct):
    total_processes: Annotated[int, Meta(ge=0)] = field(name="totalProcesses")
    max_processes: Annotated[int, Meta(ge=1)] = field(name="maxProcesses")
    uptime: Annotated[
        int, Meta(description="Milliseconds since the server started.", ge=0)
    ]
    timestamp: datetime
    processes: ProcessCounts | UnsetType = UNSET
    queued_tells: Annotated[int, Meta(ge=0)] | UnsetType = field(
        name="queuedTells", default=UNSET
    )
    pending_permissions: Annotated[int, Meta(ge=0)] | UnsetType = field(
        name="pendingPermissions", default=UNSET
    )


class HealthCheckEvent(Struct, tag_field="event", tag="health:check"):
    data: HealthCheck


class Heartbeat(Struct):
    timestamp: datetime


class HeartbeatEvent(Struct, tag_field="event", tag="heartbeat"):
    data: Heartbeat


class KeyEnv(StrEnum):
    dev = "dev"
    test = "test"
    prod = "prod"


KeyId: TypeAlias = Annotated[
    str,
    Meta(
        description="A key's short public id (or, where accepted, a unique prefix of its hash).",
        examples=["k_7Hq2mZ9xLp"],
        max_length=64,
        min_length=1,
        pattern="^[A-Za-z0-9_-]{1,64}$",
    ),
]


class KeyRole(StrEnum):
    viewer = "viewer"
    operator = "operator"
    developer = "developer"
    admin = "admin"


class LaunchResponse(Struct):
    team: TeamName
    from_team: TeamName = field(name="fromTeam")
    session_id: SessionId = field(name="sessionId")
    status: LaunchStatus
    pid: Annotated[int, Meta(description="Known only when already awake.", ge=1)] | None


class LaunchStatus(StrEnum):
    waking = "waking"
    already_awake = "already_awake"


class LogLevel(StrEnum):
    debug = "debug"
    info = "info"
    warning = "warning"
    error = "error"
    critical = "critical"


class LogPage(Struct):
    items: list[LogRecord]
    next_cursor: Cursor | None = field(name="nextCursor")


class LogRecord(Struct):
    timestamp: datetime
    level: LogLevel
    logger: str
    message: str
    context: dict[str, Any] | UnsetType = UNSET


class LogRecordEvent(Struct, tag_field="event", tag="log:record"):
    data: LogRecord


class LogsSubscribe(Struct):
    level: LogLevel


class LogsSubscribeMessage(Struct, tag_field="event", tag="logs:subscribe"):
    data: LogsSubscribe


class LogsUnsubscribe(Struct):
    pass


class LogsUnsubscribeMessage(Struct, tag_field="event", tag="logs:unsubscribe"):
    data: LogsUnsubscribe | UnsetType = UNSET


Message: TypeAlias = Annotated[
    str,
    Meta(
        description="Text for the model - 1 byte to 1 MiB (UTF-8), no NUL characters. It is delivered as written:\nClaude Code runs no slash command (`/config ...`) and expands no `@path` mention in it. Only a\ncommand on `settings.allowedSlashCommands` runs as one, and only for a key holding the permission\nit amounts to (`/compact` team:compact, `/clear` team:clear, any other admin); without it the\nanswer is 403 ForbiddenError naming the permission.\n",
        max_length=1048576,
        min_length=1,
        pattern="^[^\\x00]*$",
    ),
]


class Option(StrEnum):
    max_turns = "maxTurns"
    max_budget_usd = "maxBudgetUsd"
    append_system_prompt = "appendSystemPrompt"
    output_schema = "outputSchema"
    budget = "budget"


PageLimit: TypeAlias = Annotated[int, Meta(description="Page size.", ge=1, le=500)]


class Permission(StrEnum):
    team_tell = "team:tell"
    team_wake = "team:wake"
    team_sleep = "team:sleep"
    team_cancel = "team:cancel"
    team_clear = "team:clear"
    team_compact = "team:compact"
    team_fork = "team:fork"
    cache_read = "cache:read"
    cache_write = "cache:write"
    status_read = "status:read"
    debug_read = "debug:read"
    metrics_read = "metrics:read"
    webhook_manage = "webhook:manage"
    admin = "admin"


class PermissionDecision(StrEnum):
    approve = "approve"
    deny = "deny"


class PermissionDecisionRequest(Struct):
    decision: PermissionDecision
    reason: (
        Annotated[
            str,
            Meta(
                description="Why; sent to Claude Code as the deny message.",
                max_length=2000,
            ),
        ]
        | UnsetType
    ) = UNSET


class PermissionDecisionResponse(Struct):
    permission_id: PermissionId = field(name="permissionId")
    session_id: SessionId = field(name="sessionId")
    team: TeamName
    from_team: TeamName = field(name="fromTeam")
    decision: PermissionDecision
    decided_at: datetime = field(name="decidedAt")
    decided_by: (
        Annotated[
            str,
            Meta(
                description="The public id of the deciding key (null when authentication is off)."
            ),
        ]
        | None
    ) = field(name="decidedBy")
    reason: str | UnsetType = UNSET


PermissionId: TypeAlias = Annotated[
    UUID,
    Meta(
        description="A pending permission request's id.",
        examples=["c0ffee00-1234-4abc-9def-0123456789ab"],
    ),
]


class PermissionPage(Struct):
    items: list[PermissionRequest]
    next_cursor: Cursor | None = field(name="nextCursor")


class PermissionRequest(Struct):
    permission_id: PermissionId = field(name="permissionId")
    session_id: SessionId = field(name="sessionId")
    request_id: (
        Annotated[
            RequestId,
            Meta(
                description="The tell during which Claude Code asked (null if unknown)."
            ),
        ]
        | None
    ) = field(name="requestId")
    team: TeamName
    from_team: TeamName = field(name="fromTeam")
    tool_name: str = field(name="toolName")
    tool_input: dict[str, Any] = field(name="toolInput")
    created_at: datetime = field(name="createdAt")
    expires_at: Annotated[
        datetime,
        Meta(
            description="Denied automatically at this time if undecided (settings.permissionTimeout)."
        ),
    ] = field(name="expiresAt")


class PermissionRequestEvent(Struct, tag_field="event", tag="permission:request"):
    data: PermissionRequest


class PermissionResolved(Struct):
    permission_id: PermissionId = field(name="permissionId")
    session_id: SessionId = field(name="sessionId")
    team: TeamName
    from_team: TeamName = field(name="fromTeam")
    decision: PermissionDecision
    resolved_by: PermissionResolvedBy = field(name="resolvedBy")
    tool_name: (
        Annotated[str, Meta(description="The tool Claude Code asked to use.")]
        | UnsetType
    ) = field(name="toolName", default=UNSET)
    reason: str | UnsetType = UNSET
    key_id: str | None | UnsetType = field(name="keyId", default=UNSET)


class PermissionResolvedBy(StrEnum):
    api = "api"
    timeout = "timeout"
    shutdown = "shutdown"


class PermissionResolvedEvent(Struct, tag_field="event", tag="permission:resolved"):
    data: PermissionResolved


class ProcessCounts(Struct):
    spawning: Annotated[int, Meta(ge=0)]
    idle: Annotated[int, Meta(ge=0)]
    processing: Annotated[int, Meta(ge=0)]
    terminating: Annotated[int, Meta(ge=0)]


class ProcessError(Struct):
    team: TeamName
    error: str
    from_team: TeamName | UnsetType = field(name="fromTeam", default=UNSET)
    session_id: SessionId | UnsetType = field(name="sessionId", default=UNSET)


class ProcessErrorEvent(Struct, tag_field="event", tag="process:error"):
    data: ProcessError


class ProcessInfo(Struct):
    session_id: SessionId = field(name="sessionId")
    from_team: TeamName = field(name="fromTeam")
    pid: Annotated[int, Meta(ge=1)] | None
    state: ProcessState
    message_count: Annotated[int, Meta(ge=0)] = field(name="messageCount")
    queue_length: Annotated[int, Meta(ge=0)] = field(name="queueLength")
    last_activity: datetime | None = field(name="lastActivity")
    idle_time_remaining: Annotated[int, Meta(ge=0)] | None = field(
        name="idleTimeRemaining"
    )


class ProcessRestart(Struct):
    options: Annotated[list[Option], Meta(min_length=1)]


class ProcessSpawned(Struct):
    team: TeamName
    from_team: TeamName = field(name="fromTeam")
    session_id: SessionId = field(name="sessionId")
    pid: Annotated[int, Meta(ge=1)]


class ProcessSpawnedEvent(Struct, tag_field="event", tag="process:spawned"):
    data: ProcessSpawned


class ProcessState(StrEnum):
    spawning = "spawning"
    idle = "idle"
    processing = "processing"
    terminating = "terminating"
    stopped = "stopped"


class ProcessSubscribe(Struct):
    team: TeamName


class ProcessSubscribeMessage(Struct, tag_field="event", tag="process:subscribe"):
    data: ProcessSubscribe


class ProcessTerminated(Struct):
    team: TeamName
    from_team: TeamName = field(name="fromTeam")
    session_id: SessionId = field(name="sessionId")
    reason: Annotated[
        str,
        Meta(
            description="e.g. sleep, idle, evicted, stalled, exited, shutdown, reboot, deleted."
        ),
    ]
    exit_code: int | None | UnsetType = field(name="exitCode", default=UNSET)
    pid: Annotated[int, Meta(ge=1)] | UnsetType = UNSET


class ProcessTerminatedEvent(Struct, tag_field="event", tag="process:terminated"):
    data: ProcessTerminated


class ProcessUnsubscribe(Struct):
    team: TeamName


class ProcessUnsubscribeMessage(Struct, tag_field="event", tag="process:unsubscribe"):
    data: ProcessUnsubscribe


class RebootResponse(Struct):
    team: TeamName
    from_team: TeamName = field(name="fromTeam")
    old_session_id: (
        Annotated[
            SessionId,
            Meta(description="The deleted session (null if the pair had none)."),
        ]
        | None
    ) = field(name="oldSessionId")
    new_session_id: SessionId = field(name="newSessionId")
    worktree: (
        Annotated[
            WorktreeCleanup,
            Meta(
                description="What became of the old session's git worktree (teams whose isolation is `worktree`; absent if it had none)."
            ),
        ]
        | None
        | UnsetType
    ) = UNSET


RequestId: TypeAlias = Annotated[
    UUID,
    Meta(
        description="A tell's request id.",
        examples=["8d7e6f5a-4b3c-4d2e-8f1a-0b9c8d7e6f5a"],
    ),
]


class Reset(Struct):
    session_id: SessionId | UnsetType = field(name="sessionId", default=UNSET)
    reason: (
        Annotated[
            str,
            Meta(
                description="Why, e.g. slow_subscriber (queue overflow) or gap (events no longer retained)."
            ),
        ]
        | UnsetType
    ) = UNSET


class ResetEvent(Struct, tag_field="event", tag="reset"):
    data: Reset


SessionId: TypeAlias = Annotated[
    UUID,
    Meta(
        description="A session id (UUID v4 chosen by Iris).",
        examples=["3f2c9a1e-7b4d-4c8e-9f21-5a6b7c8d9e01"],
    ),
]


class SessionInfo(Struct):
    session_id: SessionId = field(name="sessionId")
    team: TeamName
    from_team: TeamName = field(name="fromTeam")
    forked_from: SessionId | None = field(name="forkedFrom")
    created_at: datetime = field(name="createdAt")
    last_used_at: datetime | None = field(name="lastUsedAt")
    message_count: Annotated[int, Meta(ge=0)] = field(name="messageCount")
    state: ProcessState
    pid: Annotated[int, Meta(ge=1)] | None
    totals: SessionTotals
    last_response_at: datetime | None | UnsetType = field(
        name="lastResponseAt", default=UNSET
    )
    launch_command: (
        Annotated[
            list[str],
            Meta(
                description="The argv of the last launch (for debugging; null before the first,\nand for keys without `debug:read`).\n"
            ),
        ]
        | None
        | UnsetType
    ) = field(name="launchCommand", default=UNSET)
    worktree: (
        Annotated[
            Worktree,
            Meta(
                description="The session's git worktree (teams whose isolation is `worktree`; absent when it has none yet)."
            ),
        ]
        | None
        | UnsetType
    ) = UNSET


class SessionReport(Struct):
    team: TeamName
    from_team: TeamName = field(name="fromTeam")
    session: SessionInfo
    items: Annotated[
        list[TellResponse], Meta(description="Tell records, newest first.")
    ]
    next_cursor: Cursor | None = field(name="nextCursor")


class SessionTotals(Struct):
    cost_usd: Annotated[float, Meta(ge=0.0)] = field(name="costUsd")
    input_tokens: Annotated[int, Meta(ge=0)] = field(name="inputTokens")
    output_tokens: Annotated[int, Meta(ge=0)] = field(name="outputTokens")


class SleepRequest(Struct):
    from_team: TeamName | UnsetType = field(name="fromTeam", default=UNSET)
    force: (
        Annotated[
            bool, Meta(description="Cancel the running tell instead of waiting for it.")
        ]
        | UnsetType
    ) = False


class SleepResponse(Struct):
    team: TeamName
    from_team: TeamName = field(name="fromTeam")
    session_id: (
        Annotated[
            SessionId, Meta(description="The pair's session (null if it has none).")
        ]
        | None
    ) = field(name="sessionId")
    status: SleepStatus
    pid: (
        Annotated[
            int,
            Meta(
                description="The pid that was stopped (null when already asleep).", ge=1
            ),
        ]
        | None
    )
    cancelled_request_id: (
        Annotated[
            RequestId,
            Meta(description="The running tell cancelled by force (null if none)."),
        ]
        | None
    ) = field(name="cancelledRequestId")


class SleepStatus(StrEnum):
    asleep = "asleep"
    already_asleep = "already_asleep"


class StreamError(Struct):
    error: ErrorName
    message: str
    status_code: Annotated[int, Meta(ge=400, le=599)] = field(name="statusCode")
    details: dict[str, Any] | UnsetType = UNSET


class StreamErrorEvent(Struct, tag_field="event", tag="error"):
    data: StreamError


class SystemHealth(StrEnum):
    ok = "ok"
    degraded = "degraded"


class SystemStatus(Struct):
    status: SystemHealth
    version: str
    uptime: Annotated[
        int, Meta(description="Milliseconds since the server started.", ge=0)
    ]
    started_at: datetime = field(name="startedAt")
    total_processes: Annotated[
        int, Meta(description="Live processes (one per active session).", ge=0)
    ] = field(name="totalProcesses")
    processes: ProcessCounts
    max_processes: Annotated[int, Meta(ge=1)] = field(name="maxProcesses")
    teams: Annotated[int, Meta(description="Configured teams.", ge=0)]
    sessions: Annotated[int, Meta(description="Stored sessions.", ge=0)]
    running_tells: Annotated[int, Meta(ge=0)] = field(name="runningTells")
    queued_tells: Annotated[int, Meta(ge=0)] = field(name="queuedTells")
    pending_permissions: Annotated[int, Meta(ge=0)] = field(name="pendingPermissions")
    channels: ChannelsStatus | UnsetType = UNSET


class SystemSubscribeMessage(Struct, tag_field="event", tag="system:subscribe"):
    data: SystemSubscription | UnsetType = UNSET


class SystemSubscription(Struct):
    pass


class SystemUnsubscribeMessage(Struct, tag_field="event", tag="system:unsubscribe"):
    data: SystemSubscription | UnsetType = UNSET


class TeamInfo(Struct):
    name: TeamName
    path: (
        Annotated[
            str,
            Meta(
                description="The team's folder; null unless the key holds `debug:read` (or\nauthentication is off).\n"
            ),
        ]
        | None
    )
    description: Annotated[
        str, Meta(description="The team's description ('' when none).")
    ]
    color: Annotated[str, Meta(pattern="^#[0-9A-Fa-f]{6}$")] | None
    model: (
        Annotated[
            str, Meta(description="The team's model (null - Claude Code's default).")
        ]
        | None
    )
    grant_permission: GrantPermission = field(name="grantPermission")
    idle_timeout: Annotated[
        int,
        Meta(
            description="Milliseconds (the team's own or settings.idleTimeout).", ge=0
        ),
    ] = field(name="idleTimeout")
    processes: (
        Annotated[
            list[ProcessInfo],
            Meta(description="Live processes (only with includeProcesses=true)."),
        ]
        | UnsetType
    ) = UNSET
    sessions: (
        Annotated[
            list[TeamSession],
            Meta(
                description="Stored sessions, asleep or awake (only with includeSessions=true):\nat most `sessionLimit`, the live ones and then the most recently\nactive first, listed oldest first.\n"
            ),
        ]
        | UnsetType
    ) = UNSET
    sessions_truncated: (
        Annotated[
            bool,
            Meta(
                description="The team has more sessions than `sessions` lists (only with includeSessions=true)."
            ),
        ]
        | UnsetType
    ) = field(name="sessionsTruncated", default=UNSET)


TeamName: TypeAlias = Annotated[
    str,
    Meta(
        description="A team name: 1 to 64 characters of [A-Za-z0-9_.@-], not starting with\n`.` or `-`. As a caller (`fromTeam`, `from`), `external` names the\nreserved caller for non-team clients.\n",
        examples=["alpha"],
        max_length=64,
        min_length=1,
        pattern="^[A-Za-z0-9_@][A-Za-z0-9_.@-]{0,63}$",
    ),
]


class TeamPage(Struct):
    items: list[TeamInfo]
    next_cursor: Cursor | None = field(name="nextCursor")


class TeamSession(Struct):
    session_id: SessionId = field(name="sessionId")
    from_team: TeamName = field(name="fromTeam")
    forked_from: (
        Annotated[
            SessionId,
            Meta(
                description="The session it was forked from (null for a pair's own session)."
            ),
        ]
        | None
    ) = field(name="forkedFrom")
    state: ProcessState
    pid: Annotated[int, Meta(ge=1)] | None
    queue_length: Annotated[int, Meta(ge=0)] = field(name="queueLength")
    idle_time_remaining: (
        Annotated[
            int,
            Meta(
                description="Milliseconds before the idle process is put to sleep (null when asleep or busy).",
                ge=0,
            ),
        ]
        | None
    ) = field(name="idleTimeRemaining")
    message_count: Annotated[int, Meta(ge=0)] = field(name="messageCount")
    tell_count: Annotated[
        int,
        Meta(
            description="Its stored tell records (`clearCache` removes the finished ones).",
            ge=0,
        ),
    ] = field(name="tellCount")
    last_activity: datetime | None = field(name="lastActivity")
    cost_usd: Annotated[
        float,
        Meta(
            description="What its tells have cost so far in USD (the sum of their\n`costUsd`, kept when their records are cleared; the session\nreport's `totals.costUsd`).\n",
            ge=0.0,
        ),
    ] = field(name="costUsd")
    created_at: datetime = field(name="createdAt")
    seq: Annotated[
        int,
        Meta(
            description="The session's newest event sequence number when it was read:\n`costUsd` and `messageCount` count every tell whose `tell:complete`\nor `tell:error` has a `seq` at or below it, and none above. Follow\nthe session from here with `afterSeq` set to it.\n",
            ge=0,
        ),
    ]


class TeamStatus(Struct):
    team: TeamName
    status: AwakeStatus
    state: ProcessState
    pid: Annotated[int, Meta(ge=1)] | None
    session_id: (
        Annotated[SessionId, Meta(description="The pair's session (null if none yet).")]
        | None
    ) = field(name="sessionId")
    message_count: Annotated[int, Meta(ge=0)] = field(name="messageCount")
    queue_length: Annotated[int, Meta(ge=0)] = field(name="queueLength")
    current_request_id: (
        Annotated[RequestId, Meta(description="The running tell, if any.")] | None
    ) = field(name="currentRequestId")
    last_activity: datetime | None = field(name="lastActivity")
    idle_time_remaining: (
        Annotated[
            int,
            Meta(
                description="Milliseconds before the idle process is put to sleep (null when asleep or busy).",
                ge=0,
            ),
        ]
        | None
    ) = field(name="idleTimeRemaining")
    worktree: (
        Annotated[
            Worktree,
            Meta(
                description="The pair's session's git worktree (teams whose isolation is `worktree`; absent when it has none yet)."
            ),
        ]
        | None
        | UnsetType
    ) = UNSET
    budget: (
        Annotated[
            Budget,
            Meta(
                description="The team's cost budget (`budgetUsd` in its config) and its spend this period; absent without one."
            ),
        ]
        | UnsetType
    ) = UNSET


class TeamStatusPage(Struct):
    from_team: TeamName = field(name="fromTeam")
    items: list[TeamStatus]
    next_cursor: Cursor | None = field(name="nextCursor")


class TellAccepted(Struct):
    request_id: RequestId = field(name="requestId")
    session_id: SessionId = field(name="sessionId")
    seq: (
        Annotated[
            int,
            Meta(
                description="The seq of the tell's `tell:queued` event on the session channel (its events follow it), so the\nsame number can appear on both when a client also follows the session.\n",
                ge=0,
            ),
        ]
        | UnsetType
    ) = UNSET
    status: TellStatus | UnsetType = UNSET


class TellAcceptedEvent(Struct, tag_field="event", tag="tell:accepted"):
    data: TellAccepted


TellAppendSystemPrompt: TypeAlias = Annotated[
    str,
    Meta(
        description="Text appended to Claude Code's system prompt for this tell (in place of the team's `appendSystemPrompt`). Taken only at start.",
        max_length=65536,
        min_length=1,
        pattern="^[^\\x00]*$",
    ),
]


class TellChunk(Struct):
    request_id: RequestId = field(name="requestId")
    session_id: SessionId = field(name="sessionId")
    seq: Annotated[int, Meta(ge=0)]
    chunk: str


class TellChunkEvent(Struct, tag_field="event", tag="tell:chunk"):
    data: TellChunk


class TellComplete(Struct):
    request_id: RequestId = field(name="requestId")
    session_id: SessionId = field(name="sessionId")
    seq: Annotated[int, Meta(ge=0)]
    response: str
    status: TellStatus
    duration: Annotated[int, Meta(ge=0)] | UnsetType = UNSET
    reason: str | UnsetType = UNSET
    is_error: bool | UnsetType = field(name="isError", default=UNSET)
    cost_usd: Annotated[float, Meta(ge=0.0)] | UnsetType = field(
        name="costUsd", default=UNSET
    )
    usage: Usage | UnsetType = UNSET
    parent_request_id: RequestId | UnsetType = field(
        name="parentRequestId", default=UNSET
    )


class TellCompleteEvent(Struct, tag_field="event", tag="tell:complete"):
    data: TellComplete


class TellError(Struct):
    request_id: RequestId = field(name="requestId")
    error: ErrorName
    message: str
    session_id: SessionId | UnsetType = field(name="sessionId", default=UNSET)
    seq: Annotated[int, Meta(ge=0)] | UnsetType = UNSET
    parent_request_id: RequestId | UnsetType = field(
        name="parentRequestId", default=UNSET
    )


class TellErrorEvent(Struct, tag_field="event", tag="tell:error"):
    data: TellError


class TellLink(Struct):
    request_id: RequestId = field(name="requestId")
    session_id: SessionId = field(name="sessionId")
    from_: TeamName = field(name="from")
    to: TeamName


TellChain: TypeAlias = Annotated[
    list[TellLink],
    Meta(
        description="The tells a tell made from inside a tell waits under, root first,\nending with its parent (`parentRequestId`).\n"
    ),
]


TellMaxBudgetUsd: TypeAlias = Annotated[
    float,
    Meta(
        description="Stop this tell once it has cost this many US dollars (Claude Code's `--max-budget-usd`); it then ends `failed` with a `budget_exceeded` reason. A key's or team's budget caps it further. Taken only at start.",
        gt=0.0,
        le=10000.0,
    ),
]


TellMaxTurns: TypeAlias = Annotated[
    int,
    Meta(
        description="At most this many agentic turns for this tell (the team's `maxTurns` otherwise); beyond it the tell ends `failed`. Taken only at start: see `processRestart`.",
        ge=1,
        le=1000,
    ),
]


TellModel: TypeAlias = Annotated[
    str,
    Meta(
        description="The model for this tell (a Claude Code model name or alias, e.g. `sonnet`); the team's `model` otherwise. Switched in the running process (no restart); the next tell without one goes back to the team's.",
        max_length=128,
        min_length=1,
        pattern="^[A-Za-z0-9][A-Za-z0-9._:@\\[\\]-]*$",
    ),
]


TellOutputSchema: TypeAlias = Annotated[
    Any,
    Meta(
        description="A JSON Schema (draft 2020-12) of a JSON object, which the final answer must satisfy (without a `type`, `type: object` is implied; another `type`, or a schema that is not valid, is a 400 naming `outputSchema`). Claude Code is asked for structured output (`--json-schema`) and the answer is returned parsed as `output`. An answer that is not JSON valid against it ends the tell `failed` with an `output_invalid` reason naming what is wrong. Taken only at start."
    ),
]


class TellQueued(Struct):
    request_id: RequestId = field(name="requestId")
    seq: Annotated[int, Meta(ge=0)]
    position: Annotated[
        int,
        Meta(
            description="1-based position in the session's queue (1 - next to run).",
            ge=1,
        ),
    ]
    session_id: SessionId | UnsetType = field(name="sessionId", default=UNSET)
    parent_request_id: RequestId | UnsetType = field(
        name="parentRequestId", default=UNSET
    )
    chain: TellChain | UnsetType = UNSET


class TellQueuedEvent(Struct, tag_field="event", tag="tell:queued"):
    data: TellQueued


class TellRequest(Struct):
    to_team: TeamName = field(name="toTeam")
    message: Message
    from_team: TeamName | UnsetType = field(name="fromTeam", default=UNSET)
    timeout: TellTimeout | UnsetType = 0
    session_id: SessionId | UnsetType = field(name="sessionId", default=UNSET)
    callback_url: CallbackUrl | UnsetType = field(name="callbackUrl", default=UNSET)
    model: TellModel | UnsetType = UNSET
    max_turns: TellMaxTurns | UnsetType = field(name="maxTurns", default=UNSET)
    max_budget_usd: TellMaxBudgetUsd | UnsetType = field(
        name="maxBudgetUsd", default=UNSET
    )
    append_system_prompt: TellAppendSystemPrompt | UnsetType = field(
        name="appendSystemPrompt", default=UNSET
    )
    output_schema: TellOutputSchema | UnsetType = field(
        name="outputSchema", default=UNSET
    )


class TellResponse(Struct):
    from_: TeamName = field(name="from")
    to: TeamName
    message: str
    timestamp: Annotated[
        datetime, Meta(description="When the tell was received (queued).")
    ]
    request_id: RequestId = field(name="requestId")
    session_id: SessionId = field(name="sessionId")
    status: TellStatus
    response: str | UnsetType = UNSET
    duration: (
        Annotated[
            int,
            Meta(
                description="Milliseconds from start to end (or to now while running).",
                ge=0,
            ),
        ]
        | UnsetType
    ) = UNSET
    started_at: datetime | UnsetType = field(name="startedAt", default=UNSET)
    finished_at: datetime | UnsetType = field(name="finishedAt", default=UNSET)
    queue_position: (
        Annotated[
            int,
            Meta(
                description="While queued - tells ahead of this one in the session's queue.",
                ge=0,
            ),
        ]
        | UnsetType
    ) = field(name="queuePosition", default=UNSET)
    reason: str | UnsetType = UNSET
    is_error: bool | UnsetType = field(name="isError", default=UNSET)
    cost_usd: Annotated[float, Meta(ge=0.0)] | UnsetType = field(
        name="costUsd", default=UNSET
    )
    usage: Usage | UnsetType = UNSET
    messages: (
        Annotated[
            list[ClaudeMessage],
            Meta(description="Cached raw messages (only when requested)."),
        ]
        | UnsetType
    ) = UNSET
    parent_request_id: RequestId | UnsetType = field(
        name="parentRequestId", default=UNSET
    )
    chain: TellChain | UnsetType = UNSET
    output: (
        Annotated[
            Any,
            Meta(
                description="The final answer parsed as JSON, valid against the tell's `outputSchema` (only for a completed tell that had one)."
            ),
        ]
        | UnsetType
    ) = UNSET
    process_restart: ProcessRestart | UnsetType = field(
        name="processRestart", default=UNSET
    )


class TellStartMessage(Struct, tag_field="event", tag="tell:start"):
    data: TellStartRequest


ClientMessage: TypeAlias = Annotated[
    AuthMessage
    | CacheSubscribeMessage
    | CacheUnsubscribeMessage
    | ProcessSubscribeMessage
    | ProcessUnsubscribeMessage
    | SystemSubscribeMessage
    | SystemUnsubscribeMessage
    | LogsSubscribeMessage
    | LogsUnsubscribeMessage
    | TellStartMessage,
    Meta(description="Any client → server WebSocket message."),
]


class TellStartRequest(Struct):
    to_team: TeamName = field(name="toTeam")
    message: Message
    from_team: TeamName | UnsetType = field(name="fromTeam", default=UNSET)
    session_id: SessionId | UnsetType = field(name="sessionId", default=UNSET)
    callback_url: CallbackUrl | UnsetType = field(name="callbackUrl", default=UNSET)
    model: TellModel | UnsetType = UNSET
    max_turns: TellMaxTurns | UnsetType = field(name="maxTurns", default=UNSET)
    max_budget_usd: TellMaxBudgetUsd | UnsetType = field(
        name="maxBudgetUsd", default=UNSET
    )
    append_system_prompt: TellAppendSystemPrompt | UnsetType = field(
        name="appendSystemPrompt", default=UNSET
    )
    output_schema: TellOutputSchema | UnsetType = field(
        name="outputSchema", default=UNSET
    )


class TellStarted(Struct):
    request_id: RequestId = field(name="requestId")
    seq: Annotated[int, Meta(ge=0)]
    session_id: SessionId | UnsetType = field(name="sessionId", default=UNSET)
    parent_request_id: RequestId | UnsetType = field(
        name="parentRequestId", default=UNSET
    )


class TellStartedEvent(Struct, tag_field="event", tag="tell:started"):
    data: TellStarted


ServerEvent: TypeAlias = Annotated[
    TellAcceptedEvent
    | TellQueuedEvent
    | TellStartedEvent
    | TellChunkEvent
    | TellCompleteEvent
    | TellErrorEvent
    | CacheMessageEvent
    | ProcessSpawnedEvent
    | ProcessTerminatedEvent
    | ProcessErrorEvent
    | HealthCheckEvent
    | BudgetReachedEvent
    | PermissionRequestEvent
    | PermissionResolvedEvent
    | LogRecordEvent
    | ResetEvent
    | StreamErrorEvent
    | HeartbeatEvent,
    Meta(
        description="Any server → client event envelope (SSE data and WebSocket messages)."
    ),
]


class TellStatus(StrEnum):
    queued = "queued"
    running = "running"
    completed = "completed"
    failed = "failed"
    cancelled = "cancelled"
    stalled = "stalled"


TellTimeout: TypeAlias = Annotated[
    int,
    Meta(
        description="How long the caller waits: -1 returns at once (202; the tell runs on),\n0 waits for the end, N (1 to 3,600,000) waits at most N milliseconds\nand then returns the status and partial response (202). The tell\nalways runs to its end.\n",
        ge=-1,
        le=3600000,
    ),
]


class Type(StrEnum):
    tell_completed = "tell.completed"
    tell_failed = "tell.failed"
    tell_stalled = "tell.stalled"
    tell_cancelled = "tell.cancelled"


class Usage(Struct):
    input_tokens: Annotated[int, Meta(ge=0)] = field(name="inputTokens")
    output_tokens: Annotated[int, Meta(ge=0)] = field(name="outputTokens")
    cache_read_input_tokens: Annotated[int, Meta(ge=0)] | UnsetType = field(
        name="cacheReadInputTokens", default=UNSET
    )
    cache_creation_input_tokens: Annotated[int, Meta(ge=0)] | UnsetType = field(
        name="cacheCreationInputTokens", default=UNSET
    )


class WakeAllFailure(Struct):
    error: ErrorName
    message: str


class WakeAllRequest(Struct):
    from_team: TeamName | UnsetType = field(name="fromTeam", default=UNSET)
    parallel: (
        Annotated[
            bool,
            Meta(
                description="Wake the teams concurrently instead of one after another."
            ),
        ]
        | UnsetType
    ) = False


class WakeAllResponse(Struct):
    from_team: TeamName = field(name="fromTeam")
    parallel: bool
    results: Annotated[
        list[WakeAllResult],
        Meta(
            description="One result per team, in config order (not paged - an operation result, not a listing)."
        ),
    ]
    summary: WakeAllSummary
    duration: Annotated[int, Meta(ge=0)] | UnsetType = UNSET


class WakeAllResult(Struct):
    team: TeamName
    status: WakeAllStatus
    session_id: SessionId | None = field(name="sessionId")
    pid: Annotated[int, Meta(ge=1)] | None
    duration: Annotated[int, Meta(ge=0)] | UnsetType = UNSET
    error: WakeAllFailure | UnsetType = UNSET


class WakeAllStatus(StrEnum):
    awake = "awake"
    already_awake = "already_awake"
    failed = "failed"


class WakeAllSummary(Struct):
    total: Annotated[int, Meta(ge=0)]
    awake: Annotated[int, Meta(ge=0)]
    already_awake: Annotated[int, Meta(ge=0)] = field(name="alreadyAwake")
    failed: Annotated[int, Meta(ge=0)]


class WakeRequest(Struct):
    from_team: TeamName | UnsetType = field(name="fromTeam", default=UNSET)


class WakeResponse(Struct):
    team: TeamName
    from_team: TeamName = field(name="fromTeam")
    session_id: SessionId = field(name="sessionId")
    pid: Annotated[int, Meta(ge=1)]
    status: WakeStatus
    state: ProcessState
    duration: (
        Annotated[
            int,
            Meta(description="Milliseconds until ready (0 when already awake).", ge=0),
        ]
        | UnsetType
    ) = UNSET


class WakeStatus(StrEnum):
    awake = "awake"
    already_awake = "already_awake"


class Webhook(Struct):
    id: WebhookId
    url: WebhookUrl
    events: list[WebhookEventType]
    teams: (
        Annotated[list[TeamName], Meta(description="Team filter (null - every team).")]
        | None
    )
    callbacks_only: bool = field(name="callbacksOnly")
    description: str | None
    created_at: datetime = field(name="createdAt")
    created_by: (
        Annotated[
            KeyId,
            Meta(
                description="The public id of the key that registered it (null when authentication is off)."
            ),
        ]
        | None
    ) = field(name="createdBy")


class WebhookAttempt(Struct):
    at: datetime
    status_code: (
        Annotated[
            int, Meta(description="The endpoint's HTTP status (null - no answer came).")
        ]
        | None
    ) = field(name="statusCode")
    duration_ms: Annotated[int, Meta(ge=0)] = field(name="durationMs")
    error: (
        Annotated[
            str,
            Meta(
                description="Why it did not succeed (a timeout, a refused connection, a status), without secrets."
            ),
        ]
        | None
    )


class WebhookBudgetEvent(Struct):
    type: Literal["budget.reached"]
    timestamp: datetime
    data: BudgetReached


class WebhookDelivery(Struct):
    id: DeliveryId
    webhook_id: WebhookId = field(name="webhookId")
    message_id: Annotated[
        str,
        Meta(
            description="The `webhook-id` header of every attempt (a redelivery keeps it)."
        ),
    ] = field(name="messageId")
    event: WebhookEventType
    status: WebhookDeliveryStatus
    team: TeamName | None
    request_id: (
        Annotated[RequestId, Meta(description="The tell it is about, if any.")] | None
    ) = field(name="requestId")
    created_at: datetime = field(name="createdAt")
    next_attempt_at: (
        Annotated[
            datetime,
            Meta(
                description="When it is tried next (null once it is no longer pending)."
            ),
        ]
        | None
    ) = field(name="nextAttemptAt")
    attempts: Annotated[
        list[WebhookAttempt], Meta(description="Every attempt, oldest first.")
    ]


class WebhookDeliveryPage(Struct):
    items: list[WebhookDelivery]
    next_cursor: Cursor | None = field(name="nextCursor")


class WebhookDeliveryStatus(StrEnum):
    pending = "pending"
    delivered = "delivered"
    dropped = "dropped"
    failed = "failed"


class WebhookEventType(StrEnum):
    tell_completed = "tell.completed"
    tell_failed = "tell.failed"
    tell_stalled = "tell.stalled"
    tell_cancelled = "tell.cancelled"
    permission_requested = "permission.requested"
    process_terminated = "process.terminated"
    budget_reached = "budget.reached"


WebhookId: TypeAlias = Annotated[UUID, Meta(description="A webhook endpoint's id.")]


class WebhookPage(Struct):
    items: list[Webhook]
    next_cursor: Cursor | None = field(name="nextCursor")


class WebhookPermission(Struct):
    permission_id: PermissionId = field(name="permissionId")
    session_id: SessionId = field(name="sessionId")
    request_id: RequestId | None = field(name="requestId")
    from_: TeamName = field(name="from")
    to: TeamName
    tool: str
    input: dict[str, Any]
    created_at: datetime = field(name="createdAt")
    expires_at: datetime | None = field(name="expiresAt")


class WebhookPermissionEvent(Struct):
    type: Literal["permission.requested"]
    timestamp: datetime
    data: WebhookPermission


class WebhookProcess(Struct):
    session_id: SessionId = field(name="sessionId")
    from_: TeamName = field(name="from")
    to: TeamName
    reason: str
    exit_code: int | None = field(name="exitCode")


class WebhookProcessEvent(Struct):
    type: Literal["process.terminated"]
    timestamp: datetime
    data: WebhookProcess


class WebhookTell(Struct):
    request_id: RequestId = field(name="requestId")
    session_id: SessionId = field(name="sessionId")
    from_: TeamName = field(name="from")
    to: TeamName
    status: TellStatus
    reason: str | None
    response: str | None
    is_error: bool = field(name="isError")
    duration_ms: int | None = field(name="durationMs")
    cost_usd: float | None = field(name="costUsd")


class WebhookTellEvent(Struct):
    type: Type
    timestamp: datetime
    data: WebhookTell


WebhookUrl: TypeAlias = Annotated[
    str,
    Meta(
        description="An http or https URL whose host `api.webhooks.allowedHosts` allows.",
        examples=["https://hooks.example.com/iris"],
        max_length=2048,
        min_length=8,
        pattern="^[hH][tT][tT][pP][sS]?://[^\\s]+$",
    ),
]


class Worktree(Struct):
    branch: str
    path: Annotated[
        str,
        Meta(
            description="The worktree's folder, relative to IRIS_HOME (`worktrees/<team>/<short session id>`)."
        ),
    ]
    base: Annotated[
        str,
        Meta(
            description="The commit the branch started from (the team's HEAD, or a fork's parent's branch head)."
        ),
    ]
    head: Annotated[str, Meta(description="The commit the worktree is at now.")]
    dirty: Annotated[
        bool,
        Meta(
            description="Whether it has uncommitted changes (tracked or untracked files)."
        ),
    ]
    untracked_files: Annotated[int, Meta(ge=0)] = field(name="untrackedFiles")
    diff_stat: Annotated[
        str,
        Meta(
            description="`git diff --stat <base>` in the worktree: committed and uncommitted changes of tracked files."
        ),
    ] = field(name="diffStat")
    files_changed: Annotated[int, Meta(ge=0)] = field(name="filesChanged")
    insertions: Annotated[int, Meta(ge=0)]
    deletions: Annotated[int, Meta(ge=0)]


class WorktreeCleanup(Struct):
    branch: str
    path: Annotated[
        str, Meta(description="The worktree's folder, relative to IRIS_HOME.")
    ]
    outcome: WorktreeOutcome
    reason: (
        Annotated[str, Meta(description="Why something was kept.")] | None | UnsetType
    ) = UNSET


class WorktreeOutcome(StrEnum):
    removed = "removed"
    kept = "kept"
    branch_kept = "branchKept"


class WsAuth(Struct):
    token: Annotated[str, Meta(description="An API key.", max_length=256, min_length=1)]
