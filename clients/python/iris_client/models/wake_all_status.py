from enum import StrEnum


class WakeAllStatus(StrEnum):
    ALREADY_AWAKE = "already_awake"
    AWAKE = "awake"
    FAILED = "failed"

    def __str__(self) -> str:
        return str(self.value)
