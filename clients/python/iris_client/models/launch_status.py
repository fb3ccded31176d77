from enum import StrEnum


class LaunchStatus(StrEnum):
    ALREADY_AWAKE = "already_awake"
    WAKING = "waking"

    def __str__(self) -> str:
        return str(self.value)
