"""The Draw page's layer captions describe each layer as configured, not as the seed network has it."""

import re

import pytest

from cnn_core.architecture import Architecture, ConvBlock, DenseLayer
from cnn_core.formulas import layer_table
from cnn_core.nn.features import layer_rows
from cnn_core.nn.model import build_model
from ui.draw import layers

TANH_AVG3 = Architecture(
    conv_blocks=(
        ConvBlock(8, 3, activation="tanh", pool="average", pool_size=3),
        ConvBlock(8, 3, activation="sigmoid", pool="average", pool_size=3),
    ),
    dense_layers=(DenseLayer(16, activation="elu"),),
)


@pytest.fixture(scope="module")
def rows():
    """Rows read back from the built Keras model, as the Draw page gets them."""
    return layer_rows(build_model(TANH_AVG3))


def _all_text(rows) -> str:
    parts = [layers.caption(r) for r in rows.values()]
    for name in rows:
        qa = layers._answer(name, rows)
        if qa:
            parts.extend(qa)
    return " ".join(parts)


def test_the_rows_come_from_the_keras_layers(rows):
    assert layers.activation_of(rows["conv1"]) == "tanh"
    assert layers.activation_of(rows["conv2"]) == "sigmoid"
    assert layers.pool_of(rows["pool1"]) == ("average", 3)


def test_no_relu_or_max_or_2x2_claims_for_a_tanh_average_3x3_network(rows):
    text = _all_text(rows)
    assert "positive matches" not in text
    assert not re.search(r"\bReLU\b|\bmaximum\b|\bmax pooling\b|largest value", text)
    assert "2x2" not in text


def test_each_caption_names_the_configured_activation_and_pooling(rows):
    assert "tanh" in layers.caption(rows["conv1"]) and "-1 to +1" in layers.caption(rows["conv1"])
    assert "sigmoid" in layers.caption(rows["conv2"]) and "0 to 1" in layers.caption(rows["conv2"])
    pool = layers.caption(rows["pool1"])
    assert "Average pooling" in pool and "3x3" in pool and "mean" in pool
    q26, a26 = layers._answer("pool1", rows)
    assert "average 3x3" in q26 and "3x3 window" in a26 and "blurred" in a26
    q29, a29 = layers._answer("pool2", rows)
    assert "average 3x3" in q29
    side = rows["pool2"].input_shape[0]
    assert ("multiple of 3" in a29) and (str(side) in a29)


def test_the_seed_network_still_reads_as_relu_and_2x2_max():
    rows = {r.name: r for r in layer_table(Architecture()).rows}
    assert "ReLU" in layers.caption(rows["conv1"])
    assert "Max pooling (2x2 windows, stride 2)" in layers.caption(rows["pool1"])
    q29, a29 = layers._answer("pool2", rows)
    assert "max 2x2" in q29 and "11" in a29 and "dropped" in a29  # 11x11 maps: one row and column left over


@pytest.mark.parametrize("activation", ["relu", "tanh", "sigmoid", "elu", "linear"])
def test_every_activation_has_its_own_sentence(activation):
    arch = Architecture(conv_blocks=(ConvBlock(4, 3, activation=activation, pool="none"),), dense_layers=())
    row = {r.name: r for r in layer_table(arch).rows}["conv1"]
    assert layers._effect(activation) in layers.caption(row)
    assert activation.lower() in layers.caption(row).lower()


def test_maps_are_numbered_from_one():
    assert layers._strip_caption("dense1", 64).startswith("64 values, units numbered 1 (left) to 64")
    assert "digit 0 on the left" in layers._strip_caption("output", 10)


def test_q29_says_what_a_pooled_cell_is_for_the_pooling_configured():
    """'sums up' read as a literal sum; max keeps the strongest response, average the mean."""
    from cnn_core.architecture import SEED, ConvBlock
    from cnn_core.formulas import layer_table
    from ui.draw.layers import _answer

    for pool, words in (("max", "strongest response"), ("average", "average response")):
        blocks = tuple(
            ConvBlock(b.filters, b.kernel_size, pool=pool if i < 2 else b.pool) for i, b in enumerate(SEED.conv_blocks)
        )
        arch = SEED.__class__(conv_blocks=blocks, dense_layers=SEED.dense_layers)
        rows = {r.name: r for r in layer_table(arch).rows}
        text = " ".join(_answer("pool2", rows))
        assert words in text and "sums up" not in text
