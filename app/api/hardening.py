"""Security headers on every response (including the framework's 404 and 405), a request id, CORS (refusals in
the contract's shape), and no key in any log."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Mapping
from typing import Any

from litestar import Litestar
from litestar.config.cors import CORSConfig
from litestar.constants import DEFAULT_ALLOWED_CORS_HEADERS
from litestar.datastructures import Headers, MutableScopeHeaders
from litestar.routes import HTTPRoute
from litestar.types import Message, Scope

from app.api.errors import error_body, request_id_of
from app.api.models import ErrorName
from app.auth.keys import redact
from app.config import CorsConfig

__all__ = [
    "CONTENT_SECURITY_POLICY",
    "SECURITY_HEADERS",
    "cors_config",
    "cors_refusals",
    "redact_logs",
    "redact_record",
    "security_headers",
]

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",  # Swagger UI sets inline styles
        "img-src 'self' data:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "form-action 'self'",
    ]
)
"""Everything from this server only: enough for Swagger UI, nothing from elsewhere."""

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "Cross-Origin-Opener-Policy": "same-origin",
}


async def security_headers(message: Message, scope: Scope) -> None:
    """A `before_send` hook: add the security headers and `X-Request-ID` to every HTTP response."""
    if message["type"] != "http.response.start":
        return
    headers = MutableScopeHeaders.from_message(message)
    if scope.get("method") == "OPTIONS" and "allow" in headers:
        allowed = _allowed_methods(scope)
        if allowed:
            headers["Allow"] = allowed
    for name, value in SECURITY_HEADERS.items():
        if name not in headers:
            headers[name] = value
    headers["X-Request-ID"] = request_id_of(scope)


def _allowed_methods(scope: Scope) -> str | None:
    """The methods of the route that answered (Litestar's automatic OPTIONS can list too few of them when
    several handlers share a path)."""
    app = scope.get("litestar_app")
    template = scope.get("path_template")
    if not isinstance(app, Litestar) or not isinstance(template, str):
        return None
    for route in app.routes:
        if isinstance(route, HTTPRoute) and route.path_format == template:
            return ", ".join(sorted(route.methods))
    return None


def cors_config(cors: CorsConfig) -> CORSConfig | None:
    """Cross-origin requests from `api.cors.origins` only (None when CORS is disabled)."""
    if not cors.enabled:
        return None
    return CORSConfig(
        allow_origins=list(cors.origins),
        allow_methods=["GET", "POST", "DELETE", "OPTIONS"],
        allow_headers=["Authorization", "Content-Type", "Last-Event-ID", "X-Request-ID"],
        expose_headers=[
            "Location",
            "Retry-After",
            "X-Request-ID",
            "RateLimit-Limit",
            "RateLimit-Remaining",
            "RateLimit-Reset",
        ],
        allow_credentials=False,
        max_age=600,
    )


_REFUSAL = "iris_cors_refusal"


def _preflight_problems(scope: Scope, cors: CORSConfig) -> list[tuple[str, str]]:
    """What a CORS preflight asks that `cors` does not allow, as (header, message about it)."""
    headers = Headers.from_scope(scope)
    problems: list[tuple[str, str]] = []
    origin = headers.get("origin", "")
    if not cors.is_origin_allowed(origin):
        problems.append(("Origin", f"{origin[:200]} is not an allowed origin (api.cors.origins)"))
    method = headers.get("access-control-request-method")
    if method and not cors.is_allow_all_methods and method not in cors.allow_methods:
        problems.append(("Access-Control-Request-Method", f"{method[:50]} is not an allowed method"))
    requested = [h.strip() for h in headers.get("access-control-request-headers", "").split(",") if h.strip()]
    allowed = {h.lower() for h in (*cors.allow_headers, *DEFAULT_ALLOWED_CORS_HEADERS)}
    refused = [h for h in requested if h.lower() not in allowed]
    if refused and not cors.is_allow_all_headers:
        problems.append(("Access-Control-Request-Headers", f"{', '.join(refused)[:200]} not allowed"))
    return problems


async def cors_refusals(message: Message, scope: Scope) -> None:
    """A `before_send` hook: the framework's plain-text refusal of a CORS preflight becomes a 400 ValidationError
    naming the preflight header it refused."""
    if scope.get("method") != "OPTIONS":
        return
    state = scope.setdefault("state", {})
    if message["type"] == "http.response.start":
        app = scope.get("litestar_app")
        cors = app.cors_config if isinstance(app, Litestar) else None
        headers = MutableScopeHeaders.from_message(message)
        if cors is None or message["status"] != 400 or not headers.get("content-type", "").startswith("text/plain"):
            return
        problems = _preflight_problems(scope, cors) or [("Origin", "the CORS preflight is not allowed")]
        text = "; ".join(f"{field}: {problem}" for field, problem in problems)
        body = error_body(ErrorName.validation_error, text, 400, {"field": problems[0][0], "in": "header"})
        state[_REFUSAL] = body
        headers["Content-Type"] = "application/json"
        headers["Content-Length"] = str(len(body))
    elif message["type"] == "http.response.body" and _REFUSAL in state:
        message["body"] = state.pop(_REFUSAL)
        message["more_body"] = False


# ----------------------------------------------------------------------------- logs


class _Redacted(str):
    """The redacted text of a logged object: `%r` shows it as the object's own text, not a quoted string."""

    __slots__ = ()

    def __repr__(self) -> str:
        return str(self)


def _redact_argument(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, str):
        return redact(value)
    text = value.decode("latin-1") if isinstance(value, bytes | bytearray) else str(value)
    cleaned = redact(text)
    return value if cleaned == text else _Redacted(cleaned)


def redact_record(record: logging.LogRecord) -> None:
    """Replace anything key-shaped (and bearer credentials) in a log record: its message, arguments (keeping
    their arrangement, which uvicorn's access formatter unpacks), exception and stack text."""
    text = record.msg if isinstance(record.msg, str) else str(record.msg)
    cleaned = redact(text)
    if cleaned != text and record.args:  # a secret in the format itself (`Bearer %s`): redact the whole message
        record.msg, record.args = redact(record.getMessage()), None
    elif cleaned != text:
        record.msg = cleaned
    if isinstance(record.args, tuple):
        record.args = tuple(_redact_argument(value) for value in record.args)
    elif isinstance(record.args, Mapping):
        record.args = {key: _redact_argument(value) for key, value in record.args.items()}
    if record.exc_info and not record.exc_text:
        record.exc_text = redact(_FORMATTER.formatException(record.exc_info))
    if record.stack_info:
        record.stack_info = redact(record.stack_info)


_FORMATTER = logging.Formatter()


class _RedactingFactory:
    """A log record factory that redacts each record it makes (see `redact_record`)."""

    def __init__(self, make: Any) -> None:
        self.make = make

    def __call__(self, *args: Any, **kwargs: Any) -> logging.LogRecord:
        record: logging.LogRecord = self.make(*args, **kwargs)
        with contextlib.suppress(Exception):  # logging must never fail; the record stays as it was
            redact_record(record)
        return record


def redact_logs() -> None:
    """Redact every log record of this process as it is made, whatever its logger (uvicorn's access and error
    logs, Iris's own, libraries') and wherever it goes. Idempotent."""
    factory = logging.getLogRecordFactory()
    if not isinstance(factory, _RedactingFactory):
        logging.setLogRecordFactory(_RedactingFactory(factory))
