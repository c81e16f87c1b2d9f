"""Generated districts for properties and benchmarks: random departments, counterparts, pairings,
cadences. Shared by the hypothesis tests and benchmarks/bench_plan.py."""

from __future__ import annotations

import datetime as dt
import random

from liaison.district import District
from liaison.loader import seed_district
from liaison.model import Cadence, DistrictInfo, EngagementKind, Organisation, OrgKind, Pairing, Provision

START = dt.date(2020, 1, 1)


def build_district(departments: int, counterparts: int, pairings: list[tuple[int, int]], *,
                   visits: tuple[int, int | None] = (1, 2), meetings: int = 1, work_period: int = 2,
                   anchor: int = 2021) -> District:
    seed = seed_district()
    gov = seed.government()
    orgs = [gov]
    orgs += [Organisation(f"d{i}", f"部门{i}", f"部{i}", f"Department {i}", OrgKind.DEPARTMENT)
             for i in range(departments)]
    orgs += [Organisation(f"c{i}", f"支部{i}", f"支{i}", f"Branch {i}", OrgKind.PARTY_BRANCH)
             for i in range(counterparts)]
    found = [Pairing(f"d{d}", f"c{c}", "§2.2", START) for d, c in sorted(set(pairings))]

    def provision(pid: str, rule: Cadence) -> Provision:
        base = seed.provision(pid)
        return Provision(base.id, base.citation_zh, base.title_zh, base.title_en, base.text_zh, base.modality,
                         rules=(rule,))

    provisions = (
        seed.provision("§2.2"),
        provision("§3.1", Cadence("work-meeting", EngagementKind.WORK_MEETING, "government", "district_government",
                                  1, 1, work_period, anchor, 180)),
        provision("§3.3", Cadence("joint-meeting", EngagementKind.JOINT_MEETING, "pairing", "department", meetings)),
        provision("§3.6", Cadence("leader-visit", EngagementKind.VISIT, "pairing", "department", visits[0],
                                  visits[1])),
    )
    info = DistrictInfo("generated", "生成区", "Generated district", "生成的意见", "generated")
    return District(info, tuple(orgs), tuple(found), provisions)


def random_district(n_pairings: int, seed: int = 7) -> District:
    """About ``n_pairings`` pairings: departments with 1–4 counterparts each, counterparts with ≤ 25."""
    rng = random.Random(seed)
    departments = max(1, n_pairings * 2 // 5)
    counterparts = max(2, n_pairings // 20)
    pairs: set[tuple[int, int]] = set()
    while len(pairs) < n_pairings:
        pairs.add((rng.randrange(departments), rng.randrange(counterparts)))
    return build_district(departments, counterparts, sorted(pairs))
