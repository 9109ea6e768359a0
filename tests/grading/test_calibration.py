"""The calibration file and the fitting of its weights."""

from __future__ import annotations

import numpy as np
import pytest

from viva.grading.calibration import (
    FEATURES,
    Calibration,
    CalibrationError,
    default_calibration,
    fit_weights,
)


def test_default_calibration_is_fitted_and_documented() -> None:
    cal = default_calibration()
    assert cal.features == FEATURES
    assert len(cal.weights) == len(FEATURES)
    assert cal.fitted_on.startswith("SemEval-2013 SciEntsBank train")
    # more overlap with the reference must never lower the probability
    for name in ("e5", "use", "recall"):
        assert cal.weights[FEATURES.index(name)] > 0


def test_calibration_round_trips_and_refuses_other_versions() -> None:
    cal = default_calibration()
    assert Calibration.from_dict(cal.to_dict()) == cal
    with pytest.raises(CalibrationError, match="another version of Viva"):
        Calibration.from_dict({**cal.to_dict(), "version": 99})
    with pytest.raises(CalibrationError, match="damaged"):
        Calibration.from_dict({"version": 1, "features": list(FEATURES)})


def test_fit_weights_finds_the_informative_signal() -> None:
    rng = np.random.default_rng(0)
    x = rng.random((200, 3))
    y = (x[:, 1] > 0.5).astype(float)
    weights, _ = fit_weights(x, y)
    assert abs(weights[1]) > 5 * max(abs(weights[0]), abs(weights[2]))


def test_fit_weights_takes_soft_scores() -> None:
    x = np.linspace(0, 1, 50)[:, None]
    weights, bias = fit_weights(x, x[:, 0], l2=0.0)
    cal = Calibration(weights=weights, bias=bias, features=("e5",))
    assert cal.probability(np.array([[0.2], [0.8]])) == pytest.approx([0.2, 0.8], abs=0.05)


def test_fast_profile_leaves_out_the_e5_signals() -> None:
    from viva.config import GRADING_PROFILES
    from viva.grading.calibration import PROFILES

    assert tuple(PROFILES) == GRADING_PROFILES  # the settings offer exactly these
    accurate, fast = default_calibration("accurate"), default_calibration("fast")
    assert (accurate.profile, fast.profile) == ("accurate", "fast")
    assert accurate.needs_semantic
    assert not fast.needs_semantic
    assert "e5" not in fast.features
    assert "question_e5" not in fast.features
    assert fast.fitted_on == accurate.fitted_on
    assert fast.exemplar_weights is not None
    assert Calibration.from_dict(fast.to_dict()) == fast
    # the probability reads the fast signals from full rows; the e5 columns do not matter
    rows = np.tile(np.linspace(0.1, 0.7, len(FEATURES)), (2, 1))
    rows[1, FEATURES.index("e5")] = 0.99
    rows[1, FEATURES.index("question_e5")] = 0.99
    p = fast.probability(rows)
    assert p[0] == pytest.approx(p[1])
    assert accurate.probability(rows)[0] != pytest.approx(accurate.probability(rows)[1])


def test_unknown_profile_and_mismatched_weights_are_refused() -> None:
    with pytest.raises(CalibrationError, match="unknown grading profile 'quick'"):
        default_calibration("quick")
    data = default_calibration("fast").to_dict()
    with pytest.raises(CalibrationError, match="damaged"):
        Calibration.from_dict({**data, "weights": [1.0] * len(FEATURES)})
    with pytest.raises(CalibrationError, match="another version of Viva"):
        Calibration.from_dict({**data, "features": ["use", "e5"]})
