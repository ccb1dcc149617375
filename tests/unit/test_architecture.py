"""The network's one set of limits, the random networks drawn within them, and MNIST's sizes as defaults."""

import random
from dataclasses import replace

import pytest

from cnn_core.architecture import LIMITS, PRESETS, SEED, SEED_RECIPE, Architecture, ConvBlock, DenseLayer
from cnn_core.data import N_CLASSES, N_TRAIN, SIDE
from cnn_core.random_arch import random_architecture


def test_the_seed_takes_mnist_sizes_from_the_data_module():
    assert SEED.input_shape == (SIDE, SIDE, 1) == (28, 28, 1)
    assert SEED.num_classes == N_CLASSES == 10
    assert SEED_RECIPE.train_size == N_TRAIN == 60000
    assert Architecture.from_dict({"conv_blocks": [], "dense_layers": []}).input_shape == (28, 28, 1)


def test_every_preset_is_within_the_limits():
    assert all(LIMITS.allows(a) for a in PRESETS.values())


@pytest.mark.parametrize(
    "arch",
    [
        replace(SEED, conv_blocks=(ConvBlock(257),)),
        replace(SEED, conv_blocks=(ConvBlock(0),)),
        replace(SEED, conv_blocks=(ConvBlock(8, kernel_size=8),)),
        replace(SEED, conv_blocks=(ConvBlock(8, stride=4),)),
        replace(SEED, conv_blocks=(ConvBlock(8, pool_size=4),)),
        replace(SEED, conv_blocks=(ConvBlock(8, padding="full"),)),
        replace(SEED, conv_blocks=(ConvBlock(8),) * 5),
        replace(SEED, conv_blocks=()),
        replace(SEED, dense_layers=(DenseLayer(1025),)),
        replace(SEED, dense_layers=(DenseLayer(8, "softplus"),)),
        replace(SEED, dense_layers=(DenseLayer(8),) * 4),
        replace(SEED, conv_blocks=(ConvBlock(8, dropout=0.9),)),
        replace(SEED, dense_layers=(DenseLayer(8, dropout=-0.1),)),
    ],
)
def test_limits_refuse_what_the_editor_does_not_offer(arch):
    assert not LIMITS.allows(arch)


def test_random_networks_stay_within_the_limits_and_reach_both_ends():
    rng = random.Random(7)
    archs = [random_architecture(rng) for _ in range(3000)]
    assert all(LIMITS.allows(a) for a in archs)
    blocks = [b for a in archs for b in a.conv_blocks]
    for name in ("filters", "kernel_size", "stride"):
        seen = {getattr(b, name) for b in blocks}
        lo, hi = getattr(LIMITS, name)
        assert lo in seen and hi in seen, name
    assert {len(a.conv_blocks) for a in archs} == set(range(LIMITS.conv_blocks[0], LIMITS.conv_blocks[1] + 1))
    assert {len(a.dense_layers) for a in archs} == set(range(LIMITS.dense_layers[0], LIMITS.dense_layers[1] + 1))
    assert {b.pool_size for b in blocks} == set(LIMITS.pool_sizes)


def test_random_networks_can_be_kept_small():
    rng = random.Random(1)
    archs = [random_architecture(rng, max_filters=64, max_units=256) for _ in range(500)]
    assert max(b.filters for a in archs for b in a.conv_blocks) <= 64
    assert max((d.units for a in archs for d in a.dense_layers), default=0) <= 256
