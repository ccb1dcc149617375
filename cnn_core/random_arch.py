"""Seeded random architectures within the editor's limits, for tests and benchmarks."""

from __future__ import annotations

import random

from cnn_core.architecture import ACTIVATIONS, PADDINGS, POOLS, Architecture, ConvBlock, DenseLayer


def random_architecture(rng: random.Random, max_filters: int = 256, max_units: int = 1024) -> Architecture:
    """Any network the Architecture page can describe (valid or not): 1-4 blocks, 0-3 dense layers."""
    blocks = tuple(
        ConvBlock(
            filters=rng.randint(1, max_filters),
            kernel_size=rng.randint(1, 7),
            stride=rng.randint(1, 3),
            padding=rng.choice(PADDINGS),
            activation=rng.choice(ACTIVATIONS),
            pool=rng.choice(POOLS),
            pool_size=rng.randint(2, 3),
        )
        for _ in range(rng.randint(1, 4))
    )
    dense = tuple(DenseLayer(rng.randint(1, max_units), rng.choice(ACTIVATIONS)) for _ in range(rng.randint(0, 3)))
    return Architecture(conv_blocks=blocks, dense_layers=dense)
