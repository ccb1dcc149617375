"""What one training run may cost the server: one limit and one sentence for size, estimates of memory
and time from the layer table, limits from the environment."""

from cnn_core import costs, settings
from cnn_core.architecture import PRESETS, SEED_RECIPE, Architecture, ConvBlock, DenseLayer
from cnn_core.formulas import layer_table
from cnn_core.nn.keras_check import check_with_keras

SEED = layer_table(PRESETS["seed"])
RECIPE = SEED_RECIPE.with_(train_size=60000)
# Three 256-filter convolutions that keep 28x28 ('same', no pooling): 1.2 million weights, but
# 602,112 numbers per image to keep for the backward pass.
WIDE = Architecture(
    conv_blocks=tuple(ConvBlock(256, 3, padding="same", pool="none") for _ in range(3)),
    dense_layers=(DenseLayer(10),),
)


def test_the_seed_network_is_trained():
    assert costs.training_refusal(SEED, RECIPE) is None
    est = costs.training_estimate(SEED, RECIPE)
    assert 5 < est.epoch_seconds < 60  # measured here: 12-13 s for 54,000 images
    assert 100 * 2**20 < est.memory_bytes < 2 * 2**30


def test_too_many_parameters_one_sentence_for_the_check_and_for_training():
    huge = layer_table(Architecture(conv_blocks=(ConvBlock(256, 3, pool="none"),), dense_layers=(DenseLayer(1024),)))
    sentence = costs.size_refusal(huge)
    assert huge.total_params > 170_000_000 and f"{huge.total_params:,} parameters" in sentence
    assert costs.training_refusal(huge, RECIPE) == sentence
    assert (
        check_with_keras(
            Architecture(conv_blocks=(ConvBlock(256, 3, pool="none"),), dense_layers=(DenseLayer(1024),))
        ).error
        == sentence
    )


def test_memory_estimate_refuses_a_wide_network_at_a_big_batch_and_says_the_estimate():
    table = layer_table(WIDE)
    assert costs.size_refusal(table) is None
    msg = costs.training_refusal(table, RECIPE.with_(batch_size=1024))
    est = costs.training_estimate(table, RECIPE.with_(batch_size=1024))
    assert est.memory_bytes > 7 * 2**30
    assert msg and f"{est.memory_bytes / 2**20:,.0f} MB" in msg and "2,048 MB" in msg


def test_time_estimate_refuses_and_says_it(monkeypatch):
    table = layer_table(WIDE)
    msg = costs.training_refusal(table, RECIPE.with_(batch_size=32))
    assert msg and "One epoch" in msg and "minutes" in msg and "per epoch" in msg
    assert costs.training_refusal(table, RECIPE.with_(batch_size=32, train_size=2000)) is None


def test_limits_come_from_the_environment(monkeypatch):
    monkeypatch.setenv(settings.MAX_EPOCH_SECONDS_ENV, "5")
    assert "5 seconds per epoch" in costs.training_refusal(SEED, RECIPE)
    monkeypatch.setenv(settings.MAX_PARAMS_ENV, "90000")
    assert "up to 90,000 parameters" in costs.training_refusal(SEED, RECIPE)
    monkeypatch.setenv(settings.MAX_TRAIN_MB_ENV, "nonsense")
    assert settings.max_train_bytes() == 2048 * 2**20
