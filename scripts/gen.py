#!/usr/bin/env python3
"""Regenerate code from openapi/iris.yaml: the server's models and both clients.

    python scripts/gen.py                   # rewrite every generated target
    python scripts/gen.py --check           # exit 1 (with a diff summary) if any target is stale
    python scripts/gen.py --only python     # one target: models, python or typescript (repeatable)

Targets:
  models       app/api/models.py (msgspec Structs), datamodel-code-generator (flags below)
  python       clients/python/iris_client/, openapi-python-client (clients/python/generator.yaml);
               every file in that folder is generated except HANDWRITTEN_PY, which is never touched
  typescript   clients/typescript/src/schema.ts, openapi-typescript from clients/typescript/node_modules
               (pinned in its package.json; `npm ci` runs first when node_modules is missing or stale)

The spec is the single source of truth; generated code is never edited by hand.
Output is deterministic (no timestamp; generator versions are pinned - datamodel-code-generator and
openapi-python-client in pyproject's dev extra, openapi-typescript in clients/typescript's lockfile -
the formatter runs with --isolated settings, and every generator runs in a scratch directory so
that no project or user config shapes its output), so --check can run in CI and in the test suite.

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
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "openapi" / "iris.yaml"
OUTPUT = ROOT / "app" / "api" / "models.py"

PY_CLIENT = ROOT / "clients" / "python"
PY_PACKAGE = PY_CLIENT / "iris_client"
PY_CONFIG = PY_CLIENT / "generator.yaml"
HANDWRITTEN_PY = frozenset({"streams.py", "py.typed"})
"""Files inside the generated package that are written by hand: never overwritten, removed or compared."""

TS_CLIENT = ROOT / "clients" / "typescript"
TS_SCHEMA = TS_CLIENT / "src" / "schema.ts"

IGNORED_PARTS = frozenset({"__pycache__", ".ruff_cache", ".mypy_cache", ".pytest_cache"})

HEADER = """\
# GENERATED FILE - DO NOT EDIT BY HAND.
# Source: openapi/iris.yaml (the hand-written API contract).
# Regenerate with `python scripts/gen.py`; `python scripts/gen.py --check` fails when this file is stale."""

TS_HEADER = """\
// GENERATED FILE - DO NOT EDIT BY HAND.
// Source: openapi/iris.yaml (the hand-written API contract), by openapi-typescript.
// Regenerate with `./dev gen` (python scripts/gen.py); `./dev check-gen` fails when this file is stale.
"""

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

TS_FLAGS = ["--default-non-nullable=false"]
"""openapi-typescript flags. Otherwise its defaults: types only, no runtime code, keys in spec order.
--default-non-nullable=false: a property with a `default` stays optional as the spec says (by default it
becomes required, which would force callers to send `force`, `parallel`, `dropQueued` ...)."""


def _tool_env() -> dict[str, str]:
    """The environment for generator subprocesses: the venv's tools (ruff) first on PATH."""
    bin_dir = str(Path(sys.executable).parent)
    return {
        **os.environ,
        "PATH": bin_dir + os.pathsep + os.environ.get("PATH", ""),
        "PYTHONWARNINGS": "ignore::FutureWarning",
        "NO_COLOR": "1",
    }


def _run(cmd: list[str], cwd: Path, what: str) -> subprocess.CompletedProcess[str]:
    try:
        proc = subprocess.run(cmd, cwd=cwd, env=_tool_env(), capture_output=True, text=True, check=False)
    except FileNotFoundError as exc:
        raise SystemExit(f"{what}: {exc.filename} not found") from exc
    if proc.returncode != 0:
        sys.stderr.write(proc.stdout + proc.stderr)
        raise SystemExit(f"{what} failed (exit {proc.returncode})")
    return proc


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
        # Run from a neutral directory so that only the flags above (not a
        # pyproject.toml [tool.datamodel-codegen] section) shape the output.
        proc = _run(cmd, Path(tmp), "datamodel-codegen")
        for line in proc.stderr.splitlines():
            if line.strip() and "FutureWarning" not in line and "warn_deprecated" not in line:
                sys.stderr.write(f"datamodel-codegen: {line}\n")
        text = out.read_text(encoding="utf-8")
    return text if text.endswith("\n") else text + "\n"


def generate_python_client(spec: Path = SPEC) -> dict[str, str]:
    """Run openapi-python-client on the spec; return the package's files (relative path -> text)."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "iris_client"
        cmd = [
            sys.executable, "-m", "openapi_python_client", "generate",
            "--path", str(spec),
            "--config", str(PY_CONFIG),
            "--meta", "none",
            "--output-path", str(out),
        ]  # fmt: skip
        proc = _run(cmd, Path(tmp), "openapi-python-client")
        # It exits 0 on warnings (a schema it could not translate); treat them as failures.
        if "Warning" in proc.stdout or "Error" in proc.stdout:
            sys.stderr.write(proc.stdout + proc.stderr)
            raise SystemExit("openapi-python-client reported warnings; the client would be incomplete")
        return _read_tree(out)


def ensure_node_modules(folder: Path = TS_CLIENT) -> None:
    """`npm ci` in folder when its node_modules is missing or older than its package-lock.json."""
    lock = folder / "package-lock.json"
    installed = folder / "node_modules" / ".package-lock.json"
    if installed.exists() and installed.stat().st_mtime >= lock.stat().st_mtime:
        return
    npm = shutil.which("npm")
    if npm is None:
        raise SystemExit(f"npm is needed to install {folder.relative_to(ROOT)}'s tools (Node 20+)")
    print(f"npm ci in {folder.relative_to(ROOT)} ...", file=sys.stderr)
    _run([npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"], folder, f"npm ci in {folder}")


def generate_typescript_schema(spec: Path = SPEC) -> str:
    """Run the pinned openapi-typescript on the spec and return schema.ts."""
    ensure_node_modules(TS_CLIENT)
    tool = TS_CLIENT / "node_modules" / ".bin" / "openapi-typescript"
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "schema.ts"
        _run([str(tool), str(spec), "--output", str(out), *TS_FLAGS], Path(tmp), "openapi-typescript")
        text = out.read_text(encoding="utf-8")
    text = TS_HEADER + text
    return text if text.endswith("\n") else text + "\n"


def _read_tree(root: Path, keep: frozenset[str] = frozenset()) -> dict[str, str]:
    files: dict[str, str] = {}
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root)
        if not path.is_file() or IGNORED_PARTS.intersection(rel.parts) or rel.as_posix() in keep:
            continue
        files[rel.as_posix()] = path.read_text(encoding="utf-8")
    return files


@dataclass(frozen=True)
class Target:
    """One generated output: a single file, or a whole folder (where files may also need removing)."""

    key: str
    root: Path
    produce: Callable[[Path], dict[str, str]]
    tree: bool = False
    keep: frozenset[str] = frozenset()

    @property
    def name(self) -> str:
        try:
            return self.root.resolve().relative_to(ROOT).as_posix()
        except ValueError:
            return str(self.root)

    def on_disk(self, expected: dict[str, str]) -> dict[str, str]:
        if self.tree:
            return _read_tree(self.root, self.keep) if self.root.is_dir() else {}
        found = {}
        for rel in expected:
            path = self.root / rel
            if path.exists():
                found[rel] = path.read_text(encoding="utf-8")
        return found


def targets(spec: Path, models_output: Path) -> list[Target]:
    return [
        Target("models", models_output.parent, lambda s: {models_output.name: generate(s)}),
        Target("python", PY_PACKAGE, generate_python_client, tree=True, keep=HANDWRITTEN_PY),
        Target("typescript", TS_SCHEMA.parent, lambda s: {TS_SCHEMA.name: generate_typescript_schema(s)}),
    ]


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


def check(target: Target, expected: dict[str, str]) -> bool:
    """Compare; print what differs. True when up to date."""
    current = target.on_disk(expected)
    problems: list[str] = []
    for rel, text in expected.items():
        name = f"{target.name}/{rel}"
        if rel not in current:
            problems.append(f"{name} is missing")
        elif current[rel] != text:
            problems.append(diff_summary(current[rel], text, name, max_lines=60 if len(problems) < 3 else 0))
    problems.extend(f"{target.name}/{rel} is not generated any more" for rel in sorted(set(current) - set(expected)))
    if not problems:
        label = target.name if target.tree else ", ".join(f"{target.name}/{rel}" for rel in expected)
        print(f"{label} is up to date with {SPEC.name}")
        return True
    shown = problems[:20]
    print("\n".join(shown), file=sys.stderr)
    if len(problems) > len(shown):
        print(f"... and {len(problems) - len(shown)} more stale files in {target.name}", file=sys.stderr)
    return False


def write(target: Target, expected: dict[str, str]) -> None:
    current = target.on_disk(expected)
    changed = 0
    for rel, text in expected.items():
        if current.get(rel) != text:
            path = target.root / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            changed += 1
    for rel in sorted(set(current) - set(expected)):
        (target.root / rel).unlink()
        changed += 1
    if target.tree:
        # Folders left empty by removed files.
        for folder in sorted((p for p in target.root.rglob("*") if p.is_dir()), reverse=True):
            if not any(folder.iterdir()):
                folder.rmdir()
    label = target.name if target.tree else ", ".join(f"{target.name}/{rel}" for rel in expected)
    if not changed:
        print(f"{label} unchanged")
    else:
        print(f"wrote {changed} files in {label}" if target.tree else f"wrote {label}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if regenerating would change anything")
    parser.add_argument("--spec", type=Path, default=SPEC)
    parser.add_argument("--output", type=Path, default=OUTPUT, help="where the server models go")
    parser.add_argument(
        "--only", action="append", choices=["models", "python", "typescript"], help="only this target (repeatable)"
    )
    args = parser.parse_args(argv)

    stale = False
    for target in targets(args.spec, args.output):
        if args.only and target.key not in args.only:
            continue
        expected = target.produce(args.spec)
        if args.check:
            stale |= not check(target, expected)
        else:
            write(target, expected)
    if stale:
        print("run: ./dev gen  (python scripts/gen.py)", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
