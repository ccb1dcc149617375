"""The Train page's guided experiments: pick one, read what it tests, start it, follow its variants, compare.

An experiment's progress is read from this learner's runs (cnn_core.experiments.progress matches each
variant's exact network and recipe), so a reload or another tab shows the same. The session that
started an experiment also starts each next variant by itself when the previous one has finished:
the progress fragment reruns the whole page when a run ends, and `section` then starts the next.
"""

from __future__ import annotations

import streamlit as st

from cnn_core import jobs
from cnn_core.architecture import PRESETS, Architecture
from cnn_core.experiment_results import improved_text, outcome, summary
from cnn_core.experiments import (
    EXPERIMENTS,
    Experiment,
    Step,
    Variant,
    expected_seconds,
    experiment_of,
    next_step,
    progress,
)
from cnn_core.formulas import layer_table
from cnn_core.improved_record import load_record as load_improved
from cnn_core.seed_facts import load_record as load_seed_record
from cnn_core.store.runs import AlreadyTraining
from ui import models, state, training
from ui.errors import plain
from ui.train import experiment_figures as figs
from ui.train import inputs

PICK = "experiment_pick"  # the experiment shown
ACTIVE = "experiment_active"  # key of the experiment this session runs: its next variant starts by itself
START, NEXT = "Start this experiment", "Run the next variant"


def network_text(arch: Architecture) -> str:
    """The network in a few words, read from its blocks, e.g. '8 filters 3x3, max pool 2; ...; dense 32'."""
    parts = []
    for b in arch.conv_blocks:
        conv = f"{b.filters} filters {b.kernel_size}x{b.kernel_size}" + (f" stride {b.stride}" if b.stride > 1 else "")
        conv += ", batch norm" if b.batch_norm else ""
        conv += "" if b.pool == "none" else f", {b.pool} pool {b.pool_size}"
        parts.append(conv + (f", dropout {b.dropout:g}" if b.dropout else ""))
    for d in arch.dense_layers:
        parts.append(
            f"dense {d.units}"
            + (", batch norm" if d.batch_norm else "")
            + (f", dropout {d.dropout:g}" if d.dropout else "")
        )
    return "; ".join(parts)


def settings_text(v: Variant) -> str:
    r = v.recipe
    return (
        f"{settings_text_of(v.arch)}; "
        f"{inputs.OPTIMIZER_NAMES[r.optimizer]}, learning rate {r.learning_rate:g}, "
        f"{inputs.LOSS_NAMES[r.loss]}, batches of {r.batch_size}, {r.epochs} epochs on {r.train_size:,} images"
    )


def widget_values(v: Variant) -> dict:
    """The Train page's widget values (ui.train.inputs keys) that describe `v` exactly."""
    r = v.recipe
    values = {
        "train_optimizer": r.optimizer,
        "train_lr": r.learning_rate,
        "train_loss": r.loss,
        "train_epochs": r.epochs,
        "train_batch": r.batch_size,
        "train_val": r.validation_split,
        "train_size": r.train_size,
        "train_seed": r.seed,
        **{f"train_{name}": getattr(r, name) for name in inputs.CONSTANTS},
    }
    preset = next((name for name, arch in PRESETS.items() if arch == v.arch), None)
    values["train_network"] = preset or inputs.FROM_ARCH_PAGE
    return values


def fill(v: Variant) -> None:
    """Put `v`'s settings in the Train page's widgets on the next page run.

    The widgets may already be drawn in this run (their state cannot be set then), so their keys are
    removed and the saved values changed: inputs.keep_settings gives the widgets the saved values again.
    A network that is not a preset goes where the Architecture page keeps the learner's network.
    """
    values = widget_values(v)
    if values["train_network"] == inputs.FROM_ARCH_PAGE:
        st.session_state[state.ARCHITECTURE] = v.arch
    saved = dict(st.session_state.get(inputs.SAVED, inputs.DEFAULTS))
    saved.update(values)
    st.session_state[inputs.SAVED] = saved
    for key in values:
        if key in st.session_state:
            del st.session_state[key]


def _start(exp: Experiment, i: int) -> None:
    """Start variant `i` of `exp` for this learner, fill in its settings and redraw the page."""
    from ui.resources import mnist_with_progress_bar

    mnist = mnist_with_progress_bar()
    if mnist is None:
        return
    v = exp.variants[i]
    try:
        training.start(v.arch, v.recipe, mnist)
    except (jobs.TooCostly, AlreadyTraining) as e:
        st.session_state.pop(ACTIVE, None)
        st.error(plain(e), icon=":material/block:")
        return
    fill(v)
    st.session_state[ACTIVE] = exp.key
    st.rerun()


def _continue(runs: dict) -> None:
    """Start the active experiment's next variant when the previous one has finished and nothing else runs."""
    exp = EXPERIMENTS.get(st.session_state.get(ACTIVE))
    if exp is None:
        return
    steps = progress(exp, runs)
    i = next_step(steps)
    latest = max(runs.values(), key=lambda j: j.created) if runs else None
    ours = latest is not None and any(v.matches(latest) for v in exp.variants)
    if i is None or not ours or (steps[i].run is not None and not steps[i].active):
        st.session_state.pop(ACTIVE, None)  # done, the learner trained something else, or a variant stopped
    elif steps[i].run is None and not training.busy():
        _start(exp, i)


def status_line(n: int, s: Step) -> str:
    run = s.run
    head = f"{n}. **{s.variant.name}**: "
    if run is None:
        return head + "not trained yet."
    name = plain(run.label.split(":")[0])
    if run.state == jobs.QUEUED:
        return head + f"waiting in the server's queue ({name})."
    if run.state == jobs.RUNNING:
        return head + f"training now ({name})."
    if run.state == jobs.DONE:
        last = run.history[-1] if run.history else {}
        acc = last.get("val_accuracy")
        acc_text = "-" if acc is None else f"{acc:.1%}"
        return (
            head
            + f"done ({name}, {run.elapsed():.0f} s): {acc_text} validation accuracy after {len(run.history)} epochs."
        )
    if run.state == jobs.NAN:
        return head + f"done ({name}): its loss became NaN (not a number), so it stopped early; that is its result."
    return head + f"stopped ({name}: {run.state}); press '{NEXT}' to train it again."


def _pick(runs: dict) -> Experiment:
    if st.session_state.get(PICK) not in EXPERIMENTS:
        st.session_state[PICK] = st.session_state.get(ACTIVE) or experiment_of(runs) or next(iter(EXPERIMENTS))
    key = st.selectbox("Experiment", list(EXPERIMENTS), format_func=lambda k: EXPERIMENTS[k].title, key=PICK)
    return EXPERIMENTS[key]


def _results(exp: Experiment, steps: list[Step]) -> None:
    """The one chart and the one sentence, from every variant's run read with its curve and times."""
    outcomes = [outcome(s, training.load(s.run.id) or s.run) for s in steps]
    st.plotly_chart(figs.figure(exp, outcomes), key=f"experiment-{exp.key}")
    st.caption(figs.caption(exp, outcomes))
    st.markdown(f"**Result:** {summary(exp, outcomes)}")  # our own words and numbers


def _after_this(exp: Experiment, steps: list[Step]) -> str:
    """What happens when the variant training now finishes."""
    if sum(not s.finished for s in steps) == 1:
        return "The chart and the result appear here when it finishes."
    if st.session_state.get(ACTIVE) == exp.key:
        return "The next variant starts by itself when this one finishes."
    return f"When it finishes, press '{NEXT}'."


def section() -> None:
    """The 'Guided experiments' expander of the Train page."""
    if st.session_state.get(ACTIVE):
        models.forget_runs()  # a run may have ended a moment ago: read the runs afresh before continuing
    runs = models.runs()
    _continue(runs)
    busy_with_one = st.session_state.get(ACTIVE) is not None or experiment_of(runs) is not None
    with st.expander("Guided experiments: ways to improve a network, as runs you can compare", expanded=busy_with_one):
        _experiment(runs)
        _improved()


def _improved() -> None:
    """Beyond the experiments: the improved preset's recorded run to 99.5% (bench/bench_improved.py)."""
    rec = load_improved()
    if rec is None:
        return
    st.markdown("**Further: batch normalisation and dropout, on all 60,000 images**")
    seed = load_seed_record().test_accuracy
    st.plotly_chart(figs.improved_record(rec, seed), key="experiment-improved-record")
    st.caption(improved_text(rec, settings_text_of(PRESETS["improved"]), seed))


def settings_text_of(arch: Architecture) -> str:
    return f"{network_text(arch)} ({layer_table(arch).total_params:,} weights)"


def _experiment(runs: dict) -> None:
    """One guided experiment: what it tests, its variants' state, its start button or its result."""
    exp = _pick(runs)
    st.markdown(exp.tests)
    st.markdown(f"**What to watch:** {exp.watch}")
    n = len(exp.variants)
    st.caption(
        (f"{n} runs, one after another" if n > 1 else "One run")
        + f"; about {expected_seconds(exp):.0f} s of training on "
        "this server when no one else's run is waiting (estimated from each network's multiply-adds; the "
        "server trains one run at a time, so in a class they queue). Starting fills in the settings above"
        + (
            f"; a network that is no preset goes in the Network box as '{inputs.FROM_ARCH_PAGE}'."
            if any(widget_values(v)["train_network"] == inputs.FROM_ARCH_PAGE for v in exp.variants)
            else "."
        )
    )
    steps = progress(exp, runs)
    st.markdown("\n".join(status_line(k, s) + f"  \n   {settings_text(s.variant)}" for k, s in enumerate(steps, 1)))
    i = next_step(steps)
    if i is None:
        _results(exp, steps)
        return
    if any(s.active for s in steps):
        st.caption(_after_this(exp, steps))
        return
    label = NEXT if any(s.run is not None for s in steps) else START
    busy = training.busy()
    if st.button(
        label,
        key="experiment_start",
        icon=":material/science:",
        disabled=busy,
        help="Your run in progress must finish first: one run at a time." if busy else None,
    ):
        _start(exp, i)
