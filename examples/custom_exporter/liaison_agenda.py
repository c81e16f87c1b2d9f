"""A third-party `liaison` plugin: the plan as a Markdown agenda and a CSV, one pair per year.

Install it (`pip install examples/custom_exporter`) and it appears in `liaison plugins`;
`liaison export agenda --year 2027` writes out/2027/agenda/*.md and *.csv.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable

from liaison import hookimpl
from liaison.exporting import Artifact, Exporter, ExportRequest, safe_name
from liaison.model import ENGAGEMENT_KIND_ZH


def export(request: ExportRequest) -> Iterable[Artifact]:
    district, plan = request.district, request.plan
    name = district.organisation
    for year in plan.years:
        engagements = plan.in_year(year)
        lines = [f"# {district.info.name} {year}年对口联系工作议程", ""]
        month = 0
        for e in engagements:
            if e.date.month != month:
                month = e.date.month
                lines += ["", f"## {month}月", ""]
            when = f"{e.start:%H:%M}" if e.start else "全天"
            lines.append(f"- {e.date:%m-%d} {when} **{e.title_zh}**（{ENGAGEMENT_KIND_ZH[e.kind]}，"
                         f"{'、'.join(e.provisions)}）— {'、'.join(name(p).name for p in e.participants)}")
        folder = f"{year}/agenda"
        base = safe_name(f"agenda-{district.info.id}-{year}")
        yield Artifact(f"{folder}/{base}.md", "text/markdown", ("\n".join(lines) + "\n").encode("utf-8"))
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(["id", "date", "start", "end", "kind", "title", "host", "participants", "provisions", "status"])
        for e in engagements:
            writer.writerow([e.id, e.date.isoformat(), e.start or "", e.end or "", e.kind.value, e.title_zh,
                             name(e.host).name, "、".join(name(p).name for p in e.participants),
                             " ".join(e.provisions), e.status.value])
        yield Artifact(f"{folder}/{base}.csv", "text/csv", buffer.getvalue().encode("utf-8-sig"))


@hookimpl
def register_exporters(register: Callable[[Exporter], None]) -> None:
    register(Exporter("agenda", "Markdown 议程与 CSV agenda", export))
