from enum import StrEnum


class TellStatus(StrEnum):
    CANCELLED = "cancelled"
    COMPLETED = "completed"
    FAILED = "failed"
    QUEUED = "queued"
    RUNNING = "running"
    STALLED = "stalled"

    def __str__(self) -> str:
        return str(self.value)
