"""Benchmarks: `python -m bench` runs every bench/bench_*.py and rewrites docs/PERFORMANCE.md."""
