"""A sheet's rows as records: which rows are records, their values, one record per row or per group."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import attrs

from liaison_xlsx import cells
from liaison_xlsx.domain import (
    MEETING_DEFAULT,
    MEETING_OF_GOVERNMENT,
    RECORD_TYPES,
    REPLY_TYPE,
    Refused,
    engagement_kind,
)
from liaison_xlsx.problems import Row, Where, rows_ref
from liaison_xlsx.sheet import SheetReader
from liaison_xlsx.specs import Column, SheetSpec


# ------------------------------------------------------------------------------------- the records
@attrs.define
class Section:
    records: list[Any] = attrs.field(factory=list)
    where: list[Where] = attrs.field(factory=list)


def _is_record(spec: SheetSpec, reader: SheetReader, row: Row) -> bool:
    """会议走访: only 是; 责任制: only when something is designated; otherwise every non-blank row."""
    if spec.gate:
        column = spec.column(spec.gate)
        try:
            held = reader.parse(column, row)
        except Refused as problem:
            reader.problems.cell(reader.ref(column.field, row.number), problem)
            return False
        if held is None and "id" in reader.columns and cells.is_blank(row.values.get("id")):
            # pre-filled rows carry their 编号 and may stay blank (not held); a row added by hand says
            reader.problems.add(reader.ref(column.field, row.number),
                                f"a row added by hand needs 是 or 否 in “{column.header}”",
                                f"新增的行请在“{column.header}”填写“是”或“否”",
                                "write 是 if it took place, 否 if not", "已召开的填“是”，未召开的填“否”")
            return False
        if held is not True:
            actual = next((c for c in spec.columns if c.field == "_actual_date"), None)
            given = actual is not None and not cells.is_blank(row.values.get(actual.field))
            if actual is not None and given:
                answer = "否" if held is False else "空白"
                reader.problems.add(reader.ref(actual.field, row.number),
                                    f"an actual date is given but “{column.header}” is "
                                    f"{'no' if held is False else 'empty'}",
                                    f"填写了{actual.header}，但“{column.header}”为{answer}",
                                    f"write 是 in {column.header} if it took place, or clear the date",
                                    f"已召开的请在“{column.header}”填“是”，未召开的请清空{actual.header}")
            return False
        return True
    if spec.content:
        return any(not cells.is_blank(row.values.get(f)) for f in spec.content)
    return True


def _values(spec: SheetSpec, reader: SheetReader, row: Row) -> dict[str, Any] | None:
    """Every mapped column of a record row parsed; None (and problems noted) when a cell is bad."""
    return reader.parse_row(spec.columns, row)


def _missing(spec: SheetSpec, reader: SheetReader, row: Row, values: dict[str, Any],
             columns: Sequence[Column] | None = None) -> bool:
    missing = False
    for column in columns if columns is not None else spec.columns:
        if column.required == "cell" and values.get(column.field) is None and column.field in reader.columns:
            reader.problems.add(reader.ref(column.field, row.number), f"{column.label_en} is missing",
                                f"没有填写“{column.header}”", f"fill in {column.header}", f"请填写“{column.header}”")
            missing = True
    return missing


def _engagement(values: dict[str, Any], reader: SheetReader, row: Row) -> dict[str, Any] | None:
    """The ledger's own columns: 实际日期 overrides the planned date; the host attends its meeting;
    会议 is the §3.1 work meeting when the district government hosts it, else a §3.3 meeting."""
    actual = values.pop("_actual_date", None)
    values.pop("_held", None)
    values.pop("_note", None)
    if actual is not None:
        values["date"] = actual
    if values.get("date") is None:
        reader.problems.add(reader.ref("date", row.number), "neither the date nor the actual date is given",
                            "没有填写日期（或实际日期）", "fill in the date", "请填写日期")
        return None
    host = values["host"]
    kind = values["kind"]
    if kind == cells.MEETING:
        kind = MEETING_OF_GOVERNMENT if host == reader.directory.government() else MEETING_DEFAULT
    values["kind"] = engagement_kind(kind)
    values["attended"] = tuple(dict.fromkeys((host, *(values.get("attended") or ()))))
    # what a finding cites for it when it has no 编号: the file and the row, as the clerk finds them
    values["source"] = f"{reader.source}!{row.number}:{row.number}"
    return values


#: What a section's rows need beyond their columns (the ledger's own columns of 会议走访).
_FINISH: dict[str, Callable[[dict[str, Any], SheetReader, Row], dict[str, Any] | None]] = {
    "engagements": _engagement,
}


def _construct(spec: SheetSpec, reader: SheetReader, row: Row, values: dict[str, Any]) -> Any | None:
    kwargs = {k: v for k, v in values.items() if v is not None and k[0] != "_"}
    try:
        return RECORD_TYPES[spec.section](**kwargs)
    except (TypeError, ValueError) as exc:  # the record's own validators (attrs): name the cell they name
        message = str(exc)
        field = getattr(exc, "field", "") or message.split(" ", 1)[0]
        column = next((c for c in spec.columns if c.field == field and c.field in reader.columns), None)
        where = reader.ref(column.field, row.number) if column else rows_ref(reader.name, row.number)
        what = f"“{column.header}”" if column else "本行"
        said_zh = (exc.message_zh or "") if isinstance(exc, Refused) else ""
        if said_zh:  # the validator's own Chinese, naming the column instead of the field
            zh = what + said_zh.removeprefix(field).lstrip()
            message = (column.label_en if column else field) + message.removeprefix(field)
        else:
            zh = f"{what}有误" if column else "本行有误"
        reader.problems.add(where, message, zh, "correct the cell", "请改正该单元格")
        return None


def read_plain(spec: SheetSpec, reader: SheetReader, section: Section) -> None:
    for row in reader.rows():
        if reader.problems.full:
            return
        if not _is_record(spec, reader, row):
            continue
        values = _values(spec, reader, row)
        if values is None or _missing(spec, reader, row, values):
            continue
        finish = _FINISH.get(spec.section)
        if finish is not None:
            values = finish(values, reader, row)
            if values is None:
                continue
        record = _construct(spec, reader, row, values)
        if record is not None:
            section.records.append(record)
            section.where.append(Where(reader.name, row.number, reader.columns))


def read_grouped(spec: SheetSpec, reader: SheetReader, section: Section) -> None:
    """征求意见: rows with the same 编号 are one consultation, each row adding its replies."""
    assert spec.child is not None
    child_fields = set(spec.child.columns)
    parent_columns = [c for c in spec.columns if c.field not in child_fields]
    groups: dict[Any, tuple[Row, dict[str, Any], list[tuple[int, Any]]]] = {}
    for row in reader.rows():
        if reader.problems.full:
            return
        values = _values(spec, reader, row)
        if values is None:
            continue
        key = values.get(spec.key)
        if key is None:
            _missing(spec, reader, row, values, [spec.column(spec.key)])
            continue
        if key not in groups:
            if _missing(spec, reader, row, values, parent_columns):
                continue
            groups[key] = (row, values, [])
        else:
            first_row, first, _ = groups[key]
            for column in parent_columns:
                if column.field.startswith("_"):
                    continue
                given = values.get(column.field)
                if given is not None and given != first.get(column.field):
                    reader.problems.add(
                        reader.ref(column.field, row.number),
                        f"differs from row {first_row.number} of the same {spec.column(spec.key).header}",
                        f"与同一{spec.column(spec.key).header}的第{first_row.number}行不一致",
                        "leave it blank on the reply rows, or make the rows agree",
                        "答复行可留空，或与首行保持一致")
        organisations = values.get("organisation")
        reply_date = values.get("reply_date")
        if (organisations is None) != (reply_date is None):
            field = "reply_date" if reply_date is None else "organisation"
            column = spec.column(field)
            if field in reader.columns:
                reader.problems.add(reader.ref(field, row.number), f"{column.label_en} is missing for this reply",
                                    f"登记答复时须同时填写答复单位和答复日期（缺“{column.header}”）",
                                    f"fill in {column.header}", f"请填写“{column.header}”")
            continue
        if organisations is not None:
            for org in organisations:
                groups[key][2].append((row.number, REPLY_TYPE(org, reply_date)))
    for row, values, replies in groups.values():
        values = {k: v for k, v in values.items() if k not in child_fields}
        values[spec.child.field] = tuple(reply for _, reply in replies)
        record = _construct(spec, reader, row, values)
        if record is not None:
            section.records.append(record)
            section.where.append(Where(reader.name, row.number, reader.columns,
                                        tuple(number for number, _ in replies)))
