"""The built-in `json` exporter: the plan as the JSON document `liaison plan --plan FILE` reads back."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from liaison.exporting import Artifact, Exporter, ExportRequest, safe_name
from liaison.hookspecs import hookimpl
from liaison.planfile import plan_to_json


def export(request: ExportRequest) -> Iterable[Artifact]:
    label = request.plan.label
    name = safe_name(f"plan-{request.district.info.id}-{label}") + ".json"
    yield Artifact(f"{safe_name(label)}/{name}", "application/json", plan_to_json(request.plan).encode("utf-8"))


@hookimpl
def register_exporters(register: Callable[[Exporter], None]) -> None:
    register(Exporter("json", "计划 JSON（可由 liaison plan --plan 读回） plan as JSON", export))
