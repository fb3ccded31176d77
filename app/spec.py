"""Where the contract lives: `openapi/iris.yaml`, the single source of truth of the HTTP, SSE and WebSocket API."""

from __future__ import annotations

from pathlib import Path

__all__ = ["SPEC_PATH"]

SPEC_PATH = Path(__file__).resolve().parents[1] / "openapi" / "iris.yaml"
"""The contract, `openapi/iris.yaml` at the repository root."""
