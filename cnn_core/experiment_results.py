"""What a guided experiment's finished runs measured, and the one sentence that compares them (no TensorFlow).

Everything here reads a run's record (cnn_core.jobs.Job): its History (one dict per epoch), its
progress events (the per-batch curve, with times) and its state. Experiments: cnn_core.experiments.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from cnn_core import jobs
from cnn_core.data import N_CLASSES, N_TRAIN
from cnn_core.experiments import CHART_BATCH, CHART_LOSS_GAP, Experiment, Step
from cnn_core.formulas import layer_table
from cnn_core.improved_record import TARGET

CHANCE = 1 / N_CLASSES  # the accuracy of guessing one of the ten digits


def turn_up_epoch(val_losses: Sequence[float | None]) -> int | None:
    """The first epoch (from 1) after the lowest validation loss whose loss is higher than that lowest one:
    where validation loss turns upward. None when the lowest is the last epoch (it never turned)."""
    finite = [(i, v) for i, v in enumerate(val_losses, start=1) if v is not None and math.isfinite(v)]
    if not finite:
        return None
    best_epoch, best = min(finite, key=lambda iv: iv[1])
    return next((i for i, v in finite if i > best_epoch and v > best), None)


def epoch_durations(fit_start: float, epoch_ends: Sequence[float]) -> list[float]:
    """Seconds each epoch took, from the time training started and the time each epoch ended."""
    return list(np.diff([fit_start, *epoch_ends]))


def seconds_per_epoch(durations: Sequence[float]) -> float | None:
    """A typical epoch's seconds: the median of every epoch but the first (TensorFlow builds its training
    step during the first one), or the first when it is the only one. None without epochs."""
    if not durations:
        return None
    return float(statistics.median(durations[1:] if len(durations) > 1 else durations))


def batch_losses(points: Sequence[tuple[int, int, float]]) -> list[tuple[int, float]]:
    """Per-batch losses recovered from the per-batch curve Keras reports.

    Keras reports after batch b of an epoch the mean loss of batches 1..b (a running mean, reset each
    epoch), so the loss of the batches between two reports b1 < b2 is (b2 m2 - b1 m1) / (b2 - b1).
    points : (epoch, batch, running mean) in order. Returns (epoch, loss) per report; a report that
    follows a gap (a thinned curve) gives the mean loss of the batches in the gap.
    """
    out, prev = [], None
    for epoch, batch, mean in points:
        if mean is None or not math.isfinite(mean):
            prev = None
            continue
        if prev is not None and prev[0] == epoch and prev[1] < batch:
            out.append((epoch, (batch * mean - prev[1] * prev[2]) / (batch - prev[1])))
        else:
            out.append((epoch, mean))  # an epoch's first report: the mean of its batches so far
        prev = (epoch, batch, mean)
    return out


def curve_noise(losses: Sequence[float]) -> float | None:
    """How much the loss jumps from one batch to the next: the standard deviation of the differences of
    consecutive losses (a steady downward trend only moves their mean, not their spread). None below 3."""
    if len(losses) < 3:
        return None
    return float(np.std(np.diff(np.asarray(losses, dtype=float))))


@dataclass(frozen=True)
class Outcome:
    """What one finished variant measured."""

    name: str
    history: tuple[dict, ...]  # one dict per epoch: loss, accuracy, val_loss, val_accuracy
    epoch_seconds: tuple[float, ...]  # each epoch's duration; empty without the run's events
    last_epoch_losses: tuple[float, ...]  # per-batch losses of the last epoch; empty without events
    steps_per_epoch: int
    macs: int  # multiply-adds per image (the layer table's total)
    diverged_at: int | None  # the epoch whose loss became NaN, if it did

    def last(self, key: str) -> float | None:
        """`key` at the last full epoch (None when there is none or it is not a number)."""
        full = [h for h in self.history if not h.get("partial")]
        v = full[-1].get(key) if full else None
        return v if v is not None and math.isfinite(v) else None

    def series(self, key: str) -> list[float | None]:
        return [h.get(key) for h in self.history]

    @property
    def seconds(self) -> float | None:
        return seconds_per_epoch(self.epoch_seconds)

    @property
    def noise(self) -> float | None:
        return curve_noise(self.last_epoch_losses)


def outcome(step: Step, run=None) -> Outcome:
    """The measurements of `step`'s run (or of `run`, the same run read with its curve and times)."""
    job = run or step.run
    events = list(job.events)
    start = next((e.time for e in events if e.kind == "start"), None)
    ends = [e.time for e in events if e.kind == "epoch"]
    durations = epoch_durations(start, ends) if start is not None and ends else []
    batches = [(e.epoch, e.batch, e.logs.get("loss")) for e in events if e.kind == "batch"]
    losses = batch_losses(batches)
    last = max((ep for ep, _ in losses), default=None)
    nan_epoch = None
    if job.state == jobs.NAN:
        nan_epoch = max([h["epoch"] for h in job.history] + [e.epoch for e in events if e.kind == "batch"] + [1])
    return Outcome(
        step.variant.name,
        tuple(job.history),
        tuple(float(d) for d in durations),
        tuple(v for ep, v in losses if ep == last),
        job.steps_per_epoch or step.variant.steps_per_epoch,
        layer_table(step.variant.arch).total_macs,
        nan_epoch,
    )


def _cap(text: str) -> str:
    """`text` with its first letter capitalised, to start a sentence with a variant's name."""
    return text[:1].upper() + text[1:]


def _pct(x: float | None) -> str:
    return "no number" if x is None else f"{x:.1%}"


def _epochs(outcomes: Sequence[Outcome]) -> int:
    return max(len([h for h in o.history if not h.get("partial")]) for o in outcomes)


def _overfit_sentence(o: Outcome) -> str:
    val, train = o.series("val_loss"), o.series("loss")
    n = len(val)
    finite = [(i, v) for i, v in enumerate(val, start=1) if v is not None and math.isfinite(v)]
    if not finite:
        return "The run recorded no validation loss, so there is nothing to compare."
    best_epoch, best = min(finite, key=lambda iv: iv[1])
    turn = turn_up_epoch(val)
    if turn is None:
        return (
            f"Validation loss was still at its lowest ({best:.3f}) at the last epoch, {best_epoch}: within these "
            f"{n} epochs the network never started to over-fit."
        )
    return (
        f"Validation loss fell to its lowest, {best:.3f}, at epoch {best_epoch} and turned upward at epoch {turn}, "
        f"reaching {val[-1]:.3f} at epoch {n} while training loss kept falling from {train[best_epoch - 1]:.3f} "
        f"to {train[-1]:.3f}. Before epoch {best_epoch} more training still helped (under-fitting); after it the "
        "network fitted its own training images ever more closely at the expense of new ones (over-fitting)."
    )


def _batch_sentence(outcomes: Sequence[Outcome]) -> str:
    parts = []
    for o in outcomes:
        secs = "-" if o.seconds is None else f"{o.seconds:.2f} s"
        jump = "-" if o.noise is None else f"{o.noise:.3f}"
        parts.append(
            f"{o.name} took {secs} per epoch for {o.steps_per_epoch:,} updates, its loss jumping by {jump} "
            f"from batch to batch, and reached {_pct(o.last('val_accuracy'))} validation accuracy"
        )
    return f"After {_epochs(outcomes)} epochs, " + "; ".join(parts) + "."


def _extra(o: Outcome, facts: Sequence[str]) -> str:
    out = []
    if "macs" in facts:
        out.append(f"{o.macs:,} multiply-adds per image")
    if "seconds" in facts and o.seconds is not None:
        out.append(f"{o.seconds:.2f} s per epoch")
    return f" ({', '.join(out)})" if out else ""


def _compare_sentence(exp: Experiment, outcomes: Sequence[Outcome]) -> str:
    parts = [
        f"{o.name} reached {_pct(o.last('val_accuracy'))} validation accuracy{_extra(o, exp.facts)}" for o in outcomes
    ]
    text = f"After {_epochs(outcomes)} epochs, " + "; ".join(parts) + "."
    scored = sorted((o for o in outcomes if o.last("val_accuracy") is not None), key=lambda o: -o.last("val_accuracy"))
    if len(scored) >= 2:
        gap = (scored[0].last("val_accuracy") - scored[1].last("val_accuracy")) * 100
        text += f" Best: {scored[0].name}, {gap:.1f} percentage points ahead of {scored[1].name}."
    near = [o.name for o in outcomes if o.last("val_accuracy") is not None and o.last("val_accuracy") < 2 * CHANCE]
    if near:
        who = "they" if len(near) > 1 else "it"
        text += f" {_cap(' and '.join(near))} ended near the {CHANCE:.0%} that guessing gets: {who} learned next to nothing."
    for o in outcomes:
        if o.diverged_at is not None:
            text += (
                f" {_cap(o.name)}: the loss became NaN (not a number) in epoch {o.diverged_at}, so training stopped."
            )
    return text


def summary(exp: Experiment, outcomes: Sequence[Outcome]) -> str:
    """One sentence comparing the variants' measured numbers (every number from `outcomes`)."""
    if exp.chart == CHART_LOSS_GAP:
        return _overfit_sentence(outcomes[0])
    if exp.chart == CHART_BATCH:
        return _batch_sentence(outcomes)
    return _compare_sentence(exp, outcomes)


def improved_text(rec, network: str, seed_test_accuracy: float) -> str:
    """One sentence on the improved preset's recorded run (cnn_core.improved_record), from its numbers."""
    best = max(rec.test_accuracy)
    minutes = rec.seconds[-1] / 60
    if rec.reached:
        head = (
            f"The Improved preset ({network}) reached {rec.test_accuracy[-1]:.2%} test accuracy after "
            f"{rec.epochs} epochs"
        )
    else:
        head = (
            f"The Improved preset ({network}) did not reach {TARGET:.1%} within {rec.epochs} epochs (best {best:.2%})"
        )
    return (
        f"{head} on all {N_TRAIN:,} training images: {minutes:.0f} minutes of training in {rec.precision} on "
        f"{rec.machine} (recorded {rec.date} by bench/bench_improved.py). The shipped seed network scores "
        f"{seed_test_accuracy:.2%}. Batch normalisation keeps each layer's numbers at a steady size, so "
        "the steps can stay large; dropout stops the bigger network from memorising the training images. "
        "Pick 'preset: improved' in the Network box to train it yourself (longer than a guided experiment)."
    )
