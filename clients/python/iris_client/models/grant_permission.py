from enum import StrEnum


class GrantPermission(StrEnum):
    ASK = "ask"
    NO = "no"
    YES = "yes"

    def __str__(self) -> str:
        return str(self.value)
