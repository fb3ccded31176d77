from enum import StrEnum


class Permission(StrEnum):
    ADMIN = "admin"
    CACHEREAD = "cache:read"
    CACHEWRITE = "cache:write"
    DEBUGREAD = "debug:read"
    METRICSREAD = "metrics:read"
    STATUSREAD = "status:read"
    TEAMCANCEL = "team:cancel"
    TEAMCLEAR = "team:clear"
    TEAMCOMPACT = "team:compact"
    TEAMFORK = "team:fork"
    TEAMSLEEP = "team:sleep"
    TEAMTELL = "team:tell"
    TEAMWAKE = "team:wake"
    WEBHOOKMANAGE = "webhook:manage"

    def __str__(self) -> str:
        return str(self.value)
