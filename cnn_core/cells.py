"""Numbers a learner types into a table of cells (the Kernels page's kernel and pooling matrix), checked.

Pure NumPy, no TensorFlow. Every refusal names the cell (row and column, from 1) and says
what is wrong with it in words a learner understands.
"""

from __future__ import annotations

import math

import numpy as np


def parse_cells(
    values, error: type[ValueError] = ValueError, what: str = "table", limit: float = math.inf, square: bool = False
) -> np.ndarray:
    """Typed cells (nested lists, a DataFrame, an array) -> a checked (H, W) float64 array.

    Parameters
    ----------
    values : the cells; text holding a number is accepted ('1.5').
    error : the exception class to raise (e.g. kernels.BadKernel).
    what : what the table is, for the messages ('kernel', 'matrix').
    limit : largest magnitude accepted; beyond it (and infinity) is refused.
    square : refuse a table that is not square.

    Raises `error` for no cells, a non-square table (when `square`), and an empty, text,
    NaN, infinite or too large cell.
    """
    a = np.asarray(getattr(values, "values", values), dtype=object)
    if a.size == 0 or a.ndim != 2:
        raise error(f"The {what} is empty: type a number in every cell.")
    if square and a.shape[0] != a.shape[1]:
        raise error(f"The {what} must be square; this one is {a.shape[0]}x{a.shape[1]}.")
    out = np.empty(a.shape, dtype=np.float64)
    for (r, c), v in np.ndenumerate(a):
        where = f"row {r + 1}, column {c + 1}"
        if v is None or (isinstance(v, str) and not v.strip()):
            raise error(f"The cell at {where} is empty: type a number in every cell.")
        try:
            x = float(v)
        except (TypeError, ValueError):
            raise error(f"The cell at {where} holds '{v}', which is not a number.") from None
        if math.isnan(x):  # an emptied cell of a number column arrives as NaN
            raise error(f"The cell at {where} is empty or not a number (NaN): type a number in every cell.")
        if math.isinf(x) or abs(x) > limit:
            raise error(
                f"The cell at {where} holds {x:g}, too large: keep values between -{limit:,.0f} and {limit:,.0f} "
                "so the output stays readable."
            )
        out[r, c] = x
    return out
