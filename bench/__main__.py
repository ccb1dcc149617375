"""Run every benchmark (or those named) and rewrite docs/PERFORMANCE.md.

python -m bench               # all areas
python -m bench kernels draw  # only bench/bench_kernels.py and bench/bench_draw.py
"""

import importlib
import os
import sys
import traceback
from pathlib import Path

from bench.report import Row, record

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


def main(argv: list[str]) -> int:
    here = Path(__file__).parent
    areas = argv or sorted(p.stem.removeprefix("bench_") for p in here.glob("bench_*.py"))
    failed = 0
    for area in areas:
        print(f"== {area}", flush=True)
        try:
            rows = importlib.import_module(f"bench.bench_{area}").run()
        except Exception as e:  # noqa: BLE001 - one broken area must not hide the others
            traceback.print_exc()
            rows = [Row(f"{area} benchmark", "runs", None, "", met=False, notes=f"crashed: {e}")]
            failed += 1
        for r in rows:
            mark = {True: "ok", False: "MISSED", None: "-"}[r.met]
            print(f"  {r.figure}: median {r.median} {r.unit} (p95 {r.p95}) target {r.target} [{mark}]", flush=True)
        record(area, rows)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
