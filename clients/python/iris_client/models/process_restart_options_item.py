from enum import StrEnum


class ProcessRestartOptionsItem(StrEnum):
    APPENDSYSTEMPROMPT = "appendSystemPrompt"
    BUDGET = "budget"
    MAXBUDGETUSD = "maxBudgetUsd"
    MAXTURNS = "maxTurns"
    OUTPUTSCHEMA = "outputSchema"

    def __str__(self) -> str:
        return str(self.value)
