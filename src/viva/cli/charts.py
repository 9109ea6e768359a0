"""PNG charts for `viva plan --png` and `viva stats --png` (matplotlib, loaded only for them).

Labels are in English and dates only: the PNG must read right without a CJK font installed.
"""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

from viva.practice.planner import Plan
from viva.practice.stats import Stats


def _pyplot() -> Any:
    import matplotlib

    matplotlib.use("Agg")  # files only: no display needed
    import matplotlib.pyplot as plt

    return plt


def plan_png(plan: Plan, path: Path) -> None:
    """Reviews per day until the interview, and the expected recall in the title."""
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(9, 4), dpi=120)
    days = [d for d, _ in plan.daily_load]
    ax.bar(days, [n for _, n in plan.daily_load], color="#4477aa")
    ax.set_ylabel("reviews")
    ax.set_title(
        f"Plan to {plan.exam_day}: recall {plan.recall_with_plan:.0%} with the plan, "
        f"{plan.recall_if_stopped:.0%} if stopped"
    )
    fig.autofmt_xdate()
    _save(fig, path)


def stats_png(stats: Stats, path: Path) -> None:
    """Reviews per day and the mock-interview score trend."""
    plt = _pyplot()
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(9, 6), dpi=120)
    top.bar(
        [d for d, _ in stats.reviews_per_day],
        [n for _, n in stats.reviews_per_day],
        color="#4477aa",
    )
    achieved = "n/a" if stats.retention_achieved is None else f"{stats.retention_achieved:.0%}"
    top.set_title(
        f"Reviews per day (retention {achieved} achieved, {stats.retention_desired:.0%} desired)"
    )
    if stats.interview_trend:
        bottom.plot(
            [t for t, _ in stats.interview_trend],
            [s for _, s in stats.interview_trend],
            marker="o",
            color="#ee6677",
        )
    bottom.set_ylim(0, 100)
    bottom.set_title("Mock interview scores")
    fig.autofmt_xdate()
    _save(fig, path)


def _save(fig: Any, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # tight layout on tiny data
        fig.tight_layout()
    partial = path.with_name(path.name + ".part")
    fig.savefig(partial, format="png")
    partial.replace(path)
    import matplotlib.pyplot as plt

    plt.close(fig)
