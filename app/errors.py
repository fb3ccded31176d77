"""Iris errors: one class per failure a caller can see, each with its HTTP status."""

from __future__ import annotations

from typing import Any, ClassVar


class IrisError(Exception):
    """Base of every error Iris reports to a caller."""

    status_code: ClassVar[int] = 500

    def __init__(self, message: str, details: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details

    @property
    def name(self) -> str:
        """The error's class name, as the contract's `error` field."""
        return type(self).__name__


class ValidationError(IrisError):
    """Bad input; `details` names the field."""

    status_code = 400


class UnauthorizedError(IrisError):
    """Missing or invalid credentials."""

    status_code = 401


class ForbiddenError(IrisError):
    """The key lacks the permission; `details` names it."""

    status_code = 403


class NotFoundError(IrisError):
    """Nothing at that path."""

    status_code = 404


class TeamNotFoundError(NotFoundError):
    """The team is not configured."""


class SessionNotFoundError(NotFoundError):
    """No such session, or no session for the pair where one is required."""


class RequestNotFoundError(NotFoundError):
    """No tell with that request id."""


class MethodNotAllowedError(IrisError):
    """The path exists but not with that method."""

    status_code = 405


class TimeoutError(IrisError):
    """An operation's own deadline passed."""

    status_code = 408


class PayloadTooLargeError(IrisError):
    """The request body is larger than the server accepts."""

    status_code = 413


class SessionQueueFullError(IrisError):
    """The session's queue of waiting tells is full."""

    status_code = 429


class TooManyRequestsError(IrisError):
    """Rate limit exceeded."""

    status_code = 429


class ProcessError(IrisError):
    """Claude Code could not start or failed."""

    status_code = 500


class ConfigurationError(IrisError):
    """The configuration is invalid."""

    status_code = 500


class ProcessPoolLimitError(IrisError):
    """Every process is busy and the pool is full."""

    status_code = 503
