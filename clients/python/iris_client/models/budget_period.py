from enum import StrEnum


class BudgetPeriod(StrEnum):
    DAY = "day"
    MONTH = "month"
    TOTAL = "total"

    def __str__(self) -> str:
        return str(self.value)
