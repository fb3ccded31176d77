"""The hand-written contract, served as is, and Swagger UI served from the app's own files (no CDN).

- `/schema/openapi.yaml`: the file `openapi/iris.yaml` (in an installed wheel, its copy `app/iris.yaml`), byte for byte.
- `/schema/openapi.json`: the same document as JSON.
- `/schema/swagger`: Swagger UI (its assets come from the `swagger-ui-bundle-v2` package), with "Authorize"
  for a bearer key. The page points "Try it out" at the server it was loaded from.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path

from litestar import Controller, MediaType, Response, get
from litestar.exceptions import NotFoundException
from litestar.response import Redirect

from app.api.routing import PUBLIC
from app.spec import SPEC_PATH, spec_document

__all__ = ["DocsController", "load_spec"]

_CACHE = "public, max-age=3600"

_PAGE = """<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Iris API - Swagger UI</title>
  <link rel="icon" type="image/png" href="/schema/swagger/favicon-32x32.png">
  <link rel="stylesheet" href="/schema/swagger/swagger-ui.css">
  <link rel="stylesheet" href="/schema/swagger/iris.css">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="/schema/swagger/swagger-ui-bundle.js"></script>
  <script src="/schema/swagger/iris-init.js"></script>
</body>
</html>
"""

# Loaded as a file so that the Content-Security-Policy needs no inline script.
_INIT = """"use strict";
// Load the contract, list this server first so that "Try it out" reaches it, and keep the key between reloads.
fetch("/schema/openapi.json")
  .then(function (response) { return response.json(); })
  .then(function (spec) {
    var here = { url: window.location.origin, description: "This server" };
    spec.servers = [here].concat((spec.servers || []).filter(function (s) { return s.url !== here.url; }));
    window.ui = SwaggerUIBundle({
      spec: spec,
      dom_id: "#swagger-ui",
      deepLinking: true,
      persistAuthorization: true,
      tryItOutEnabled: false,
      displayRequestDuration: true,
      presets: [SwaggerUIBundle.presets.apis],
      layout: "BaseLayout"
    });
  })
  .catch(function (error) {
    document.getElementById("swagger-ui").textContent = "Could not load /schema/openapi.json: " + error;
  });
"""

_CSS = "body { margin: 0; } .swagger-ui .info { margin: 24px 0; }\n"

_ASSETS = {
    "swagger-ui.css": "text/css; charset=utf-8",
    "swagger-ui-bundle.js": "text/javascript; charset=utf-8",
    "favicon-32x32.png": "image/png",
    "favicon-16x16.png": "image/png",
}


@functools.cache
def load_spec() -> tuple[bytes, bytes]:
    """The contract as YAML (the file itself) and as JSON."""
    return SPEC_PATH.read_bytes(), json.dumps(spec_document(), ensure_ascii=False).encode()


@functools.cache
def _asset(name: str) -> bytes:
    from swagger_ui_bundle import swagger_ui_path  # type: ignore[import-untyped]

    return (Path(swagger_ui_path) / name).read_bytes()


class DocsController(Controller):
    """The contract and its interactive documentation."""

    path = "/schema"
    include_in_schema = False
    opt = {"permission": PUBLIC}

    @get("/", cache=False)
    async def index(self) -> Redirect:
        """Swagger UI."""
        return Redirect("/schema/swagger")

    @get("/openapi.yaml")
    async def spec_yaml(self) -> Response[bytes]:
        """The hand-written OpenAPI document, as is."""
        return Response(load_spec()[0], media_type="application/yaml; charset=utf-8")

    @get("/openapi.json")
    async def spec_json(self) -> Response[bytes]:
        """The same document as JSON."""
        return Response(load_spec()[1], media_type=MediaType.JSON)

    @get("/swagger")
    async def swagger(self) -> Response[str]:
        """The Swagger UI page."""
        return Response(_PAGE, media_type=MediaType.HTML)

    @get("/swagger/{name:str}")
    async def swagger_asset(self, name: str) -> Response[bytes]:
        """Swagger UI's own files, from the installed package."""
        if name == "iris-init.js":
            return Response(_INIT.encode(), media_type="text/javascript; charset=utf-8")
        if name == "iris.css":
            return Response(_CSS.encode(), media_type="text/css; charset=utf-8")
        media_type = _ASSETS.get(name)
        if media_type is None:
            raise NotFoundException()
        return Response(_asset(name), media_type=media_type, headers={"Cache-Control": _CACHE})
