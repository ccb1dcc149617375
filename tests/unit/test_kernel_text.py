"""The text shown for each kernel says what its weights actually do (sum, sign pattern)."""

import numpy as np
import pytest

from cnn_core import kernels as K
from ui.kernels import text as T

LIB = K.library()


def _arrays(k):
    return [k.weights] if k.second is None else [k.weights, k.second]


@pytest.mark.parametrize("name", K.NAMES)
def test_the_sum_named_in_the_text_is_the_kernels_sum(name):
    for w in _arrays(LIB[name]):
        text = T.weights_text(w)
        s = float(w.sum())
        if abs(s - 1) < 1e-9:
            assert "add up to **1**" in text and "even grey comes out exactly as grey" in text
        elif abs(s) < 1e-9:
            assert "add up to **0**" in text and "comes out as 0" in text
        else:
            assert f"add up to **{s:.4g}**" in text


@pytest.mark.parametrize("name", K.NAMES)
def test_sign_claims_match_the_weights(name):
    for w in _arrays(LIB[name]):
        text = T.weights_text(w)
        c = w.shape[0] // 2
        off = w.copy()
        off[c, c] = 0
        opposite_sides = bool(np.abs(off).max() > 0) and np.allclose(off, -off[::-1, ::-1])
        assert ("Positive on one side, negative on the other" in text) == opposite_sides
        assert ("blurs" in text) == (bool((w >= 0).all()) and np.count_nonzero(w) > 1)
        assert ("sharpening" in text) == (abs(w.sum() - 1) < 1e-9 and T.centre_against_neighbours(w))
        assert ("finds edges" in text) == (abs(w.sum()) < 1e-9 and T.centre_against_neighbours(w))


def test_sharpen_and_outline_share_a_pattern_and_differ_by_their_sum():
    assert T.centre_against_neighbours(LIB["Sharpen"].weights)
    assert T.centre_against_neighbours(LIB["Outline"].weights)
    assert "sharpening" in T.kernel_text(LIB["Sharpen"]) and "finds edges" in T.kernel_text(LIB["Outline"])
    assert "5 - 4 = 1" in LIB["Sharpen"].purpose and "8 - 8 = 0" in LIB["Outline"].purpose


def test_only_sobel_prewitt_and_emboss_are_one_sided_with_the_right_direction():
    sided = {n for n in K.NAMES if LIB[n].second is None and T.one_sided(LIB[n].weights)}
    assert sided == {"Sobel x", "Sobel y", "Prewitt x", "Prewitt y", "Emboss"}
    assert "brighter towards the right" in T.kernel_text(LIB["Sobel x"])
    assert "brighter towards the bottom" in T.kernel_text(LIB["Sobel y"])
    assert "towards the bottom-right" in T.kernel_text(LIB["Emboss"])
    assert "Sobel y:" in T.kernel_text(LIB["Gradient magnitude (Sobel)"])


def test_a_custom_kernel_with_another_sum_gets_its_own_number():
    text = T.weights_text(np.full((3, 3), 1.0))
    assert "add up to **9**" in text and "9 times as bright" in text


def test_the_shape_text_no_longer_ties_sharpening_to_the_pattern_alone():
    assert "sum of its weights" in T.KERNEL_SHAPES
    assert "sharpens* when the sum is 1" in T.KERNEL_SHAPES and "*finds edges* when the sum is 0" in T.KERNEL_SHAPES


@pytest.mark.parametrize("stride", [1, 2, 3])
def test_border_text_says_the_size_is_kept_only_at_stride_1(stride):
    text = T.borders_text(stride)
    assert ("the output keeps the input's size" in text) == (stride == 1)
    if stride > 1:
        assert f"1/{stride}" in text


def test_pooling_text_gives_the_strongest_value_to_max_pooling_only():
    strongest = [s for s in T.POOLING.split(". ") if "strongest" in s]
    assert strongest and all("Max pooling" in s for s in strongest)
    assert "Average pooling" in T.POOLING and "diluted" in T.POOLING
