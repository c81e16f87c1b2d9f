"""Every provision is data: its ID, Chinese citation, verbatim text, modality and rules."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from liaison.base.errors import UnknownProvisionError
from liaison.formats.district import parse_district
from liaison.law.district import District
from liaison.law.rules import Cadence, Modality

REGULATION = Path(__file__).parent / "data" / "regulation.zh.md"


def regulation_paragraphs() -> dict[str, str]:
    parts = re.split(r"^\[(§[\d.]+)\] ", REGULATION.read_text(encoding="utf-8"), flags=re.M)
    return {parts[i]: parts[i + 1].strip() for i in range(1, len(parts), 2)}


def test_every_provision_of_the_regulation_is_in_the_data_with_its_verbatim_text(seed: District) -> None:
    paragraphs = regulation_paragraphs()
    assert [p.id for p in seed.provisions] == list(paragraphs)
    for prov in seed.provisions:
        assert prov.text_zh == paragraphs[prov.id], prov.id


@pytest.mark.parametrize(("pid", "citation", "title"), [
    ("§1.1", "一（一）", "重大事项征求意见"),
    ("§3.3", "三（三）", "会议协商制度"),
    ("§3.6", "三（六）", "走访联谊制度"),
])
def test_provisions_carry_their_chinese_citation(seed: District, pid: str, citation: str, title: str) -> None:
    prov = seed.provision(pid)
    assert (prov.citation_zh, prov.title_zh) == (citation, title)
    assert prov.cite_zh() == f"第{citation}条“{title}”"
    assert prov.text_zh.startswith(f"({'一二三四五六七八'[int(pid[-1]) - 1]})")


def test_modality_follows_the_wording(seed: District) -> None:
    assert seed.provision("§3.6").modality is Modality.SHALL  # 应安排
    assert seed.provision("§3.5").modality is Modality.GENERALLY_SHALL  # 一般应
    assert seed.provision("§1.1").modality is Modality.AS_NEEDED  # 根据需要
    symposium = seed.provision("§1.2").rule("policy-symposium", seed.provision("§1.2").rules[0].valid_from)
    assert symposium is not None and seed.provision("§1.2").modality_of(symposium) is Modality.MAY  # 视情


def test_visits_are_one_or_two_a_year_and_meetings_at_least_one(seed: District) -> None:
    import datetime as dt

    rules = {r.key: r for _, r in seed.cadences(dt.date(2027, 1, 1))}
    assert (rules["leader-visit"].min_per_period, rules["leader-visit"].max_per_period) == (1, 2)
    assert (rules["joint-meeting"].min_per_period, rules["joint-meeting"].max_per_period) == (1, None)
    work = rules["work-meeting"]
    assert work.months == 24
    starts = [work.period_of(dt.date(y, 6, 1))[0].year for y in range(2023, 2031)]
    assert sorted(set(starts)) == [2023, 2025, 2027, 2029]


def test_the_numbers_are_data_not_constants(seed_text: str) -> None:
    import datetime as dt

    text = seed_text.replace("min_per_period = 1\nmax_per_period = 2", "min_per_period = 2\nmax_per_period = 4")
    district = parse_district(text)
    visit = district.provision("§3.6").rule("leader-visit", dt.date(2027, 1, 1))
    assert isinstance(visit, Cadence) and (visit.min_per_period, visit.max_per_period) == (2, 4)


def test_a_rule_can_change_from_a_date(seed_text: str) -> None:
    import datetime as dt

    text = seed_text.replace(
        "min_per_period = 1\nmax_per_period = 2\nperiod_years = 1\n"
        "duration_minutes = 120\nvalid_from = 2022-05-22\n",
        "min_per_period = 1\nmax_per_period = 2\nperiod_years = 1\n"
        "duration_minutes = 120\nvalid_from = 2022-05-22\nvalid_until = 2028-01-01\n\n"
        "[[provisions.rules]]\nkind = \"cadence\"\nkey = \"leader-visit\"\nengagement_kind = \"visit\"\n"
        "scope = \"pairing\"\nhost = \"department\"\nmin_per_period = 2\nmax_per_period = 3\n"
        "sentence_zh = \"区直各有关对口联系部门领导每年应安排1至2次走访对口联系的民主党派、工商联\"\n"
        "valid_from = 2028-01-01\n",
    )
    assert text != seed_text
    district = parse_district(text)
    prov = district.provision("§3.6")
    old, new = prov.rule("leader-visit", dt.date(2027, 6, 1)), prov.rule("leader-visit", dt.date(2028, 6, 1))
    assert isinstance(old, Cadence) and isinstance(new, Cadence)
    assert (old.max_per_period, new.max_per_period) == (2, 3)


def test_every_rule_quotes_the_sentence_it_implements(seed: District) -> None:
    for prov in seed.provisions:
        for rule in prov.rules:
            assert rule.sentence_zh, rule.key


def test_a_rule_quoting_words_not_in_its_provision_is_refused(seed_text: str) -> None:
    from liaison.base.errors import DataError

    text = seed_text.replace('sentence_zh = "区政府每两年召开一次', 'sentence_zh = "区政府每年召开一次', 1)
    with pytest.raises(DataError, match=r"rules\[0\]\.sentence_zh: the sentence is not in the text of §3\.1"):
        parse_district(text)


def test_provision_lookup_accepts_the_id_with_or_without_the_section_sign(seed: District) -> None:
    assert seed.provision("3.6") is seed.provision("§3.6")
    with pytest.raises(UnknownProvisionError, match=r"§3\.6"):
        seed.provision("§9.9")
