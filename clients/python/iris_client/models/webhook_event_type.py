from enum import StrEnum


class WebhookEventType(StrEnum):
    BUDGET_REACHED = "budget.reached"
    PERMISSION_REQUESTED = "permission.requested"
    PROCESS_TERMINATED = "process.terminated"
    TELL_CANCELLED = "tell.cancelled"
    TELL_COMPLETED = "tell.completed"
    TELL_FAILED = "tell.failed"
    TELL_STALLED = "tell.stalled"

    def __str__(self) -> str:
        return str(self.value)
