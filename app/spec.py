"""Where the contract lives: `openapi/iris.yaml`, the single source of truth of the HTTP, SSE and WebSocket API."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import yaml

__all__ = ["SPEC_PATH", "read_spec", "spec_document"]

_PACKAGED = Path(__file__).resolve().with_name("iris.yaml")
"""Where an installed wheel carries the contract (the build copies `openapi/iris.yaml` there)."""

SPEC_PATH = _PACKAGED if _PACKAGED.is_file() else _PACKAGED.parents[1] / "openapi" / "iris.yaml"
"""The contract: `openapi/iris.yaml` at the repository root, or its copy inside an installed wheel."""


def read_spec(path: str | Path = SPEC_PATH) -> dict[str, Any]:
    """An OpenAPI document, parsed (with libyaml when present)."""
    with Path(path).open(encoding="utf-8") as f:
        document: dict[str, Any] = yaml.load(f, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    return document


@functools.cache
def spec_document() -> dict[str, Any]:
    """The contract, parsed once for every reader in this process (read it, never change it)."""
    return read_spec()
