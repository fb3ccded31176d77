#!/usr/bin/env python3
"""Regenerate app/api/models.py (msgspec Structs) from openapi/iris.yaml.

    python scripts/gen.py            # rewrite app/api/models.py
    python scripts/gen.py --check    # exit 1 (with a diff summary) if it is stale

The spec is the single source of truth; the models are never edited by hand.
Output is deterministic (no timestamp; the formatter and flags are fixed here),
so --check can run in CI and in the test suite.

Flags passed to datamodel-code-generator, and why:
  --output-model-type msgspec.Struct   the server validates and serialises with msgspec (Litestar's native)
  --use-generic-base-class             one shared base Struct that carries the model config below ...
  --extra-fields forbid                ... forbid_unknown_fields=True: unknown JSON fields are rejected
                                       (this version ignores per-schema additionalProperties: false for
                                       msgspec, so the base class is how "unknown fields rejected" lands;
                                       it only affects decoding, i.e. requests)
  --snake-case-field                   Python attribute names in snake_case; msgspec field(name="camelCase")
                                       keeps the JSON names of the spec on the wire
  --use-annotated --field-constraints  constraints as Annotated[T, Meta(ge=.., pattern=..)], enforced by msgspec
  --use-standard-primitive-types       format uuid -> uuid.UUID, date-time -> datetime, date -> date
  --output-datetime-class datetime     plain datetime (AwareDatetime etc. are pydantic-only)
  --output-date-class date
  --use-standard-collections           list[...] / dict[...]
  --use-union-operator                 X | None
  --target-python-version 3.11         StrEnum, TypeAlias
  --keep-model-order                   stable, alphabetical model order (deterministic diffs)
  --disable-timestamp                  deterministic output
  --formatters ruff-format             fixed formatter (no dependence on the default, which is changing)
  --custom-file-header                 the "generated, do not edit" header below
"""

from __future__ import annotations

import argparse
import difflib
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "openapi" / "iris.yaml"
OUTPUT = ROOT / "app" / "api" / "models.py"

HEADER = """\
# GENERATED FILE - DO NOT EDIT BY HAND.
# Source: openapi/iris.yaml (the hand-written API contract).
# Regenerate with `python scripts/gen.py`; `python scripts/gen.py --check` fails when this file is stale."""

FLAGS = [
    "--input-file-type", "openapi",
    "--output-model-type", "msgspec.Struct",
    "--use-generic-base-class",
    "--extra-fields", "forbid",
    "--snake-case-field",
    "--use-annotated",
    "--field-constraints",
    "--use-standard-primitive-types",
    "--output-datetime-class", "datetime",
    "--output-date-class", "date",
    "--use-standard-collections",
    "--use-union-operator",
    "--target-python-version", "3.11",
    "--keep-model-order",
    "--disable-timestamp",
    "--formatters", "ruff-format",
]  # fmt: skip


def generate(spec: Path = SPEC) -> str:
    """Run datamodel-codegen on the spec and return the module text."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "models.py"
        cmd = [
            sys.executable, "-m", "datamodel_code_generator",
            "--input", str(spec),
            "--output", str(out),
            "--custom-file-header", HEADER,
            *FLAGS,
        ]  # fmt: skip
        env = {**os.environ, "PYTHONWARNINGS": "ignore::FutureWarning"}
        # Run from a neutral directory so that only the flags above (not a
        # pyproject.toml [tool.datamodel-codegen] section) shape the output.
        proc = subprocess.run(cmd, cwd=tmp, env=env, capture_output=True, text=True, check=False)
        if proc.returncode != 0:
            sys.stderr.write(proc.stdout + proc.stderr)
            raise SystemExit(f"datamodel-codegen failed (exit {proc.returncode})")
        for line in proc.stderr.splitlines():
            if line.strip() and "FutureWarning" not in line and "warn_deprecated" not in line:
                sys.stderr.write(f"datamodel-codegen: {line}\n")
        text = out.read_text(encoding="utf-8")
    return text if text.endswith("\n") else text + "\n"


def diff_summary(old: str, new: str, name: str, max_lines: int = 60) -> str:
    diff = list(
        difflib.unified_diff(
            old.splitlines(keepends=True), new.splitlines(keepends=True), f"{name} (on disk)", f"{name} (regenerated)"
        )
    )
    added = sum(1 for line in diff if line.startswith("+") and not line.startswith("+++"))
    removed = sum(1 for line in diff if line.startswith("-") and not line.startswith("---"))
    shown = "".join(diff[:max_lines])
    more = f"\n... {len(diff) - max_lines} more diff lines" if len(diff) > max_lines else ""
    return f"{name} is stale: +{added} -{removed} lines\n{shown}{more}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if regenerating would change the file")
    parser.add_argument("--spec", type=Path, default=SPEC)
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args(argv)

    new = generate(args.spec)
    try:
        name = str(args.output.resolve().relative_to(ROOT))
    except ValueError:
        name = str(args.output)
    old = args.output.read_text(encoding="utf-8") if args.output.exists() else ""

    if args.check:
        if old == new:
            print(f"{name} is up to date with {args.spec.name}")
            return 0
        if not old:
            print(f"{name} is missing; run: python scripts/gen.py", file=sys.stderr)
            return 1
        print(diff_summary(old, new, name), file=sys.stderr)
        print("run: python scripts/gen.py", file=sys.stderr)
        return 1

    if old == new:
        print(f"{name} unchanged")
        return 0
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(new, encoding="utf-8")
    print(f"wrote {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
