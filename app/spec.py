"""Where the contract lives: `openapi/iris.yaml`, the single source of truth of the HTTP, SSE and WebSocket API."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import yaml

__all__ = ["SPEC_PATH", "read_spec", "spec_document"]

SPEC_PATH = Path(__file__).resolve().parents[1] / "openapi" / "iris.yaml"
"""The contract, `openapi/iris.yaml` at the repository root."""


def read_spec(path: str | Path = SPEC_PATH) -> dict[str, Any]:
    """An OpenAPI document, parsed (with libyaml when present)."""
    with Path(path).open(encoding="utf-8") as f:
        document: dict[str, Any] = yaml.load(f, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    return document


@functools.cache
def spec_document() -> dict[str, Any]:
    """The contract, parsed once for every reader in this process (read it, never change it)."""
    return read_spec()
