"""The Draw page against main before this session's Draw changes, strokes alternated (issue #12's 10% budget).

python -m bench draw_baseline
"""

from bench.bench_draw import baseline_rows
from bench.report import Row


def run() -> list[Row]:
    return baseline_rows(rounds=20)
