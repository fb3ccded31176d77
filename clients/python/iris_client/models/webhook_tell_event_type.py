from enum import StrEnum


class WebhookTellEventType(StrEnum):
    TELL_CANCELLED = "tell.cancelled"
    TELL_COMPLETED = "tell.completed"
    TELL_FAILED = "tell.failed"
    TELL_STALLED = "tell.stalled"

    def __str__(self) -> str:
        return str(self.value)
