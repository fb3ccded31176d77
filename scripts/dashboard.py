#!/usr/bin/env python3
"""Build the dashboard (`dashboard/`) into the committed files the server serves (`app/api/dashboard/static/`).

    python scripts/dashboard.py build       # npm ci when needed, then `npm run build` (tsc, then vite)
    python scripts/dashboard.py --check     # build into a temporary folder; exit 1 naming the files that differ

`npm ci` runs first when `dashboard/node_modules` is missing or older than `dashboard/package-lock.json`. The
build is deterministic (pinned versions, hashed file names, no source maps), so `--check` can run in the test
suite (`./dev check-gen`): a source changed without rebuilding, or a hand-edited build, fails it.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ROOT / "dashboard"
BUILT = ROOT / "app" / "api" / "dashboard" / "static"


def _run(cmd: list[str], cwd: Path, what: str) -> None:
    proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        sys.stderr.write(proc.stdout[-4000:] + proc.stderr[-4000:])
        raise SystemExit(f"{what} failed (exit {proc.returncode})")


def _npm() -> str:
    npm = shutil.which("npm")
    if npm is None:
        raise SystemExit("npm is needed to build the dashboard (Node 20+)")
    return npm


def ensure_node_modules(folder: Path = SOURCES) -> None:
    """`npm ci` in folder when its node_modules is missing or older than its package-lock.json."""
    lock = folder / "package-lock.json"
    installed = folder / "node_modules" / ".package-lock.json"
    if installed.exists() and installed.stat().st_mtime >= lock.stat().st_mtime:
        return
    print(f"npm ci in {folder.relative_to(ROOT)} ...", file=sys.stderr)
    _run([_npm(), "ci", "--no-audit", "--no-fund", "--loglevel=error"], folder, f"npm ci in {folder.relative_to(ROOT)}")


def build(out: Path | None = None) -> None:
    """`npm run build` in dashboard/ (into `out` instead of the committed folder when given)."""
    ensure_node_modules()
    extra = ["--", "--outDir", str(out), "--emptyOutDir"] if out is not None else []
    _run([_npm(), "run", "build", "--silent", *extra], SOURCES, "npm run build in dashboard")


def _files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def differences(built: Path, committed: Path = BUILT) -> list[str]:
    """The files that differ between a fresh build and the committed one, each with how."""
    fresh, kept = _files(built), _files(committed) if committed.is_dir() else {}
    found = [f"{name}: missing from the committed build" for name in sorted(set(fresh) - set(kept))]
    found += [f"{name}: not in a fresh build" for name in sorted(set(kept) - set(fresh))]
    found += [f"{name}: differs" for name in sorted(set(fresh) & set(kept)) if fresh[name] != kept[name]]
    return found


def check() -> int:
    """0 when a fresh build equals the committed files byte for byte, else 1 naming the files that differ."""
    with tempfile.TemporaryDirectory(prefix="iris-dashboard-") as tmp:
        out = Path(tmp) / "static"
        build(out)
        found = differences(out)
    if not found:
        print(f"{BUILT.relative_to(ROOT)} is up to date", file=sys.stderr)
        return 0
    where = BUILT.relative_to(ROOT)
    print(f"{where} is stale: rebuilding dashboard/ would change it:", file=sys.stderr)
    for line in found:
        print(f"  {where}/{line}", file=sys.stderr)
    print("Run `./dev gen` (or `python scripts/dashboard.py build`) and commit the result.", file=sys.stderr)
    return 1


def main(argv: list[str] | None = None) -> int:
    """The command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", nargs="?", choices=["build"], default="build", help="build (the default)")
    parser.add_argument("--check", action="store_true", help="fail when a fresh build differs from the committed one")
    args = parser.parse_args(argv)
    if args.check:
        return check()
    build()
    print(f"built {BUILT.relative_to(ROOT)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
