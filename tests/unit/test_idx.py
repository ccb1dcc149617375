import numpy as np
import pytest

from cnn_core.idx import IDXError, parse_idx, to_idx


def test_round_trip_images_and_labels():
    rng = np.random.default_rng(0)
    imgs = rng.integers(0, 256, (7, 28, 28), dtype=np.uint8)
    labels = rng.integers(0, 10, 7, dtype=np.uint8)
    assert np.array_equal(parse_idx(to_idx(imgs)), imgs)
    assert np.array_equal(parse_idx(to_idx(labels)), labels)


def test_header_layout_is_the_published_one():
    data = to_idx(np.zeros((2, 3, 4), np.uint8))
    assert data[:4] == bytes([0, 0, 8, 3])
    assert data[4:16] == (2).to_bytes(4, "big") + (3).to_bytes(4, "big") + (4).to_bytes(4, "big")


def test_truncated_file_is_rejected_clearly():
    data = to_idx(np.ones((5, 28, 28), np.uint8))
    with pytest.raises(IDXError, match="truncated"):
        parse_idx(data[:-10], "train-images")


def test_wrong_magic_is_rejected():
    data = bytearray(to_idx(np.ones((2, 2), np.uint8)))
    data[0] = 0x1F  # e.g. a gzip file given by mistake
    with pytest.raises(IDXError, match="magic"):
        parse_idx(bytes(data))


def test_non_byte_type_and_tiny_files_are_rejected():
    data = bytearray(to_idx(np.ones((2, 2), np.uint8)))
    data[2] = 0x0D  # float32
    with pytest.raises(IDXError, match="type code"):
        parse_idx(bytes(data))
    with pytest.raises(IDXError, match="too short"):
        parse_idx(b"\x00\x00")
    with pytest.raises(IDXError, match="header"):
        parse_idx(bytes([0, 0, 8, 3, 0, 0]))


def test_trailing_bytes_are_rejected():
    with pytest.raises(IDXError, match="too long"):
        parse_idx(to_idx(np.ones((2, 2), np.uint8)) + b"xx")
