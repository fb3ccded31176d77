"""Altered copies of the contract, and the spec linter imported as a module, for tests of what either refuses."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

from app.spec import SPEC_PATH

__all__ = ["lint_spec", "spec_with"]

ROOT = Path(__file__).resolve().parents[2]


def lint_spec() -> ModuleType:
    """scripts/lint_spec.py, imported."""
    spec = importlib.util.spec_from_file_location("lint_spec", ROOT / "scripts" / "lint_spec.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def spec_with(tmp_path: Path, *replacements: tuple[str, str]) -> Path:
    """A copy of the contract with each (old, new) replaced once (each old must be there)."""
    text = SPEC_PATH.read_text()
    for old, new in replacements:
        assert old in text, old
        text = text.replace(old, new, 1)
    path = tmp_path / "iris.yaml"
    path.write_text(text)
    return path
