from enum import StrEnum


class SleepStatus(StrEnum):
    ALREADY_ASLEEP = "already_asleep"
    ASLEEP = "asleep"

    def __str__(self) -> str:
        return str(self.value)
