from enum import StrEnum


class WorktreeOutcome(StrEnum):
    BRANCHKEPT = "branchKept"
    KEPT = "kept"
    REMOVED = "removed"

    def __str__(self) -> str:
        return str(self.value)
