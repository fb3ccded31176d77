from enum import StrEnum


class ProcessState(StrEnum):
    IDLE = "idle"
    PROCESSING = "processing"
    SPAWNING = "spawning"
    STOPPED = "stopped"
    TERMINATING = "terminating"

    def __str__(self) -> str:
        return str(self.value)
