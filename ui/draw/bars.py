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


# One small style sheet for the softmax table and the loss bars: classes instead of the same inline style
# on every cell keep the HTML short (the browser sanitises and parses it after every drawing).
STYLE = (
    "<style>"
    ".cnn-t{border-collapse:collapse;font-size:14px;font-variant-numeric:tabular-nums}"
    ".cnn-t td,.cnn-t th{padding:2px 10px;text-align:right}.cnn-t th{border-bottom:1px solid #999}"
    f".cnn-t tr.hi td{{font-weight:600}}.cnn-b{{height:10px;background:{OTHER}}}"
    f".cnn-t tr.hi .cnn-b,.cnn-l .hi i{{background:{TOP}}}"
    ".cnn-l{display:flex;gap:4px;align-items:flex-end}"
    ".cnn-l div{display:flex;flex-direction:column;align-items:center;justify-content:flex-end;width:46px}"
    ".cnn-l span{font-size:11px;color:#444;white-space:nowrap}"
    f".cnn-l i{{display:block;width:22px;background:{OTHER}}}"
    ".cnn-l u{font-size:13px;border-top:1px solid #999;width:100%;text-align:center;text-decoration:none}"
    ".cnn-l .pr u{font-weight:600}.cnn-c{font-size:0.85em;color:#6b6f76;margin:0.3em 0 1em 0}"
    "</style>"
)


def softmax_table(rows: list[tuple[str, ...]], shares: list[float], highlight: int, headers: tuple[str, ...]) -> str:
    """A table with one row per digit (cells already formatted) and a bar for each row's share in [0, 1].

    Needs STYLE somewhere in the same HTML element.
    """
    head = "".join(f"<th>{html.escape(h)}</th>" for h in (*headers, ""))
    body = []
    for d, (cells, share) in enumerate(zip(rows, shares, strict=True)):
        tds = "".join(f"<td>{html.escape(c)}</td>" for c in cells)
        hi = ' class="hi"' if d == highlight else ""
        bar = f'<div class="cnn-b" style="width:{max(1, round(120 * share))}px"></div>'
        body.append(f'<tr title="digit {d}"{hi}>{tds}<td>{bar}</td></tr>')
    return (
        f'<table class="cnn-t" aria-label="softmax step by step"><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table>"
    )


def loss_bars(losses: np.ndarray, labels: list[str], predicted: int, height: int = 110) -> str:
    """Ten vertical bars, the loss -log p_k for each possible true digit k (`labels` above), the predicted digit
    in bold. Needs STYLE in the same HTML element; `what_if` colours the picked one."""
    top = float(max(losses.max(), 1e-9))
    bars = []
    for k, (v, label) in enumerate(zip(losses, labels, strict=True)):
        h = max(1, round(float(v) / top * height))
        cls = ' class="pr"' if k == predicted else ""
        bars.append(
            f'<div{cls} title="true digit {k}: loss {v:.3g}"><span>{html.escape(label)}</span>'
            f'<i style="height:{h}px"></i><u>{k}</u></div>'
        )
    return (
        f'<div class="cnn-l" role="img" aria-label="loss for each possible true digit" style="height:{height + 40}px">'
        f"{''.join(bars)}</div>"
    )


PICK = (
    ".cnn-w{border:0;padding:0;margin:0.6em 0;min-width:0}.cnn-w legend{font-size:14px;padding:0}"
    ".cnn-w>input{position:absolute;opacity:0;width:1px;height:1px;margin:0}"
    ".cnn-pick{display:flex;flex-wrap:wrap;gap:6px;margin:6px 0 10px 0}"
    ".cnn-pick label{min-width:30px;text-align:center;padding:2px 8px;border:1px solid #bbb;border-radius:14px;"
    "cursor:pointer}.cnn-lines>p{display:none}"
)


def what_if(uid: str, legend: str, default: int, lines: list[str], chart: str, caption: str) -> str:
    """A radio group made of native HTML radio buttons: picking digit k shows `lines[k]` and colours bar k of
    `chart` by CSS alone (`uid` a unique id made of letters, digits and '-').

    All the answers are computed beforehand, so a pick sends nothing to the server and redraws nothing
    else: instant, and one element instead of a widget, a fragment and a figure after every drawing.
    """
    rules = [PICK]
    for k in range(len(lines)):
        on = f"#{uid}-{k}:checked~"
        rules.append(
            f"{on}.cnn-lines>p:nth-child({k + 1}){{display:block}}"
            f"{on}.cnn-l>div:nth-child({k + 1}) i{{background:{TOP}}}"
            f"{on}.cnn-pick>label:nth-child({k + 1}){{background:{TOP};border-color:{TOP};color:#fff}}"
            f"#{uid}-{k}:focus-visible~.cnn-pick>label:nth-child({k + 1}){{outline:2px solid #1f77b4}}"
        )
    radios = "".join(
        f'<input type="radio" name="{uid}" id="{uid}-{k}"{" checked" if k == default else ""}>'
        for k in range(len(lines))
    )
    labels = "".join(f'<label for="{uid}-{k}">{k}</label>' for k in range(len(lines)))
    return (
        f"<style>{''.join(rules)}</style>"
        f'<fieldset class="cnn-w"><legend>{html.escape(legend)}</legend>{radios}'
        f'<div class="cnn-pick">{labels}</div><div class="cnn-lines">{"".join(lines)}</div>{chart}{caption}</fieldset>'
    )
