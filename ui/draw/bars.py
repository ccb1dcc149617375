"""The Draw page's probability chart, as plain HTML bars with their numbers as text (no plotly to load)."""

from __future__ import annotations

import numpy as np

TOP, OTHER = "#e4572e", "#8aa1b1"


def probabilities(probs: np.ndarray, digit: int, height: int = 150) -> str:
    """Ten vertical bars, one per digit, the predicted one highlighted; percentages above, digits below."""
    bars = []
    for d, p in enumerate(probs):
        h = max(1, round(float(p) * height))
        colour = TOP if d == digit else OTHER
        label = f"{p:.0%}" if p >= 0.005 else ""
        bars.append(
            f'<div style="display:flex;flex-direction:column;align-items:center;justify-content:flex-end;width:30px" '
            f'title="digit {d}: {p:.2%}">'
            f'<span style="font-size:11px;color:#444">{label}</span>'
            f'<div style="width:22px;height:{h}px;background:{colour}"></div>'
            f'<span style="font-size:13px;border-top:1px solid #999;width:100%;text-align:center">{d}</span></div>'
        )
    return (
        f'<div role="img" aria-label="probability of each digit" style="display:flex;gap:4px;'
        f'align-items:flex-end;height:{height + 40}px">{"".join(bars)}</div>'
    )
