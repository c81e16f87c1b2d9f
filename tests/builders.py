"""Shared builders for the core tests and the benchmarks: generated districts, the seed amended,
and small constants. A helpers module, never a test module: tests import from here."""

from __future__ import annotations

import datetime as dt
import functools
import importlib
import importlib.util
import random
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import attrs

from liaison.formats.district import parse_district, seed_district
from liaison.law.district import District
from liaison.law.model import DistrictInfo, Organisation, OrgKind, Pairing
from liaison.law.rules import Cadence, EngagementKind, Provision

START = dt.date(2020, 1, 1)
NEW_YEAR_2027 = dt.date(2027, 1, 1)
SEED_TOML = Path(__file__).parents[1] / "src" / "liaison" / "data" / "seed.toml"
ENVIRONMENT_CZGP = 'department = "environment"\ncounterpart = "czgp"\nclause = "§2.2"\nvalid_from = 2022-05-22\n'


def seed_text() -> str:
    return SEED_TOML.read_text(encoding="utf-8")


def amended(text: str | None = None) -> District:
    """The seed, with 区环保分局 paired with 民盟支部 instead of 致公党支部 from 2027-07-01."""
    text = text or seed_text()
    marker = "\n# ---------------------------------------------------------------- provisions"
    changed = text.replace(ENVIRONMENT_CZGP, ENVIRONMENT_CZGP + "valid_until = 2027-07-01\n", 1).replace(
        marker, '\n[[pairings]]\ndepartment = "environment"\ncounterpart = "cdl"\nclause = "§2.2"\n'
        'valid_from = 2027-07-01\nnote = "调整：自2027年7月1日起改与民盟支部对口联系"\n' + marker, 1)
    assert changed.count("valid_until = 2027-07-01") == 1 and "2027-07-01\nnote" in changed
    return parse_district(changed, file="amended.toml")


def build_district(departments: int, counterparts: int, pairings: list[tuple[int, int]], *,
                   visits: tuple[int, int | None] = (1, 2), meetings: int = 1, work_period: int = 2,
                   anchor: int = 2021, meeting_scope: str = "department") -> District:
    seed = seed_district()
    gov = seed.government()
    orgs = [gov]
    orgs += [Organisation(id=f"d{i}", name=f"部门{i}", short_name=f"部{i}", name_en=f"Department {i}",
                          kind=OrgKind.DEPARTMENT)
             for i in range(departments)]
    orgs += [Organisation(id=f"c{i}", name=f"支部{i}", short_name=f"支{i}", name_en=f"Branch {i}",
                          kind=OrgKind.PARTY_BRANCH)
             for i in range(counterparts)]
    found = [Pairing(department=f"d{d}", counterpart=f"c{c}", clause="§2.2", valid_from=START)
             for d, c in sorted(set(pairings))]

    def provision(pid: str, rule: Cadence) -> Provision:
        base = seed.provision(pid)  # its text, and the sentence its rule quotes (never an empty quote)
        sentence = next(r.sentence_zh for r in base.rules if r.key == rule.key)
        return Provision(id=base.id, citation_zh=base.citation_zh, title_zh=base.title_zh, title_en=base.title_en,
                         text_zh=base.text_zh, modality=base.modality,
                         rules=(attrs.evolve(rule, sentence_zh=sentence),))

    provisions = (
        seed.provision("§2.2"),
        provision("§3.1", Cadence(key="work-meeting", engagement_kind=EngagementKind.WORK_MEETING, scope="government",
                                  host="district_government", min_per_period=1, max_per_period=1,
                                  period_years=work_period, cycle_anchor_year=anchor, duration_minutes=180)),
        provision("§3.3", Cadence(key="joint-meeting", engagement_kind=EngagementKind.JOINT_MEETING,
                                  scope=meeting_scope, host="department", min_per_period=meetings)),  # type: ignore[arg-type]
        provision("§3.6", Cadence(key="leader-visit", engagement_kind=EngagementKind.VISIT, scope="pairing",
                                  host="department", min_per_period=visits[0], max_per_period=visits[1])),
    )
    info = DistrictInfo(id="generated", name="生成区", name_en="Generated district", regulation_title="生成的意见",
                        source="generated")
    return District(info, tuple(orgs), tuple(found), provisions)


def random_district(n_pairings: int, seed: int = 7) -> District:
    """About ``n_pairings`` pairings: departments with 1–4 counterparts each, counterparts with ≤ 25."""
    rng = random.Random(seed)
    departments = max(1, n_pairings * 2 // 5)
    counterparts = max(2, n_pairings // 20)
    pairs: set[tuple[int, int]] = set()
    limit = min(n_pairings, departments * counterparts)
    while len(pairs) < limit:
        pairs.add((rng.randrange(departments), rng.randrange(counterparts)))
    return build_district(departments, counterparts, sorted(pairs))


def resolve(reference: str) -> object:
    """The module or attribute a dotted name (``liaison.law.rules.RULE_TAGS``) means, as the docs
    name it; ImportError when no prefix of it is a module."""
    parts = reference.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            obj: object = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        for attr in parts[cut:]:
            obj = getattr(obj, attr)
        return obj
    raise ImportError(reference)


@functools.cache
def bench_scale() -> ModuleType:
    """The scale benchmark's module, loaded from its file (the benchmarks are not a package on the
    path): the growth tests grow the district the benchmark grows (``replicated``)."""
    spec = importlib.util.spec_from_file_location("bench_scale_for_tests",
                                                  Path(__file__).resolve().parents[1] / "benchmarks" / "bench_scale.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class Counted(tuple[Any, ...]):
    """A tuple that counts the items handed out by iterating it (what a growth test visited)."""

    seen = 0

    def __iter__(self) -> Iterator[Any]:
        for x in super().__iter__():
            Counted.seen += 1
            yield x
