"""The pieces of a comparison (`viva.grading.compare`) as HTML marks, escaped."""

from __future__ import annotations

import html
from collections.abc import Sequence

from markupsafe import Markup

from viva.grading.compare import Piece

# the answer's marks keep the evidence classes the drill page has always used
_EXTRA = {"covered": " evidence", "partly": " evidence", "contradicted": " evidence wrong"}


def marked(pieces: Sequence[Piece], side: str = "reference") -> Markup:
    """Each marked piece as `<mark class="kp STATE" data-points="1 3">`, the rest as text;
    on the answer's side the marks are also evidence (`mark.evidence`)."""
    out: list[str] = []
    for piece in pieces:
        text = html.escape(piece.text)
        if piece.state is None:
            out.append(text)
            continue
        state = piece.state.value
        numbers = " ".join(str(n) for n in piece.points)
        out.append(
            f'<mark class="kp {state}{_EXTRA.get(state, "") if side == "answer" else ""}" '
            f'data-state="{state}" '
            f'data-points="{numbers}">{text}</mark>'
        )
    return Markup("".join(out))
