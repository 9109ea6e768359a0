"""Viva: an offline, bilingual coach for oral technical interviews.

The public API is small: load settings, build the service, call it. Heavy modules load lazily so
that `viva --help` starts fast.
"""

from __future__ import annotations

__version__ = "0.1.0"
__all__ = ["__version__"]
