"""Guided experiments: the article's "ways to improve" as short lists of runs to compare (no TensorFlow).

An experiment is a few variants, each an exact (Architecture, TrainingRecipe) pair. A learner's runs
are matched to the variants by that pair alone, so an experiment's progress is read from the runs
themselves and survives reloads; a variant trained for one experiment counts in every experiment
that has it (the small network with the base recipe is in two). The measurements and the one-sentence
results are in `cnn_core.experiment_results`.

    exp = EXPERIMENTS["pooling"]
    steps = progress(exp, runs)          # runs: {run_id: cnn_core.jobs.Job}
    i = next_step(steps)                 # index of the next variant to train, None when all finished
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from cnn_core import jobs
from cnn_core.architecture import PRESETS, Architecture, TrainingRecipe
from cnn_core.costs import training_estimate
from cnn_core.formulas import batches_per_epoch, layer_table

# What a run costs beyond its epochs' arithmetic: building the network, TensorFlow tracing the training
# step during the first epoch, saving the weights and scoring the test images. bench/bench_experiments.py
# measures whole experiments against expected_seconds (about 2 s per run on the 2-core server).
RUN_OVERHEAD_SECONDS = 2.0

BASE_NAME = "small"
BASE_ARCH = PRESETS[BASE_NAME]
BASE = TrainingRecipe(epochs=5, batch_size=32, train_size=2000)  # Adam, learning rate 0.001, cross-entropy

# What the charts plot and which measurements the result sentence quotes (experiment_results).
CHART_LOSS_GAP = "loss_gap"  # one run: training vs validation loss per epoch
CHART_VAL_ACCURACY = "val_accuracy"  # each variant's validation accuracy per epoch
CHART_BATCH = "batch"  # seconds per epoch, and the per-batch loss of the last epoch


@dataclass(frozen=True)
class Variant:
    """One run of an experiment: its name in the status list and chart, and exactly what it trains."""

    name: str
    arch: Architecture
    recipe: TrainingRecipe

    def matches(self, job) -> bool:
        """True when `job` trained exactly this network with exactly this recipe."""
        return job.arch == self.arch and job.recipe == self.recipe

    @property
    def n_fit(self) -> int:
        """Training images left after the validation split."""
        return self.recipe.train_size - int(self.recipe.train_size * self.recipe.validation_split)

    @property
    def steps_per_epoch(self) -> int:
        return batches_per_epoch(self.recipe.train_size, self.recipe.batch_size, self.recipe.validation_split)


@dataclass(frozen=True)
class Experiment:
    key: str
    title: str
    tests: str  # what it tests, in two or three sentences
    watch: str  # what to look at while it runs and after
    variants: tuple[Variant, ...]
    chart: str  # one of the CHART_* names
    facts: tuple[str, ...] = ()  # extra measurements the result sentence quotes: "macs", "seconds"


def _pools(arch: Architecture, pool: str) -> Architecture:
    return replace(arch, conv_blocks=tuple(replace(b, pool=pool) for b in arch.conv_blocks))


def _strided(arch: Architecture, stride: int) -> Architecture:
    """Each conv block that pools steps `stride` pixels instead and drops its pooling: the convolution itself
    shrinks the map. Blocks without pooling stay as they are."""
    blocks = tuple(b if b.pool == "none" else replace(b, stride=stride, pool="none") for b in arch.conv_blocks)
    return replace(arch, conv_blocks=blocks)


def _overfit() -> Experiment:
    r = BASE.with_(epochs=20)
    v = Variant(f"{r.train_size:,} images, {r.epochs} epochs", BASE_ARCH, r)
    return Experiment(
        "overfit",
        "Under- and over-fitting: few images, many epochs",
        f"The {BASE_NAME} network learns from only {v.n_fit:,} images (of {r.train_size:,}; the rest are held "
        f"back for validation) for {r.epochs} epochs. Early on it has not learned enough yet (under-fitting: "
        "both losses are high); later it starts fitting those particular images more closely than digits in "
        "general (over-fitting).",
        "The training loss and the validation loss per epoch. Watch for the epoch where validation loss stops "
        "falling and turns upward while training loss keeps going down.",
        (v,),
        CHART_LOSS_GAP,
    )


def _pooling() -> Experiment:
    variants = (Variant("max pooling", BASE_ARCH, BASE), Variant("average pooling", _pools(BASE_ARCH, "average"), BASE))
    return Experiment(
        "pooling",
        "Max or average pooling",
        f"Two copies of the {BASE_NAME} network that differ only in their pooling layers: one keeps the "
        "largest value of each window, the other the mean of the window.",
        "Validation accuracy per epoch of the two runs, and which ends higher.",
        variants,
        CHART_VAL_ACCURACY,
    )


def _stride() -> Experiment:
    stride, name = 2, "seed"  # the seed network: enough arithmetic per image for the saving to show in time
    arch = PRESETS[name]
    pooled = sum(b.pool != "none" for b in arch.conv_blocks)
    variants = (
        Variant("conv + max pooling", arch, BASE),
        Variant(f"stride-{stride} conv, no pooling", _strided(arch, stride), BASE),
    )
    return Experiment(
        "stride",
        f"A stride-{stride} convolution instead of pooling",
        f"The {name} network shrinks its maps with {pooled} pooling layers; the other variant drops them and lets "
        f"the convolution before each step {stride} pixels at a time instead, which shrinks the map as well and "
        "computes only the outputs it keeps.",
        "Validation accuracy per epoch, and in the result the multiply-adds per image and the seconds per epoch.",
        variants,
        CHART_VAL_ACCURACY,
        facts=("macs", "seconds"),
    )


def _learning_rate() -> Experiment:
    rates = {"too small": 1e-5, "about right": BASE.learning_rate, "too large": 0.1}
    variants = tuple(
        Variant(f"learning rate {lr:g} ({words})", BASE_ARCH, BASE.with_(learning_rate=lr))
        for words, lr in rates.items()
    )
    return Experiment(
        "learning_rate",
        "Learning rate: too small, about right, too large",
        f"The same network and data with {BASE.optimizer.capitalize()} at three learning rates (the size of "
        f"each step): {', '.join(f'{lr:g}' for lr in rates.values())}.",
        "Whether each run's validation accuracy climbs at all: a step too small barely moves the weights, one "
        "too large throws them about so the network ends no better than guessing.",
        variants,
        CHART_VAL_ACCURACY,
    )


def _batch() -> Experiment:
    recipe = BASE.with_(train_size=10_000, epochs=2)
    variants = tuple(
        Variant(f"batches of {b}", BASE_ARCH, recipe.with_(batch_size=b)) for b in (recipe.batch_size, 512)
    )
    return Experiment(
        "batch",
        "Batch size: small or large",
        f"The same network on {recipe.train_size:,} images for {recipe.epochs} epochs, averaging "
        f"{variants[0].recipe.batch_size} or {variants[1].recipe.batch_size} images per weight update "
        f"({variants[0].steps_per_epoch:,} or {variants[1].steps_per_epoch:,} updates per epoch).",
        "The seconds each epoch takes, how much the loss jumps from one batch to the next, and how far each run "
        "gets in the same number of epochs.",
        variants,
        CHART_BATCH,
    )


def _loss() -> Experiment:
    sgd = BASE.with_(optimizer="sgd", learning_rate=0.1)
    variants = tuple(
        Variant(name, BASE_ARCH, sgd.with_(loss=loss))
        for name, loss in (("cross-entropy", "categorical_crossentropy"), ("mean squared error", "mean_squared_error"))
    )
    return Experiment(
        "loss",
        "Loss: cross-entropy or mean squared error (Q32)",
        f"The same network trained with plain {sgd.optimizer.upper()} (learning rate {sgd.learning_rate:g}), once minimising "
        "cross-entropy and once the mean squared error between the ten probabilities and the one-hot label. "
        f"{sgd.optimizer.upper()}'s step is the gradient itself, so a loss whose gradient is small learns slowly.",
        "Validation accuracy per epoch. The two losses are on different scales, so compare accuracies, not losses.",
        variants,
        CHART_VAL_ACCURACY,
    )


EXPERIMENTS: dict[str, Experiment] = {
    e.key: e for e in (_overfit(), _pooling(), _stride(), _learning_rate(), _batch(), _loss())
}


def expected_seconds(exp: Experiment) -> float:
    """Training time of all of `exp`'s variants one after another on an idle server, from the layer
    table's cost estimate (cnn_core.costs.training_estimate) plus RUN_OVERHEAD_SECONDS per run."""
    return sum(
        training_estimate(layer_table(v.arch), v.recipe).epoch_seconds * v.recipe.epochs + RUN_OVERHEAD_SECONDS
        for v in exp.variants
    )


FINISHED = (jobs.DONE, jobs.NAN)  # a run whose loss became NaN is a result too: the step was too large


@dataclass(frozen=True)
class Step:
    """A variant and the latest run that trained exactly it (None before it has been started)."""

    variant: Variant
    run: jobs.Job | None

    @property
    def finished(self) -> bool:
        return self.run is not None and self.run.state in FINISHED

    @property
    def active(self) -> bool:
        """Queued or training now."""
        return self.run is not None and self.run.state not in jobs.TERMINAL


def progress(exp: Experiment, runs: dict) -> list[Step]:
    """Each variant of `exp` with its latest matching run among `runs` ({run_id: Job})."""
    ordered = sorted(runs.values(), key=lambda j: j.created)
    return [Step(v, next((j for j in reversed(ordered) if v.matches(j)), None)) for v in exp.variants]


def next_step(steps: list[Step]) -> int | None:
    """Index of the first variant without a finished run; None when every variant has one."""
    return next((i for i, s in enumerate(steps) if not s.finished), None)


def experiment_of(runs: dict) -> str | None:
    """The experiment the learner's latest run belongs to (one still unfinished first); None if none."""
    if not runs:
        return None
    latest = max(runs.values(), key=lambda j: j.created)
    mine = [e for e in EXPERIMENTS.values() if any(v.matches(latest) for v in e.variants)]
    unfinished = [e for e in mine if next_step(progress(e, runs)) is not None]
    pick = unfinished or mine
    return pick[0].key if pick else None
