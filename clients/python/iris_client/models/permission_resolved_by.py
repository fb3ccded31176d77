from enum import StrEnum


class PermissionResolvedBy(StrEnum):
    API = "api"
    SHUTDOWN = "shutdown"
    TIMEOUT = "timeout"

    def __str__(self) -> str:
        return str(self.value)
