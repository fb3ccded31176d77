"""Iris errors: one class per failure a caller can see, each of a kind that the API edge turns into a status."""

from __future__ import annotations

import enum
from typing import Any, ClassVar


class ErrorKind(enum.StrEnum):
    """What went wrong, in Iris's terms (the API maps each kind to its HTTP status)."""

    INVALID = "invalid"
    OVER_BUDGET = "over_budget"
    UNAUTHORIZED = "unauthorized"
    FORBIDDEN = "forbidden"
    NOT_FOUND = "not_found"
    METHOD_NOT_ALLOWED = "method_not_allowed"
    CONFLICT = "conflict"
    TIMEOUT = "timeout"
    TOO_LARGE = "too_large"
    QUEUE_FULL = "queue_full"
    RATE_LIMITED = "rate_limited"
    PROCESS_FAILED = "process_failed"
    MISCONFIGURED = "misconfigured"
    POOL_FULL = "pool_full"
    INTERNAL = "internal"


class IrisError(Exception):
    """Base of every error Iris reports to a caller."""

    kind: ClassVar[ErrorKind] = ErrorKind.INTERNAL

    def __init__(
        self, message: str, details: dict[str, Any] | None = None, *, retry_after_seconds: int | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.details = details
        self.retry_after_seconds = retry_after_seconds
        """How long the caller should wait before trying again, when the failure is a passing one."""

    @property
    def name(self) -> str:
        """The error's class name, as the contract's `error` field."""
        return type(self).__name__


class ValidationError(IrisError):
    """Bad input; `details` names the field."""

    kind = ErrorKind.INVALID


class UnauthorizedError(IrisError):
    """Missing or invalid credentials."""

    kind = ErrorKind.UNAUTHORIZED


class ForbiddenError(IrisError):
    """The key lacks the permission; `details` names it."""

    kind = ErrorKind.FORBIDDEN


class NotFoundError(IrisError):
    """Nothing at that path."""

    kind = ErrorKind.NOT_FOUND


class TeamNotFoundError(NotFoundError):
    """The team is not configured."""


class SessionNotFoundError(NotFoundError):
    """No such session, or no session for the pair where one is required."""


class RequestNotFoundError(NotFoundError):
    """No tell with that request id."""


class MethodNotAllowedError(IrisError):
    """The path exists but not with that method."""

    kind = ErrorKind.METHOD_NOT_ALLOWED


class TellCycleError(IrisError):
    """A tell made from inside a tell would wait on its own chain (its target pair already waits in it), or the
    chain would be deeper than `settings.maxTellDepth`; `details` names the chain."""

    kind = ErrorKind.CONFLICT


class BudgetExceededError(IrisError):
    """A tell would start over a cost budget (its key's or its team's); `details` names the budget, its period and
    when it resets."""

    kind = ErrorKind.OVER_BUDGET


class TimeoutError(IrisError):
    """An operation's own deadline passed."""

    kind = ErrorKind.TIMEOUT


class PayloadTooLargeError(IrisError):
    """The request body is larger than the server accepts."""

    kind = ErrorKind.TOO_LARGE


class SessionQueueFullError(IrisError):
    """The session's queue of waiting tells is full."""

    kind = ErrorKind.QUEUE_FULL


class TooManyRequestsError(IrisError):
    """Rate limit exceeded."""

    kind = ErrorKind.RATE_LIMITED


class ProcessError(IrisError):
    """Claude Code could not start or failed."""

    kind = ErrorKind.PROCESS_FAILED


class ConfigurationError(IrisError):
    """The configuration is invalid."""

    kind = ErrorKind.MISCONFIGURED


class ProcessPoolLimitError(IrisError):
    """Every process is busy and the pool is full."""

    kind = ErrorKind.POOL_FULL
