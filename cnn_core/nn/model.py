"""Build, compile, save and load the Keras model described by an Architecture.

Imports TensorFlow/Keras: only pages and commands that need a real network use it.
Layer names match `cnn_core.formulas.layer_table`, so rows and layers pair by name.
"""

from __future__ import annotations

from pathlib import Path

import keras

from cnn_core.architecture import SEED, Architecture, TrainingRecipe

ASSETS = Path(__file__).resolve().parents[1] / "assets"  # cnn_core/assets
SHIPPED_MODEL = ASSETS / "seed_cnn.keras"
SHIPPED_INFO = ASSETS / "seed_cnn.json"

_OPTIMIZERS = {
    "adam": keras.optimizers.Adam,
    "sgd": keras.optimizers.SGD,
    "rmsprop": keras.optimizers.RMSprop,
    "adagrad": keras.optimizers.Adagrad,
    "adadelta": keras.optimizers.Adadelta,
    "nadam": keras.optimizers.Nadam,
}


def make_optimizer(recipe: TrainingRecipe) -> keras.optimizers.Optimizer:
    """The Keras optimizer of `recipe`, with its learning rate and its own constants (momentum, betas, ...)."""
    return _OPTIMIZERS[recipe.optimizer](learning_rate=recipe.learning_rate, **recipe.optimizer_constants())


def build_model(arch: Architecture = SEED, precision: str = "float32") -> keras.Sequential:
    """The uncompiled Keras model for `arch` (weights freshly initialised).

    precision "bfloat16" gives every hidden layer Keras' "mixed_bfloat16" policy (weights stay
    float32, the multiply-adds run in bfloat16) and keeps the output layer in float32, so the
    probabilities and the loss are computed exactly. The policies are set per layer, never with
    Keras' process-wide `set_dtype_policy`: the server builds models on several threads at once.
    A block's optional layers are named after it: block1_norm (BatchNormalization), block1_drop
    (Dropout after the pooling), dense1_norm, dense1_drop.
    """
    policy = {"float32": "float32", "bfloat16": "mixed_bfloat16"}[precision]
    layers: list = [keras.Input(shape=arch.input_shape, name="image")]

    def regularise(layer, prefix: str, batch_norm: bool, dropout: float, pool=None) -> None:
        # BatchNormalization computes its statistics in float32 even under the mixed policy (Keras casts)
        layers.append(layer)
        if batch_norm:
            layers.append(keras.layers.BatchNormalization(name=f"{prefix}norm", dtype=policy))
        if pool is not None:
            layers.append(pool)
        if dropout > 0:
            layers.append(keras.layers.Dropout(dropout, name=f"{prefix}drop", dtype=policy))

    for i, b in enumerate(arch.conv_blocks, start=1):
        conv = keras.layers.Conv2D(
            b.filters,
            b.kernel_size,
            strides=b.stride,
            padding=b.padding,
            activation=b.activation,
            name=f"conv{i}",
            dtype=policy,
        )
        pool_layer = {"max": keras.layers.MaxPooling2D, "average": keras.layers.AveragePooling2D}.get(b.pool)
        pool = pool_layer(b.pool_size, name=f"pool{i}", dtype=policy) if pool_layer else None
        regularise(conv, f"block{i}_", b.batch_norm, b.dropout, pool)
    layers.append(keras.layers.Flatten(name="flatten", dtype=policy))
    for j, d in enumerate(arch.dense_layers, start=1):
        dense = keras.layers.Dense(d.units, activation=d.activation, name=f"dense{j}", dtype=policy)
        regularise(dense, f"dense{j}_", d.batch_norm, d.dropout)
    layers.append(keras.layers.Dense(arch.num_classes, activation="softmax", name="output", dtype="float32"))
    return keras.Sequential(layers, name="cnn")


def as_float32(model: keras.Model, arch: Architecture) -> keras.Model:
    """A float32 copy of a (possibly mixed-precision) model of `arch`, with the same float32 weights.

    What the learner reads (test accuracy, feature maps, saliency, a downloaded .keras file) comes
    from this copy, so it is exact and loads on any machine, with or without bfloat16.
    """
    if all(layer.compute_dtype == "float32" for layer in model.layers):
        return model
    copy = build_model(arch)
    copy.set_weights(model.get_weights())
    return copy


def compile_model(model: keras.Model, recipe: TrainingRecipe) -> keras.Model:
    """Attach the recipe's optimizer, loss and metrics to `model` (in place; returned for chaining)."""
    model.compile(
        optimizer=make_optimizer(recipe),
        loss=recipe.loss,
        metrics=list(recipe.metrics),
    )
    return model


class ModelFileError(RuntimeError):
    """A model file is missing or damaged; the message says which and what to do."""


def load_model(path: Path | str | None = None) -> keras.Model:
    """Load a `.keras` file (default: the shipped model) with Keras' safe_mode on (no code from the file).

    Raises ModelFileError when the file is missing or cannot be read as a Keras model.
    """
    path = Path(path or SHIPPED_MODEL)
    if not path.is_file():
        raise ModelFileError(f"The model file {path} is missing. Reinstall the app or retrain it (see README).")
    try:
        return keras.models.load_model(path, safe_mode=True)
    except Exception as e:  # noqa: BLE001 - zip, h5 and config errors all mean the same to a learner
        raise ModelFileError(
            f"The model file {path.name} is damaged and could not be loaded ({type(e).__name__}). "
            "Restore it from git or retrain it with `python -m cnn_core.nn.train` (see README)."
        ) from e
