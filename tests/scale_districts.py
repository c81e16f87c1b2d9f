"""The scale benchmark's districts for the growth tests (tests/test_check_growth.py,
tests/test_plan_growth.py): the benchmark's own module (:func:`builders.bench_scale`), so a test grows
the district the benchmark grows."""

from __future__ import annotations

from builders import bench_scale

from liaison.law.district import District


def scaled(k: int, shape: str) -> District:
    """The benchmark's district of size ``k`` in ``shape`` (``bench_scale.py --shape``)."""
    district: District = bench_scale().replicated(k, shape=shape)
    return district
