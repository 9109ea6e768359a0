"""The calibration: how raw similarity signals become probabilities and a score.

A small logistic model over named signals, shipped as a versioned JSON file fitted on public
graded data (see bench/fit_calibration.py), and refittable on a user's own graded answers
(`viva calibrate`). Fitting uses scipy's optimiser; nothing here knows where the file is stored.
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
CALIBRATION_VERSION = 1


class CalibrationError(VivaError):
    """A calibration file or data set cannot be used."""


@dataclass(frozen=True, slots=True)
class Calibration:
    """Parameters of the grader (all fitted on data, none tuned by hand to a data set)."""

    weights: tuple[float, ...]
    bias: float
    mix: float = 0.5  # share of the whole-answer match in the score; the rest is key points
    covered: float = 0.5  # probability at or above which a key point counts as covered
    partly: float = 0.3  # ... as partly covered
    rating_cuts: tuple[float, float, float] = (40.0, 65.0, 85.0)  # Again | Hard | Good | Easy
    version: int = CALIBRATION_VERSION
    fitted_on: str = ""
    features: tuple[str, ...] = field(default=FEATURES)
    # with graded exemplars of the question: weights over FEATURES + EXEMPLAR_FEATURES
    exemplar_weights: tuple[float, ...] | None = None
    exemplar_bias: float = 0.0

    def exemplar_probability(self, signals: npt.NDArray[np.float64]) -> float | None:
        """P(answer matches) from the signals and exemplar signals; None without that model."""
        if self.exemplar_weights is None:
            return None
        z = float(signals @ np.asarray(self.exemplar_weights) + self.exemplar_bias)
        return 1.0 / (1.0 + float(np.exp(-np.clip(z, -30, 30))))

    def probability(self, signals: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        """P(statement covered by the answer) for each row of signals (columns: FEATURES)."""
        z = signals @ np.asarray(self.weights) + self.bias
        p: npt.NDArray[np.float64] = 1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))
        return p

    def to_dict(self) -> dict[str, Any]:
        """The JSON form."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Calibration:
        """Read the JSON form, checking it fits this version of Viva."""
        try:
            if data.get("version") != CALIBRATION_VERSION or tuple(data["features"]) != FEATURES:
                raise CalibrationError(
                    "the calibration file was made for another version of Viva",
                    hint="run `viva calibrate --reset`, then calibrate again",
                )
            return cls(
                weights=tuple(float(w) for w in data["weights"]),
                bias=float(data["bias"]),
                mix=float(data["mix"]),
                covered=float(data["covered"]),
                partly=float(data["partly"]),
                rating_cuts=tuple(float(c) for c in data["rating_cuts"]),  # type: ignore[arg-type]
                version=int(data["version"]),
                fitted_on=str(data.get("fitted_on", "")),
                features=tuple(data["features"]),
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


def default_calibration() -> Calibration:
    """The calibration shipped with Viva."""
    text = resources.files("viva.grading").joinpath("calibration.json").read_text("utf-8")
    return Calibration.from_dict(json.loads(text))


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


def with_weights(
    base: Calibration, weights: tuple[float, ...], bias: float, fitted_on: str
) -> Calibration:
    """A copy of `base` with newly fitted weights."""
    return replace(base, weights=weights, bias=bias, fitted_on=fitted_on)
