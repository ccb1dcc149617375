"""The network and the training recipe, as data: one dataclass each, with presets.

Every page that needs the seed network or its recipe takes it from here, so the
numbers a learner sees (95,082 parameters, batch 64, ...) have one source.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields, replace

from cnn_core.data import N_CLASSES, N_TRAIN, SIDE

ACTIVATIONS = ("relu", "tanh", "sigmoid", "elu", "linear")
PADDINGS = ("valid", "same")
POOLS = ("max", "average", "none")
OPTIMIZERS = ("adam", "sgd", "rmsprop", "adagrad", "adadelta", "nadam")
LOSSES = ("categorical_crossentropy", "mean_squared_error")


@dataclass(frozen=True)
class ConvBlock:
    """A Conv2D layer, optionally followed by batch normalisation, a pooling layer (pool stride =
    pool size) and dropout, in that order."""

    filters: int = 32
    kernel_size: int = 3
    stride: int = 1
    padding: str = "valid"
    activation: str = "relu"
    pool: str = "max"
    pool_size: int = 2
    batch_norm: bool = False  # BatchNormalization after the activation
    dropout: float = 0.0  # fraction of the block's outputs zeroed at random while training


@dataclass(frozen=True)
class DenseLayer:
    """A hidden fully connected layer, optionally followed by batch normalisation and dropout."""

    units: int = 64
    activation: str = "relu"
    batch_norm: bool = False
    dropout: float = 0.0


@dataclass(frozen=True)
class Architecture:
    """Conv blocks, then Flatten, then hidden dense layers, then a softmax output."""

    conv_blocks: tuple[ConvBlock, ...] = (
        ConvBlock(32, 3, pool="max"),
        ConvBlock(64, 3, pool="max"),
        ConvBlock(64, 3, pool="none"),
    )
    dense_layers: tuple[DenseLayer, ...] = (DenseLayer(64), DenseLayer(32))
    input_shape: tuple[int, int, int] = (SIDE, SIDE, 1)
    num_classes: int = N_CLASSES

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict) -> Architecture:
        return cls(
            conv_blocks=tuple(ConvBlock(**b) for b in d["conv_blocks"]),
            dense_layers=tuple(DenseLayer(**x) for x in d["dense_layers"]),
            input_shape=tuple(d.get("input_shape", (SIDE, SIDE, 1))),
            num_classes=int(d.get("num_classes", N_CLASSES)),
        )


SEED = Architecture()


@dataclass(frozen=True)
class Limits:
    """What a learner may choose in the Architecture editor (inclusive ranges): the one definition
    the editor's widgets, `random_arch` and `allows` share. A network within them may still be
    impossible (a map shrinking below its kernel): that is `formulas.layer_table`'s to say."""

    conv_blocks: tuple[int, int] = (1, 4)
    dense_layers: tuple[int, int] = (0, 3)  # hidden ones; the softmax output is always there
    filters: tuple[int, int] = (1, 256)
    kernel_size: tuple[int, int] = (1, 7)
    stride: tuple[int, int] = (1, 3)
    pool_sizes: tuple[int, ...] = (2, 3)
    units: tuple[int, int] = (1, 1024)
    dropout: tuple[float, float] = (0.0, 0.8)  # a rate of 1 would drop everything

    def allows(self, arch: Architecture) -> bool:
        """Whether every choice in `arch` is one the editor offers."""

        def within(v: float, lo_hi: tuple[float, float]) -> bool:
            return lo_hi[0] <= v <= lo_hi[1]

        blocks_ok = all(
            within(b.filters, self.filters)
            and within(b.kernel_size, self.kernel_size)
            and within(b.stride, self.stride)
            and b.pool_size in self.pool_sizes
            and b.padding in PADDINGS
            and b.activation in ACTIVATIONS
            and b.pool in POOLS
            and isinstance(b.batch_norm, bool)
            and within(b.dropout, self.dropout)
            for b in arch.conv_blocks
        )
        dense_ok = all(
            within(d.units, self.units)
            and d.activation in ACTIVATIONS
            and isinstance(d.batch_norm, bool)
            and within(d.dropout, self.dropout)
            for d in arch.dense_layers
        )
        counts_ok = within(len(arch.conv_blocks), self.conv_blocks) and within(
            len(arch.dense_layers), self.dense_layers
        )
        return blocks_ok and dense_ok and counts_ok


LIMITS = Limits()

PRESETS: dict[str, Architecture] = {
    "seed": SEED,
    "small": Architecture(
        conv_blocks=(ConvBlock(8, 3, pool="max"), ConvBlock(16, 3, pool="max")),
        dense_layers=(DenseLayer(32),),
    ),
    "wide": Architecture(
        conv_blocks=(
            ConvBlock(64, 3, pool="max"),
            ConvBlock(128, 3, pool="max"),
            ConvBlock(128, 3, pool="none"),
        ),
        dense_layers=(DenseLayer(128), DenseLayer(64)),
    ),
    # 'same' padding keeps the borders, so two 5x5 blocks can see whole strokes; batch norm steadies
    # the steps and dropout keeps the bigger network from memorising (bench/bench_improved.py: 99.5%).
    "improved": Architecture(
        conv_blocks=(
            ConvBlock(32, 5, padding="same", pool="max", batch_norm=True, dropout=0.25),
            ConvBlock(64, 5, padding="same", pool="max", batch_norm=True, dropout=0.25),
            ConvBlock(64, 3, padding="same", pool="max", batch_norm=True, dropout=0.25),
        ),
        dense_layers=(DenseLayer(128, batch_norm=True, dropout=0.5),),
    ),
}


# Each optimizer's own constants that a learner may set (Keras' argument names). The recipe holds
# all of them; an optimizer receives only its own, so changing beta_1 never touches an SGD run.
OPTIMIZER_CONSTANTS: dict[str, tuple[str, ...]] = {
    "adam": ("beta_1", "beta_2", "epsilon"),
    "sgd": ("momentum",),
    "rmsprop": ("rho", "epsilon"),
    "adagrad": ("epsilon",),
    "adadelta": ("epsilon",),
    "nadam": ("beta_1", "beta_2", "epsilon"),
}


@dataclass(frozen=True)
class TrainingRecipe:
    """How the network is trained (the seed article's recipe by default).

    momentum, rho, beta_1, beta_2 and epsilon default to Keras' own defaults
    (tests/unit/test_recipe.py reads them from Keras); `OPTIMIZER_CONSTANTS` says which optimizer uses which.
    """

    optimizer: str = "adam"
    learning_rate: float = 0.001
    loss: str = "categorical_crossentropy"
    epochs: int = 3
    batch_size: int = 64
    validation_split: float = 0.1
    train_size: int = N_TRAIN
    seed: int = 0
    metrics: tuple[str, ...] = field(default=("accuracy",))
    momentum: float = 0.0  # SGD: the fraction of the last step carried into the next
    rho: float = 0.9  # RMSprop: how slowly its average of squared gradients forgets
    beta_1: float = 0.9  # Adam, Nadam: how slowly the average of gradients forgets
    beta_2: float = 0.999  # Adam, Nadam: how slowly the average of squared gradients forgets
    epsilon: float = 1e-7  # added to a square root in the denominator, so it is never 0

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict) -> TrainingRecipe:
        """The recipe a `to_dict()` describes (e.g. read back from JSON, where tuples became lists).

        Unknown keys are ignored and missing ones take the defaults, so records written before or
        after a field was added still load.
        """
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in d.items() if k in known}
        if "metrics" in values:
            values["metrics"] = tuple(values["metrics"])
        return cls(**values)

    def optimizer_constants(self) -> dict[str, float]:
        """The constants this recipe's optimizer takes, by Keras argument name (e.g. {'momentum': 0.9})."""
        return {name: getattr(self, name) for name in OPTIMIZER_CONSTANTS[self.optimizer]}

    def with_(self, **changes) -> TrainingRecipe:
        return replace(self, **changes)


SEED_RECIPE = TrainingRecipe()
