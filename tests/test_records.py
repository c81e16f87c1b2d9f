"""Records files: loaded strictly, organisations resolved, contradictions refused."""

from __future__ import annotations

import datetime as dt

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from liaison.base.errors import DataError
from liaison.formats.records import parse_records
from liaison.law.district import District
from liaison.law.records import HeldEngagement, Records
from liaison.law.rules import EngagementKind


@pytest.mark.parametrize(("text", "path"), [
    ('district = "other"\n', r"\$\.district"),
    ('[[documents]]\nid = "a"\nissuer = "health"\ndate = 2026-01-01\n[[documents]]\nid = "a"\nissuer = "health"\n'
     'date = 2026-02-01\n', r"\$\.documents\[1\]\.id"),
    ('[[consultations]]\nid = "c"\nsubject = "报告"\nsent = 2026-01-05\nsent_to = ["rcck"]\n'
     'replies = [{ organisation = "cdl", date = 2026-01-06 }]\n',
     r"\$\.consultations\[0\]\.replies\[0\]\.organisation"),
    ('[[consultations]]\nid = "c"\nsubject = "报告"\nsent = 2026-01-05\nsent_to = ["rcck"]\n'
     'replies = [{ organisation = "rcck", date = 2026-01-01 }]\n', r"\$\.consultations\[0\]\.replies\[0\]\.date"),
    ('[[research_results]]\nid = "r"\ntitle = "调研"\nsubmitted_by = "区卫生局"\ndepartment = "农工党总支部"\n'
     'received = 2026-03-01\n', r"\$\.research_results\[0\]\.submitted_by"),
    ('[[research_results]]\nid = "r"\ntitle = "调研"\nsubmitted_by = "cpwdp"\ndepartment = "health"\n'
     'received = 2026-03-01\nfeedback = 2026-02-01\n', r"\$\.research_results\[0\]\.feedback"),
])
def test_records_that_contradict_themselves_are_refused(seed: District, text: str, path: str) -> None:
    with pytest.raises(DataError, match=path):
        parse_records(text, seed, file="records.toml")


def test_records_name_organisations_by_id_or_name_and_bad_ones_fail_with_their_path(seed: District) -> None:
    good = parse_records('[[engagements]]\nkind = "visit"\ndate = 2027-03-01\nhost = "区卫生局"\n'
                         'attended = ["卫生局", "农工党总支部"]\n', seed)
    assert good.engagements[0].attended == ("health", "cpwdp")
    with pytest.raises(DataError, match=r"records\.toml: \$\.engagements\[0\]\.attended\[1\]: no organisation"):
        parse_records('[[engagements]]\nkind = "visit"\ndate = 2027-03-01\nhost = "health"\n'
                      'attended = ["health", "农工总支"]\n', seed, file="records.toml")
    with pytest.raises(DataError, match=r"extra fields found \(atended\)"):
        parse_records('[[engagements]]\nkind = "visit"\ndate = 2027-03-01\nhost = "health"\natended = []\n',
                      seed, file="records.toml")


def test_a_consultation_without_a_sender_is_the_general_offices(seed: District) -> None:
    records = parse_records('[[consultations]]\nid = "c"\nsubject = "报告"\nsent = 2026-01-05\n'
                            'sent_to = ["rcck"]\n', seed)
    assert records.consultations[0].sender == "gov-office"


# ------------------------------------------------------------------------ merging counts each once
def _merged_pairwise(mine: tuple[object, ...], theirs: tuple[object, ...]) -> list[object]:
    """The definition :meth:`Records.merged` must keep: each of ``theirs`` is one of ``mine`` when
    ``same_as`` it (the one with the same participants first, else the first), else it is added."""
    taken: set[int] = set()
    extra = []
    for e in theirs:
        here = [i for i, m in enumerate(mine) if i not in taken and m.same_as(e)]  # type: ignore[attr-defined]
        if not here:
            extra.append(e)
            continue
        alike = [i for i in here if set(mine[i].attended) == set(e.attended)]  # type: ignore[attr-defined]
        taken.add((alike or here)[0])
    return [*mine, *extra]


_held = st.builds(
    HeldEngagement, kind=st.sampled_from([EngagementKind.VISIT, EngagementKind.JOINT_MEETING]),
    date=st.sampled_from([dt.date(2027, 3, 1), dt.date(2027, 3, 2)]), host=st.sampled_from(["health", "finance"]),
    attended=st.sampled_from([("health", "cpwdp"), ("finance", "capd"), ("health",)]),
    id=st.sampled_from(["", "a", "b"]))


@settings(max_examples=300, deadline=None)
@given(st.lists(_held, max_size=8), st.lists(_held, max_size=8))
def test_merging_keeps_the_pairwise_definition(mine: list[HeldEngagement], theirs: list[HeldEngagement]) -> None:
    merged = Records(engagements=tuple(mine)).merged(Records(engagements=tuple(theirs)))
    assert list(merged.engagements) == _merged_pairwise(tuple(mine), tuple(theirs))


@pytest.mark.parametrize(("value", "refused"), [
    ((), None), (("区卫生局", "民革区委"), None), (("区卫生局", 1), None),  # not text: the converter's to refuse
    (("区卫生局", "  "), "must not be empty"), (("区卫生局", "x" * 121), "at most 120"),
    (("区卫生局", "民革\n区委"), "line break"), (("区卫生局", "民革\x07"), "control character"),
    ("区卫生局", None), ("  ", "must not be empty"), ("x" * 121, "at most 120"),
])
def test_bounded_text_checks_a_tuple_item_by_item(value: object, refused: str | None) -> None:
    """The validator's quick path for tuples (a ledger's participants) refuses exactly what the
    item-by-item check refuses."""
    from liaison.base.text import bounded_text

    validator = bounded_text(120)
    field = attrs.fields(HeldEngagement).attended
    if refused is None:
        validator(None, field, value)
    else:
        with pytest.raises(ValueError, match=refused):
            validator(None, field, value)
