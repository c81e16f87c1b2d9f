"""One error shape (issue #22): a location of values (the file; a path of keys and indices, or a sheet
and a cell) and a bilingual problem, rendered in one place, as one line or as a JSON document."""

from __future__ import annotations

import ast
import json
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from liaison.base.errors import (
    DataError,
    LiaisonError,
    Location,
    Problem,
    Refused,
    error_document,
    error_from_document,
    render_line,
    render_path,
)
from liaison.formats.district import parse_district

keys = st.one_of(st.integers(0, 10_000), st.text(max_size=12))
paths = st.lists(keys, max_size=6).map(tuple)
texts = st.text(max_size=20)
locations = st.one_of(
    st.builds(Location, file=st.none() | texts, path=paths),
    st.builds(Location, file=st.none() | texts, path=paths, root=st.sampled_from(["$", "options", ""])),
    st.builds(Location, file=st.none() | texts, sheet=st.text(min_size=1, max_size=12),
              cell=st.none() | st.sampled_from(["E12", "12:12", "A1:C3"])),
    st.builds(Location, file=st.none() | texts, place=st.none() | texts.filter(lambda t: not t.startswith("$"))),
)
problems = st.builds(Problem, message=st.text(min_size=1, max_size=30), message_zh=st.none() | texts,
                     fix=st.none() | texts, fix_zh=st.none() | texts)


_STEP = re.compile(r"""\.([^.\[\]'"\s]+)|\[(-?\d+)\]|\[('(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")\]""")


def _read_back(text: str) -> tuple[str | int, ...] | None:
    """The keys a rendered path names, read as a person would (the test's oracle: the library never
    reads a path back, it keeps the keys)."""
    keys: list[str | int] = []
    at = 1
    while at < len(text):
        step = _STEP.match(text, at)
        if step is None:
            return None
        name, index, quoted = step.groups()
        keys.append(name if name is not None else int(index) if index is not None else ast.literal_eval(quoted))
        at = step.end()
    return tuple(keys)


@given(paths)
def test_a_path_of_keys_and_indices_renders_unambiguously(path: tuple[str | int, ...]) -> None:
    text = render_path(path)
    assert text.startswith("$") and _read_back(text) == path


def test_paths_render_as_the_documents_write_them() -> None:
    assert render_path(("pairings", 3, "counterpart")) == "$.pairings[3].counterpart"
    assert render_path(()) == "$"
    assert render_path(("days", 0, "$schema")) == "$.days[0].$schema"
    assert render_path(("local", "a key")) == "$.local['a key']"  # not a plain key: cattrs' spelling
    assert render_path(("url",), "options") == "options.url"  # an option, under its documented root
    assert render_path(("attachments", 0, "name"), "") == "attachments[0].name"  # a value handed to a plugin


def test_a_path_given_as_text_is_refused() -> None:
    with pytest.raises(TypeError, match="tuple of keys"):
        DataError("wrong", path="$.pairings[3].counterpart")  # type: ignore[arg-type]


@given(locations)
def test_the_json_document_gives_the_location_back(location: Location) -> None:
    error = DataError("wrong", path=location, message_zh="错", fix="do", fix_zh="做")
    document = json.loads(json.dumps(error_document(error), ensure_ascii=False))
    assert document["path"] == (None if location.path is None else list(location.path))
    assert document["at"] == error.path == location.rendered
    back = error_from_document(document)
    assert back.location == location and back.problem == error.problem
    assert back.render("zh") == error.render("zh") and back.render("en") == error.render("en")


@given(st.lists(st.tuples(locations, problems), min_size=2, max_size=5))
def test_a_file_with_several_problems_lists_each_in_the_document(found: list[tuple[Location, Problem]]) -> None:
    error = DataError.several([DataError(p.message, path=where, message_zh=p.message_zh, fix=p.fix, fix_zh=p.fix_zh)
                               for where, p in found])
    document = error_document(error)
    assert document["kind"] == "DataError"
    assert [Location.from_document(p) for p in document["problems"]] == [where for where, _ in found]
    assert [Problem.from_document(p) for p in document["problems"]] == [p for _, p in found]
    for lang in ("en", "zh"):
        assert error_from_document(json.loads(json.dumps(document))).render(lang) == error.render(lang)
        total = f"共 {len(found)} 处问题" if lang == "zh" else f"{len(found)} problems in all"
        assert error.render(lang) == "\n".join([*(render_line(w, p, lang) for w, p in found), total])


def test_one_line_in_the_output_language() -> None:
    where = Location(file="台账.xlsx", sheet="会议走访", cell="E12")
    problem = Problem(message="no organisation is called “农工总支”", message_zh="没有名为“农工总支”的单位",
                      fix="use a name of the district", fix_zh="请使用区内单位的名称")
    assert render_line(where, problem, "zh") == ("台账.xlsx: 会议走访!E12: 没有名为“农工总支”的单位"
                                                 "（处理办法：请使用区内单位的名称）")
    assert render_line(where, problem, "en") == ("台账.xlsx: 会议走访!E12: no organisation is called “农工总支” "
                                                 "(fix: use a name of the district)")
    quoted = Location(sheet="会议 走访", cell="12:12")
    assert quoted.rendered == "'会议 走访'!12:12"
    english_only = Problem(message="wrong", fix="do")  # never half Chinese
    assert render_line(Location.option("url"), english_only, "zh") == "options.url: wrong (fix: do)"


def test_an_error_keeps_its_old_attributes_for_existing_callers() -> None:
    error = DataError("wrong", file="d.toml", path=("pairings", 3, "counterpart"), fix="do")
    assert error.location == Location(file="d.toml", path=("pairings", 3, "counterpart"))
    assert (error.file, error.path, error.message, error.fix) == ("d.toml", "$.pairings[3].counterpart", "wrong", "do")
    moved = error.located(path=("records", 0), fix="other", fix_zh="另")
    assert moved.path == "$.records[0]" and moved.file == "d.toml" and moved.fix_zh == "另"
    assert str(moved) == "d.toml: $.records[0]: wrong (fix: other)"
    option = LiaisonError("bad", path=Location.option("url"))  # not a document's path: under options
    assert option.path == "options.url" and option.location.path == ("url",) and option.location.place is None
    assert error_from_document(error_document(option)).location == option.location


def test_a_validator_names_its_field_and_the_path_ends_there(seed_text: str) -> None:
    text = seed_text.replace('name = "区人民政府"', f'name = "{"区" * 61}"', 1)
    with pytest.raises(DataError) as caught:
        parse_district(text, file="d.toml")
    path = caught.value.location.path
    assert path is not None and path[0] == "organisations" and path[-1] == "name" and isinstance(path[1], int)
    assert caught.value.path == f"$.organisations[{path[1]}].name"
    assert "\x00" not in str(caught.value) and "\x01" not in str(caught.value)


def test_refused_is_the_one_value_refused_shape() -> None:
    refused = Refused("too long", "太长", "cut it", "删短", field="name")
    assert isinstance(refused, ValueError) and refused.field == "name"
    assert refused.problem == Problem(message="too long", message_zh="太长", fix="cut it", fix_zh="删短")
    assert Refused("x", "").message_zh is None  # no empty sentences


def test_the_old_field_error_still_catches_a_refused_field_for_one_release() -> None:
    import liaison.base.text as text

    with pytest.warns(DeprecationWarning, match="Refused"):
        field_error = text.FieldError
    with pytest.raises(field_error) as caught:
        text.name_text(None, type("A", (), {"name": "name"})(), "")  # type: ignore[arg-type]
    assert caught.value.field == "name"
    made = field_error("name", "too long", "太长")  # 0.1's order: the field first
    assert isinstance(made, Refused) and made.field == "name"
    assert made.problem == Problem(message="too long", message_zh="太长")


def test_a_key_repeated_in_a_json_state_is_located_by_its_keys() -> None:
    """A repeated key that is no plain word ("x y") is a key of the path, not text glued to it."""
    from liaison.formats.syntax import read_json

    with pytest.raises(DataError) as caught:
        read_json('{"format": "liaison-state/1", "engagements": [{"x y": 1, "x y": 2}]}', file="p.json",
                  expected="state")
    where = caught.value.location
    assert where == Location(file="p.json", path=("engagements", 0, "x y")) and where.place is None
    assert caught.value.path == "$.engagements[0]['x y']"
    assert str(caught.value).startswith("p.json: $.engagements[0]['x y']: the key 'x y' is given twice")


def test_every_problem_of_a_structure_is_its_own_error_at_its_own_path() -> None:
    """Five problems in one document are five errors in one (not the first with the others glued to its
    message and the sixth dropped); the JSON document lists them all."""
    from liaison.formats.convert import structure
    from liaison.law.notices import HolidayNotice

    days = [{"name": "春节", "date": f"2027-02-3{i}", "isOffDay": True} for i in range(6)]  # 02-30 … 02-35
    with pytest.raises(DataError) as caught:
        structure({"year": 2027, "days": days}, HolidayNotice, file="n.json", fix="see docs/holidays.md")
    error = caught.value
    listed = error_document(error)["problems"]
    assert [p["path"] for p in listed] == [["days", i, "date"] for i in range(6)]
    assert error.location.path == ("days", 0, "date") and "also" not in error.message
    lines = error.render("en").splitlines()
    assert lines[:6] == [render_line(p.location, p.problem) for p in error.problems]
    assert lines[-1] == "6 problems in all" and all(line.startswith("n.json: $.days[") for line in lines[:6])


def test_a_plugins_value_is_a_path_under_no_root_and_an_id_step_comes_back() -> None:
    from liaison.base.errors import ExportError, Id

    where = Location.inside("organisations", Id("health"), "short_name")
    assert where.rendered == "organisations[health].short_name"
    assert Location.inside("provisions", Id("§3.1"), "rules", Id("a b")).rendered == "provisions[§3.1].rules['a b']"
    document = error_document(ExportError("x", path=where))
    assert document["path"] == ["organisations", {"id": "health"}, "short_name"] and document["root"] == ""
    back = error_from_document(json.loads(json.dumps(document))).location
    assert back.rendered == where.rendered and back.path is not None and isinstance(back.path[1], Id)
