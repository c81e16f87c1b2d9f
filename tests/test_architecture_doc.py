"""docs/architecture.md is a map a developer follows: every module and name it points at exists, and
every path it describes for adding something is the path the code takes."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from builders import resolve

DOC = Path(__file__).parents[1] / "docs" / "architecture.md"
ROOTS = ("liaison", "liaison_cli", "liaison_workspace", "liaison_ical", "liaison_docx", "liaison_xlsx",
         "liaison_caldav", "liaison_html")
ROOT_NAMES = "|".join(ROOTS)
DOTTED = re.compile(rf"`((?:{ROOT_NAMES})(?:\.[A-Za-z_][A-Za-z0-9_]*)*)(?:\(\))?`")




NAMES = sorted(set(DOTTED.findall(DOC.read_text(encoding="utf-8"))))


def test_the_doc_names_the_code() -> None:
    assert len(NAMES) > 30, NAMES


@pytest.mark.parametrize("dotted", NAMES)
def test_every_name_in_the_doc_exists(dotted: str) -> None:
    from liaison.moved import MOVED

    for name in MOVED.get(dotted, (dotted,)):  # a 0.1 path is checked by where it went
        resolve(name)


def test_every_file_the_doc_names_exists() -> None:
    root = DOC.parents[1]
    named = set(re.findall(r"`((?:src|tests|plugins|examples|docs)/[^`* ]+)`", DOC.read_text(encoding="utf-8")))
    assert named
    assert not {path for path in named if not (root / path).exists()}


# ------------------------------------------------------------------ "A new kind of provision", followed

def _rules_by_kind() -> dict[type, list[tuple[str, object]]]:
    import liaison

    found: dict[type, list[tuple[str, object]]] = {}
    for provision in liaison.seed_district().provisions:
        for rule in provision.rules:
            found.setdefault(type(rule), []).append((provision.id, rule))
    return found


def _kinds() -> tuple[type, ...]:
    import typing

    from liaison.law.rules import Rule

    return typing.get_args(Rule)


@pytest.mark.parametrize("kind", _kinds(), ids=lambda kind: kind.__name__)
def test_a_rule_kind_is_registered_everywhere_the_doc_says(kind: type) -> None:
    """Every kind in the union has its tag, a section of data-format.md showing the tag, records it is
    checked against, and a checker that reports on it given records of every section."""
    import liaison
    from liaison.law.compliance import check
    from liaison.law.records import SECTIONS
    from liaison.law.rules import RULE_TAGS, sections_read

    tag = RULE_TAGS[kind]
    data_format = (DOC.parent / "data-format.md").read_text(encoding="utf-8")
    assert f'kind = "{tag}"' in data_format, f"data-format.md shows no rule of kind {tag!r}"
    examples = _rules_by_kind().get(kind)
    assert examples, f"the seed has no {kind.__name__}: the path cannot be followed on it"
    for _, rule in examples:
        assert set(sections_read(rule)) <= set(SECTIONS), (rule, sections_read(rule))
    district = liaison.seed_district()
    records = liaison.load_records(Path(__file__).parents[1] / "examples" / "records-2026.toml", district)
    keys = {(provision, getattr(rule, "key", None)) for provision, rule in examples}
    findings = [f for f in check(district, records, 2026).findings if (f.provision, f.rule) in keys]
    assert findings, f"no checker reports on a {kind.__name__}: add one to liaison.law.compliance.CHECKERS"
    from liaison.law.rules import describe_rule, rule_label

    for _, rule in examples:  # its words, both languages, for the command and the page
        assert all(rule_label(rule)) and describe_rule(rule, "zh") and describe_rule(rule, "en")


# -------------------------------------------------------------------- "A change to a file format", followed

def test_every_older_format_of_every_kind_is_refused_with_the_upgrade() -> None:
    import liaison
    from liaison.base.errors import LiaisonError
    from liaison.formats.syntax import FORMATS, current_body, format_name

    older = [(kind, version) for kind, current in FORMATS.items() for version in range(1, current)]
    assert older, "no older format: this test follows nothing"
    for kind, version in older:
        with pytest.raises(LiaisonError) as raised:
            current_body({"format": format_name(kind, version)}, kind, file="old.toml")
        assert "upgrade" in raised.value.render("en"), raised.value.render("en")
    with pytest.raises(LiaisonError) as raised:
        liaison.parse_district('format = "liaison-district/1"\n', file="old.toml")
    assert "upgrade" in raised.value.render("en")
