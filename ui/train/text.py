"""Q32-Q37 answered in our own words, with the numbers of the learner's own run (the shipped model's before it)."""

from __future__ import annotations

import streamlit as st

from cnn_core import jobs
from cnn_core.data import N_TEST
from cnn_core.experiment_results import outcome, summary, turn_up_epoch
from cnn_core.experiments import EXPERIMENTS, next_step, progress
from cnn_core.precision import PRECISION_ENV, choose
from cnn_core.run_numbers import RunNumbers, of_job, of_shipped
from ui.train import figures as charts
from ui.train.inputs import LOSS_NAMES

BFLOAT16 = (
    "Trains in **bfloat16**: 16-bit numbers that keep float32's range (the same 8 exponent bits) but only "
    "8 bits of precision, so each multiply-add is half the work. The weights stay float32, and every number "
    "on Evaluate and Draw is computed in float32."
)
FLOAT32 = "Trains in **float32** (32-bit numbers)."


def precision_note(job: jobs.Job | None = None) -> str:
    """One line on the number format training computes in and why: the run's, or the next run's."""
    if job is not None and job.precision:
        name, reason = job.precision, job.precision_reason
    else:
        chosen = choose()
        name, reason = chosen.name, chosen.reason
    head = BFLOAT16 if name == "bfloat16" else FLOAT32
    why = "Why" if name == "bfloat16" else "Why not bfloat16"
    return f"{head} {why}: {reason} (Set {PRECISION_ENV} to choose.)"


def _pct(x) -> str:
    return "-" if x is None else f"{x:.2%}"


def _key(x) -> float:
    return -1.0 if x is None else x


@st.cache_resource(show_spinner=False)
def _shipped() -> RunNumbers:
    return of_shipped()


def answer_numbers(job: jobs.Job | None) -> RunNumbers:
    """The run whose numbers the answers quote: `job` once it has a finished epoch, else the shipped model."""
    return of_job(job) if job is not None and job.history else _shipped()


def answers_heading(job: jobs.Job | None) -> str:
    n = answer_numbers(job)
    return f"Questions, answered with {n.label if n.shipped else 'this run'}'s numbers"


def _loss_comparison(runs: dict) -> str | None:
    """The loss experiment's result sentence once both its runs finished, else None."""
    exp = EXPERIMENTS["loss"]
    steps = progress(exp, runs)
    if next_step(steps) is not None:
        return None
    return summary(exp, [outcome(s) for s in steps])


def answers(job: jobs.Job | None, runs: dict) -> None:
    """Six short answers; every number comes from `job` (the run on screen) once it has finished an epoch,
    before that from the shipped model's recorded training, and from the learner's runs."""
    n = answer_numbers(job)
    h, r = n.history, n.recipe
    last = h[-1] if h else {}
    who = n.label  # "Run 3" or "the shipped model"
    who_ = who[:1].upper() + who[1:]  # at the start of a sentence
    if n.shipped:
        st.caption(
            "Until your own run has finished an epoch, these answers quote the shipped model: the seed network "
            f"trained on {r.train_size:,} images for {len(h)} epochs (its recorded training history). "
            "After your run they quote your run."
        )
    with st.expander("Q32. Which loss function should we choose?", expanded=False):
        st.markdown(
            "For picking one class out of ten, use **categorical cross-entropy**: it is minus the log of the "
            "probability the network gave the right digit, so a confident wrong answer costs a lot and a "
            "confident right answer costs almost nothing. Mean squared error treats the ten outputs like "
            "unrelated numbers and its gradient fades once a softmax output saturates, so it learns slower."
        )
        st.markdown(f"{who_} was trained with **{LOSS_NAMES.get(r.loss, r.loss)}**.")
        measured = _loss_comparison(runs)
        if measured is not None:
            st.markdown(f"Measured by the guided experiment '{EXPERIMENTS['loss'].title}': {measured}")
        else:
            by_loss = {}
            for j in runs.values():
                if j.history:
                    by_loss.setdefault(j.recipe.loss, []).append(j.history[-1].get("val_accuracy"))
            if len(by_loss) > 1:
                st.markdown(
                    "In your runs: "
                    + "; ".join(
                        f"{loss.replace('_', ' ')} runs reached validation accuracy {_pct(max(v, key=_key))}"
                        for loss, v in by_loss.items()
                    )
                    + "."
                )
            st.caption(
                f"Run the guided experiment '{EXPERIMENTS['loss'].title}' above to measure the two side by side."
            )
    with st.expander("Q33. Why train for more than one epoch?"):
        st.markdown(
            "One epoch lets every training image nudge the weights once; that is rarely enough to settle. "
            "Each further pass refines the same weights, until validation accuracy stops rising "
            "(then more epochs only memorise the training set)."
        )
        if h:
            st.markdown(
                f"{who_}'s validation accuracy per epoch: "
                + ", ".join(f"epoch {e['epoch']}: {_pct(e.get('val_accuracy'))}" for e in h)
                + "."
            )
    with st.expander("Q34. What batch size should we use?"):
        st.markdown(
            f"A batch is how many images are averaged before one weight update. {who_} used {r.batch_size} "
            f"images per batch, so one epoch over its {n.n_fit:,} training images (what is left after holding "
            f"back {r.validation_split:.0%} for validation) took **{n.steps_per_epoch:,} updates**. Smaller "
            "batches give more, noisier steps; larger ones fewer, smoother steps that use the processor better. "
            "32-128 is a common start."
        )
    with st.expander("Q35. Which weights did the network learn for kernel #31 of layer 1?"):
        if n.filters >= 31:
            w = n.kernel(30)
            rows = ["[" + ", ".join(f"{v:+.3f}" for v in row) + "]" for row in w]
            where = "" if n.shipped else " (see the grid above: the slider shows it at every epoch)"
            st.markdown(
                "Training learns the kernels themselves: they start random and gradient descent reshapes "
                f"them into stroke and edge detectors. After training, {who}'s kernel #31 holds: "
                f"`{'  '.join(rows)}`{where}."
            )
        else:
            st.markdown(
                f"{who_}'s first layer has {n.filters} kernels, fewer than 31; pick any kernel in the grid above."
            )
    with st.expander("Q36. How does the validation loss change with the epochs?"):
        vl = [e.get("val_loss") for e in h]
        turn = turn_up_epoch(vl)
        measured = f"{who_}: " + ", ".join(f"{v:.4f}" for v in vl if v is not None) + ". "
        measured += f"It turned upward at epoch {turn}." if turn is not None else "It never turned upward."
        st.markdown(
            "It should fall epoch after epoch; if it turns back up while the training loss keeps falling, "
            "the network has started to over-fit (the guided experiment on under- and over-fitting shows it). "
            + measured
        )
        if n.shipped:
            st.plotly_chart(charts.epoch_curves([n], names=[who]), key="answers-shipped-curves")
            st.caption(f"{who_}'s recorded training, per epoch. " + charts.curves_key(1))
        else:
            st.caption("The per-epoch chart above draws it: " + charts.curves_key(1))
    with st.expander("Q37. How does the validation accuracy change with the epochs?"):
        st.markdown(
            "It is the share of the held-back images the network gets right, and usually climbs fast and then "
            "levels off. "
            + _val_accuracy_path(n.history)
            + f"{who_} ended "
            + (
                f"at {_pct(last.get('val_accuracy'))} on validation and "
                if last.get("val_accuracy") is not None and not last.get("partial")
                else "before its last validation pass (cancelled) and "
            )
            + (
                f"{_pct(n.test_accuracy)} on the {N_TEST:,} test images."
                if n.test_accuracy is not None
                else f"was not scored on the {N_TEST:,} test images (a cancelled run is scored only when you ask)."
            )
        )


def _val_accuracy_path(history: list[dict]) -> str:
    """Q37 in numbers: the validation accuracy after each full epoch, and the largest gain."""
    acc = [
        (h["epoch"], h["val_accuracy"]) for h in history if h.get("val_accuracy") is not None and not h.get("partial")
    ]
    if len(acc) < 2:
        return ""
    steps = ", ".join(f"epoch {e}: {_pct(a)}" for e, a in acc)
    gains = [(acc[i][0], acc[i][1] - acc[i - 1][1]) for i in range(1, len(acc))]
    e_best, g_best = max(gains, key=lambda eg: eg[1])
    return (
        f"Epoch by epoch: {steps}. The largest gain after the first epoch came at epoch {e_best} "
        f"({g_best * 100:+.2f} points); the last epoch added {gains[-1][1] * 100:+.2f}. "
    )
