"""Read one digit with a Keras model: the prediction, every layer's output and a saliency map.

One `keras.Model(inputs, [every layer's output])` is built once per model and
called inside one compiled `tf.function` (never `predict()`, which is 10-30x slower
at batch 1). Saliency is the gradient of the predicted class's score (the output
layer's input to its softmax, the logit) with respect to the 28x28 input pixels.
The same call returns the ten logits and every conv layer's map before its activation
(its input through Keras' own `convolution_op` plus the bias: the layer's call minus the
activation, computed in the graph from the outputs it already has, no second model call).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field, replace

import keras
import numpy as np
import tensorflow as tf

from cnn_core import digits, settings
from cnn_core.architecture import Architecture, ConvBlock, DenseLayer
from cnn_core.formulas import LayerRow, layer_table

XLA = settings.draw_xla()  # read once, at import: the reader's tf.function is compiled with it
UNSURE_TOP = 0.5  # below this top probability the model is unsure
UNSURE_GAP = 0.2  # ... or when the runner-up is closer than this


@dataclass
class Reading:
    """What the network did with one digit (arrays without the batch axis)."""

    probs: np.ndarray  # (10,) softmax output
    layers: dict[str, np.ndarray]  # layer name -> its output, e.g. conv1 (26, 26, 32)
    saliency: np.ndarray  # (28, 28): d(score of the predicted class) / d(pixel)
    contrast: np.ndarray  # (28, 28): d(score of predicted - score of runner-up) / d(pixel)
    logits: np.ndarray | None = None  # (10,) the output layer's raw scores, before its softmax
    before: dict[str, np.ndarray] = field(default_factory=dict)  # conv layer -> maps before the activation
    activations: dict[str, str] = field(default_factory=dict)  # conv layer -> its activation ("relu", ...)

    @property
    def ranked(self) -> np.ndarray:
        """Class indices from the most to the least probable."""
        return np.argsort(-self.probs, kind="stable")

    @property
    def digit(self) -> int:
        return int(self.ranked[0])

    @property
    def runner_up(self) -> int:
        return int(self.ranked[1])

    @property
    def probability(self) -> float:
        return float(self.probs[self.digit])

    @property
    def gap(self) -> float:
        """Top probability minus the runner-up's."""
        return float(self.probs[self.digit] - self.probs[self.runner_up])

    @property
    def unsure(self) -> bool:
        return self.probability < UNSURE_TOP or self.gap < UNSURE_GAP


class FeatureReader:
    """Prediction, logits, all layer outputs, conv maps before activation and saliency of one Keras
    Sequential CNN, in one compiled call."""

    def __init__(self, model: keras.Model):
        self.model = model
        self.names = [layer.name for layer in model.layers]
        self.all_outputs = keras.Model(model.inputs, [layer.output for layer in model.layers])
        out = model.layers[-1]
        self._kernel, self._bias = out.kernel, out.bias
        convs = [(i, layer) for i, layer in enumerate(model.layers) if isinstance(layer, keras.layers.Conv2D)]
        self.conv_names = [layer.name for _, layer in convs]
        self.activations = {layer.name: _activation(layer) for _, layer in convs}

        @tf.function(
            input_signature=[tf.TensorSpec([1, *model.input_shape[1:]], tf.float32)],
            reduce_retracing=True,
            jit_compile=XLA,
        )
        def run(x):
            # Two copies of the image in one batch: one backward pass gives both gradients
            # (copy 0: the predicted score; copy 1: predicted minus runner-up), half the ops.
            x2 = tf.concat([x, x], axis=0)
            with tf.GradientTape() as tape:
                tape.watch(x2)
                outs = self.all_outputs(x2, training=False)
                logits = tf.matmul(outs[-2], self._kernel) + self._bias
                top2 = tf.math.top_k(outs[-1][0], k=2).indices
                target = tf.gather(logits[0], top2[0]) + tf.gather(logits[1], top2[0]) - tf.gather(logits[1], top2[1])
            grads = tape.gradient(target, x2)
            before = [_pre_activation(layer, outs[i - 1][:1] if i else x) for i, layer in convs]
            return [o[:1] for o in outs], grads[:1], grads[1:], logits[:1], before

        self._run = run
        self._body = None

    def read(self, image: np.ndarray) -> Reading:
        """(28, 28) float image -> Reading (the model's input shape decides the channel axis)."""
        x = np.asarray(image, dtype=np.float32).reshape((1, *self.model.input_shape[1:]))
        outs, sal, con, logits, before = self._run(tf.constant(x))
        layers = {n: o.numpy()[0] for n, o in zip(self.names, outs, strict=True)}
        probs = layers[self.names[-1]]
        pre = {n: b.numpy()[0] for n, b in zip(self.conv_names, before, strict=True)}
        return Reading(
            probs, layers, sal.numpy()[0, ..., 0], con.numpy()[0, ..., 0], logits.numpy()[0], pre, self.activations
        )

    def scores(self, images: np.ndarray) -> np.ndarray:
        """(N, 28, 28) float images -> (N, 10) logits: the output layer's input times its kernel plus its bias.

        One eager call of the model's layers up to the output layer (for a page that reads one
        test image and needs no saliency); the Draw page's `read` returns the same numbers.
        """
        if self._body is None:
            self._body = keras.Model(self.model.inputs[0], self.model.layers[-2].output)
        x = np.asarray(images, dtype=np.float32).reshape((-1, *self.model.input_shape[1:]))
        return (tf.matmul(self._body(x, training=False), self._kernel) + self._bias).numpy()

    def kernels(self, layer_name: str, index: int) -> tuple[np.ndarray, float]:
        """The (K, K, C_in) weights and the bias that make feature map `index` of conv layer `layer_name`."""
        layer = self.model.get_layer(layer_name)
        w, b = layer.get_weights()
        return w[..., index], float(b[index])


_LOCK = threading.Lock()
_READER_ATTR = "_cnn_feature_reader"


def reader_for(model: keras.Model) -> FeatureReader:
    """The FeatureReader of `model`, built on first use and kept as long as the model lives (thread-safe).

    The reader is stored on the model itself: it holds the model, so a cache keyed by the model
    (even a WeakKeyDictionary) would keep every model a learner ever drew with alive forever.
    """
    with _LOCK:
        r = getattr(model, _READER_ATTR, None)
        if r is None:
            r = FeatureReader(model)
            object.__setattr__(model, _READER_ATTR, r)  # not a Keras-tracked attribute, never saved
        return r


def warm_up(model: keras.Model) -> threading.Thread | None:
    """Build and compile the reader of `model` in a background thread, once; returns the thread if it started it.

    A learner takes a few seconds to draw, which hides the compile; a read that comes
    sooner simply waits for it (tf.function serialises the first trace).
    """
    r = reader_for(model)
    with _LOCK:
        if getattr(r, "_warming", False):
            return None
        r._warming = True
    t = threading.Thread(target=r.read, args=(np.zeros(model.input_shape[1:3], np.float32),), daemon=True)
    t.start()
    return t


def _pre_activation(layer: keras.layers.Conv2D, inputs):
    """What Conv2D.call computes before its activation: Keras' own convolution_op plus the bias."""
    z = layer.convolution_op(inputs, layer.kernel)
    return z + layer.bias if layer.use_bias else z


def _activation(layer) -> str:
    return keras.activations.serialize(layer.activation) if hasattr(layer, "activation") else "linear"


def architecture_of(model: keras.Model) -> Architecture:
    """The Architecture a Sequential CNN built by cnn_core.nn.model was made from (read from its layers).

    Raises ValueError for layers this app's architectures do not have.
    """
    blocks: list[ConvBlock] = []
    dense: list[DenseLayer] = []
    last: list = blocks  # the list whose last layer a BatchNormalization or Dropout belongs to
    for layer in model.layers:
        if isinstance(layer, keras.layers.Conv2D):
            blocks.append(
                ConvBlock(
                    layer.filters,
                    layer.kernel_size[0],
                    layer.strides[0],
                    layer.padding,
                    _activation(layer),
                    pool="none",
                )
            )
        elif isinstance(layer, (keras.layers.MaxPooling2D, keras.layers.AveragePooling2D)):
            kind = "max" if isinstance(layer, keras.layers.MaxPooling2D) else "average"
            blocks[-1] = replace(blocks[-1], pool=kind, pool_size=layer.pool_size[0])
        elif isinstance(layer, keras.layers.Dense):
            dense.append(DenseLayer(layer.units, _activation(layer)))
            last = dense
        elif isinstance(layer, keras.layers.BatchNormalization):
            last[-1] = replace(last[-1], batch_norm=True)
        elif isinstance(layer, keras.layers.Dropout):
            last[-1] = replace(last[-1], dropout=float(layer.rate))
        elif not isinstance(layer, keras.layers.Flatten):
            raise ValueError(f"Layer {layer.name} ({type(layer).__name__}) is not part of this app's CNNs.")
    return Architecture(
        conv_blocks=tuple(blocks),
        dense_layers=tuple(dense[:-1]),
        input_shape=tuple(model.input_shape[1:]),
        num_classes=dense[-1].units,
    )


def layer_rows(model: keras.Model) -> dict[str, LayerRow]:
    """cnn_core.formulas rows for the model's layers, by layer name."""
    return {r.name: r for r in layer_table(architecture_of(model)).rows}


def tile_maps(maps: np.ndarray, cols: int = 8, shared_scale: bool = True, gap: int = 1) -> np.ndarray:
    """Feature maps (H, W, C) -> one mosaic (rows*(H+gap)-gap, cols*(W+gap)-gap) with NaN gaps.

    With `shared_scale` False, each map is rescaled to [0, 1] by its own min and max
    (a flat map becomes 0), so faint maps show their pattern too.
    """
    h, w, c = maps.shape
    cols = max(1, min(cols, c))
    rows = -(-c // cols)
    out = np.full((rows * (h + gap) - gap, cols * (w + gap) - gap), np.nan, dtype=np.float32)
    for i in range(c):
        m = maps[..., i].astype(np.float32)
        if not shared_scale:
            lo, hi = float(m.min()), float(m.max())
            m = (m - lo) / (hi - lo) if hi > lo else np.zeros_like(m)
        r, q = divmod(i, cols)
        out[r * (h + gap) : r * (h + gap) + h, q * (w + gap) : q * (w + gap) + w] = m
    return out


def read_picture(model: keras.Model, picture: np.ndarray, steps: dict[str, bool] | None = None, is_mnist=False):
    """A drawing/photo -> (Preprocessed, Reading): the page's one call.

    `is_mnist` marks an MNIST image (28, 28) uint8 that needs no preprocessing.
    Raises digits.EmptyDrawing / digits.BadDrawing as `digits.preprocess` does.
    """
    if is_mnist:
        x = np.asarray(picture, dtype=np.float32) / 255.0
        pre = digits.Preprocessed(x, [digits.Stage("grey", x)])
    else:
        pre = digits.preprocess(picture, steps)
    return pre, reader_for(model).read(pre.image)
