"""Start-up time of the CLI: `viva --help`, `viva bank list` and `viva grade` on the seed bank.

Wall time of the whole process (Python start-up included), median and best of several runs, on a
temporary data dir. Targets: --help <= 0.3 s and bank list <= 0.5 s (issue 2); grading one
answer from a cold start (models loaded in the process, reference already cached) <= 1.5 s
(issue 4).
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SEED = Path(__file__).parents[1] / "tests" / "data" / "seed-note.txt"
RUNS = 15


def timed(args: list[str], env: dict[str, str], runs: int = RUNS) -> tuple[float, float]:
    times = []
    for _ in range(runs):
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
        ids = json.loads(
            subprocess.run(
                [viva, "bank", "list", "--section", "注意力机制", "--json"],
                env=env,
                check=True,
                capture_output=True,
                text=True,
            ).stdout
        )
        answer = (
            "缩放点积注意力先算 Q 和 K 的点积，再除以根号 d_k，防止 softmax 饱和；再对 V 加权求和。"
        )
        grade_cmd = [viva, "grade", ids[3]["id"], answer, "--json"]
        subprocess.run(grade_cmd, env=env, check=True, capture_output=True)  # caches the reference
        graded = timed(grade_cmd, env, runs=5)
        fast_env = {**env, "VIVA_GRADER": "fast"}
        subprocess.run(grade_cmd, env=fast_env, check=True, capture_output=True)
        graded_fast = timed(grade_cmd, fast_env, runs=5)
    print(f"python -c pass      : median {python[0]:.3f} s  best {python[1]:.3f} s (baseline)")
    print(
        f"viva --help         : median {help_[0]:.3f} s  best {help_[1]:.3f} s  (target <= 0.3 s)"
    )
    print(
        f"viva bank list      : median {listed[0]:.3f} s  best {listed[1]:.3f} s  "
        "(target <= 0.5 s; 41 questions)"
    )
    print(f"viva bank list --json: median {listed_json[0]:.3f} s  best {listed_json[1]:.3f} s")
    print(
        f"viva grade (cold)   : median {graded[0]:.3f} s  best {graded[1]:.3f} s  "
        "(target <= 1.5 s; models load in the process)"
    )
    print(
        f"  VIVA_GRADER=fast  : median {graded_fast[0]:.3f} s  best {graded_fast[1]:.3f} s  "
        "(USE only: e5 is not loaded)"
    )


if __name__ == "__main__":
    main()
