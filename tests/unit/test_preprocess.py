import numpy as np

from cnn_core.preprocess import add_channel, normalise, one_hot, to_model_input


def test_steps_match_keras(mnist):
    import keras

    (xtr, ytr), _ = mnist
    x = to_model_input(xtr[:100])
    assert x.shape == (100, 28, 28, 1) and x.dtype == np.float32
    assert 0.0 <= x.min() and x.max() <= 1.0
    assert np.array_equal(one_hot(ytr[:100]), keras.utils.to_categorical(ytr[:100], 10))


def test_single_image_steps():
    img = np.arange(784, dtype=np.uint8).reshape(28, 28)
    assert add_channel(img).shape == (28, 28, 1)
    assert normalise(img).max() == np.float32(255 / 255.0 * (img.max() / 255))
    assert one_hot(3).tolist() == [0, 0, 0, 1, 0, 0, 0, 0, 0, 0]
