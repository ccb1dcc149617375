"""AppTest of the softmax / cross-entropy view (Draw and Evaluate) and of Draw's before/after activation view.

Expected numbers come from the Keras model itself (its softmax output, its conv layer's
weights through tf.nn.conv2d), never from the code under test.
"""

import re

import numpy as np
import pytest
import tensorflow as tf
from streamlit.testing.v1 import AppTest

from cnn_core.samples import load_samples
from tests.support.canvas import canvas_value, drawn, html_of
from tests.support.numbers import LOSS, number
from ui import state
from ui.draw.inputs import CANVAS_PREFIX
from ui.draw.softmax import WHAT_IF


@pytest.fixture(scope="module")
def samples():
    return load_samples()


@pytest.fixture
def draw():
    app = AppTest.from_file("../../app.py", default_timeout=120)
    app.run()
    app.switch_page("app_pages/draw.py")
    app.run()
    assert not app.exception
    return app


def _picked(at) -> int:
    """The digit whose radio button starts checked in the what-if picker."""
    body = html_of(at)
    assert f"<legend>{WHAT_IF}" in body
    return int(re.search(r'<input type="radio" name="cnn-[a-z0-9-]+" id="cnn-[a-z0-9-]+-(\d)" checked>', body).group(1))


def _losses(at) -> dict[int, float]:
    """The loss written for every possible true digit (all ten are on the page; CSS shows the picked one)."""
    found = {int(m.group(1)): number(m.group(3)) for m in LOSS.finditer(html_of(at))}
    assert sorted(found) == list(range(10))
    return found


def _keras_losses(model, x: np.ndarray) -> np.ndarray:
    """-log of the Keras model's own softmax output, for each possible true digit."""
    p = model(x.reshape(1, 28, 28, 1).astype(np.float32), training=False).numpy()[0].astype(np.float64)
    return -np.log(p)


def test_draw_shows_scores_exponentials_probabilities_and_the_loss(draw, samples, shipped_model):
    draw.session_state[CANVAS_PREFIX + "0"] = canvas_value(drawn(samples.images[1], top=30, left=70))
    draw.run()
    assert not draw.exception
    digit = int(draw.metric[0].value)
    x = draw.session_state[state.DRAWN_DIGIT]
    want = _keras_losses(shipped_model, x)
    body = html_of(draw)
    assert 'aria-label="softmax step by step"' in body and body.count('<tr title="digit ') == 10
    for header in ("raw score z", "z − max", "exp(z − max)", "probability"):
        assert f">{header}</th>" in body
    assert 'aria-label="loss for each possible true digit"' in body
    assert "<b>The sum of the exponentials:</b>" in body and "<b>Why subtract the largest score" in body
    assert _picked(draw) == digit  # starts on the prediction
    losses = _losses(draw)
    for k in range(10):
        assert losses[k] == pytest.approx(want[k], abs=0.006), k
    other = int(np.argmax(want))  # the digit the model finds least likely: a confident wrong answer
    assert losses[other] > losses[digit] + 5
    assert "The loss for each possible true digit" in body and "Softmax on your digit, step by step" in body
    assert '<summary style="cursor:pointer">Q32. Which loss function should we choose?</summary>' in body


def _caption(at, start: str) -> str:
    """The caption paragraph of the before/after view that starts with `start` (HTML-unescaped)."""
    import html

    body = html_of(at)
    i = body.index(start)
    return html.unescape(body[i : body.index("</p>", i)])


def _conv_before(model, layer_name: str, x: np.ndarray) -> np.ndarray:
    """A conv layer's sums before its activation, from its weights and tf.nn.conv2d (valid padding, stride 1)."""
    i = [layer.name for layer in model.layers].index(layer_name)
    inp = x.reshape(1, 28, 28, 1).astype(np.float32)
    for layer in model.layers[:i]:
        inp = layer(inp)
    w, b = model.layers[i].get_weights()
    return (tf.nn.conv2d(inp, w, strides=1, padding="VALID") + b).numpy()[0]


def test_draw_shows_a_map_before_and_after_relu(draw, samples, shipped_model):
    draw.session_state[CANVAS_PREFIX + "0"] = canvas_value(drawn(samples.images[2]))
    draw.run()
    x = draw.session_state[state.DRAWN_DIGIT]
    before = _conv_before(shipped_model, "conv1", x)[..., 0]
    neg = int((before < 0).sum())
    body = html_of(draw)
    assert "Before relu: conv1 map 1 (26 x 26)" in body and "After relu: conv1 map 1" in body
    cap = _caption(draw, "Left: map 1 of conv1 before its activation")
    assert f"ReLU set {neg:,} of the 676 values ({neg / 676:.0%}) to 0" in cap
    lim = float(np.abs(before).max())  # ReLU only lowers values: the before map sets the scale
    assert f"-{lim:.2f} (blue) through 0 (white) to +{lim:.2f} (red)" in cap
    draw.selectbox(key="draw_focus_layer").set_value("pool2").run()
    draw.slider(key="draw_focus_map_pool2").set_value(3).run()
    assert not draw.exception
    before2 = _conv_before(shipped_model, "conv2", x)[..., 2]
    cap = _caption(draw, "Left: map 3 of conv2 before its activation")
    n2 = int((before2 < 0).sum())
    assert f"ReLU set {n2:,} of the {before2.size:,} values" in cap


def _before_after_script(activation: str) -> None:
    """Draw's before/after view for map 1 of conv1 of a fresh one-block network with `activation`."""
    import streamlit as st

    from cnn_core.architecture import Architecture, ConvBlock, DenseLayer
    from cnn_core.nn.features import reader_for
    from cnn_core.nn.model import build_model
    from cnn_core.samples import load_samples
    from ui.draw.activation import before_after

    arch = Architecture(conv_blocks=(ConvBlock(4, 3, activation=activation),), dense_layers=(DenseLayer(8),))
    st.html(before_after(reader_for(build_model(arch)).read(load_samples().images[0] / 255.0), "conv1", 0))


@pytest.mark.parametrize(
    "activation,words",
    [("tanh", "tanh squeezed the sums"), ("sigmoid", "The sigmoid squeezed the sums"), ("elu", "ELU kept the"),
     ("linear", "This layer has no activation (linear)"), ("relu", "ReLU set")],
)  # fmt: skip
def test_the_sentence_follows_the_layers_activation(activation, words):
    at = AppTest.from_function(_before_after_script, args=(activation,), default_timeout=60)
    at.run()
    assert not at.exception
    assert f"Before {activation}: conv1 map 1 (26 x 26)" in html_of(at)
    cap = _caption(at, "Left: map 1 of conv1 before its activation")
    assert words in cap and f"after {activation}, what the next layer receives" in cap


@pytest.fixture(scope="module")
def evaluate():
    at = AppTest.from_file("../../app_pages/evaluate.py", default_timeout=180)
    at.run()
    assert not at.exception
    return at


def test_evaluate_starts_on_the_true_label_and_gives_every_loss(evaluate, shipped_model, mnist):
    _, (x_test, y_test) = mnist
    i = evaluate.number_input[0].value
    want = _keras_losses(shipped_model, x_test[i] / 255.0)
    true = int(y_test[i])
    assert _picked(evaluate) == true
    losses = _losses(evaluate)
    for k in range(10):
        assert losses[k] == pytest.approx(want[k], abs=0.006), k
    assert 'aria-label="softmax step by step"' in html_of(evaluate)
    assert f"Softmax on test image #{i}" in html_of(evaluate)
    evaluate.number_input[0].set_value(0).run()  # another image: the picker starts on its label
    assert not evaluate.exception and _picked(evaluate) == int(y_test[0])
    want0 = _keras_losses(shipped_model, x_test[0] / 255.0)
    assert _losses(evaluate)[int(y_test[0])] == pytest.approx(want0[int(y_test[0])], abs=0.006)
