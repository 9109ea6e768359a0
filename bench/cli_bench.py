"""Start-up time of the CLI: `viva --help` and `viva bank list` on the seed bank.

Wall time of the whole process (Python start-up included), median and best of 15 runs, on a
temporary data dir. Targets (issue 2): --help <= 0.3 s, bank list <= 0.5 s on this machine.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SEED = Path(__file__).parents[1] / "tests" / "data" / "seed-note.txt"
RUNS = 15


def timed(args: list[str], env: dict[str, str]) -> tuple[float, float]:
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        subprocess.run(args, env=env, check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times), min(times)


def main() -> None:
    viva = str(Path(sys.executable).with_name("viva"))
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "VIVA_HOME": tmp, "VIVA_BUILTIN_BANK": "0", "COLUMNS": "100"}
        subprocess.run([viva, "import", str(SEED)], env=env, check=True, capture_output=True)
        python = timed([sys.executable, "-c", "pass"], env)
        help_ = timed([viva, "--help"], env)
        listed = timed([viva, "bank", "list"], env)
        listed_json = timed([viva, "bank", "list", "--json"], env)
    print(f"python -c pass      : median {python[0]:.3f} s  best {python[1]:.3f} s (baseline)")
    print(
        f"viva --help         : median {help_[0]:.3f} s  best {help_[1]:.3f} s  (target <= 0.3 s)"
    )
    print(
        f"viva bank list      : median {listed[0]:.3f} s  best {listed[1]:.3f} s  "
        "(target <= 0.5 s; 41 questions)"
    )
    print(f"viva bank list --json: median {listed_json[0]:.3f} s  best {listed_json[1]:.3f} s")


if __name__ == "__main__":
    main()
