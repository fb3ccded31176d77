"""Contains all the data models used in inputs/outputs"""

from .api_key import ApiKey
from .api_key_page import ApiKeyPage
from .audit_entry import AuditEntry
from .audit_entry_details_type_0 import AuditEntryDetailsType0
from .audit_event_type import AuditEventType
from .audit_page import AuditPage
from .auth_message import AuthMessage
from .awake_status import AwakeStatus
from .budget import Budget
from .budget_kind import BudgetKind
from .budget_period import BudgetPeriod
from .budget_reached import BudgetReached
from .budget_reached_event import BudgetReachedEvent
from .cache_message import CacheMessage
from .cache_message_event import CacheMessageEvent
from .cache_page import CachePage
from .cache_subscribe import CacheSubscribe
from .cache_subscribe_message import CacheSubscribeMessage
from .cache_unsubscribe import CacheUnsubscribe
from .cache_unsubscribe_message import CacheUnsubscribeMessage
from .cancel_request import CancelRequest
from .cancel_response import CancelResponse
from .channels_backend import ChannelsBackend
from .channels_status import ChannelsStatus
from .claude_message import ClaudeMessage
from .claude_message_data import ClaudeMessageData
from .clear_cache_response import ClearCacheResponse
from .compact_request import CompactRequest
from .create_key_request import CreateKeyRequest
from .create_webhook_request import CreateWebhookRequest
from .created_api_key import CreatedApiKey
from .created_webhook import CreatedWebhook
from .current_key import CurrentKey
from .date_response import DateResponse
from .day_of_week import DayOfWeek
from .delete_session_response import DeleteSessionResponse
from .error import Error
from .error_details import ErrorDetails
from .error_name import ErrorName
from .fork_request import ForkRequest
from .fork_response import ForkResponse
from .grant_permission import GrantPermission
from .health import Health
from .health_check import HealthCheck
from .health_check_event import HealthCheckEvent
from .heartbeat import Heartbeat
from .heartbeat_event import HeartbeatEvent
from .key_env import KeyEnv
from .key_role import KeyRole
from .launch_response import LaunchResponse
from .launch_status import LaunchStatus
from .log_level import LogLevel
from .log_page import LogPage
from .log_record import LogRecord
from .log_record_context import LogRecordContext
from .log_record_event import LogRecordEvent
from .logs_subscribe import LogsSubscribe
from .logs_subscribe_message import LogsSubscribeMessage
from .logs_unsubscribe import LogsUnsubscribe
from .logs_unsubscribe_message import LogsUnsubscribeMessage
from .permission import Permission
from .permission_decision import PermissionDecision
from .permission_decision_request import PermissionDecisionRequest
from .permission_decision_response import PermissionDecisionResponse
from .permission_page import PermissionPage
from .permission_request import PermissionRequest
from .permission_request_event import PermissionRequestEvent
from .permission_request_tool_input import PermissionRequestToolInput
from .permission_resolved import PermissionResolved
from .permission_resolved_by import PermissionResolvedBy
from .permission_resolved_event import PermissionResolvedEvent
from .process_counts import ProcessCounts
from .process_error import ProcessError
from .process_error_event import ProcessErrorEvent
from .process_info import ProcessInfo
from .process_restart import ProcessRestart
from .process_restart_options_item import ProcessRestartOptionsItem
from .process_spawned import ProcessSpawned
from .process_spawned_event import ProcessSpawnedEvent
from .process_state import ProcessState
from .process_subscribe import ProcessSubscribe
from .process_subscribe_message import ProcessSubscribeMessage
from .process_terminated import ProcessTerminated
from .process_terminated_event import ProcessTerminatedEvent
from .process_unsubscribe import ProcessUnsubscribe
from .process_unsubscribe_message import ProcessUnsubscribeMessage
from .reboot_response import RebootResponse
from .reset import Reset
from .reset_event import ResetEvent
from .session_info import SessionInfo
from .session_report import SessionReport
from .session_totals import SessionTotals
from .sleep_request import SleepRequest
from .sleep_response import SleepResponse
from .sleep_status import SleepStatus
from .stream_error import StreamError
from .stream_error_details import StreamErrorDetails
from .stream_error_event import StreamErrorEvent
from .system_health import SystemHealth
from .system_status import SystemStatus
from .system_subscribe_message import SystemSubscribeMessage
from .system_subscription import SystemSubscription
from .system_unsubscribe_message import SystemUnsubscribeMessage
from .team_info import TeamInfo
from .team_page import TeamPage
from .team_session import TeamSession
from .team_status import TeamStatus
from .team_status_page import TeamStatusPage
from .tell_accepted import TellAccepted
from .tell_accepted_event import TellAcceptedEvent
from .tell_chunk import TellChunk
from .tell_chunk_event import TellChunkEvent
from .tell_complete import TellComplete
from .tell_complete_event import TellCompleteEvent
from .tell_error import TellError
from .tell_error_event import TellErrorEvent
from .tell_link import TellLink
from .tell_queued import TellQueued
from .tell_queued_event import TellQueuedEvent
from .tell_request import TellRequest
from .tell_response import TellResponse
from .tell_start_message import TellStartMessage
from .tell_start_request import TellStartRequest
from .tell_started import TellStarted
from .tell_started_event import TellStartedEvent
from .tell_status import TellStatus
from .usage import Usage
from .wake_all_failure import WakeAllFailure
from .wake_all_request import WakeAllRequest
from .wake_all_response import WakeAllResponse
from .wake_all_result import WakeAllResult
from .wake_all_status import WakeAllStatus
from .wake_all_summary import WakeAllSummary
from .wake_request import WakeRequest
from .wake_response import WakeResponse
from .wake_status import WakeStatus
from .webhook import Webhook
from .webhook_attempt import WebhookAttempt
from .webhook_budget_event import WebhookBudgetEvent
from .webhook_delivery import WebhookDelivery
from .webhook_delivery_page import WebhookDeliveryPage
from .webhook_delivery_status import WebhookDeliveryStatus
from .webhook_event_type import WebhookEventType
from .webhook_page import WebhookPage
from .webhook_permission import WebhookPermission
from .webhook_permission_event import WebhookPermissionEvent
from .webhook_permission_input import WebhookPermissionInput
from .webhook_process import WebhookProcess
from .webhook_process_event import WebhookProcessEvent
from .webhook_tell import WebhookTell
from .webhook_tell_event import WebhookTellEvent
from .webhook_tell_event_type import WebhookTellEventType
from .worktree import Worktree
from .worktree_cleanup import WorktreeCleanup
from .worktree_outcome import WorktreeOutcome
from .ws_auth import WsAuth

__all__ = (
    "ApiKey",
    "ApiKeyPage",
    "AuditEntry",
    "AuditEntryDetailsType0",
    "AuditEventType",
    "AuditPage",
    "AuthMessage",
    "AwakeStatus",
    "Budget",
    "BudgetKind",
    "BudgetPeriod",
    "BudgetReached",
    "BudgetReachedEvent",
    "CacheMessage",
    "CacheMessageEvent",
    "CachePage",
    "CacheSubscribe",
    "CacheSubscribeMessage",
    "CacheUnsubscribe",
    "CacheUnsubscribeMessage",
    "CancelRequest",
    "CancelResponse",
    "ChannelsBackend",
    "ChannelsStatus",
    "ClaudeMessage",
    "ClaudeMessageData",
    "ClearCacheResponse",
    "CompactRequest",
    "CreateKeyRequest",
    "CreateWebhookRequest",
    "CreatedApiKey",
    "CreatedWebhook",
    "CurrentKey",
    "DateResponse",
    "DayOfWeek",
    "DeleteSessionResponse",
    "Error",
    "ErrorDetails",
    "ErrorName",
    "ForkRequest",
    "ForkResponse",
    "GrantPermission",
    "Health",
    "HealthCheck",
    "HealthCheckEvent",
    "Heartbeat",
    "HeartbeatEvent",
    "KeyEnv",
    "KeyRole",
    "LaunchResponse",
    "LaunchStatus",
    "LogLevel",
    "LogPage",
    "LogRecord",
    "LogRecordContext",
    "LogRecordEvent",
    "LogsSubscribe",
    "LogsSubscribeMessage",
    "LogsUnsubscribe",
    "LogsUnsubscribeMessage",
    "Permission",
    "PermissionDecision",
    "PermissionDecisionRequest",
    "PermissionDecisionResponse",
    "PermissionPage",
    "PermissionRequest",
    "PermissionRequestEvent",
    "PermissionRequestToolInput",
    "PermissionResolved",
    "PermissionResolvedBy",
    "PermissionResolvedEvent",
    "ProcessCounts",
    "ProcessError",
    "ProcessErrorEvent",
    "ProcessInfo",
    "ProcessRestart",
    "ProcessRestartOptionsItem",
    "ProcessSpawned",
    "ProcessSpawnedEvent",
    "ProcessState",
    "ProcessSubscribe",
    "ProcessSubscribeMessage",
    "ProcessTerminated",
    "ProcessTerminatedEvent",
    "ProcessUnsubscribe",
    "ProcessUnsubscribeMessage",
    "RebootResponse",
    "Reset",
    "ResetEvent",
    "SessionInfo",
    "SessionReport",
    "SessionTotals",
    "SleepRequest",
    "SleepResponse",
    "SleepStatus",
    "StreamError",
    "StreamErrorDetails",
    "StreamErrorEvent",
    "SystemHealth",
    "SystemStatus",
    "SystemSubscribeMessage",
    "SystemSubscription",
    "SystemUnsubscribeMessage",
    "TeamInfo",
    "TeamPage",
    "TeamSession",
    "TeamStatus",
    "TeamStatusPage",
    "TellAccepted",
    "TellAcceptedEvent",
    "TellChunk",
    "TellChunkEvent",
    "TellComplete",
    "TellCompleteEvent",
    "TellError",
    "TellErrorEvent",
    "TellLink",
    "TellQueued",
    "TellQueuedEvent",
    "TellRequest",
    "TellResponse",
    "TellStartMessage",
    "TellStartRequest",
    "TellStarted",
    "TellStartedEvent",
    "TellStatus",
    "Usage",
    "WakeAllFailure",
    "WakeAllRequest",
    "WakeAllResponse",
    "WakeAllResult",
    "WakeAllStatus",
    "WakeAllSummary",
    "WakeRequest",
    "WakeResponse",
    "WakeStatus",
    "Webhook",
    "WebhookAttempt",
    "WebhookBudgetEvent",
    "WebhookDelivery",
    "WebhookDeliveryPage",
    "WebhookDeliveryStatus",
    "WebhookEventType",
    "WebhookPage",
    "WebhookPermission",
    "WebhookPermissionEvent",
    "WebhookPermissionInput",
    "WebhookProcess",
    "WebhookProcessEvent",
    "WebhookTell",
    "WebhookTellEvent",
    "WebhookTellEventType",
    "Worktree",
    "WorktreeCleanup",
    "WorktreeOutcome",
    "WsAuth",
)
