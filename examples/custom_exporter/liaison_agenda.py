"""A third-party `liaison` plugin: the year's plan as a Markdown agenda and a CSV.

Install it (`pip install examples/custom_exporter`) and it appears in `liaison plugins`;
`liaison export agenda --year 2027` writes out/2027/agenda/*.md and *.csv. Its one option,
`months`, shows how an exporter declares typed options the host checks.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable

from liaison import Option, hookimpl
from liaison.host.exporting import Artifact, Exporter, ExportRequest, safe_name
from liaison.law.rules import ENGAGEMENT_KIND_ZH

#: The months a list option may name: the host refuses anything else before the exporter runs.
OPTIONS = (Option(name="months", type="list", default=(),
                  help="only these months, e.g. 3,4,5 (default: the whole year)",
                  choices=tuple(str(m) for m in range(1, 13)), help_zh="只列这些月份，如 3,4,5（默认：全年）"),)


def export(request: ExportRequest) -> Iterable[Artifact]:
    district, plan = request.district, request.plan
    months = {int(m) for m in request.option("months", ())}
    engagements = [e for e in plan.engagements if not months or e.date.month in months]
    lines = [f"# {district.info.name} {plan.year}年对口联系工作议程", ""]
    month = 0
    for e in engagements:
        if e.date.month != month:
            month = e.date.month
            lines += ["", f"## {month}月", ""]
        when = f"{e.start:%H:%M}" if e.start else "全天"
        lines.append(f"- {e.date:%m-%d} {when} **{e.title_zh}**（{ENGAGEMENT_KIND_ZH[e.kind]}，"
                     f"{'、'.join(e.provisions)}）— {district.names_of(e.participants)}")
    base = safe_name(f"agenda-{district.info.id}-{plan.year}")
    yield Artifact(f"agenda/{base}.md", "text/markdown", ("\n".join(lines) + "\n").encode("utf-8"))
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["id", "date", "start", "end", "kind", "title", "host", "participants", "provisions", "status"])
    for e in engagements:
        writer.writerow([e.id, e.date.isoformat(), e.start or "", e.end or "", e.kind.value, e.title_zh,
                         district.organisation(e.host).name, "、".join(district.organisation(p).name
                                                                       for p in e.participants),
                         " ".join(e.provisions), e.status.value])
    yield Artifact(f"agenda/{base}.csv", "text/csv", buffer.getvalue().encode("utf-8-sig"))


@hookimpl
def register_exporters(register: Callable[[Exporter], None]) -> None:
    register(Exporter("agenda", "Markdown 议程与 CSV agenda", export, options=OPTIONS))
