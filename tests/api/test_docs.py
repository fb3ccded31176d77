"""The contract served as is, and Swagger UI working from the app's own files."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
import yaml
from litestar.testing import TestClient

from app.api.app import create_app
from app.spec import SPEC_PATH
from app.standin import ModelStandIn
from tests.support.live import write_config


@pytest.fixture(scope="module")
def docs(tmp_path_factory: pytest.TempPathFactory, standin: ModelStandIn) -> Iterator[TestClient[Any]]:
    config = write_config(tmp_path_factory.mktemp("docs"), standin, {"alpha": {}})
    with TestClient(create_app(config)) as client:
        yield client


def test_yaml_is_the_file_itself(docs: TestClient[Any]) -> None:
    response = docs.get("/schema/openapi.yaml")
    assert response.status_code == 200 and "yaml" in response.headers["content-type"]
    assert response.content == SPEC_PATH.read_bytes()


def test_json_is_the_same_document(docs: TestClient[Any]) -> None:
    response = docs.get("/schema/openapi.json")
    assert response.status_code == 200 and response.headers["content-type"].startswith("application/json")
    assert json.loads(response.content) == yaml.safe_load(SPEC_PATH.read_text())


def test_swagger_ui_loads_only_local_assets(docs: TestClient[Any]) -> None:
    page = docs.get("/schema/swagger")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    csp = page.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "connect-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "http://" not in page.text and "https://" not in page.text and "<script>" not in page.text
    assets = re.findall(r'(?:src|href)="(/schema/swagger/[^"]+)"', page.text)
    assert len(assets) >= 4
    for asset in assets:
        response = docs.get(asset)
        assert response.status_code == 200, asset
        assert len(response.content) > 100 or asset.endswith(".css"), asset
    init = docs.get("/schema/swagger/iris-init.js").text
    assert "/schema/openapi.json" in init and "persistAuthorization: true" in init
    bundle = docs.get("/schema/swagger/swagger-ui-bundle.js")
    assert bundle.headers["content-type"].startswith("text/javascript") and b"SwaggerUIBundle" in bundle.content


def test_swagger_ui_can_authorize_with_a_bearer_key(docs: TestClient[Any]) -> None:
    spec = docs.get("/schema/openapi.json").json()
    assert spec["components"]["securitySchemes"]["bearerAuth"] == {
        **spec["components"]["securitySchemes"]["bearerAuth"],
        "type": "http",
        "scheme": "bearer",
    }
    assert spec["security"] == [{"bearerAuth": []}]


def test_schema_root_redirects_and_unknown_assets_are_404(docs: TestClient[Any]) -> None:
    response = docs.get("/schema", follow_redirects=False)
    assert response.status_code in (301, 302, 307, 308) and response.headers["location"] == "/schema/swagger"
    missing = docs.get("/schema/swagger/index.html")
    assert missing.status_code == 404 and missing.json()["error"] == "NotFoundError"
