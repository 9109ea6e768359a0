"""Grading: score an answer against its reference, key point by key point, offline.

Plain domain code: embedders come through a registry, the embedding cache through a protocol
(`store` implements it), the calibration is a small versioned parameter file. No SQL, no UI.
"""
