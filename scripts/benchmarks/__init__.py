"""Benchmarks run by `make bench` (scripts/bench.py). Each module exposes run(quick) -> rows."""
