"""The size and parameter formulas: the article's numbers, edge cases, and Keras' own figures.

The Keras half builds real models for every preset and for 200+ seeded random
valid architectures and compares output shapes and count_params() layer by layer.
"""

import math
import random
from dataclasses import replace

import pytest

from cnn_core.architecture import PRESETS, SEED, Architecture, ConvBlock, DenseLayer
from cnn_core.costs import activation_bytes, cost_split
from cnn_core.formulas import (
    batches_per_epoch,
    conv_output_size,
    conv_params,
    dense_params,
    layer_table,
    pool_output_size,
)
from cnn_core.nn.keras_check import check_with_keras, compare, keras_rows
from cnn_core.random_arch import random_architecture

# ---------------------------------------------------------------- the article's numbers


def test_seed_sizes_follow_the_article():
    assert conv_output_size(28, 3) == 26
    assert pool_output_size(26, 2) == 13
    assert conv_output_size(13, 3) == 11
    assert pool_output_size(11, 2) == 5
    assert conv_output_size(5, 3) == 3
    assert 3 * 3 * 64 == 576


def test_seed_parameter_counts_follow_the_article():
    assert conv_params(3, 1, 32) == 320
    assert conv_params(3, 32, 64) == 18_496
    assert conv_params(3, 64, 64) == 36_928
    assert dense_params(576, 64) == 36_928
    assert dense_params(64, 32) == 2_080
    assert dense_params(32, 10) == 330
    assert 320 + 18_496 + 36_928 + 36_928 + 2_080 + 330 == 95_082


def test_seed_table():
    t = layer_table(SEED)
    assert [r.name for r in t.rows] == [
        "conv1", "pool1", "conv2", "pool2", "conv3", "flatten", "dense1", "dense2", "output",
    ]  # fmt: skip
    assert [r.output_shape for r in t.rows] == [
        (26, 26, 32), (13, 13, 32), (11, 11, 64), (5, 5, 64), (3, 3, 64), (576,), (64,), (32,), (10,),
    ]  # fmt: skip
    assert [r.params for r in t.rows] == [320, 0, 18_496, 0, 36_928, 0, 36_928, 2_080, 330]
    assert t.total_params == 95_082
    assert t.valid and t.first_error is None
    by = {r.name: r for r in t.rows}
    assert by["conv1"].shape_formula.endswith("= 26")
    assert by["conv1"].params_formula == "3*3*1*32 + 32 = 320"
    assert by["dense1"].params_formula == "576*64 + 64 = 36,928"
    assert by["conv1"].macs == 26 * 26 * 3 * 3 * 1 * 32


# ---------------------------------------------------------------- unit cases


@pytest.mark.parametrize(
    "w, k, padding, stride, expected",
    [
        (28, 3, 0, 1, 26),
        (28, 3, "valid", 1, 26),
        (28, 3, 0, 2, 13),  # floor(25 / 2) + 1
        (28, 3, 0, 3, 9),
        (28, 5, 2, 1, 28),  # P = (K - 1) / 2 keeps the size
        (28, 3, "same", 1, 28),
        (28, 3, "same", 2, 14),
        (27, 4, "same", 2, 14),  # ceil(27 / 2)
        (28, 1, 0, 1, 28),
        (3, 7, 0, 1, -3),  # does not fit: the page explains, nothing raises
    ],
)
def test_conv_output_size(w, k, padding, stride, expected):
    assert conv_output_size(w, k, padding, stride) == expected


@pytest.mark.parametrize(
    "w, f, s, expected", [(26, 2, None, 13), (11, 2, None, 5), (13, 3, None, 4), (5, 2, 1, 4), (1, 2, None, 0)]
)
def test_pool_output_size(w, f, s, expected):
    assert pool_output_size(w, f, s) == expected


def test_conv_and_dense_params_general():
    assert conv_params(5, 3, 16) == 5 * 5 * 3 * 16 + 16
    assert conv_params(1, 1, 1) == 2
    assert dense_params(1, 1) == 2
    assert dense_params(0, 10) == 10


@pytest.mark.parametrize(
    "n, b, split, expected",
    [(60_000, 64, 0.0, 938), (60_000, 64, 0.1, 844), (54_000, 64, 0.0, 844), (100, 10, 0.0, 10), (101, 10, 0.0, 11)],
)
def test_batches_per_epoch(n, b, split, expected):
    assert batches_per_epoch(n, b, split) == expected


def test_costs():
    t = layer_table(SEED)
    assert activation_bytes(t)[0] == 26 * 26 * 32 * 4
    s = cost_split(t)
    assert s.conv_params + s.dense_params == pytest.approx(1.0)
    assert s.conv_macs > 0.9 > s.conv_params  # conv: few weights, most of the compute
    assert s.total_activation_bytes == 4 * sum(math.prod(r.output_shape) for r in t.rows)


# ---------------------------------------------------------------- invalid architectures

INVALID = [
    Architecture(conv_blocks=(ConvBlock(8, 7, pool="none"),) * 4),  # 28 -> 22 -> 16 -> 10 -> 4: fits
    Architecture(conv_blocks=(ConvBlock(8, 7, pool="max"),) * 3),  # 28 -> 22 -> 11 -> 5 -> 2 -> -4
    Architecture(conv_blocks=(ConvBlock(8, 3, stride=3, pool="max", pool_size=3),) * 4),
    Architecture(conv_blocks=(ConvBlock(4, 3, padding="same", pool="max", pool_size=3),) * 4),  # 28,9,3,1 -> pool 0
]


@pytest.mark.parametrize("arch", INVALID[1:])
def test_invalid_architectures_are_explained_not_raised(arch):
    t = layer_table(arch)
    assert not t.valid
    bad = t.first_error
    assert isinstance(bad.error, str) and bad.error.endswith(".") and len(bad.error) > 30
    assert bad.name in bad.error or "fit" in bad.error
    # rows after the broken one are still listed, with clipped (non-negative) shapes
    assert t.rows[-1].name == "output"
    assert all(d >= 0 for r in t.rows for d in r.output_shape)


def test_a_network_that_just_fits_is_valid():
    assert layer_table(INVALID[0]).valid


# ---------------------------------------------------------------- against Keras


@pytest.fixture(scope="module")
def keras():
    return pytest.importorskip("keras")


def _assert_same_as_keras(arch):
    table = layer_table(arch)
    rows, total = keras_rows(arch)
    assert [r.name for r in rows] == [r.name for r in table.rows]
    for ours, theirs in zip(table.rows, rows, strict=True):
        assert ours.kind == theirs.kind, ours.name
        assert ours.output_shape == theirs.output_shape, (ours.name, arch)
        assert ours.params == theirs.params, (ours.name, arch)
        assert (ours.trainable, ours.non_trainable) == (theirs.trainable, theirs.non_trainable), ours.name
    assert total == table.total_params
    assert compare(table, rows, total) == ()


@pytest.mark.parametrize("name", list(PRESETS))
def test_presets_match_keras(keras, name):
    _assert_same_as_keras(PRESETS[name])


def _random_sets(n_valid=200, n_invalid=40, seed=1234):
    rng = random.Random(seed)
    valid, invalid = [], []
    while len(valid) < n_valid or len(invalid) < n_invalid:
        arch = random_architecture(rng, max_filters=64, max_units=256)
        t = layer_table(arch)
        if t.valid and len(valid) < n_valid:
            valid.append(arch)
        elif not t.valid and len(invalid) < n_invalid:
            invalid.append(arch)
    return valid, invalid


def test_random_valid_architectures_match_keras(keras):
    valid, _ = _random_sets()
    assert len(valid) >= 200
    kinds = {(b.padding, b.pool, b.stride) for a in valid for b in a.conv_blocks}
    assert len(kinds) >= 15  # the sample really mixes padding, pooling and stride
    layers = [x for a in valid for x in (*a.conv_blocks, *a.dense_layers)]
    assert sum(x.batch_norm for x in layers) >= 50 and sum(x.dropout > 0 for x in layers) >= 50
    for i, arch in enumerate(valid):
        if i % 50 == 0:
            keras.backend.clear_session()
        _assert_same_as_keras(arch)


def test_random_invalid_architectures_keras_refuses_and_page_explains(keras):
    _, invalid = _random_sets()
    for arch in invalid:
        t = layer_table(arch)
        assert t.first_error.error
        with pytest.raises(ValueError):
            keras_rows(arch)
        check = check_with_keras(arch)  # the page's path: never raises
        assert check.error and not check.agrees


def test_wide_filters_still_match(keras):
    """The editor's upper limits (256 filters, 1024 units) on a network that stays small enough to build."""
    arch = Architecture(
        conv_blocks=(ConvBlock(256, 7, stride=3, pool="max", pool_size=3), ConvBlock(256, 1, pool="none")),
        dense_layers=(DenseLayer(1024, "tanh"),),
    )
    _assert_same_as_keras(arch)


def test_batch_norm_and_dropout_rows_match_keras(keras):
    """Batch norm: 4 numbers per channel, 2 of them (mean, variance) not trained; dropout: none, same shape."""
    block = ConvBlock(16, 3, padding="same", pool="max", batch_norm=True, dropout=0.25)
    arch = Architecture(conv_blocks=(block,), dense_layers=(DenseLayer(32, batch_norm=True, dropout=0.5),))
    table = layer_table(arch)
    names = [r.name for r in table.rows]
    assert names == [
        "conv1",
        "block1_norm",
        "pool1",
        "block1_drop",
        "flatten",
        "dense1",
        "dense1_norm",
        "dense1_drop",
        "output",
    ]
    norm = table.rows[1]
    assert (norm.params, norm.non_trainable, norm.output_shape) == (64, 32, (28, 28, 16))
    assert "2*16 learned" in norm.params_formula and norm.params_formula.endswith("= 64")
    assert table.rows[3].output_shape == (14, 14, 16) and table.rows[3].params == 0
    assert table.total_params - table.total_trainable == 2 * 16 + 2 * 32
    _assert_same_as_keras(arch)


def test_compare_reports_every_kind_of_disagreement():
    """The Keras comparison is not vacuous: doctored Keras rows give one sentence per difference."""
    from cnn_core.nn.keras_check import KerasRow

    t = layer_table(SEED)
    rows = [KerasRow(r.name, r.kind, r.output_shape, r.params, r.params, 0) for r in t.rows]
    assert compare(t, tuple(rows), t.total_params) == ()
    rows[0] = KerasRow("conv1", "Conv2D", (27, 27, 32), 321, 321, 0)
    rows[1] = KerasRow("pool1", "AveragePooling2D", (13, 13, 32), 0, 0, 0)
    out = compare(t, tuple(rows), t.total_params + 1)
    assert len(out) == 4
    assert any("output shape" in m for m in out) and any("321" in m for m in out)
    assert any("AveragePooling2D" in m for m in out) and out[-1].startswith("Total")
    assert "layers differ" in compare(t, tuple(rows[:-1]), t.total_params)[0]
    normed = layer_table(replace(SEED, conv_blocks=(ConvBlock(8, batch_norm=True),)))
    rows = [KerasRow(r.name, r.kind, r.output_shape, r.params, r.params, 0) for r in normed.rows]
    out = compare(normed, tuple(rows), normed.total_params)
    assert out == ("block1_norm: 16 non-trainable by formula, 0 in Keras.",)


def test_huge_networks_are_not_built():
    """The editor allows ~210 million weights; the check refuses politely instead of allocating 0.8 GB."""
    from cnn_core.nn.keras_check import MAX_PARAMS

    block = ConvBlock(256, 7, padding="same", pool="none")
    arch = Architecture(conv_blocks=(block,) * 4, dense_layers=(DenseLayer(1024),) * 3)
    assert layer_table(arch).total_params > MAX_PARAMS
    check = check_with_keras(arch)  # returns at once: no TensorFlow work
    assert not check.agrees and "parameters" in check.error and f"{MAX_PARAMS:,}" in check.error


# ---------------------------------------------------------------- one formula text, and Keras' 'same' padding


def test_formula_texts_come_from_one_owner_and_agree_with_the_values():
    from cnn_core import convolution, pooling
    from cnn_core.formulas import conv_size_text, pool_size_text, same_pads_text, shape_text

    assert conv_size_text(28, 3) == "floor((28 - 3 + 0) / 1) + 1 = 26"
    assert conv_size_text(28, 3, "same", 1) == "floor((28 - 3 + 2) / 1) + 1 = 28"
    assert conv_size_text(28, 3, "same", 2) == "floor((28 - 3 + 1) / 2) + 1 = 14"  # Keras pads 1 px, not K - 1
    assert conv_size_text(28, 5, 2, 1) == "floor((28 - 5 + 4) / 1) + 1 = 28"  # 2 px on each side
    assert pool_size_text(26, 2) == "floor((26 - 2) / 2) + 1 = 13"
    assert same_pads_text(28, 3, 2) == "'same' pads 1 px in total: 0 top/left, 1 bottom/right"
    assert shape_text((26, 26, 32)) == "26 x 26 x 32" and shape_text((576,)) == "576"
    # The Kernels page and the Architecture table write the same formula for the same layer.
    for s in (1, 2, 3):
        row = layer_table(Architecture(conv_blocks=(ConvBlock(8, 3, s, "same", pool="none"),))).rows[0]
        assert row.shape_formula.startswith(convolution.size_formula(28, 3, "zero", s))
        assert same_pads_text(28, 3, s) in row.shape_formula
    assert layer_table(SEED).rows[1].shape_formula == pool_size_text(26, 2)
    assert f"(output size {pool_size_text(2, 3, 3)})" in str(
        pytest.raises(pooling.BadPooling, pooling.pool2d, [[1, 2], [3, 4]], 3).value
    )


@pytest.mark.parametrize("n", [28, 27, 13, 5])
def test_same_padding_text_and_values_match_tensorflow(n):
    """For strides 1-3 and kernels 1-7: TensorFlow's 'SAME' output equals a 'VALID' convolution of the
    picture padded as formulas.same_pads says (so TF reads exactly those pixels), and the text says it."""
    import numpy as np
    import tensorflow as tf

    from cnn_core.formulas import conv_size_text, same_pads, same_pads_text

    rng = np.random.default_rng(n)
    x = rng.normal(size=(1, n, n, 1)).astype(np.float32)
    for s in (1, 2, 3):
        for k in range(1, 8):
            w = rng.normal(size=(k, k, 1, 1)).astype(np.float32)
            same = tf.nn.conv2d(x, w, strides=s, padding="SAME").numpy()
            before, after = same_pads(n, k, s)
            assert before + after == max((math.ceil(n / s) - 1) * s + k - n, 0) and after - before in (0, 1)
            padded = np.pad(x, ((0, 0), (before, after), (before, after), (0, 0)))
            explicit = tf.nn.conv2d(padded, w, strides=s, padding="VALID").numpy()
            np.testing.assert_allclose(same, explicit, rtol=1e-5, atol=1e-5)
            o = same.shape[1]
            assert o == conv_output_size(n, k, "same", s)
            assert conv_size_text(n, k, "same", s) == f"floor(({n} - {k} + {before + after}) / {s}) + 1 = {o}"
            assert f"pads {before + after} px in total: {before} top/left, {after} bottom/right" in same_pads_text(
                n, k, s
            )
