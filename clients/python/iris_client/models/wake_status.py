from enum import StrEnum


class WakeStatus(StrEnum):
    ALREADY_AWAKE = "already_awake"
    AWAKE = "awake"

    def __str__(self) -> str:
        return str(self.value)
