"""Titles broken as GB/T 9704-2012 §7.3.3 asks, checked by :mod:`title_check` (which the layout tests
also run over LibreOffice's lines): every title the seed's 2026 and 2027 exports write, hand-picked
hard ones, generated ones, and the defects issue #13 found, which the checker must flag."""

from __future__ import annotations

import pytest
from docx_seed import MORE_EVENTS, changed_request, make_records
from hypothesis import given, settings
from hypothesis import strategies as st
from liaison.formats.district import seed_district
from liaison.host.exporting import ExportRequest
from liaison.law.district import District
from liaison.law.workdays import ChineseCalendar
from liaison.year.engagements import PlanOptions
from liaison.year.planner import plan_year
from title_check import RATIO, title_defects

from liaison_docx.geometry import text_cells
from liaison_docx.letters.invitation import org_names
from liaison_docx.plugin import drafts
from liaison_docx.titles import BALANCE, balanced, break_title, title_units

SEED = seed_district()
NAMES = org_names(SEED)


def seed_titles() -> dict[str, tuple[str, ...]]:
    """Every title of `liaison export all` for 2026 and 2027 (with records, so consultation and
    feedback letters too), and of the changed 2027 with more events: title → its units."""
    requests = [changed_request({}, *MORE_EVENTS)]
    for year in (2026, 2027):
        plan = plan_year(SEED, year, PlanOptions(), calendar=ChineseCalendar())
        requests.append(ExportRequest(district=SEED, plan=plan, options={}, records=make_records(SEED)))
    return {d.letter.title_text: d.letter.title_units for r in requests for d in drafts(r)}


TITLES = seed_titles()


def test_the_checker_states_the_breakers_ratio() -> None:
    assert RATIO == BALANCE


def test_the_seed_covers_every_title_pattern() -> None:
    starts = {"关于做好", "关于邀请出席", "关于邀请参加", "关于征求", "关于调整", "改期的函", "关于取消",
              "反馈意见的函"}
    assert all(any(s in t for t in TITLES) for s in starts), sorted(TITLES)
    assert len(TITLES) > 40


@pytest.mark.parametrize("title", sorted(TITLES))
def test_every_seed_title_is_well_broken(title: str) -> None:
    lines = break_title(TITLES[title])
    assert "".join(lines) == title
    assert title_defects(lines, NAMES) == []


def test_every_seed_title_is_within_the_ratio() -> None:
    """In cells: the notices' 17.6 / 12, the invitations' 10 / 17 at worst."""
    for units in TITLES.values():
        widths = [text_cells(line) for line in break_title(units)]
        assert balanced(widths), widths
        assert len(widths) == 1 or min(widths) >= 0.58 * max(widths), widths


def test_a_quoted_name_breaks_between_words_only_when_whole_it_cannot_balance() -> None:
    """Whole, 《2028年区政府工作报告》 leaves 关于征求 / 《…》意见的函 (4 / 16.6 cells) or a 菱形 whose third
    title line pushes the one-page letter's 落款 onto a page of its own; broken between 区政府 and
    工作报告, two balanced lines.  A quote that balances whole stays whole."""
    consultation = next(t for t in TITLES if t.startswith("关于征求"))
    assert break_title(TITLES[consultation]) == ["关于征求《2028年区政府", "工作报告》意见的函"]
    units = ["关于", "印发", *title_units("《优化营商环境条例实施细则》"), "的通知"]
    assert break_title(units) == ["关于印发", "《优化营商环境条例实施细则》", "的通知"]  # a 菱形
    units = ["关于", "征求", *title_units("《区人民政府关于加强联系工作的意见》", NAMES), "意见的函"]
    assert break_title(units) == ["关于征求《区人民政府", "关于加强联系工作的意见》意见的函"]  # before 关于


HARD = [
    # a quote longer than a line breaks inside, at a word boundary, and the lines stay balanced
    ("关于征求", "《厦门市海沧区关于进一步加强和改进民主党派工商联对口联系工作的实施意见（征求意见稿）》", "意见的函"),
    ("关于邀请参加", "纪念九三学社成立78周年暨区工商联联系工作会议", "的函"),
    ("关于邀请出席", "区人民政府与各民主党派、工商联联系工作会议", "的函"),
    ("关于征求", "《中华人民共和国各民主党派参政议政工作条例实施细则》", "意见的函"),
    ("关于邀请出席", "区卫生局与农工党总支部、九三学社综合支社、民建总支部联席会议", "的函"),
    ("关于", "区人民政府与各民主党派、工商联联系工作会议", "改期的函"),
]


@pytest.mark.parametrize(("head", "middle", "tail"), HARD)
def test_hard_titles(head: str, middle: str, tail: str) -> None:
    names = [*NAMES, "厦门市海沧区"]
    lines = break_title([head, *title_units(middle, names), tail])
    assert "".join(lines) == head + middle + tail
    assert title_defects(lines, names) == [], lines


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(SEED.departments()),
       st.lists(st.sampled_from(SEED.counterparts()), min_size=1, max_size=4, unique=True),
       st.sampled_from(["联席会议", "座谈会", "联系工作会议"]),
       st.sampled_from([("关于邀请出席", "的函"), ("关于", "改期的函"), ("关于调整", "时间的函"),
                        ("关于取消", "的函")]))
def test_generated_invitation_titles(host: object, guests: list[object], event: str,
                                     pattern: tuple[str, str]) -> None:
    district: District = SEED
    middle = f"{district.organisation(host).name}与{'、'.join(district.organisation(g).name for g in guests)}{event}"
    lines = break_title([pattern[0], *title_units(middle, NAMES), pattern[1]])
    assert title_defects(lines, NAMES) == [], lines


@pytest.mark.parametrize(("lines", "defect"), [
    (["关于邀请参加纪念九三", "学社成立78周年暨区工商联联系工作会议的函"], "broken inside 九三学社"),
    (["关于邀请出席区建设局与民建总支部、区工商", "联联席会议的函"], "broken inside 区工商联"),
    (["关于邀请参加纪念九三学社成立78周", "年暨区工商联联系工作会议的函"], "broken inside 78周年"),
    (["关于邀请出席区台办与民革支部联席会议的", "函"], "a lone character on a line: 函"),
    (["关于征求", "《2028年区政府工作报告》意见的函"], "unbalanced (4, 16.56 cells)"),
    (["关于征求《2028年区政府工作报告》", "意见的函"], "unbalanced"),
    (["关于邀请出席区人民政府与各民主党派、工商联", "联系", "工作会议的函"], "unbalanced"),  # a short line inside
    (["关于征求《2028年区政", "府工作报告》意见的函"], "broken inside 区政府"),
])
def test_the_checker_flags_the_defects_issue_13_found(lines: list[str], defect: str) -> None:
    found = title_defects(lines, NAMES)
    assert any(defect in f for f in found), found
