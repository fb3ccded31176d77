"""Every error answer in the contract's shape: `{error, message, statusCode, timestamp, details?}`.

Iris's own errors carry their class name, kind and details; `ANSWERS` turns each kind into a status (and a
`Retry-After` for the passing ones). The framework's errors (validation, unknown
path, wrong method, body too large, ...) are translated to the same shape, and anything unexpected becomes a
generic 500 whose real cause goes to the log under the request's id, never into the response.
"""

from __future__ import annotations

import logging
import re
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

import msgspec
from litestar import Request, Response
from litestar.exceptions import (
    ClientException,
    HTTPException,
    MethodNotAllowedException,
    NotAuthorizedException,
    NotFoundException,
    PermissionDeniedException,
    TooManyRequestsException,
    ValidationException,
)
from litestar.exceptions.http_exceptions import RequestEntityTooLarge
from litestar.types import ExceptionHandlersMap, Scope

from app.api.models import Error, ErrorName
from app.errors import ErrorKind, IrisError, ValidationError

__all__ = [
    "ANSWERS",
    "DEFAULT_RETRY_AFTER",
    "MAX_BODY_BYTES",
    "Answer",
    "ClientGone",
    "details_of",
    "error_body",
    "error_name",
    "error_response",
    "exception_handlers",
    "headers_of",
    "redact_paths",
    "request_id_of",
    "status_of",
    "validation_error",
]

log = logging.getLogger("iris.api")

MAX_BODY_BYTES = 10 * 1024 * 1024
"""Request bodies larger than this get 413 PayloadTooLargeError."""

DEFAULT_RETRY_AFTER = 5
"""Seconds a `Retry-After` says when the error does not say how long to wait."""


@dataclass(frozen=True, slots=True)
class Answer:
    """How the API answers an error of one kind."""

    status: int
    retry_after: bool = False
    """Whether the answer carries `Retry-After` (the error's `retry_after_seconds`, else `DEFAULT_RETRY_AFTER`)."""


ANSWERS: Mapping[ErrorKind, Answer] = MappingProxyType(
    {
        ErrorKind.INVALID: Answer(400),
        ErrorKind.UNAUTHORIZED: Answer(401),
        ErrorKind.OVER_BUDGET: Answer(402),
        ErrorKind.FORBIDDEN: Answer(403),
        ErrorKind.NOT_FOUND: Answer(404),
        ErrorKind.METHOD_NOT_ALLOWED: Answer(405),
        ErrorKind.CONFLICT: Answer(409),
        ErrorKind.TIMEOUT: Answer(408),
        ErrorKind.TOO_LARGE: Answer(413),
        ErrorKind.QUEUE_FULL: Answer(429, retry_after=True),
        ErrorKind.RATE_LIMITED: Answer(429, retry_after=True),
        ErrorKind.PROCESS_FAILED: Answer(500),
        ErrorKind.MISCONFIGURED: Answer(500),
        ErrorKind.INTERNAL: Answer(500),
        ErrorKind.POOL_FULL: Answer(503, retry_after=True),
    }
)
"""The status code and headers of every error kind: the one place an Iris error becomes HTTP."""


def status_of(exc: IrisError) -> int:
    """The HTTP status of an Iris error (its kind's, from `ANSWERS`)."""
    return ANSWERS[exc.kind].status


def headers_of(exc: IrisError) -> dict[str, str] | None:
    """The headers of an Iris error's answer: `Retry-After` for the kinds that carry one."""
    if not ANSWERS[exc.kind].retry_after:
        return None
    seconds = exc.retry_after_seconds
    return {"Retry-After": str(seconds if seconds is not None else DEFAULT_RETRY_AFTER)}


def details_of(exc: IrisError) -> dict[str, Any] | None:
    """An Iris error's details as the contract shows them: with `retryAfter` when the error says how long."""
    if exc.retry_after_seconds is None:
        return exc.details
    return {**(exc.details or {}), "retryAfter": exc.retry_after_seconds}


_NAMES_BY_STATUS = {
    400: ErrorName.validation_error,
    401: ErrorName.unauthorized_error,
    403: ErrorName.forbidden_error,
    404: ErrorName.not_found_error,
    405: ErrorName.method_not_allowed_error,
    408: ErrorName.timeout_error,
    413: ErrorName.payload_too_large_error,
    429: ErrorName.too_many_requests_error,
    431: ErrorName.request_header_fields_too_large_error,
}
_KNOWN_NAMES = {member.value for member in ErrorName}


def error_name(status_code: int) -> ErrorName:
    """The contract's name for an error status the framework or server answers by itself."""
    fallback = ErrorName.internal_server_error if status_code >= 500 else ErrorName.validation_error
    return _NAMES_BY_STATUS.get(status_code, fallback)


_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


def request_id_of(scope: Scope) -> str:
    """This request's id: the caller's `X-Request-ID` when it is sane, else a new one (also sent back)."""
    state = scope.setdefault("state", {})
    value = state.get("request_id")
    if not isinstance(value, str):
        given = next((v.decode("latin-1") for k, v in scope.get("headers", ()) if k == b"x-request-id"), "")
        value = given if _REQUEST_ID.match(given) else uuid.uuid4().hex
        state["request_id"] = value
    return value


def _error(name: str, message: str, status_code: int, details: dict[str, Any] | None) -> Error:
    return Error(
        error=ErrorName(name) if name in _KNOWN_NAMES else ErrorName.internal_server_error,
        message=message,
        status_code=status_code,
        timestamp=int(time.time() * 1000),
        details=details if details else msgspec.UNSET,
    )


def error_response(
    name: str,
    message: str,
    status_code: int,
    details: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> Response[Error]:
    """An error answer in the contract's shape."""
    body = _error(name, message, status_code, details)
    return Response(body, status_code=status_code, headers=headers, media_type="application/json")


def error_body(name: str, message: str, status_code: int, details: dict[str, Any] | None = None) -> bytes:
    """An error answer's JSON body in the contract's shape (for answers sent below the framework)."""
    return msgspec.json.encode(_error(name, message, status_code, details))


def _contract_name(exc: IrisError) -> str:
    """The error's class name, or its nearest ancestor's that the contract knows (e.g. NotFoundError)."""
    for cls in type(exc).__mro__:
        if cls.__name__ in _KNOWN_NAMES:
            return cls.__name__
    return ErrorName.internal_server_error.value


_PATH = re.compile(r"(?<![\w.:/])(?:~|\.{1,2})?(?:/[\w.@+-]+){2,}/?")


def redact_paths(text: str) -> str:
    """`text` with file paths replaced by `<path>` (a server's failure can quote them; responses must not)."""
    return _PATH.sub("<path>", text)


def _iris_error(request: Request[Any, Any, Any], exc: IrisError) -> Response[Error]:
    status = status_of(exc)
    message, details = exc.message, details_of(exc)
    if status >= 500:
        request_id = request_id_of(request.scope)
        log.warning("request %s failed: %s: %s", request_id, exc.name, exc.message)
        message = redact_paths(message)
        details = {k: redact_paths(v) if isinstance(v, str) else v for k, v in (details or {}).items()}
        details["requestId"] = request_id
    return error_response(_contract_name(exc), message, status, details, headers_of(exc))


_MSGSPEC_LOCATION = re.compile(r"^(?P<message>.*?)(?: - at `\$(?P<path>[^`]*)`)?$", re.DOTALL)
_MSGSPEC_FIELD = re.compile(r"(?:missing required|unknown) field `(?P<field>[^`]+)`")


def validation_error(error: msgspec.ValidationError | msgspec.DecodeError) -> IrisError:
    """A ValidationError naming the field a msgspec decoding error is about (`body` for unreadable JSON)."""
    match = _MSGSPEC_LOCATION.match(str(error))
    message = match.group("message") if match else str(error)
    path = (match.group("path") or "") if match else ""
    named = _MSGSPEC_FIELD.search(message)
    field = path.lstrip(".")
    if named:
        field = f"{field}.{named.group('field')}" if field else named.group("field")
    if isinstance(error, msgspec.DecodeError) and not isinstance(error, msgspec.ValidationError):
        message = f"not valid JSON ({message})"
    field = field or "body"
    text = message[:1].lower() + message[1:]
    return ValidationError(f"{field}: {text}", {"field": field})


def _wire_name(request: Request[Any, Any, Any], key: str) -> str:
    """The name the contract uses for a handler parameter (`include_processes` → `includeProcesses`)."""
    handler = request.scope.get("route_handler")
    parameters = getattr(getattr(handler, "parsed_fn_signature", None), "parameters", {})
    definition = getattr(parameters.get(key), "kwarg_definition", None)
    for attribute in ("query", "header", "cookie"):
        alias = getattr(definition, attribute, None)
        if isinstance(alias, str) and alias:
            return alias
    return key


def _framework_validation(request: Request[Any, Any, Any], exc: ValidationException) -> Response[Error]:
    problems: list[dict[str, Any]] = []
    for item in exc.extra if isinstance(exc.extra, list) else []:
        if isinstance(item, dict):
            field = _wire_name(request, str(item.get("key") or "request"))
            problem = {"field": field, "message": str(item.get("message") or "")}
            source = item.get("source")
            if source:
                problem["in"] = str(getattr(source, "value", source))
            problems.append(problem)
    if problems:
        first = problems[0]
        message = "; ".join(f"{p['field']}: {p['message'][:1].lower() + p['message'][1:]}" for p in problems)
        details: dict[str, Any] = {"field": first["field"]}
        if len(problems) > 1:
            details["fields"] = [p["field"] for p in problems]
        if "in" in first:
            details["in"] = first["in"]
        return error_response(ErrorName.validation_error, message, 400, details)
    return error_response(ErrorName.validation_error, exc.detail or "Invalid request", 400)


def _http_exception(request: Request[Any, Any, Any], exc: HTTPException) -> Response[Error]:
    if isinstance(exc, ValidationException):
        return _framework_validation(request, exc)
    if isinstance(exc, NotFoundException):
        return error_response(
            ErrorName.not_found_error,
            f"Nothing at {request.method} {request.url.path}",
            404,
            {"path": request.url.path},
        )
    if isinstance(exc, MethodNotAllowedException):
        allow = (exc.headers or {}).get("allow") or (exc.headers or {}).get("Allow") or ""
        methods = sorted({m.strip().upper() for m in allow.split(",") if m.strip()})
        return error_response(
            ErrorName.method_not_allowed_error,
            f"{request.method} is not allowed on {request.url.path}"
            + (f"; use {', '.join(methods)}" if methods else ""),
            405,
            {"method": request.method, "allowed": methods},
            {"Allow": ", ".join(methods)} if methods else None,
        )
    if isinstance(exc, RequestEntityTooLarge):
        limit = request.route_handler.resolve_request_max_body_size() if "route_handler" in request.scope else None
        limit = limit or MAX_BODY_BYTES
        return error_response(
            ErrorName.payload_too_large_error, f"Request body exceeds {limit} bytes", 413, {"limit": limit}
        )
    if isinstance(exc, NotAuthorizedException):
        return error_response(ErrorName.unauthorized_error, exc.detail or "Missing or invalid API key", 401)
    if isinstance(exc, PermissionDeniedException):
        return error_response(ErrorName.forbidden_error, exc.detail or "Forbidden", 403)
    if isinstance(exc, TooManyRequestsException):
        return error_response(
            ErrorName.too_many_requests_error, exc.detail or "Too many requests", 429, None, exc.headers
        )
    status = exc.status_code
    if status >= 500:
        return _unexpected(request, exc)
    name = _NAMES_BY_STATUS.get(status)
    if name is None:  # another client error of the framework's own: report it as bad input
        name, status = ErrorName.validation_error, 400
    return error_response(name, exc.detail or "Invalid request", status, None, exc.headers)


class ClientGone(ClientException):
    """The client closed its connection before its request's body arrived: nobody is left to answer."""

    detail = "The connection closed before the request body arrived"


def _unexpected(request: Request[Any, Any, Any], exc: Exception) -> Response[Error]:
    request_id = request_id_of(request.scope)
    log.error(
        "unexpected error in %s %s (request %s)",
        request.method,
        request.url.path,
        request_id,
        exc_info=(type(exc), exc, exc.__traceback__),
        extra={"requestId": request_id},
    )
    return error_response(
        ErrorName.internal_server_error,
        "An unexpected error occurred; the server log has the details under this request id",
        500,
        {"requestId": request_id},
    )


def _handle(request: Request[Any, Any, Any], exc: Exception) -> Response[Error]:
    if isinstance(exc, ClientGone):  # not the server's fault: no error in the log, and nobody reads the answer
        log.debug("%s %s: the client left before its body arrived", request.method, request.url.path)
    if isinstance(exc, IrisError):
        return _iris_error(request, exc)
    if isinstance(exc, HTTPException):
        return _http_exception(request, exc)
    return _unexpected(request, exc)


exception_handlers: ExceptionHandlersMap = {IrisError: _handle, HTTPException: _handle, Exception: _handle}
"""The app-level handlers: they also see routing errors (404, 405), which only app-level handlers can."""
