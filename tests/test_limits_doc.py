"""docs/limits.md matches the code, so the table of limits cannot drift (issue #16).

Every number in the tables is read back from the constant or the validator named beside it (a range
checked in ``__attrs_post_init__`` is probed at its bounds), and every field of the data formats is in the
document: a field with a limit in a table with that limit, a field without one in one of the two lists
(references, no limit yet). Adding a validator, changing a number or adding a field fails here until the
document says so.
"""

from __future__ import annotations

import datetime as dt
import importlib
import re
import typing
from collections.abc import Callable
from pathlib import Path
from types import UnionType
from typing import Any

import attrs
import pytest
from hostile_corpus import format_classes

from liaison.base import text
from liaison.base.errors import LiaisonError, Refused

DOC = Path(__file__).resolve().parents[1] / "docs" / "limits.md"
FIELD = re.compile(r"`([A-Z]\w+)\.(\w+)`")
REF = re.compile(r"`([a-z_][\w.]*)`")
CLASSES = format_classes()


def sections() -> dict[str, str]:
    found: dict[str, str] = {}
    title = ""
    for line in DOC.read_text(encoding="utf-8").splitlines():
        if line.startswith("## "):
            title = line[3:].strip()
            found[title] = ""
        elif title:
            found[title] += line + "\n"
    return found


def table(section: str) -> list[dict[str, str]]:
    """The rows of the first table of a section, by column header."""
    lines = [line for line in sections()[section].splitlines() if line.startswith("|")]
    header = [cell.strip() for cell in lines[0].strip("|").split("|")]
    return [dict(zip(header, (cell.strip() for cell in line.strip("|").split("|")), strict=True))
            for line in lines[2:]]


def fields_in(cell: str) -> list[tuple[type, attrs.Attribute[Any]]]:
    found = []
    for cls_name, name in FIELD.findall(cell):
        assert cls_name in CLASSES, f"docs/limits.md names {cls_name}.{name}: no such class in the formats"
        cls = CLASSES[cls_name]
        field = next((f for f in attrs.fields(cls) if f.name == name), None)
        assert field is not None, f"docs/limits.md names {cls_name}.{name}: no such field"
        found.append((cls, field))
    return found


def resolve(ref: str) -> Any:
    module, _, name = ref.rpartition(".")
    while module:
        try:
            return getattr(importlib.import_module(module), name)
        except ModuleNotFoundError:
            module, _, outer = module.rpartition(".")
            name = f"{outer}.{name}"
        except AttributeError:
            break
    obj: Any = importlib.import_module(ref.split(".")[0])
    for part in ref.split(".")[1:]:
        obj = getattr(obj, part)
    return obj


def number(cell: str) -> int:
    return int(re.search(r"\d[\d,]*", cell).group().replace(",", ""))  # type: ignore[union-attr]


def bounds(cell: str) -> tuple[int, int]:
    low, high = re.fullmatch(r"(\d+)–(\d+)", cell.strip()).groups()  # type: ignore[union-attr]
    return int(low), int(high)


def unwrap(validator: Any) -> list[Any]:
    """The plain validators inside and_(…), optional(…) and deep_iterable(…)."""
    if validator is None:
        return []
    if hasattr(validator, "_validators"):
        return [v for inner in validator._validators for v in unwrap(inner)]
    for attribute in ("validator", "member_validator"):
        if type(validator).__name__ in ("_OptionalValidator", "_DeepIterable") and hasattr(validator, attribute):
            return unwrap(getattr(validator, attribute))
    return [validator]


def closure(validator: Any) -> dict[str, Any]:
    """The numbers a validator was made with: a text validator's fields, a range's closure."""
    if isinstance(validator, text.BoundedText):
        return attrs.asdict(validator)
    code = getattr(validator, "__code__", None)
    if code is None or not validator.__closure__:
        return {}
    return dict(zip(code.co_freevars, (c.cell_contents for c in validator.__closure__), strict=True))


def limited(field: attrs.Attribute[Any]) -> list[Any]:
    """The validators of a field that are limits (text, id, range), not cross-field checks."""
    return [v for v in unwrap(field.validator) if v is text.identifier or {"limit", "low"} & closure(v).keys()]


# ------------------------------------------------------------------------------------------ files
def test_the_file_limits_are_the_constants() -> None:
    checked = 0
    for row in table("Files"):
        for ref in REF.findall(row["Checked in"]):
            value = resolve(ref) if not ref.startswith("liaison_xlsx") else _xlsx(ref)
            if isinstance(value, int) and not isinstance(value, bool):
                assert value == number(row["Value"]), (row["Limit"], ref, value)
                checked += 1
    assert checked >= 5


def _xlsx(ref: str) -> Any:
    pytest.importorskip("liaison_xlsx")
    return resolve(ref)


def test_a_file_over_the_limit_is_refused_before_it_is_read(tmp_path: Path) -> None:
    from liaison.formats.syntax import MAX_FILE_BYTES, read_file

    path = tmp_path / "huge.toml"
    with open(path, "wb") as handle:
        handle.truncate(MAX_FILE_BYTES + 1)
    with pytest.raises(LiaisonError, match=f"files up to {MAX_FILE_BYTES:,} bytes are read"):
        read_file(path)


# -------------------------------------------------------------------------------------------- ids
def test_the_id_alphabet_is_the_pattern() -> None:
    prose = sections()["Ids"]
    assert f"`{text.ID_PATTERN.pattern}`" in prose
    assert f"at most {text.ID_MAX} characters" in prose
    assert text.ID_PATTERN.pattern == r"[a-z0-9][a-z0-9-]{0,63}" and text.ID_MAX == 64
    for row in table("Ids"):
        for cls, field in fields_in(row["Fields"]):
            assert text.identifier in unwrap(field.validator), f"{cls.__name__}.{field.name} is not an id"


def test_ids_that_differ_make_different_file_names() -> None:
    """The id alphabet needs no escaping, so a/b and a_b cannot both be ids and collide in a file name."""
    from liaison.host.exporting import safe_name

    ids = ["a-b", "a", "b", "ab", "a--b", "0", "health", "h" * 64]
    assert len({safe_name(i) for i in ids}) == len(ids)
    assert all(safe_name(i) == i for i in ids)
    assert not any(text.ID_PATTERN.fullmatch(i) for i in ["a/b", "a_b", "A", "😷", "-a", "h" * 65, ""])


# ------------------------------------------------------------------------------------------- text
def test_the_text_limits_are_the_validators() -> None:
    for row in table("Text"):
        limit = number(row["At most (characters)"])
        one_line = {"one": True, "several": False}[row["Lines"]]
        required = {"refused": True, "allowed": False}[row["Empty"]]
        for ref in REF.findall(row["Constants"]):
            assert resolve(ref) == limit, (row["Text"], ref)
        named = [resolve(ref) for ref in REF.findall(row["Validator"]) if ref.startswith("liaison.base.text.")]
        fields = fields_in(row["Fields"])
        assert fields, row
        for cls, field in fields:
            where = f"{cls.__name__}.{field.name}"
            values = [closure(v) for v in limited(field) if "limit" in closure(v)]
            assert values, f"{where} has no text limit"
            assert values[0] == {"limit": limit, "single_line": one_line, "required": required}, where
            if named:
                assert any(v in named for v in unwrap(field.validator)), f"{where}: not {row['Validator']}"


# ---------------------------------------------------------------------------------------- numbers
def _probe_options(name: str) -> Callable[[int, int], None]:
    from liaison.year.engagements import PlanOptions, TimeSlot

    def make(value: int) -> object:
        if name in ("preferred_months", "preferred_weekdays"):
            return PlanOptions(**{name: (value,)})
        if name == "slots":
            return PlanOptions(slots=tuple(TimeSlot(dt.time(8 + i % 10, 0)) for i in range(value)))
        return PlanOptions(**{name: value})

    def probe(low: int, high: int) -> None:
        make(low)
        make(high)
        for outside in (low - 1, high + 1):
            with pytest.raises(Refused, match=name):  # a Refused naming the field: the loader's path ends there
                make(outside)

    return probe


def _law_days(year: int, *extra: str) -> str:
    """A notice's days: every day the law fixes in ``year`` (a notice must list them), and ``extra``."""
    from liaison.law.holiday_law import HolidayKind, law_year

    days = [f'{{"name": "{h.name_zh}", "date": "{d}", "isOffDay": true}}'
            for d, h in sorted(law_year(year).days_off.items()) if h.kind == HolidayKind.STATUTORY]
    return ", ".join([*days, *extra])


def _probe_notice_year(low: int, high: int) -> None:
    from liaison.formats.notice import parse_holiday_notice

    for year in (low, high):
        parse_holiday_notice(f'{{"year": {year}, "days": [{_law_days(year)}]}}')
    for year in (low - 1, high + 1):
        with pytest.raises(LiaisonError, match=f"outside {low}–{high}"):
            parse_holiday_notice(f'{{"year": {year}, "days": []}}')


def _probe_spill(low: int, high: int) -> None:
    from liaison.formats.notice import parse_holiday_notice
    from liaison.law.notices import MAX_SPILL_DAYS

    assert (low, high) == (0, MAX_SPILL_DAYS)

    def notice(day: dt.date) -> str:
        extra = f'{{"name": "元旦", "date": "{day}", "isOffDay": true}}'
        return f'{{"year": 2027, "days": [{_law_days(2027, extra)}]}}'

    parse_holiday_notice(notice(dt.date(2027, 1, 1) - dt.timedelta(days=high)))
    parse_holiday_notice(notice(dt.date(2027, 12, 31) + dt.timedelta(days=high)))
    with pytest.raises(LiaisonError, match="is not in 2027"):
        parse_holiday_notice(notice(dt.date(2027, 1, 1) - dt.timedelta(days=high + 1)))


def _probe_years(low: int, high: int) -> None:
    from liaison.base.text import FIRST_YEAR, LAST_YEAR
    from liaison.formats.district import seed_district
    from liaison.law.compliance import check
    from liaison.law.records import Records
    from liaison.year.planner import plan_year

    assert (low, high) == (FIRST_YEAR, LAST_YEAR)
    district = seed_district()
    for year in (low - 1, high + 1):
        with pytest.raises(LiaisonError):
            plan_year(district, year)
        with pytest.raises(LiaisonError):
            check(district, Records(district_id=district.info.id), year)
    check(district, Records(district_id=district.info.id), low)


def _probe_year_range(low: int, high: int) -> None:
    import click

    from liaison_cli.year import parse_years

    assert len(parse_years(None, f"2000..{2000 + high - 1}")) == high
    assert len(parse_years(None, "2000..2000")) == low
    with pytest.raises(click.BadParameter):
        parse_years(None, f"2000..{2000 + high}")


def _probe_file_dates(low: int, high: int) -> None:
    from liaison.base.text import FIRST_YEAR, LAST_YEAR
    from liaison.formats.district import seed_district
    from liaison.formats.events import parse_events

    assert (low, high) == (FIRST_YEAR, LAST_YEAR)

    def events(year: int) -> str:
        return f'[[events]]\nkind = "symposium"\ndate = {year:04d}-05-11\ntitle_zh = "座谈会"\n'

    for year in (low, high):
        parse_events(events(year), seed_district(), file="e.toml")
    for year in (low - 1, high + 1):
        with pytest.raises(LiaisonError, match=f"outside {low}–{high}"):
            parse_events(events(year), seed_district(), file="e.toml")


def _probe_ledger_dates(low: int, high: int) -> None:
    cells = pytest.importorskip("liaison_xlsx.cells")
    assert (low, high) == (cells.FIRST_YEAR, cells.LAST_YEAR)
    cells.date(f"{low}-01-01")
    with pytest.raises(Refused):
        cells.date(f"{high + 1}-01-01")


def _probe_guests(low: int, high: int) -> None:
    from liaison.formats.district import seed_district
    from liaison.formats.events import parse_events

    def events(n: int) -> str:
        guests = ", ".join(f'{{ name = "客{i}", organisation = "cdl" }}' for i in range(n))
        return (f'[[events]]\nkind = "important_meeting"\ndate = 2027-05-11\ntitle_zh = "会议"\n'
                f"guests = [{guests}]\n")

    for n in (low, high):
        assert len(parse_events(events(n), seed_district(), file="e.toml")[0].guests) == n
    with pytest.raises(LiaisonError, match=r"guests"):
        parse_events(events(high + 1), seed_district(), file="e.toml")


#: Ranges checked by code rather than an in_range validator: probed at their bounds.
PROBES: dict[str, Callable[[int, int], None]] = {
    "KnownEvent.guests": _probe_guests,
    "PlanOptions.preferred_months": _probe_options("preferred_months"),
    "PlanOptions.preferred_weekdays": _probe_options("preferred_weekdays"),
    "PlanOptions.slots": _probe_options("slots"),
    "HolidayNotice.year": _probe_notice_year,
    "NoticeDay.date": _probe_spill,
    "--year": _probe_years,
    "--years": _probe_year_range,
    "every date cell": _probe_ledger_dates,
    "every date of a district": _probe_file_dates,
}


def test_the_ranges_are_the_validators_or_are_probed_at_their_bounds() -> None:
    from liaison.year.engagements import MAX_VISITS

    probed = set()
    for row in table("Numbers"):
        if not re.fullmatch(r"\d+–\d+", row["Range"]):
            assert row["Fields"] == "`YearState.year`", row  # "the year asked for": test_state.py and the corpus
            continue
        low, high = bounds(row["Range"])
        if "`liaison.base.text.in_range`" in row["Checked in"]:
            for cls, field in fields_in(row["Fields"]):
                ranges = [closure(v) for v in limited(field) if "low" in closure(v)]
                assert ranges == [{"low": low, "high": high}], f"{cls.__name__}.{field.name}: {ranges}"
            continue
        key = next((k for k in PROBES if k in row["Fields"] and k not in probed), None)
        assert key is not None, f"no probe for the row {row['Number']!r}: add one to PROBES"
        probed.add(key)
        PROBES[key](low, high)
    assert probed >= set(PROBES) - {"--years"} and MAX_VISITS == 12


# ---------------------------------------------------------------------------------- completeness
def _plain(hint: Any) -> bool:
    """str, int or a tuple of them (optional or not): the fields a limit is about."""
    if hint in (str, int):
        return True
    args = [a for a in typing.get_args(hint) if a is not type(None)]
    if typing.get_origin(hint) is tuple:
        return bool(args) and args[0] in (str, int)
    if typing.get_origin(hint) in (typing.Union, UnionType):
        return any(_plain(a) for a in args)
    return False


def _own_fields() -> dict[str, attrs.Attribute[Any]]:
    found = {}
    for name, cls in CLASSES.items():
        hints = typing.get_type_hints(cls)
        for field in attrs.fields(cls):
            if not field.inherited and (_plain(hints[field.name]) or limited(field)):
                found[f"{name}.{field.name}"] = field
    return found


def test_every_field_of_the_formats_is_in_the_document() -> None:
    """A limited field in a table; a field without a limit of its own (a provision or district id
    checked against the district) in the references' section."""
    parts = sections()
    tables = "".join(parts[s] for s in ("Ids", "Text", "Numbers"))
    in_tables = {f"{c}.{n}" for c, n in FIELD.findall(tables)}
    unlimited = {f"{c}.{n}" for c, n in FIELD.findall(parts["References: checked against the district"])} - in_tables
    for name, field in _own_fields().items():
        if limited(field):
            assert name in in_tables, f"{name} has a limit the tables do not give"
            assert name not in unlimited, f"{name} has a limit, but the document says it has none"
        else:
            assert name in in_tables | unlimited, f"{name} is in no table and in no list of docs/limits.md"
    for cls_name, name in FIELD.findall(DOC.read_text(encoding="utf-8")):
        assert any(f.name == name for f in attrs.fields(CLASSES[cls_name])), f"{cls_name}.{name}"
