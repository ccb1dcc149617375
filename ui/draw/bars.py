"""The Draw page's HTML charts (probabilities, softmax table, loss per digit): plain HTML with numbers as text, no plotly."""

from __future__ import annotations

import html

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


def _cell(text: str, bold: bool = False, align: str = "right") -> str:
    weight = "font-weight:600;" if bold else ""
    return f'<td style="padding:2px 10px;text-align:{align};{weight}">{html.escape(text)}</td>'


def softmax_table(rows: list[tuple[str, ...]], shares: list[float], highlight: int, headers: tuple[str, ...]) -> str:
    """A table with one row per digit (cells already formatted) and a bar for each row's share in [0, 1]."""
    head = "".join(
        f'<th style="padding:2px 10px;text-align:right;border-bottom:1px solid #999">{html.escape(h)}</th>'
        for h in (*headers, "")
    )
    body = []
    for d, (cells, share) in enumerate(zip(rows, shares, strict=True)):
        bar = f'<div style="width:{max(1, round(120 * share))}px;height:10px;background:{TOP if d == highlight else OTHER}"></div>'
        tds = "".join(_cell(c, bold=d == highlight) for c in cells)
        body.append(f'<tr title="digit {d}">{tds}<td style="padding:2px 10px">{bar}</td></tr>')
    return (
        '<table role="table" aria-label="softmax step by step" style="border-collapse:collapse;font-size:14px;'
        f'font-variant-numeric:tabular-nums"><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>'
    )


def loss_bars(losses: np.ndarray, labels: list[str], chosen: int, predicted: int, height: int = 110) -> str:
    """Ten vertical bars, the loss -log p_k for each possible true digit k (`labels` above); the chosen k highlighted."""
    top = float(max(losses.max(), 1e-9))
    bars = []
    for k, (v, label) in enumerate(zip(losses, labels, strict=True)):
        h = max(1, round(float(v) / top * height))
        colour = TOP if k == chosen else OTHER
        mark = "font-weight:600;" if k == predicted else ""
        bars.append(
            f'<div style="display:flex;flex-direction:column;align-items:center;justify-content:flex-end;width:46px" '
            f'title="true digit {k}: loss {v:.3g}">'
            f'<span style="font-size:11px;color:#444;white-space:nowrap">{html.escape(label)}</span>'
            f'<div style="width:22px;height:{h}px;background:{colour}"></div>'
            f'<span style="font-size:13px;border-top:1px solid #999;width:100%;text-align:center;{mark}">{k}</span></div>'
        )
    return (
        f'<div role="img" aria-label="loss for each possible true digit" style="display:flex;gap:4px;'
        f'align-items:flex-end;height:{height + 40}px">{"".join(bars)}</div>'
    )
