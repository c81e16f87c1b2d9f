"""One place per concept: each of these failed once because two modules worked the same thing out
in two ways (issue #22, item 3). A test here fails when a second way comes back."""

from __future__ import annotations

import datetime as dt
import re

import attrs
from hypothesis import given, settings
from hypothesis import strategies as st

from liaison.law.compliance import FindingStatus, check
from liaison.law.district import District
from liaison.law.duties import duties_of
from liaison.law.records import DesignationRecord, Records
from liaison.law.rules import RULE_TAGS, Rule, describe_rule, rule_label
from liaison.law.terms import DESIGNATION_ZH

CJK = re.compile(r"[\u3400-\u9fff]")
ROLES = ("leader_in_charge", "liaison_office", "liaison_officer")


def _every_rule(district: District) -> list[Rule]:
    return [r for p in district.provisions for r in p.rules]


def test_every_kind_of_rule_has_one_label_and_one_line_in_each_language(seed: District) -> None:
    rules = _every_rule(seed)
    assert {type(r) for r in rules} == set(RULE_TAGS)  # the seed has every kind, so each is exercised
    for rule in rules:
        zh, en = rule_label(rule)
        assert CJK.search(zh) and zh.strip()
        assert en.strip() and not CJK.search(en), (rule, en)  # English output is English throughout
        line_zh, line_en = describe_rule(rule, "zh"), describe_rule(rule, "en")
        assert CJK.search(line_zh) and not CJK.search(line_en), (rule, line_en)


def test_the_command_and_the_page_use_the_cores_words_for_a_rule(seed: District) -> None:
    import pytest

    from liaison_cli import views

    assert views.describe_rule is describe_rule  # `liaison provisions` has no words of its own
    heatmap = pytest.importorskip("liaison_html.heatmap")
    for rule in _every_rule(seed):
        label = heatmap.rule_label(rule)
        assert (label.zh, label.en) == rule_label(rule)


def test_provisions_prints_each_rule_in_the_cores_words(seed: District) -> None:
    from click.testing import CliRunner

    from liaison_cli.main import cli

    for lang in ("zh", "en"):
        out = CliRunner().invoke(cli, ["provisions", "§3.6", "--lang", lang]).output
        for rule in seed.provision("§3.6").rules:
            assert describe_rule(rule, lang) in out


@settings(max_examples=25, deadline=None)
@given(st.dictionaries(st.sampled_from(["health", "finance", "dev-reform", "education", "civil-affairs"]),
                       st.sets(st.sampled_from(ROLES), max_size=3), max_size=5))
def test_the_notice_and_the_checker_find_the_same_roles_missing(seed: District,
                                                                named: dict[str, set[str]]) -> None:
    """§3.1: what the notice asks a department to report is what the checker finds unrecorded."""
    records = Records(designations=tuple(
        DesignationRecord(org, *("某某" if role in roles else None for role in ROLES))
        for org, roles in named.items() if org in seed.by_id()))
    day = dt.date(2027, 12, 31)
    found = {f.responsible: f for f in check(seed, records, 2027).by_status(FindingStatus.MISSING_DESIGNATION)}
    for dept in seed.departments():
        duty = duties_of(seed, dept, 2027, records, as_of=day).designation
        if duty is None or not duty.missing:
            assert dept.id not in found
            continue
        finding = found.pop(dept.id)
        said = finding.message_zh.split("指定", 1)[1].split("的记录", 1)[0]  # 没有区卫生局指定联络人员的记录
        assert said == "、".join(DESIGNATION_ZH[r] for r in duty.missing)
    assert not found


def test_a_designation_recorded_later_than_the_check_does_not_count(seed: District) -> None:
    late = Records(designations=(attrs.evolve(DesignationRecord("health", "甲", "乙", "丙"),
                                              date=dt.date(2028, 1, 2)),))
    duty = duties_of(seed, "health", 2027, late, as_of=dt.date(2027, 12, 31)).designation
    assert duty is not None and duty.missing == ROLES
