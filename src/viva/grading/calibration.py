"""The calibration: how raw similarity signals become probabilities and a score.

A small logistic model over named signals, shipped as a versioned JSON file fitted on public
graded data (see bench/fit_calibration.py), and refittable on a user's own graded answers
(`viva calibrate`). Fitting uses scipy's optimiser; nothing here knows where the file is stored.

A calibration names the signals it uses, and that choice is a *profile*: "accurate" uses every
signal (both models), "fast" leaves out the two e5 signals, so grading never runs e5 on the
answer, about three times faster at a cost of about one point of agreement (bench/grading.py
prints both).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, replace
from importlib import resources
from typing import Any

import numpy as np
import numpy.typing as npt

from viva.errors import VivaError

FEATURES = ("e5", "use", "use_best", "recall", "bigram", "length", "question_e5")
SEMANTIC_FEATURES = ("e5", "question_e5")  # the signals that need e5 run on the answer
PROFILES = {
    "accurate": FEATURES,
    "fast": tuple(f for f in FEATURES if f not in SEMANTIC_FEATURES),
}
DEFAULT_PROFILE = "accurate"
CALIBRATION_VERSION = 1


class CalibrationError(VivaError):
    """A calibration file or data set cannot be used."""


@dataclass(frozen=True, slots=True)
class Calibration:
    """Parameters of the grader. The weights and biases are fitted on data; `mix`, the two
    coverage thresholds and the rating cuts are fixed round defaults, tuned to no data set."""

    weights: tuple[float, ...]
    bias: float
    mix: float = 0.5  # share of the whole-answer match in the score; the rest is key points
    covered: float = 0.5  # probability at or above which a key point counts as covered
    partly: float = 0.3  # ... as partly covered
    rating_cuts: tuple[float, float, float] = (40.0, 65.0, 85.0)  # Again | Hard | Good | Easy
    version: int = CALIBRATION_VERSION
    fitted_on: str = ""
    features: tuple[str, ...] = field(default=FEATURES)  # the signals used, in FEATURES order
    # with graded exemplars of the question: weights over `features` + EXEMPLAR_FEATURES
    exemplar_weights: tuple[float, ...] | None = None
    exemplar_bias: float = 0.0

    @property
    def profile(self) -> str:
        """ "accurate" or "fast": which signals this calibration uses."""
        return next(name for name, used in PROFILES.items() if used == self.features)

    @property
    def needs_semantic(self) -> bool:
        """Whether grading must run e5 on the answer."""
        return any(f in self.features for f in SEMANTIC_FEATURES)

    def used(self, signals: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        """The columns of full signal rows (FEATURES) that this calibration uses."""
        columns: npt.NDArray[np.float64] = signals[..., [FEATURES.index(f) for f in self.features]]
        return columns

    def exemplar_probability(self, signals: npt.NDArray[np.float64]) -> float | None:
        """P(answer matches) from a full signal row followed by the exemplar signals; None
        without that model."""
        if self.exemplar_weights is None:
            return None
        row = np.concatenate([self.used(signals[: len(FEATURES)]), signals[len(FEATURES) :]])
        z = float(row @ np.asarray(self.exemplar_weights) + self.exemplar_bias)
        return 1.0 / (1.0 + float(np.exp(-np.clip(z, -30, 30))))

    def probability(self, signals: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        """P(statement covered by the answer) for each full row of signals (columns: FEATURES)."""
        z = self.used(signals) @ np.asarray(self.weights) + self.bias
        p: npt.NDArray[np.float64] = 1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))
        return p

    def to_dict(self) -> dict[str, Any]:
        """The JSON form."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Calibration:
        """Read the JSON form, checking it fits this version of Viva."""
        try:
            features = tuple(data["features"])
            if data.get("version") != CALIBRATION_VERSION or features not in PROFILES.values():
                raise CalibrationError(
                    "the calibration file was made for another version of Viva",
                    hint="run `viva calibrate --reset`, then calibrate again",
                )
            weights = tuple(float(w) for w in data["weights"])
            if len(weights) != len(features):
                raise ValueError(f"{len(weights)} weights for {len(features)} signals")
            return cls(
                weights=weights,
                bias=float(data["bias"]),
                mix=float(data["mix"]),
                covered=float(data["covered"]),
                partly=float(data["partly"]),
                rating_cuts=tuple(float(c) for c in data["rating_cuts"]),  # type: ignore[arg-type]
                version=int(data["version"]),
                fitted_on=str(data.get("fitted_on", "")),
                features=features,
                exemplar_weights=(
                    None
                    if data.get("exemplar_weights") is None
                    else tuple(float(w) for w in data["exemplar_weights"])
                ),
                exemplar_bias=float(data.get("exemplar_bias", 0.0)),
            )
        except (KeyError, TypeError, ValueError) as err:
            raise CalibrationError(
                f"the calibration file is damaged ({err})",
                hint="run `viva calibrate --reset` to go back to the default",
            ) from None


def calibration_file(profile: str) -> str:
    """The file name of a profile's calibration (shipped, and in the user's data dir)."""
    if profile not in PROFILES:
        raise CalibrationError(
            f"unknown grading profile {profile!r}", hint="use one of: " + ", ".join(PROFILES)
        )
    return "calibration.json" if profile == DEFAULT_PROFILE else f"calibration-{profile}.json"


def default_calibration(profile: str = DEFAULT_PROFILE) -> Calibration:
    """The calibration shipped with Viva for a profile."""
    name = calibration_file(profile)
    text = resources.files("viva.grading").joinpath(name).read_text("utf-8")
    return Calibration.from_dict(json.loads(text))


def fit_calibration(
    base: Calibration,
    signals: npt.NDArray[np.float64],
    targets: Sequence[float] | npt.NDArray[np.float64],
    fitted_on: str,
    *,
    min_rows: int = 10,
) -> Calibration:
    """A copy of `base` with weights refitted on full signal rows (its own columns only)."""
    weights, bias = fit_weights(base.used(signals), targets, min_rows=min_rows)
    return replace(base, weights=weights, bias=bias, fitted_on=fitted_on)


def fit_weights(
    signals: npt.NDArray[np.float64],
    targets: Sequence[float] | npt.NDArray[np.float64],
    *,
    l2: float = 1.0,
    min_rows: int = 10,
) -> tuple[tuple[float, ...], float]:
    """Logistic regression with soft targets (a score in 0-1 or a 0/1 label), L2-penalised."""
    from scipy.optimize import minimize

    x = np.asarray(signals, dtype=np.float64)
    y = np.clip(np.asarray(targets, dtype=np.float64), 0.0, 1.0)
    if len(x) < min_rows:
        raise CalibrationError(
            f"need at least 10 graded answers to calibrate (got {len(x)})",
            hint="grade more answers by hand, then run `viva calibrate` again",
        )
    n, d = x.shape

    def loss(theta: npt.NDArray[np.float64]) -> tuple[float, npt.NDArray[np.float64]]:
        w, b = theta[:d], theta[d]
        z = x @ w + b
        p = 1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))
        eps = 1e-9
        value = -np.mean(y * np.log(p + eps) + (1 - y) * np.log(1 - p + eps)) + l2 * w @ w / (2 * n)
        grad_z = (p - y) / n
        grad = np.concatenate([x.T @ grad_z + l2 * w / n, [grad_z.sum()]])
        return float(value), grad

    result = minimize(loss, np.zeros(d + 1), jac=True, method="L-BFGS-B")
    theta = result.x
    return tuple(float(v) for v in theta[:d]), float(theta[d])
