"""Security headers on every response (including the framework's 404 and 405), a request id, and CORS."""

from __future__ import annotations

from litestar import Litestar
from litestar.config.cors import CORSConfig
from litestar.datastructures import MutableScopeHeaders
from litestar.routes import HTTPRoute
from litestar.types import Message, Scope

from app.api.errors import request_id_of
from app.config import CorsConfig

__all__ = ["CONTENT_SECURITY_POLICY", "cors_config", "security_headers"]

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

_HEADERS = {
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
    for name, value in _HEADERS.items():
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
