"""Home page answers (Q1, Q3, Q4, Q5, Q17, Q42) in our own words; numbers come from the seed network,
the data module and the shipped model's records, never typed in."""

from __future__ import annotations

from cnn_core.architecture import SEED
from cnn_core.data import N_PIXELS, SIDE
from cnn_core.experiments import EXPERIMENTS, expected_seconds
from cnn_core.seed_facts import TrainingRecord

PRECOMPUTED = (
    "precomputed with the shipped seed model when the app was built, because this page runs without TensorFlow"
)


def purpose() -> str:
    return (
        f"A CNN turns a picture into a decision: here, which of ten digits a {SIDE}x{SIDE} image shows. Its goal in "
        "training is to find filter weights that make that decision right as often as possible on images it has "
        "never seen. It works on any data laid out on a grid where nearby values belong together."
    )


def objective(r: TrainingRecord) -> str:
    """Q17 with the shipped model's own record: the loss it lowered and the test accuracy it reached."""
    return (
        f"**The objective (Q17)** is a number to push down: the loss ({r.loss_name.replace('_', ' ')}), large when the "
        f"network is confidently wrong. Training the shipped model lowered it on the training images from "
        f"{r.loss[0]:.3f} after the first epoch to {r.loss[-1]:.3f} after epoch {r.epochs}."
    )


def how_it_works() -> str:
    first = SEED.conv_blocks[0]
    return (
        "Early layers slide small filters over the image and respond where they find a pattern: an edge, a "
        f"corner, a curve end. {first.pool.capitalize()} pooling ({first.pool_size}x{first.pool_size} here) shrinks the maps"
        + (", keeping the strongest response of each window. " if first.pool == "max" else ". ")
        + "Later layers combine "
        "simple patterns into parts of digits; the dense layers at the end weigh that evidence and output ten "
        "probabilities. Training adjusts every weight a little after each batch to reduce the error."
    )


ELSEWHERE = (
    "Reading medical scans, spotting defects on production lines, finding faces and cars in camera images, "
    "satellite maps, handwriting and document reading; and beyond pictures, spectrograms of speech and "
    "any signal with local structure."
)


def why_hard() -> str:
    return (
        "The same digit never looks the same twice: people write it at different sizes, slants, thicknesses and "
        f"positions, and a computer only sees {N_PIXELS} numbers, many of which change when the digit moves by a "
        "single pixel (try it below). A rule written by hand breaks on the next writer; a CNN learns features that "
        "survive many of these changes, though not all of them."
    )


GOOD_DATA = (
    "Good data and honest testing come first. The network learns only from examples, so they must be "
    "many, varied and cleaned the same way for training and for real use (the Draw page centres your digit "
    "the way MNIST digits are centred). Every change must then be judged on images the network never trained "
    "on, one change at a time, so you know which change helped."
)


def things_to_try() -> str:
    """The Train page's guided experiments, by name: each changes one thing and measures what it did."""
    names = "".join(
        f"\n- {e.title}: {len(e.variants)} runs, about {expected_seconds(e):.0f} s in all (estimated)"
        for e in EXPERIMENTS.values()
    )
    return (
        "Change one thing at a time and measure it on images the network never trained on. The Train "
        f"page's guided experiments do exactly that:{names}"
    )


def history_caption(r: TrainingRecord) -> str:
    """What the shipped model's accuracy curves say about judging on unseen images (numbers from its record)."""
    best = r.best_val_epoch
    text = (
        "Accuracy per epoch while the shipped model trained (its training record, shipped with it). On the images it trained "
        f"on it rose from {r.accuracy[0]:.2%} to {r.accuracy[-1]:.2%}; on the {r.n_validation:,} validation images "
        f"held out from training it went from {r.val_accuracy[0]:.2%} to {r.val_accuracy[-1]:.2%}, best after epoch "
        f"{best} ({r.val_accuracy[best - 1]:.2%})."
    )
    if best < r.epochs:
        text += (
            " The training score kept climbing after that while the held-out score did not: only unseen images tell."
        )
    if r.accuracy[0] < r.val_accuracy[0]:
        text += (
            " The first training score is lower because Keras averages it over the epoch while the weights are"
            " still changing; the held-out score is measured after the epoch."
        )
    return text + f" On the separate test set it scored {r.test_accuracy:.2%}."
