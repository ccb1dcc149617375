"""The model builder and the shipped, trained seed model."""

import json

import numpy as np

from cnn_core.architecture import SEED, SEED_RECIPE
from cnn_core.formulas import layer_table
from cnn_core.nn.model import SHIPPED_INFO, build_model, compile_model
from cnn_core.preprocess import one_hot, to_model_input


def test_builder_names_layers_like_the_formula_table():
    model = build_model(SEED)
    assert [layer.name for layer in model.layers] == [r.name for r in layer_table(SEED).rows]
    assert model.count_params() == 95_082


def test_shipped_model_reaches_99_percent_on_the_real_test_set(shipped_model, mnist):
    _, (xte, yte) = mnist
    probs = np.concatenate(
        [shipped_model(to_model_input(xte[i : i + 2000]), training=False).numpy() for i in range(0, 10000, 2000)]
    )
    accuracy = float((probs.argmax(1) == yte).mean())
    print(f"shipped model test accuracy: {accuracy:.4f}")
    assert accuracy >= 0.99
    info = json.loads(SHIPPED_INFO.read_text())
    assert abs(info["test_accuracy"] - accuracy) < 1e-3
    assert info["recipe"]["batch_size"] == SEED_RECIPE.batch_size and info["epochs"] == info["recipe"]["epochs"]


def test_training_cli_runs_end_to_end(tmp_path, mnist):
    from cnn_core.nn.train import main

    out = tmp_path / "m.keras"
    assert main(["--preset", "small", "--epochs", "1", "--train-size", "600", "--out", str(out)]) == 0
    info = json.loads(out.with_suffix(".json").read_text())
    assert out.exists() and info["epochs"] == 1 and 0 <= info["test_accuracy"] <= 1


def test_compile_accepts_every_optimizer(mnist):
    (x, y), _ = mnist
    for opt in ("adam", "sgd", "rmsprop", "adagrad", "adadelta", "nadam"):
        m = compile_model(build_model(SEED), SEED_RECIPE.with_(optimizer=opt))
        loss = m.train_on_batch(to_model_input(x[:32]), one_hot(y[:32]))
        assert np.isfinite(np.asarray(loss, dtype=float)).all()
