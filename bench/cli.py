"""The CLI's start-up cost: commands that need no server against `python -c 'import litestar'`, in one run.

    python bench/cli.py [--samples 7]

Each round runs, in a random order, `python -c 'import litestar'` (the baseline) and, from the repository root,
`litestar --help`, `litestar iris --help`, `litestar iris key list`, `litestar iris key generate` and
`litestar iris audit`, as separate processes on a private IRIS_HOME and config (two teams, an empty key store and
audit log made before the first round). It prints, per command, the median and the fastest wall time of the
samples and their ratios to the baseline's, with the machine's load when the run started. The target: at most
2 x the baseline for `key list`, `key generate` and `audit`.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
LITESTAR = str(BIN / "litestar")

COMMANDS: dict[str, list[str]] = {
    "import litestar": [sys.executable, "-c", "import litestar"],
    "litestar --help": [LITESTAR, "--help"],
    "litestar iris --help": [LITESTAR, "iris", "--help"],
    "iris key list": [LITESTAR, "iris", "key", "list"],
    "iris key generate": [LITESTAR, "iris", "key", "generate", "bench", "--json"],
    "iris audit": [LITESTAR, "iris", "audit", "--limit", "5"],
}
BASELINE = "import litestar"
TARGETS = ("iris key list", "iris key generate", "iris audit")


def once(args: list[str], env: dict[str, str]) -> float:
    """The wall time of one run of `args` from the repository root; a failing run stops the benchmark."""
    start = time.perf_counter()
    done = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    took = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed ({done.returncode}): {done.stderr.strip()[-500:]}")
    return took


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--samples", type=int, default=7, help="rounds (each runs every command once)")
    options = parser.parse_args()
    load = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="iris-bench-cli-") as folder:
        root = Path(folder)
        for team in ("alpha", "beta"):
            (root / team).mkdir()
        config = root / "config.yaml"
        config.write_text(f"teams:\n  alpha: {{path: {root / 'alpha'}}}\n  beta: {{path: {root / 'beta'}}}\n")
        env = {**os.environ, "IRIS_HOME": str(root / "home"), "IRIS_CONFIG_PATH": str(config), "NO_COLOR": "1"}
        env.pop("LITESTAR_APP", None)
        once(COMMANDS["iris key list"], env)  # the stores exist (and are migrated) before the first sample
        once(COMMANDS["iris audit"], env)
        times: dict[str, list[float]] = {name: [] for name in COMMANDS}
        for _ in range(options.samples):
            names = list(COMMANDS)
            random.shuffle(names)
            for name in names:
                times[name].append(once(COMMANDS[name], env))
    base_median, base_best = statistics.median(times[BASELINE]), min(times[BASELINE])
    print(f"load average at start: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} ({os.cpu_count()} CPUs)")
    print(f"{options.samples} samples per command, interleaved; ratio = time / `python -c 'import litestar'`")
    print(f"{'command':24} {'median s':>9} {'best s':>8} {'ratio (median)':>15} {'ratio (best)':>13}")
    for name, values in times.items():
        median, best = statistics.median(values), min(values)
        mark = "  <= 2 x wanted" if name in TARGETS else ""
        print(f"{name:24} {median:9.3f} {best:8.3f} {median / base_median:15.2f} {best / base_best:13.2f}{mark}")


if __name__ == "__main__":
    main()
