"""One conv map before and after its activation, on one colour scale, with a sentence from its numbers."""

from __future__ import annotations

import html

from cnn_core.activation_effect import SATURATION, ActivationEffect, effect, shared_limit
from cnn_core.formulas import shape_text
from cnn_core.nn.features import Reading
from ui.draw import figures as img


def sentence(act: str, e: ActivationEffect) -> str:
    """What the activation `act` did to this map, with its own counts."""
    pct = e.share
    if act == "relu":
        return (
            f"ReLU set {e.zeroed:,} of the {e.n:,} values ({pct(e.zeroed):.0%}) to 0, every sum below 0; the "
            f"other {e.n - e.zeroed:,} kept their value (the largest is {e.hi_after:.2f})."
        )
    if act == "tanh":
        return (
            f"tanh squeezed the sums, which ran from {e.lo:.2f} to {e.hi:.2f}, into {e.lo_after:.2f} to "
            f"{e.hi_after:.2f}; {e.saturated:,} of the {e.n:,} ({pct(e.saturated):.0%}) were beyond ±{SATURATION:g} "
            f"and now lie beyond ±{e.tanh_edge:.2f}, where tanh is almost flat."
        )
    if act == "sigmoid":
        return (
            f"The sigmoid squeezed the sums, from {e.lo:.2f} to {e.hi:.2f}, into {e.lo_after:.2f} to "
            f"{e.hi_after:.2f}: the {e.negative:,} negative ones ({pct(e.negative):.0%}) are now below 0.5 and the "
            f"other {e.n - e.negative:,} at 0.5 or above."
        )
    if act == "elu":
        return (
            f"ELU kept the {e.n - e.negative:,} sums at or above 0 as they were and bent the {e.negative:,} "
            f"negative ones ({pct(e.negative):.0%}) towards -1: the lowest, {e.lo:.2f}, became {e.lo_after:.2f}."
        )
    if act == "linear":
        return (
            f"This layer has no activation (linear): all {e.n:,} values are the same before and after "
            f"(largest difference {e.max_change:.1g}), so negative sums stay negative."
        )
    return (
        f"{act} turned values from {e.lo:.2f} to {e.hi:.2f} into {e.lo_after:.2f} to {e.hi_after:.2f}; "
        f"{e.n - e.unchanged:,} of the {e.n:,} changed."
    )


def before_after(reading: Reading, conv: str, j: int) -> str:
    """HTML: map j (0-based) of conv layer `conv`, the sums before its activation beside the layer's output."""
    before, after = reading.before[conv][..., j], reading.layers[conv][..., j]
    act = reading.activations[conv]
    lim = shared_limit(before, after)
    size = shape_text(before.shape)
    bar = (-lim, lim, "value", img.SIGNED)
    left = img.figure(img.colourise(before, -lim, lim, img.SIGNED), f"Before {act}: {conv} map {j + 1} ({size})", 260)
    right = img.figure(img.colourise(after, -lim, lim, img.SIGNED), f"After {act}: {conv} map {j + 1}", 260, bar)
    caption = (
        f"Left: map {j + 1} of {conv} before its activation, the kernel's sums plus the bias; right: the same map "
        f"after {act}, what the next layer receives. Both use one colour scale, -{lim:.2f} (blue) through 0 "
        f"(white) to +{lim:.2f} (red), legend on the right. " + sentence(act, effect(before, after))
    )
    title = f"Before and after the activation: {conv} map {j + 1}"
    return (
        f'<p style="margin:0 0 6px 0"><b>{html.escape(title)}</b></p>'
        + img.side_by_side(left, right)
        + img.note(caption)
    )
