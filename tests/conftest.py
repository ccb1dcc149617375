"""Shared fixtures. Tests run from the repository root."""

import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


@pytest.fixture(scope="session")
def mnist():
    """The real MNIST (fetched once into the user's cache if needed)."""
    from cnn_core.data import load_mnist

    return load_mnist()


@pytest.fixture(scope="session")
def small(mnist):
    """300 real training digits and 200 test digits, for quick training jobs."""
    (xtr, ytr), (xte, yte) = mnist
    return (xtr[:300], ytr[:300]), (xte[:200], yte[:200])


@pytest.fixture(scope="session")
def shipped_model():
    from cnn_core.nn.model import load_model

    return load_model()


APP = str(ROOT / "app.py")  # AppTest.from_file resolves relative paths against the calling file
