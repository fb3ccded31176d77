from enum import StrEnum


class AwakeStatus(StrEnum):
    ASLEEP = "asleep"
    AWAKE = "awake"

    def __str__(self) -> str:
        return str(self.value)
