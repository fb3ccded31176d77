from enum import StrEnum


class BudgetKind(StrEnum):
    KEY = "key"
    TEAM = "team"

    def __str__(self) -> str:
        return str(self.value)
