"""From the ten raw scores to the probabilities (softmax) and to the loss (cross-entropy), step by step.

Shown on the Draw page for the learner's digit and on the Evaluate page for one test image
(both call `section`). Every number comes from cnn_core.softmax; this module only formats it.
"""

from __future__ import annotations

import html
import math
import re

import numpy as np

from cnn_core.architecture import LOSSES, SEED_RECIPE
from cnn_core.metrics import EPSILON
from cnn_core.softmax import KERAS_MAX_LOSS, OVERFLOW, SoftmaxSteps, losses_for_each_label, softmax_steps
from ui.draw import bars
from ui.draw import figures as img

HEADERS = ("digit", "raw score z", "z − max", "exp(z − max)", "probability")
WHAT_IF = "What if the true digit were…"
_SUPER = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def num(x: float) -> str:
    """A positive number for a learner: 0.01234, 3.2×10⁻⁷ when tiny, and enough decimals near 1 to see the gap."""
    x = float(x)
    if x in (0.0, 1.0):
        return f"{x:g}"
    if abs(1 - x) < 1e-3:  # 0.9999987 is not 1: keep the decimals that show how far from 1 it is
        return f"{x:.{min(15, math.ceil(-math.log10(abs(1 - x))) + 1)}f}"
    if 1e-3 <= abs(x) < 1e5:
        return f"{x:.4g}"
    mantissa, exponent = f"{x:.2e}".split("e")
    return f"{mantissa}×10{str(int(exponent)).translate(_SUPER)}"


def loss_text(v: float) -> str:
    """A loss with two decimals, or in full when it is below 0.01 (a right and sure answer)."""
    return f"{v:.2f}" if v >= 0.01 else num(v)


def _rows(s: SoftmaxSteps) -> list[tuple[str, ...]]:
    return [
        (str(d), f"{z:+.2f}", f"{sh:.2f}", num(e), num(p))
        for d, (z, sh, e, p) in enumerate(zip(s.scores, s.shifted, s.exps, s.probs, strict=True))
    ]


def _sum_text(s: SoftmaxSteps) -> str:
    d = s.digit
    terms = " + ".join(num(e) for e in s.exps)
    return (
        f"**The sum of the exponentials:** {terms} = **{num(s.total)}**. **Each probability is its exponential "
        f"divided by that sum**, for example digit {d}: {num(s.exps[d])} / {num(s.total)} = {num(s.probs[d])}, "
        "so the ten probabilities always add up to 1 and the largest score always gets the largest share."
    )


def _why_max(s: SoftmaxSteps) -> str:
    here = (
        f"the largest score here, {s.top:.1f}, is already past that limit, so the shift is what makes this work."
        if s.top > OVERFLOW
        else f"the largest score here, {s.top:.2f}, is below that limit, but a more confident network can pass it."
    )
    return (
        f"**Why subtract the largest score ({s.top:.2f})?** Subtracting the same number from every score divides "
        "every exponential by the same factor, so each one's share of the sum, the probability, does not change. "
        "It keeps the computer's numbers safe: after the shift the largest exponential is exactly 1 and all the "
        f"others lie between 0 and 1, whereas exp(z) itself no longer fits in a 32-bit float once z passes "
        f"{OVERFLOW:.1f}; {here}"
    )


def _html(text: str, caption: bool = False) -> str:
    """One paragraph of our own text (never a learner's) as HTML: **bold** and `code` kept, the rest escaped."""
    body = html.escape(text, quote=False)
    body = re.sub(r"\*\*(.+?)\*\*", r"<b>\1</b>", body)
    body = re.sub(r"`(.+?)`", r"<code>\1</code>", body)
    return f'<p class="cnn-c">{body}</p>' if caption else f"<p>{body}</p>"


INTRO = (
    "The output layer does not compute probabilities. It computes ten **raw scores** (logits), one per digit, "
    "each a weighted sum of the layer below plus a bias; they can be any size and any sign. **Softmax** turns "
    "them into probabilities in three steps: subtract the largest score, take the exponential, divide by the sum."
)


def section(
    logits: np.ndarray, default: int, key: str, subject: str, default_why: str, question: tuple[str, str] | None = None
) -> None:
    """The softmax table, the sum, why the max is subtracted, and the what-if loss picker, as HTML.

    `logits` (10,) raw scores; `default` the digit the selector starts on (`default_why` says which
    it is, e.g. "the prediction"); `key` a widget key prefix; `subject` names the picture; `question`
    an optional (question, answer) that opens below the loss.
    """
    s = softmax_steps(logits)
    caption = (
        f"Softmax on {subject}, step by step: the ten raw scores, each minus the largest ({s.top:.2f}, digit "
        f"{s.digit}), e raised to that, and that exponential's share of the sum, also drawn as a bar. "
        f"The highlighted row is the prediction, {s.digit}."
    )
    img.show(  # one element: each Streamlit element costs the browser time after every drawing
        bars.STYLE
        + _html(INTRO)
        + bars.softmax_table(_rows(s), list(s.probs), s.digit, HEADERS)
        + _html(caption, caption=True)
        + _html(_sum_text(s))
        + _html(_why_max(s))
        + _what_if(s, default, key, default_why, question)
    )


def _what_if(s: SoftmaxSteps, default: int, key: str, default_why: str, question: tuple[str, str] | None) -> str:
    """HTML: the loss -log p_k for whichever true digit k is picked (all ten computed), and the loss for every k."""
    losses = losses_for_each_label(s.scores)
    d = s.digit
    worst = int(np.argmax(losses))
    lines = [
        _html(
            f"**Cross-entropy loss if the true digit were {k}: −log p{k} = −log({num(s.probs[k])}) = "
            f"{loss_text(losses[k])}.** " + _verdict(s, losses, k)
        )
        for k in range(len(losses))
    ]
    caption = (
        f"The loss for each possible true digit (−log of the probability the model gave it): {loss_text(losses[d])} "
        f"for {d}, the prediction, up to {losses[worst]:.2f} for {worst}. The highlighted bar is the digit "
        "picked above; the smaller the true digit's probability, the faster its loss grows."
    )
    legend = f"{WHAT_IF} (it starts on {default_why}; the loss only looks at the probability given to the true digit)"
    opens = ""
    if question:
        opens = (
            '<details><summary style="cursor:pointer">'
            f"{html.escape(question[0])}</summary>{_html(question[1])}</details>"
        )
    uid = "cnn-" + re.sub(r"[^a-z0-9]+", "-", f"{key}-{default}".lower())
    chart = bars.loss_bars(losses, [loss_text(v) for v in losses], d)
    return bars.what_if(uid, legend, default, lines, chart, _html(caption, caption=True)) + opens


def _verdict(s: SoftmaxSteps, losses: np.ndarray, k: int) -> str:
    d = s.digit
    if k == d:
        text = (
            f"The model gave {k} a probability of {num(s.probs[k])}: right and sure, so the loss is small. "
            "Pick another digit to see what a confident wrong answer costs."
        )
    else:
        text = (
            f"The model put {num(s.probs[d])} on {d} and only {num(s.probs[k])} on {k}: if {k} were true, this "
            f"confident wrong answer would cost {loss_text(losses[k])}, against {loss_text(losses[d])} if the truth "
            f"were {d}."
        )
    if losses[k] > KERAS_MAX_LOSS:
        text += (
            f" (Keras' loss on probabilities, the one training uses, first raises p to at least {EPSILON:g}, "
            f"so it would count at most {KERAS_MAX_LOSS:.2f} here.)"
        )
    return text


def q32() -> tuple[str, str]:
    """Q32 in our own words, with the loss names read from the app's settings."""
    mse = "mean_squared_error"
    return (
        "Q32. Which loss function should we choose?",
        f"For picking one class out of ten with a softmax output, cross-entropy (`{SEED_RECIPE.loss}`, the seed "
        "recipe's loss): it reads only the probability given to the true digit and charges −log of it. That is "
        "near 0 when the model is right and sure, and it grows without bound as that probability goes to 0, so "
        "the surest mistakes are punished hardest and their gradient stays large: try it with the selector "
        "above."
        + (
            f" The Train page also offers `{mse}` to compare: it measures the distance between the probabilities "
            "and the one-hot answer, which stays small even for a sure mistake, and its gradient fades "
            "when softmax saturates, so learning from those mistakes is slower."
            if mse in LOSSES and mse != SEED_RECIPE.loss
            else ""
        ),
    )
