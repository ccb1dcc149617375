"""The training recipe's optimizer constants: Keras' defaults, passed to the Keras optimizer, kept through JSON."""

import inspect
import json

import pytest

from cnn_core.architecture import OPTIMIZER_CONSTANTS, OPTIMIZERS, SEED_RECIPE, TrainingRecipe

keras = pytest.importorskip("keras")
model = pytest.importorskip("cnn_core.nn.model")

KERAS_CLASS = {
    "adam": keras.optimizers.Adam,
    "sgd": keras.optimizers.SGD,
    "rmsprop": keras.optimizers.RMSprop,
    "adagrad": keras.optimizers.Adagrad,
    "adadelta": keras.optimizers.Adadelta,
    "nadam": keras.optimizers.Nadam,
}


def test_every_optimizer_says_which_constants_it_takes():
    assert set(OPTIMIZER_CONSTANTS) == set(OPTIMIZERS) == set(KERAS_CLASS)


@pytest.mark.parametrize("name", OPTIMIZERS)
def test_recipe_defaults_are_keras_defaults(name):
    """Each constant's default is the one Keras' own optimizer has (read from its signature, not typed here)."""
    params = inspect.signature(KERAS_CLASS[name]).parameters
    for constant in OPTIMIZER_CONSTANTS[name]:
        assert getattr(SEED_RECIPE, constant) == params[constant].default, (name, constant)


@pytest.mark.parametrize(
    "recipe, expected",
    [
        (TrainingRecipe(optimizer="sgd", learning_rate=0.01, momentum=0.9), {"momentum": 0.9}),
        (
            TrainingRecipe(optimizer="adam", learning_rate=0.002, beta_1=0.8, beta_2=0.99, epsilon=1e-4),
            {"beta_1": 0.8, "beta_2": 0.99, "epsilon": 1e-4},
        ),
        (TrainingRecipe(optimizer="rmsprop", rho=0.7, epsilon=1e-5), {"rho": 0.7, "epsilon": 1e-5}),
        (
            TrainingRecipe(optimizer="nadam", beta_1=0.85, beta_2=0.98, epsilon=1e-6),
            {"beta_1": 0.85, "beta_2": 0.98, "epsilon": 1e-6},
        ),
        (TrainingRecipe(optimizer="adagrad", epsilon=1e-3), {"epsilon": 1e-3}),
        (TrainingRecipe(optimizer="adadelta", epsilon=1e-3), {"epsilon": 1e-3}),
    ],
    ids=lambda v: v.optimizer if isinstance(v, TrainingRecipe) else "",
)
def test_compiled_model_gets_the_recipes_constants(recipe, expected):
    m = model.compile_model(model.build_model(), recipe)
    opt = m.optimizer
    assert isinstance(opt, KERAS_CLASS[recipe.optimizer])
    assert float(opt.learning_rate.numpy()) == pytest.approx(recipe.learning_rate)
    for name, value in expected.items():
        assert getattr(opt, name) == pytest.approx(value), name


def test_sgd_momentum_zero_is_plain_gradient_descent():
    opt = model.make_optimizer(TrainingRecipe(optimizer="sgd"))
    assert opt.momentum == 0.0


def test_recipe_round_trips_through_json():
    r = TrainingRecipe(optimizer="sgd", learning_rate=0.1, momentum=0.95, epochs=2, metrics=("accuracy",))
    back = TrainingRecipe.from_dict(json.loads(json.dumps(r.to_dict())))
    assert back == r and isinstance(back.metrics, tuple)


def test_from_dict_ignores_unknown_keys_and_fills_missing_ones():
    old = {"optimizer": "adam", "learning_rate": 0.01, "nesterov": True}  # an older or newer record
    r = TrainingRecipe.from_dict(old)
    assert r.learning_rate == 0.01 and r.beta_2 == SEED_RECIPE.beta_2 and r.epochs == SEED_RECIPE.epochs
    assert TrainingRecipe.from_dict({}) == SEED_RECIPE
