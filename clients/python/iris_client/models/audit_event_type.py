from enum import StrEnum


class AuditEventType(StrEnum):
    AUTH_FAILURE = "auth_failure"
    AUTH_SUCCESS = "auth_success"
    CACHE_CLEAR = "cache_clear"
    CANCEL = "cancel"
    COMPACT = "compact"
    DELETE = "delete"
    FORBIDDEN = "forbidden"
    FORK = "fork"
    KEY_CREATED = "key_created"
    KEY_REVOKED = "key_revoked"
    LAUNCH = "launch"
    PERMISSION_DECISION = "permission_decision"
    RATE_LIMITED = "rate_limited"
    REBOOT = "reboot"
    SLEEP = "sleep"
    TELL = "tell"
    WAKE = "wake"
    WAKE_ALL = "wake_all"
    WEBHOOK_CREATED = "webhook_created"
    WEBHOOK_DELETED = "webhook_deleted"
    WEBHOOK_REDELIVERED = "webhook_redelivered"

    def __str__(self) -> str:
        return str(self.value)
