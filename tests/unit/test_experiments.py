"""Guided experiments (cnn_core.experiments, cnn_core.experiment_results) on synthetic runs, and the
shipped model's numbers for the Train page's answers (cnn_core.run_numbers)."""

from __future__ import annotations

import json
import math
import re
from dataclasses import replace

import numpy as np
import pytest

from cnn_core import jobs
from cnn_core.architecture import LIMITS
from cnn_core.costs import training_estimate, training_refusal
from cnn_core.experiment_results import (
    CHANCE,
    Outcome,
    batch_losses,
    curve_noise,
    epoch_durations,
    outcome,
    seconds_per_epoch,
    summary,
    turn_up_epoch,
)
from cnn_core.experiments import (
    EXPERIMENTS,
    RUN_OVERHEAD_SECONDS,
    expected_seconds,
    experiment_of,
    next_step,
    progress,
)
from cnn_core.formulas import layer_table

# -- the maths -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "val, expected",
    [
        ([1.0, 0.8, 0.6, 0.65, 0.7], 4),
        ([1.0, 0.8, 0.6, 0.5, 0.4], None),  # still falling at the end: never turned
        ([0.9, 0.5, 0.5, 0.5, 0.7], 5),  # equal to the lowest is not a rise
        ([1.0, 0.7, 0.8, 0.4, 0.45], 5),  # a rise before the lowest does not count
        ([None, 0.5, float("nan"), 0.6], 4),  # missing and NaN epochs are skipped
        ([], None),
    ],
)
def test_turn_up_epoch(val, expected):
    assert turn_up_epoch(val) == expected


def test_epoch_durations_and_the_typical_epoch_leaves_out_the_first():
    d = epoch_durations(10.0, [13.0, 14.0, 15.5, 16.4])
    assert d == pytest.approx([3.0, 1.0, 1.5, 0.9])
    assert seconds_per_epoch(d) == pytest.approx(1.0)  # median of 1.0, 1.5, 0.9
    assert seconds_per_epoch([2.5]) == 2.5 and seconds_per_epoch([]) is None


def _running_means(per_batch: list[list[float]]) -> list[tuple[int, int, float]]:
    """What Keras reports: after batch b of epoch e, the mean loss of batches 1..b of that epoch."""
    return [
        (e, b, float(np.mean(losses[:b]))) for e, losses in enumerate(per_batch, 1) for b in range(1, len(losses) + 1)
    ]


def test_batch_losses_are_recovered_from_the_running_mean():
    rng = np.random.default_rng(0)
    truth = [list(rng.uniform(0.2, 2.0, 7)), list(rng.uniform(0.1, 1.0, 5))]
    got = batch_losses(_running_means(truth))
    assert [e for e, _ in got] == [1] * 7 + [2] * 5
    assert [v for _, v in got] == pytest.approx(truth[0] + truth[1])


def test_a_thinned_curve_gives_the_mean_of_each_gap():
    losses = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0]
    every_other = [p for p in _running_means([losses]) if p[1] % 2 == 0]  # batches 2, 4, 6 kept
    assert [v for _, v in batch_losses(every_other)] == pytest.approx([1.5, 3.5, 5.5])


def test_curve_noise_measures_the_jumps_not_the_trend():
    rng = np.random.default_rng(1)
    trend = np.linspace(2.0, 0.5, 400)
    noisy, calm = trend + rng.normal(0, 0.2, 400), trend + rng.normal(0, 0.02, 400)
    assert curve_noise(noisy) == pytest.approx(0.2 * math.sqrt(2), rel=0.1)  # differences of iid noise
    assert curve_noise(calm) < curve_noise(noisy) / 5
    assert curve_noise(trend) == pytest.approx(0.0, abs=1e-9)  # a straight fall has no noise
    assert curve_noise([1.0, 2.0]) is None


# -- experiments and the learner's runs ---------------------------------------------------------


def _job(variant, state=jobs.DONE, created=0.0, history=None, **changes) -> jobs.Job:
    j = jobs.Job(jobs.new_job_id(), variant.arch, replace(variant.recipe, **changes), state=state, created=created)
    j.history = history or [{"epoch": 1, "val_accuracy": 0.5, "val_loss": 1.0, "loss": 1.2, "accuracy": 0.4}]
    return j


def test_runs_match_variants_by_their_exact_network_and_recipe():
    exp = EXPERIMENTS["pooling"]
    first, second = exp.variants
    other_seed = _job(first, seed=1, created=1)
    runs = {j.id: j for j in (other_seed,)}
    assert [s.run for s in progress(exp, runs)] == [None, None]
    assert next_step(progress(exp, runs)) == 0
    old, new = _job(first, created=2), _job(first, state=jobs.RUNNING, created=3)
    runs.update({old.id: old, new.id: new})
    steps = progress(exp, runs)
    assert steps[0].run is new and steps[0].active and not steps[0].finished  # the latest matching run
    new.state = jobs.DONE
    assert next_step(progress(exp, runs)) == 1
    b = _job(second, state=jobs.NAN, created=4)  # a loss that became NaN is a result too
    runs[b.id] = b
    assert next_step(progress(exp, runs)) is None
    b.state = jobs.CANCELLED
    assert next_step(progress(exp, runs)) == 1


def test_experiment_of_the_latest_run_prefers_one_still_unfinished():
    pooling, rates = EXPERIMENTS["pooling"], EXPERIMENTS["learning_rate"]
    shared = pooling.variants[0]
    assert any((v.arch, v.recipe) == (shared.arch, shared.recipe) for v in rates.variants)  # counts in both
    avg = _job(pooling.variants[1], created=1)
    base = _job(shared, created=2)
    runs = {avg.id: avg, base.id: base}
    assert experiment_of(runs) == "learning_rate"  # pooling is complete; the learning rates are not
    assert experiment_of({}) is None
    assert experiment_of({avg.id: avg}) == "pooling"


@pytest.mark.parametrize("key", list(EXPERIMENTS))
def test_every_experiment_is_trainable_here_and_quick_enough_for_a_class(key):
    exp = EXPERIMENTS[key]
    assert exp.variants and exp.title and exp.tests and exp.watch
    for v in exp.variants:
        table = layer_table(v.arch)
        assert table.valid and LIMITS.allows(v.arch), v.name
        assert training_refusal(table, v.recipe) is None, v.name
    assert len({(v.arch, v.recipe) for v in exp.variants}) == len(exp.variants)  # variants differ
    manual = sum(
        training_estimate(layer_table(v.arch), v.recipe).epoch_seconds * v.recipe.epochs + RUN_OVERHEAD_SECONDS
        for v in exp.variants
    )
    assert expected_seconds(exp) == pytest.approx(manual)
    assert expected_seconds(exp) < 60  # measured against this by bench/bench_experiments.py


def test_the_experiments_the_issue_asks_for_differ_in_the_setting_they_test():
    def differs(exp, field):
        values = {getattr(v.recipe, field) for v in exp.variants}
        return len(values) == len(exp.variants)

    pools = [{b.pool for b in v.arch.conv_blocks} for v in EXPERIMENTS["pooling"].variants]
    assert pools == [{"max"}, {"average"}]
    pooled, strided = (v.arch.conv_blocks for v in EXPERIMENTS["stride"].variants)
    for p, s in zip(pooled, strided, strict=True):  # each pooling layer becomes a stride-2 convolution
        assert (s.stride, s.pool) == ((2, "none") if p.pool != "none" else (p.stride, p.pool))
        assert replace(s, stride=p.stride, pool=p.pool) == p  # and nothing else changes
    assert differs(EXPERIMENTS["learning_rate"], "learning_rate") and len(EXPERIMENTS["learning_rate"].variants) == 3
    assert differs(EXPERIMENTS["batch"], "batch_size")
    assert {v.recipe.loss for v in EXPERIMENTS["loss"].variants} == {"categorical_crossentropy", "mean_squared_error"}
    (overfit,) = EXPERIMENTS["overfit"].variants
    assert overfit.recipe.train_size == 2000 and overfit.recipe.epochs >= 15


# -- measurements and sentences -------------------------------------------------------------------


def _history(val_acc, val_loss=None, loss=None):
    n = len(val_acc)
    val_loss = val_loss or [1.0 / (e + 1) for e in range(n)]
    loss = loss or [1.2 / (e + 1) for e in range(n)]
    return [
        {"epoch": e + 1, "val_accuracy": val_acc[e], "val_loss": val_loss[e], "loss": loss[e], "accuracy": 0.5}
        for e in range(n)
    ]


def _outcome(name, val_acc, **kw):
    base = dict(
        name=name,
        history=tuple(_history(val_acc)),
        epoch_seconds=(),
        last_epoch_losses=(),
        steps_per_epoch=57,
        macs=1000,
        diverged_at=None,
    )
    return Outcome(**{**base, **kw})


def test_the_overfit_sentence_names_the_epochs_from_the_numbers():
    val = [0.9, 0.5, 0.3, 0.25, 0.27, 0.31]
    loss = [1.0, 0.6, 0.4, 0.3, 0.2, 0.1]
    o = _outcome("2,000 images", [0.5] * 6, history=tuple(_history([0.5] * 6, val, loss)))
    text = summary(EXPERIMENTS["overfit"], [o])
    assert "lowest, 0.250, at epoch 4" in text and "turned upward at epoch 5" in text
    assert "0.310 at epoch 6" in text and "from 0.300" in text and "to 0.100" in text
    falling = _outcome("x", [0.5] * 3, history=tuple(_history([0.5] * 3, [0.9, 0.5, 0.4], loss[:3])))
    assert "never started to over-fit" in summary(EXPERIMENTS["overfit"], [falling])


def test_the_comparison_sentence_quotes_each_variant_and_the_gap():
    exp = EXPERIMENTS["learning_rate"]
    a, b, c = (v.name for v in exp.variants)
    outs = [_outcome(a, [0.06, 0.07]), _outcome(b, [0.8, 0.935]), _outcome(c, [0.1, 0.095])]
    text = summary(exp, outs)
    assert f"{b} reached 93.5% validation accuracy" in text and f"{a} reached 7.0%" in text
    assert f"Best: {b}, 84.0 percentage points ahead of {c}" in text
    assert f"{a[0].upper()}{a[1:]} and {c} ended near the {CHANCE:.0%}" in text
    outs[2] = replace(outs[2], diverged_at=2)
    assert "became NaN (not a number) in epoch 2" in summary(exp, outs)


def test_the_stride_sentence_adds_work_and_time():
    exp = EXPERIMENTS["stride"]
    outs = [
        _outcome(exp.variants[0].name, [0.9], macs=201184, epoch_seconds=(2.0, 0.40, 0.44)),
        _outcome(exp.variants[1].name, [0.88], macs=72392, epoch_seconds=(2.0, 0.30, 0.34)),
    ]
    text = summary(exp, outs)
    assert "201,184 multiply-adds per image, 0.42 s per epoch" in text
    assert "72,392 multiply-adds per image, 0.32 s per epoch" in text


def test_the_batch_sentence_quotes_time_updates_and_noise():
    exp = EXPERIMENTS["batch"]
    small = _outcome("batches of 32", [0.9, 0.95], epoch_seconds=(3.0, 1.7), last_epoch_losses=(0.3, 0.6, 0.2, 0.5))
    large = _outcome("batches of 512", [0.6, 0.77], epoch_seconds=(2.0, 0.8), last_epoch_losses=(1.5, 1.48, 1.46))
    small, large = replace(small, steps_per_epoch=282), replace(large, steps_per_epoch=18)
    text = summary(exp, [small, large])
    assert f"batches of 32 took 1.70 s per epoch for 282 updates, its loss jumping by {small.noise:.3f}" in text
    assert f"batches of 512 took 0.80 s per epoch for 18 updates, its loss jumping by {large.noise:.3f}" in text
    assert "95.0%" in text and "77.0%" in text and large.noise < small.noise


def test_outcome_reads_a_runs_events():
    exp = EXPERIMENTS["batch"]
    v = exp.variants[0]
    job = _job(v, history=_history([0.9, 0.95]))
    job.steps_per_epoch = 3
    per_batch = [[2.0, 1.8, 1.9], [1.0, 1.4, 0.9]]
    job.events = [jobs.Event(0, "start", time=5.0)]
    for e, b, m in _running_means(per_batch):
        job.events.append(jobs.Event(len(job.events), "batch", e, b, {"loss": m}, time=5.0 + e + b / 10))
        if b == 3:
            job.events.append(jobs.Event(len(job.events), "epoch", e, b, {}, time=[8.0, 9.5][e - 1]))
    (step,) = [s for s in progress(exp, {job.id: job}) if s.run is job]
    o = outcome(step)
    assert o.epoch_seconds == pytest.approx((3.0, 1.5)) and o.seconds == pytest.approx(1.5)
    assert o.last_epoch_losses == pytest.approx((1.0, 1.4, 0.9))
    assert o.macs == layer_table(v.arch).total_macs and o.steps_per_epoch == 3 and o.diverged_at is None


# -- the shipped model's numbers ------------------------------------------------------------------


def test_the_shipped_numbers_are_the_recorded_ones():
    from cnn_core.formulas import batches_per_epoch
    from cnn_core.run_numbers import of_shipped
    from cnn_core.seed_facts import RECORD_PATH, load_facts

    d = json.loads(RECORD_PATH.read_text())
    n = of_shipped()
    assert n.shipped and [e["val_loss"] for e in n.history] == d["history"]["val_loss"]
    assert [e["epoch"] for e in n.history] == list(range(1, len(d["history"]["loss"]) + 1))
    assert n.recipe.batch_size == d["recipe"]["batch_size"] and n.test_accuracy == d["test_accuracy"]
    r = d["recipe"]
    assert n.steps_per_epoch == batches_per_epoch(r["train_size"], r["batch_size"], r["validation_split"])
    assert np.array_equal(n.kernel(30), load_facts().conv1_kernel[:, :, 0, 30])
    assert re.fullmatch(r"[a-z ]+", n.label)
