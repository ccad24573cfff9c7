"""`make bench`: run every benchmark and print one table of figures vs same-run baselines.

Usage: python scripts/bench.py [--quick] [--json PATH] [--only NAME ...]
Machines are shared and noisy, so every figure is a ratio against a baseline measured in the same
run (medians of several rounds), never an absolute time.
"""

from __future__ import annotations

import argparse
import importlib
import json
import platform
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks._table import Row

BENCHMARKS = [
    "decode",
    "stream",
    "ingest",
    "memory",
    "latency",
    "scaling",
    "delivery",
    "history",
    "backfill",
    "cluster",
]


def _fmt(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value:,.0f}" if value >= 100 else f"{value:,.2f}"


def print_table(rows: list[Row]) -> None:
    header = ("figure", "ours", "baseline", "unit", "ratio", "target", "result")
    lines = [
        (
            r.figure,
            _fmt(r.ours),
            _fmt(r.baseline),
            r.unit,
            "-" if r.ratio is None else f"{r.ratio:.2f}x",
            "-" if r.target is None else f"{'<=' if r.lower_is_better else '>='} {r.target:g}x",
            {True: "pass", False: "FAIL", None: "-"}[r.passed],
        )
        for r in rows
    ]
    widths = [max(len(str(x)) for x in col) for col in zip(header, *lines, strict=True)]
    for line in [header, tuple("-" * w for w in widths), *lines]:
        print("  ".join(str(x).ljust(w) for x, w in zip(line, widths, strict=True)))


def main() -> int:
    parser = argparse.ArgumentParser(description="Event Streamer benchmarks")
    parser.add_argument("--quick", action="store_true", help="smaller inputs (under a minute)")
    parser.add_argument("--json", type=Path, help="also write the table as JSON here")
    parser.add_argument("--only", nargs="*", choices=BENCHMARKS, help="run only these")
    args = parser.parse_args()

    rows: list[Row] = []
    started = time.time()
    for name in args.only or BENCHMARKS:
        module = importlib.import_module(f"benchmarks.{name}")
        print(f"running {name} ...", file=sys.stderr, flush=True)
        rows.extend(module.run(args.quick))
    print_table(rows)
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "quick": args.quick,
                    "python": platform.python_version(),
                    "machine": platform.machine(),
                    "seconds": round(time.time() - started, 1),
                    "rows": [r.as_dict() for r in rows],
                },
                indent=2,
            )
        )
    return 0 if all(r.passed is not False for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
