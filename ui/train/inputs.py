"""The Train page's settings, each with a one-line why; returns plain (Architecture, TrainingRecipe).

The optimizer's own constants (momentum, rho, beta_1, beta_2, epsilon) sit in an "Advanced optimiser
settings" expander that shows only those of the chosen optimizer (`OPTIMIZER_CONSTANTS`).
"""

from __future__ import annotations

import streamlit as st

from cnn_core.architecture import (
    LOSSES,
    OPTIMIZER_CONSTANTS,
    OPTIMIZERS,
    PRESETS,
    SEED_RECIPE,
    Architecture,
    TrainingRecipe,
)
from cnn_core.costs import training_estimate, training_refusal
from cnn_core.data import N_TRAIN
from cnn_core.formulas import ArchitectureTable, batches_per_epoch, layer_table
from cnn_core.recipe_choices import (
    BATCH_SIZES,
    CONSTANT_CHOICES,
    EPOCHS,
    LEARNING_RATES,
    SEEDS,
    TRAIN_SIZE_DEFAULT,
    TRAIN_SIZES,
    VALIDATION,
)
from ui import address, state

FROM_ARCH_PAGE = "edited on the Architecture page"
OPTIMIZER_NAMES = {
    "adam": "Adam",
    "sgd": "SGD",
    "rmsprop": "RMSprop",
    "adagrad": "Adagrad",
    "adadelta": "Adadelta",
    "nadam": "Nadam",
}
LOSS_NAMES = {"categorical_crossentropy": "categorical cross-entropy", "mean_squared_error": "mean squared error"}
PAGE = "train"  # the page's name in lesson links (cnn_core.lesson_links)

# Each constant: its label, its choices (cnn_core.recipe_choices), and why a learner would move it.
CONSTANTS = {
    "momentum": (
        "Momentum",
        CONSTANT_CHOICES["momentum"],
        "the fraction of the last step carried into the next: 0 is plain gradient descent; near 1 the steps "
        "build speed along a valley's floor (watch it on the Optimisers page).",
    ),
    "rho": (
        "rho",
        CONSTANT_CHOICES["rho"],
        "how slowly RMSprop's average of squared gradients forgets; each weight's step is divided by its root.",
    ),
    "beta_1": (
        "beta_1",
        CONSTANT_CHOICES["beta_1"],
        "how slowly the average of gradients (the momentum-like part) forgets; 0 keeps only the last gradient.",
    ),
    "beta_2": (
        "beta_2",
        CONSTANT_CHOICES["beta_2"],
        "how slowly the average of squared gradients (the RMSprop-like part) forgets.",
    ),
    "epsilon": (
        "epsilon",
        CONSTANT_CHOICES["epsilon"],
        "a small number added to a square root in the step's denominator so it never divides by 0; "
        "a large one makes the step more like plain gradient descent.",
    ),
}


def architecture_picker() -> tuple[str, Architecture]:
    """The network to train: the one from the Architecture page when there is one, else a preset."""
    edited = st.session_state.get(state.ARCHITECTURE)
    options = ([FROM_ARCH_PAGE] if isinstance(edited, Architecture) else []) + list(PRESETS)
    if st.session_state.get("train_network") not in options:
        st.session_state["train_network"] = options[0]  # the edited network when there is one
    name = st.selectbox(
        "Network",
        options,
        format_func=lambda o: o if o == FROM_ARCH_PAGE else f"preset: {o}",
        help="Which layers to train; edit your own on the Architecture page.",
        key="train_network",
    )
    arch = edited if name == FROM_ARCH_PAGE else PRESETS[name]
    table = layer_table(arch)
    if table.valid:
        st.caption(f"Why: this is the network whose {table.total_params:,} weights training will learn.")
    return name, arch


def _why(text: str) -> None:
    st.caption(f"Why: {text}")


DEFAULTS = {
    "train_optimizer": SEED_RECIPE.optimizer,
    "train_lr": SEED_RECIPE.learning_rate,
    "train_loss": SEED_RECIPE.loss,
    "train_epochs": SEED_RECIPE.epochs,
    "train_batch": SEED_RECIPE.batch_size,
    "train_val": SEED_RECIPE.validation_split,
    "train_size": TRAIN_SIZE_DEFAULT,
    "train_seed": SEED_RECIPE.seed,
    **{f"train_{name}": getattr(SEED_RECIPE, name) for name in CONSTANTS},
}


SAVED = "train_saved_settings"


def keep_settings() -> None:
    """Give the widgets their last values: Streamlit deletes a widget's state when its page is left,
    so the values live on in a plain session key (see save_settings) and come back from there."""
    saved = st.session_state.setdefault(SAVED, dict(DEFAULTS))
    for key, value in {**DEFAULTS, **saved}.items():  # a setting added since the values were saved: its default
        if key not in st.session_state:
            st.session_state[key] = value


def save_settings() -> None:
    """Keep this run's values; a constant whose widget was hidden (another optimizer) keeps its saved value."""
    saved = dict(st.session_state.get(SAVED, {}))
    saved.update({k: st.session_state[k] for k in (*DEFAULTS, "train_network") if k in st.session_state})
    st.session_state[SAVED] = saved


def optimizer_constants(optimizer: str) -> dict[str, float]:
    """The expander with the chosen optimizer's own constants; returns all five (hidden ones as saved)."""
    names = OPTIMIZER_CONSTANTS[optimizer]
    with st.expander("Advanced optimiser settings"):
        st.caption(
            f"{OPTIMIZER_NAMES[optimizer]}'s own settings: {', '.join(names)}. They start at Keras' defaults and "
            "are recorded with each run; the Optimisers page shows what each one does on a 2-D valley."
        )
        for name in names:
            label, options, why = CONSTANTS[name]
            st.select_slider(
                label, options, format_func=lambda v: f"{v:g}", key=f"train_{name}", disabled=_locked(name)
            )
            _why(why)
    saved = st.session_state.get(SAVED, DEFAULTS)
    return {
        name: float(
            st.session_state[f"train_{name}"]
            if name in names
            else saved.get(f"train_{name}", DEFAULTS[f"train_{name}"])
        )
        for name in CONSTANTS
    }


def recipe_controls() -> TrainingRecipe:
    """Widgets for every field of the TrainingRecipe (call keep_settings() first), defaults from SEED_RECIPE."""
    c1, c2, c3 = st.columns(3)
    with c1:
        optimizer = st.selectbox(
            "Optimizer",
            OPTIMIZERS,
            format_func=OPTIMIZER_NAMES.get,
            key="train_optimizer",
            disabled=_locked("optimizer"),
        )
        _why("the rule that turns each batch's gradient into a weight update; compare them in the runs table.")
        lr = st.select_slider(
            "Learning rate", LEARNING_RATES, format_func=lambda v: f"{v:g}", key="train_lr", disabled=_locked("lr")
        )
        _why("the step size: too small learns slowly, too big overshoots (try 10 or 100 to see the loss blow up).")
        loss = st.selectbox("Loss", LOSSES, format_func=LOSS_NAMES.get, key="train_loss", disabled=_locked("loss"))
        _why("what training minimises; cross-entropy punishes a confident wrong answer hardest (Q32).")
        constants = optimizer_constants(optimizer)
    with c2:
        epochs = st.slider("Epochs", EPOCHS[0], EPOCHS[1], key="train_epochs", disabled=_locked("epochs"))
        _why("one epoch shows every training image once; more epochs keep improving until they overfit (Q33).")
        batch = st.select_slider("Batch size", BATCH_SIZES, key="train_batch", disabled=_locked("batch"))
        _why("images averaged per weight update: bigger is faster per image but takes fewer, smoother steps (Q34).")
        val = st.slider(
            "Validation split",
            VALIDATION[0],
            VALIDATION[1],
            step=VALIDATION[2],
            key="train_val",
            disabled=_locked("val"),
        )
        _why("images held back from training, to measure how well the network does on digits it never learned.")
    with c3:
        size = st.radio(
            "Training images",
            TRAIN_SIZES,
            horizontal=True,
            format_func=lambda n: f"{n:,}",
            key="train_size",
            disabled=_locked("size"),
        )
        _why(f"fewer images train faster for a quick class experiment; all {N_TRAIN:,} give the best network.")
        seed = st.number_input("Random seed", *SEEDS, step=1, key="train_seed", disabled=_locked("seed"))
        _why("fixes the starting weights and shuffling, so the same settings give the same run again.")
        steps = batches_per_epoch(size, batch, val)
        st.metric("Batches per epoch", f"{steps:,}", help="ceil(training images after the validation split / batch)")
        st.caption(
            f"{size:,} images with {val:.0%} held back for validation, in batches of {batch}: "
            f"{steps:,} weight updates per epoch, {steps * epochs:,} in {epochs} epoch(s)."
        )
    save_settings()
    return TrainingRecipe(
        optimizer=optimizer,
        learning_rate=float(lr),
        loss=loss,
        epochs=int(epochs),
        batch_size=int(batch),
        validation_split=float(val),
        train_size=int(size),
        seed=int(seed),
        **constants,
    )


# The address's names (cnn_core.lesson_links, page "train") -> the widgets' keys and the recipe's fields.
ADDRESS = {
    "optimizer": ("train_optimizer", "optimizer"),
    "lr": ("train_lr", "learning_rate"),
    "loss": ("train_loss", "loss"),
    "epochs": ("train_epochs", "epochs"),
    "batch": ("train_batch", "batch_size"),
    "val": ("train_val", "validation_split"),
    "size": ("train_size", "train_size"),
    "seed": ("train_seed", "seed"),
    **{name: (f"train_{name}", name) for name in CONSTANTS},
}


def _locked(name: str) -> bool:
    return address.locked(PAGE, name)


def apply_address(values: dict) -> list[str]:
    """A lesson link's recipe into the widgets (and their saved values) before they are drawn."""
    saved = st.session_state.setdefault(SAVED, dict(DEFAULTS))
    for name, (key, _) in ADDRESS.items():
        st.session_state[key] = saved[key] = values[name]
    return []


def address_values(recipe: TrainingRecipe) -> dict:
    """The recipe as the address holds it (cnn_core.lesson_links' names)."""
    return {name: getattr(recipe, field) for name, (_, field) in ADDRESS.items()}


def cost_note(table: ArchitectureTable, recipe: TrainingRecipe) -> bool:
    """The estimated memory and time of one epoch, or why this server refuses the run; True when refused."""
    refusal = training_refusal(table, recipe)
    if refusal:
        st.error(refusal, icon=":material/block:")
        return True
    est = training_estimate(table, recipe)
    st.caption(
        f"Estimated cost on this server: about {est.memory_bytes / 2**20:,.0f} MB of memory and "
        f"{est.epoch_seconds:,.{0 if est.epoch_seconds >= 10 else 1}f} s per epoch "
        f"({est.macs_per_example:,} multiply-adds per image)."
    )
    return False


def quick_run_hint() -> str:
    """The shortest run the controls allow, every number read from the options themselves."""
    n, e = TRAIN_SIZES[0], EPOCHS[0]
    return (
        f"For a quick first run, pick the smallest choices: {n:,} training images and {e} epoch{'s' if e != 1 else ''}."
    )
