"""Records files: loaded strictly, organisations resolved, contradictions refused."""

from __future__ import annotations

import pytest

from liaison.district import District
from liaison.errors import DataError
from liaison.records import parse_records


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
