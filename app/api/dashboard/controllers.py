"""The dashboard's files, served from the committed build (`static/`) at `dashboard.path`, with its own headers.

- `{path}` redirects to `{path}/`, which is `index.html` (`Cache-Control: no-cache`: a new build shows at once);
- `{path}/assets/*`: the build's hashed files, cached for a year (`immutable`);
- `{path}/config.json`: where the page finds the API: `{"apiBase": null}` when the API server serves it (same
  origin), the API's base URL when the dashboard's own port does (`app.api.dashboard.listener`).

Every answer carries a strict Content-Security-Policy (scripts from this origin only, no inline script; requests
to this origin and the API's, WebSockets included; no framing, no `<base>`, no form posts). The page and its files
need no key, like Swagger UI; everything the page calls on the API does.
"""

from __future__ import annotations

import mimetypes
import re
from pathlib import Path
from typing import Any

from litestar import MediaType, Request, Response, Router, get
from litestar.exceptions import NotFoundException
from litestar.response import Redirect

from app.api.routing import PUBLIC
from app.api.server import base_url
from app.config import IrisConfig

__all__ = ["DASHBOARD_PORT", "STATIC", "api_base", "content_security_policy", "dashboard_router"]

STATIC = Path(__file__).resolve().parent / "static"
"""The committed build (`npm run build` in `dashboard/` writes it; `scripts/dashboard.py` checks it)."""
DASHBOARD_PORT = "iris.dashboard_port"
"""The ASGI scope key marking a request that came in on `dashboard.port` (set by the listener, never a header)."""

_IMMUTABLE = "public, max-age=31536000, immutable"
_HOST = re.compile(r"^(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::[0-9]{1,5})?$")
_WILDCARDS = ("", "0.0.0.0", "::")
_TYPES = {".js": "text/javascript", ".css": "text/css", ".html": MediaType.HTML}  # text/*: Litestar adds utf-8


def api_base(config: IrisConfig, request_host: str | None) -> str:
    """The API's base URL as the page on the dashboard's own port must call it: the API's own address, or (when
    the API listens on every address) the host the page was loaded from, on the API's port."""
    api = config.api
    if api.host not in _WILDCARDS or not request_host or not _HOST.match(request_host):
        return base_url(api)
    hostname = request_host.rsplit(":", 1)[0] if not request_host.endswith("]") else request_host
    return f"{'https' if api.tls else 'http'}://{hostname}:{api.port}"


def _websocket(origin: str) -> str:
    return re.sub(r"^http", "ws", origin)


def content_security_policy(connect: list[str]) -> str:
    """The dashboard's policy, allowing requests to these origins besides its own."""
    return "; ".join(
        [
            "default-src 'none'",
            "script-src 'self'",
            "style-src 'self'",
            "img-src 'self' data:",
            "font-src 'self'",
            "connect-src " + " ".join(["'self'", *connect]),
            "manifest-src 'self'",
            "frame-ancestors 'none'",
            "base-uri 'none'",
            "form-action 'none'",
        ]
    )


def _connect_sources(config: IrisConfig, request: Request[Any, Any, Any]) -> list[str]:
    """Where the page may connect: the API (across origins on the dashboard's own port), WebSockets included."""
    host = request.headers.get("host", "")
    if request.scope.get(DASHBOARD_PORT):
        api = api_base(config, host)
        return [api, _websocket(api)]
    if not _HOST.match(host):
        return []
    scheme = "wss" if config.api.tls else "ws"
    return [f"{scheme}://{host}"]  # 'self' covers WebSockets to this origin only in newer browsers


def _headers(config: IrisConfig, request: Request[Any, Any, Any], cache: str) -> dict[str, str]:
    return {
        "Content-Security-Policy": content_security_policy(_connect_sources(config, request)),
        "Cache-Control": cache,
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer",
    }


def _file(name: str) -> Path:
    """A file of the build (NotFoundException for anything else, or outside it)."""
    target = (STATIC / name.lstrip("/")).resolve()
    if not target.is_relative_to(STATIC) or not target.is_file():
        raise NotFoundException()
    return target


def _media_type(path: Path) -> str:
    return _TYPES.get(path.suffix) or mimetypes.guess_type(path.name)[0] or "application/octet-stream"


def dashboard_router(config: IrisConfig) -> Router:
    """The dashboard's routes at `dashboard.path` (outside the contract, like the docs)."""
    prefix = config.dashboard.path

    @get("/", cache=False, include_in_schema=False)
    async def index(request: Request[Any, Any, Any]) -> Response[bytes] | Redirect:
        """The page (`{path}` without its slash redirects, so that the build's relative addresses resolve)."""
        raw = request.scope.get("raw_path") or request.scope["path"].encode()
        if not raw.split(b"?", 1)[0].endswith(b"/"):  # the router matches either spelling
            return Redirect(f"{prefix}/", status_code=301)
        return Response(
            _file("index.html").read_bytes(), media_type=MediaType.HTML, headers=_headers(config, request, "no-cache")
        )

    @get("/config.json", cache=False, include_in_schema=False)
    async def page_config(request: Request[Any, Any, Any]) -> Response[dict[str, str | None]]:
        """Where the page finds the API (null: this origin)."""
        base = api_base(config, request.headers.get("host")) if request.scope.get(DASHBOARD_PORT) else None
        return Response({"apiBase": base}, media_type=MediaType.JSON, headers=_headers(config, request, "no-cache"))

    @get("/{name:path}", cache=False, include_in_schema=False)
    async def asset(request: Request[Any, Any, Any], name: str) -> Response[bytes]:
        """A file of the build: hashed assets are immutable, anything else is checked again each time."""
        path = _file(name)
        cache = _IMMUTABLE if name.lstrip("/").startswith("assets/") else "no-cache"
        return Response(path.read_bytes(), media_type=_media_type(path), headers=_headers(config, request, cache))

    return Router(path=prefix, route_handlers=[index, page_config, asset], opt={"permission": PUBLIC})
