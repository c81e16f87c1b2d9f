"""公文清单.json (:mod:`liaison_docx.about`): the exporter says, beside its letters, what each one is —
its kind, what it is about, to whom, from whom, the provisions it rests on, draft or issued — so no
reader has to guess it from a file name (a 反馈函's names no body)."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from liaison.base.errors import DataError
from liaison.host.exporting import ExportRequest
from liaison.law.district import District

from liaison_docx.about import ABOUT, LetterAbout, read_about
from liaison_docx.plugin import drafts, export, export_year, scope


def test_the_list_names_every_letter_of_the_export_and_what_the_data_says_of_it(
        seed: District, seed_request: ExportRequest) -> None:
    made = export_year(seed_request)
    assert [a.path for a in made[:-1]] == [a.path for a in export(seed_request)]  # the letters, then the list
    listed = made[-1]
    assert listed.path == ABOUT and listed.policy == "replace"
    about = read_about(listed.data)
    assert set(about) == {a.path for a in made[:-1]}
    plan, records = seed_request.plan, seed_request.records
    assert records is not None
    engagements = {e.id: e for e in plan.engagements}
    office = seed.general_office().id
    kinds = set()
    for a in about.values():
        kinds.add(a.kind)
        assert a.draft == a.path.startswith("草稿/")
        if a.kind == "notice":
            assert a.recipient == a.subject and a.issuer == office and a.provisions
            assert set(a.provisions) >= {p.clause.id for p in seed_request.duties.duties(
                seed.organisation(a.subject), as_of=dt.date(plan.year, 1, 5)).paired}
        elif a.kind == "invitation":
            e = engagements[a.engagement]
            assert a.subject == e.id and a.recipient in {*e.participants, *(g.organisation for g in e.guests)}
            host = seed.organisation(e.host)
            assert a.issuer == (office if host.kind.value in ("district_government", "government_office") else e.host)
            assert a.provisions == tuple(e.provisions[:1])
        elif a.kind == "consultation":
            rec = next(r for r in records.consultations if r.id == a.subject)
            assert a.recipient in rec.sent_to and a.issuer == (rec.sender or office) and not a.engagement
        elif a.kind == "feedback":
            res = next(r for r in records.research_results if r.id == a.subject)
            assert (a.issuer, a.recipient) == (res.department, res.submitted_by)  # its name names neither
            assert len(a.provisions) <= 1
    assert {"notice", "invitation", "consultation", "feedback"} <= kinds


def test_the_list_is_the_same_bytes_for_the_same_letters_and_reads_back(seed_request: ExportRequest) -> None:
    first, again = export_year(seed_request)[-1], export_year(seed_request)[-1]
    assert first.data == again.data
    about = read_about(first.data)
    assert list(about.values()) == sorted(about.values(), key=lambda a: a.path)
    assert {a.path: LetterAbout.of(d) for d in drafts(seed_request) for a in [LetterAbout.of(d)]} == about


def test_an_issued_letter_is_listed_issued(seed_request: ExportRequest) -> None:
    import attrs

    issued = attrs.evolve(seed_request, issued_on=dt.date(seed_request.plan.year, 1, 20))
    about = read_about(export_year(issued)[-1].data)
    notices = [a for a in about.values() if a.kind == "notice"]
    assert notices and not any(a.draft for a in notices) and not any(a.path.startswith("草稿/") for a in notices)
    assert all(a.draft == a.path.startswith("草稿/") for a in about.values())


def test_a_run_answers_for_its_list() -> None:
    assert scope({})(ABOUT) and scope({"kinds": ("feedback",)})(ABOUT)


@pytest.mark.parametrize("data", [b"", b"[]", json.dumps({"format": 99, "letters": []}).encode(),
                                  json.dumps({"format": 1, "letters": [{"path": "x.docx"}]}).encode(),
                                  "不是清单".encode("gb18030")])
def test_a_file_that_is_not_the_list_is_refused_in_both_languages(data: bytes) -> None:
    with pytest.raises(DataError) as refused:
        read_about(data)
    error = refused.value
    assert error.file == ABOUT and error.message and error.message_zh and error.fix and error.fix_zh
