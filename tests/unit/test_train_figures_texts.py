"""Train page figures and texts: kernel heatmap ticks on the cells, captions that say what is drawn."""

import pathlib
import re
from types import SimpleNamespace

import numpy as np
import pytest

from ui.train import figures
from ui.train.sections import ARTICLE_NUMBERING

ROOT = pathlib.Path(__file__).resolve().parents[2]
COLOURS = r"red|blue|green|orange|purple|brown|pink|grey|gray|black"


@pytest.mark.parametrize("k", [3, 5])
def test_kernel_detail_ticks_are_exactly_the_cells(k):
    fig = figures.kernel_detail(np.zeros((k, k)), 1.0, "t")
    cells = tuple(range(1, k + 1))
    for axis in (fig.layout.xaxis, fig.layout.yaxis):
        assert axis.tickmode == "array"
        assert tuple(axis.tickvals) == cells
        assert sorted(axis.range) == [0.5, k + 0.5]  # nothing drawn or ticked beyond the grid
    assert tuple(fig.data[0].x) == cells and tuple(fig.data[0].y) == cells


def test_kernel_grid_hover_counts_kernels_rows_and_columns_from_one():
    job = SimpleNamespace(kernels=[np.zeros((3, 3, 1, 4))], kernel_limit=lambda: 1.0)
    info = np.asarray(figures.kernel_grid(job, 0, 0).data[0].customdata)
    used = info[info[..., 0] > 0]
    assert used[:, 0].min() == 1 and used[:, 0].max() == 4
    assert used[:, 1].min() == 1 and used[:, 1].max() == 3
    assert used[:, 2].min() == 1 and used[:, 2].max() == 3


def _job(label):
    history = [{"epoch": e, "loss": 1.0, "val_loss": 1.1, "accuracy": 0.5, "val_accuracy": 0.4} for e in (1, 2)]
    return SimpleNamespace(label=label, history=history)


@pytest.mark.parametrize("n", [1, 2, 3])
def test_the_curves_key_matches_the_drawn_lines(n):
    fig = figures.epoch_curves([_job(f"run {i}: x") for i in range(n)])
    key = figures.curves_key(n)
    for trace in fig.data:
        dash = trace.line.dash
        if "validation" in trace.name:
            assert dash == "solid" and "solid lines validation" in key
        else:
            assert dash == "dash" and "dashed lines are training" in key
    colours = {t.line.color for t in fig.data}
    assert ("Each colour is one" in key) == (n > 1)  # with one run the two colours are not runs
    assert len(colours) == (2 if n == 1 else n)
    assert not re.search(COLOURS, key, re.I)


def test_no_caption_names_a_fixed_line_colour():
    """A colour name next to 'line' or 'curve' is false on the overlay, where colours belong to runs."""
    for folder in ("ui/train", "ui/draw", "app_pages/train.py"):
        paths = [ROOT / folder] if folder.endswith(".py") else sorted((ROOT / folder).glob("*.py"))
        for path in paths:
            text = path.read_text()
            hit = re.search(rf"\b({COLOURS})\s+(line|curve)s?\b", text, re.I)
            assert hit is None, f"{path.name}: {hit.group(0)}"


def test_the_article_31st_kernel_is_kernel_31_here():
    assert '"31st kernel"' in ARTICLE_NUMBERING and "#31" in ARTICLE_NUMBERING and "index 30" in ARTICLE_NUMBERING


def test_q37_names_the_validation_accuracy_of_every_epoch_and_the_largest_gain():
    from ui.train.text import _val_accuracy_path

    history = [
        {"epoch": 1, "val_accuracy": 0.90},
        {"epoch": 2, "val_accuracy": 0.95},
        {"epoch": 3, "val_accuracy": 0.96},
        {"epoch": 4, "val_accuracy": 0.97, "partial": True},  # a cancelled epoch is not a full epoch's number
    ]
    text = _val_accuracy_path(history)
    assert "epoch 1: 90.00%" in text and "epoch 3: 96.00%" in text and "epoch 4" not in text
    assert "largest gain after the first epoch came at epoch 2 (+5.00 points)" in text
    assert "the last epoch added +1.00" in text
    assert _val_accuracy_path(history[:1]) == ""
