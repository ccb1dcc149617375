"""Q32-Q37 answered in our own words, with the numbers of the learner's own run."""

from __future__ import annotations

import streamlit as st

from cnn_core import jobs
from cnn_core.data import N_TEST
from cnn_core.precision import PRECISION_ENV, choose

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


def answers(job: jobs.Job, runs: dict) -> None:
    """Six short answers; every number comes from `job` (the run on screen) or the session's runs."""
    h = job.history
    r = job.recipe
    last = h[-1] if h else {}
    with st.expander("Q32. Which loss function should we choose?", expanded=False):
        st.markdown(
            "For picking one class out of ten, use **categorical cross-entropy**: it is minus the log of the "
            "probability the network gave the right digit, so a confident wrong answer costs a lot and a "
            "confident right answer costs almost nothing. Mean squared error treats the ten outputs like "
            "unrelated numbers and its gradient fades once a softmax output saturates, so it learns slower."
        )
        by_loss = {}
        for j in runs.values():
            if j.history:
                by_loss.setdefault(j.recipe.loss, []).append(j.history[-1].get("val_accuracy"))
        if len(by_loss) > 1:
            st.markdown(
                "In this session: "
                + "; ".join(
                    f"{loss.replace('_', ' ')} runs reached validation accuracy {_pct(max(v))}"
                    for loss, v in by_loss.items()
                )
                + "."
            )
        else:
            st.caption("Start a second run with mean squared error to compare the two in the runs table.")
    with st.expander("Q33. Why train for more than one epoch?"):
        st.markdown(
            "One epoch lets every training image nudge the weights once; that is rarely enough to settle. "
            "Each further pass refines the same weights, until validation accuracy stops rising "
            "(then more epochs only memorise the training set)."
        )
        if h:
            st.markdown(
                "This run's validation accuracy per epoch: "
                + ", ".join(f"epoch {e['epoch']}: {_pct(e.get('val_accuracy'))}" for e in h)
                + "."
            )
    with st.expander("Q34. What batch size should we use?"):
        st.markdown(
            f"A batch is how many images are averaged before one weight update. This run used {r.batch_size} "
            f"images per batch, so one epoch over its {job.n_train:,} images (minus {r.validation_split:.0%} "
            f"for validation) took **{job.steps_per_epoch:,} updates**. Smaller batches give more, noisier "
            "steps; larger ones fewer, smoother steps that use the processor better. 32-128 is a common start."
        )
    with st.expander("Q35. Which weights did the network learn for kernel #31 of layer 1?"):
        if job.kernels and job.kernels[-1].shape[-1] >= 31:
            w = job.kernel(len(job.kernels) - 1, 30)
            rows = ["[" + ", ".join(f"{v:+.3f}" for v in row) + "]" for row in w]
            st.markdown(
                "Training learns the kernels themselves: they start random and gradient descent reshapes "
                f"them into stroke and edge detectors. After this run, kernel #31 holds: `{'  '.join(rows)}` "
                "(see the grid above: the slider shows it at every epoch)."
            )
        else:
            st.markdown("This network's first layer has fewer than 31 kernels; pick any kernel in the grid above.")
    with st.expander("Q36. How does the validation loss change with the epochs?"):
        vl = [e.get("val_loss") for e in h]
        st.markdown(
            "The solid line of the per-epoch loss chart (the dashed one is the training loss). "
            "It should fall epoch after epoch; if it turns "
            "back up while the training loss keeps falling, the network has started to overfit. "
            + ("This run: " + ", ".join(f"{v:.4f}" for v in vl if v is not None) + "." if vl else "")
        )
    with st.expander("Q37. How does the validation accuracy change with the epochs?"):
        st.markdown(
            "The solid line of the per-epoch accuracy chart (the dashed one is training): "
            "the share of the held-back images the "
            "network gets right. This run ended "
            + (
                f"at {_pct(last.get('val_accuracy'))} on validation and "
                if last.get("val_accuracy") is not None
                else "before its last validation pass (cancelled) and "
            )
            + (
                f"{_pct(job.test_accuracy)} on the {N_TEST:,} test images."
                if job.scored
                else f"was not scored on the {N_TEST:,} test images (a cancelled run is scored only when you ask)."
            )
        )
