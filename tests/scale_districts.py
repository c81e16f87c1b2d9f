"""The scale benchmark's districts for the growth tests (tests/test_check_growth.py,
tests/test_plan_growth.py): the benchmark's module loaded from its file (the benchmarks are not a
package on the path), so a test grows the district the benchmark grows."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

from liaison.law.district import District

BENCH_SCALE = Path(__file__).resolve().parents[1] / "benchmarks" / "bench_scale.py"


def bench_scale() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_scale_for_growth", BENCH_SCALE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def scaled(k: int, shape: str) -> District:
    """The benchmark's district of size ``k`` in ``shape`` (``bench_scale.py --shape``)."""
    district: District = bench_scale().replicated(k, shape=shape)
    return district
