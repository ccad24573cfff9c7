"""One row of the benchmark table, and how rounds are summarised."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any


@dataclass
class Row:
    """A figure: ours vs a baseline measured in the same run (higher is better)."""

    figure: str
    ours: float
    baseline: float | None
    unit: str
    target: float | None  # minimum ratio ours/baseline (maximum when lower_is_better)
    note: str = ""
    lower_is_better: bool = False  # e.g. memory against a budget in the baseline column

    @property
    def ratio(self) -> float | None:
        if self.baseline in (None, 0):
            return None
        return self.ours / self.baseline

    @property
    def passed(self) -> bool | None:
        if self.target is None or self.ratio is None:
            return None
        if self.lower_is_better:
            return self.ratio <= self.target
        return self.ratio >= self.target

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "ratio": self.ratio, "passed": self.passed}


def rate(fn: Callable[[], int], rounds: int) -> float:
    """Median items/s over ``rounds`` calls of ``fn`` (which returns the items it handled)."""
    rates = []
    for _ in range(rounds):
        start = time.perf_counter()
        n = fn()
        rates.append(n / (time.perf_counter() - start))
    return statistics.median(rates)
