"""A letter once sent never changes (issue #24): its register entry keeps the sha256 of the bytes it
went out as, and every later export writes exactly those bytes under its number. The output folder
keeps a copy of those bytes beside the year's state (``.history/letters/<sha256>``, written in the
same swap as the register entry), so a file deleted or edited in the folder is written back as issued
whatever today's data say (the edited copy kept under 已作废/, a note either way); only when that copy
is gone too and today's data would render another text — contacts entered since — is the export
refused, naming the letter, with nothing written. Through the workspace on an output folder."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import pytest

from liaison.formats.district import seed_district
from liaison.law.records import DesignationRecord, Records
from liaison.year.issued import IssuedLetterChanged
from liaison.year.numbering import LetterRecord
from liaison.year.state import ARCHIVE, YearState
from liaison_workspace import Workspace

YEAR = 2027
ISSUED = dt.date(2027, 1, 11)  # the notices go out


@pytest.fixture
def loaded_plugins() -> str:
    return "docx"


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def folder_files(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): sha(p.read_bytes()) for p in sorted(folder.rglob("*")) if p.is_file()}


def notices(state: YearState) -> list[LetterRecord]:
    return [r for r in state.letters if r.kind == "notice" and r.active]


def contacts(district_id: str) -> Records:
    """The §3.1 liaison officers, designated before the notices went out but entered in the records
    only later: a notice rendered again from these data would say something else."""
    return Records(district_id=district_id, designations=tuple(
        DesignationRecord(organisation=org, liaison_office="办公室", liaison_officer="李明", phone="0592-6051234",
                          leader_in_charge="王副局长", date=dt.date(2027, 1, 4))
        for org in ("health", "finance", "education")))


@pytest.fixture
def issued(tmp_path: Path) -> tuple[Workspace, YearState]:
    ws = Workspace(tmp_path / "out")
    state = ws.export(seed_district(), YEAR, [("docx", {"kinds": "notice"})], issued_on=ISSUED).state
    return ws, state


def test_the_register_keeps_the_digest_of_the_bytes_each_letter_went_out_as(issued: tuple[Workspace, YearState]
                                                                             ) -> None:
    ws, state = issued
    letters = notices(state)
    assert letters
    for r in letters:
        assert r.sha256 == sha((ws.folder(YEAR) / r.path).read_bytes())


def test_a_deleted_letter_is_written_back_byte_for_byte_when_the_data_have_not_changed(
        issued: tuple[Workspace, YearState]) -> None:
    ws, state = issued
    letter = notices(state)[3]
    path = ws.folder(YEAR) / letter.path
    path.unlink()
    outcome = ws.export(seed_district(), YEAR, [("docx", {"kinds": "notice"})], issued_on=dt.date(2027, 2, 1))
    assert sha(path.read_bytes()) == letter.sha256
    assert notices(outcome.state) == notices(state)


def test_an_edited_letter_is_written_back_as_issued_and_the_edited_copy_kept(
        issued: tuple[Workspace, YearState]) -> None:
    ws, state = issued
    letter = notices(state)[0]
    path = ws.folder(YEAR) / letter.path
    edited = path.read_bytes() + b"edited in Word"
    path.write_bytes(edited)
    day = dt.date(2027, 2, 1)
    outcome = ws.export(seed_district(), YEAR, [("docx", {"kinds": "notice"})], issued_on=day)
    assert sha(path.read_bytes()) == letter.sha256
    kept = ws.folder(YEAR) / ARCHIVE / day.isoformat() / letter.path
    assert kept.read_bytes() == edited
    assert [n.file for n in outcome.notes] == [letter.path]
    assert "原样写回" in outcome.notes[0].render("zh") and "written back" in outcome.notes[0].render("en")


def kept_copy(ws: Workspace, letter: LetterRecord) -> Path:
    return ws.folder(YEAR) / ".history" / "letters" / letter.sha256


def test_the_bytes_of_every_letter_issued_are_kept_beside_the_state_by_their_digest(
        issued: tuple[Workspace, YearState]) -> None:
    ws, state = issued
    letters = notices(state)
    kept = sorted(p.name for p in (ws.folder(YEAR) / ".history" / "letters").iterdir())
    assert kept == sorted(r.sha256 for r in letters)
    for r in letters:
        assert kept_copy(ws, r).read_bytes() == (ws.folder(YEAR) / r.path).read_bytes()
        assert kept_copy(ws, r).stat().st_ino != (ws.folder(YEAR) / r.path).stat().st_ino  # not a hard link
        assert ws.store.issued_copy(seed_district(), YEAR, r.sha256) == kept_copy(ws, r).read_bytes()
    kept_copy(ws, letters[0]).write_bytes(b"damaged")
    assert ws.store.issued_copy(seed_district(), YEAR, letters[0].sha256) is None  # only bytes with that digest
    # the next export that writes makes the damaged copy again from the letter's file, still as issued
    (ws.folder(YEAR) / letters[1].path).unlink()
    ws.export(seed_district(), YEAR, [("docx", {"kinds": "notice"})], issued_on=dt.date(2027, 2, 1))
    assert kept_copy(ws, letters[0]).read_bytes() == (ws.folder(YEAR) / letters[0].path).read_bytes()
    assert sha(kept_copy(ws, letters[0]).read_bytes()) == letters[0].sha256


@pytest.mark.parametrize("damage", ["deleted", "edited"])
def test_a_lost_letter_is_written_back_from_the_kept_copy_whatever_the_data_say_now(
        issued: tuple[Workspace, YearState], damage: str) -> None:
    ws, state = issued
    seed = seed_district()
    health = next(r for r in notices(state) if r.recipient == "health")
    path = ws.folder(YEAR) / health.path
    if damage == "deleted":
        path.unlink()
    else:
        path.write_bytes(b"not the letter")
    day = dt.date(2027, 3, 1)
    outcome = ws.export(seed, YEAR, [("docx", {"kinds": "notice"})], issued_on=day, records=contacts(seed.info.id))
    assert sha(path.read_bytes()) == health.sha256 and notices(outcome.state) == notices(state)
    assert [n.file for n in outcome.notes] == [health.path]
    zh, en = outcome.notes[0].render("zh"), outcome.notes[0].render("en")
    assert "原样写回" in zh and "written back" in en
    if damage == "edited":
        assert (ws.folder(YEAR) / ARCHIVE / day.isoformat() / health.path).read_bytes() == b"not the letter"
        assert "修改" in zh and "changed" in en
    else:
        assert "删除" in zh and "deleted" in en
        assert not (ws.folder(YEAR) / ARCHIVE).exists()


@pytest.mark.parametrize("damage", ["deleted", "edited"])
def test_a_lost_letter_is_never_rendered_again_with_other_words_under_its_number(
        issued: tuple[Workspace, YearState], damage: str) -> None:
    ws, state = issued
    seed = seed_district()
    health = next(r for r in notices(state) if r.recipient == "health")
    path = ws.folder(YEAR) / health.path
    if damage == "deleted":
        path.unlink()
    else:
        path.write_bytes(b"not the letter")
    kept_copy(ws, health).unlink()  # the copy kept beside the state gone too
    before = folder_files(ws.folder(YEAR))
    with pytest.raises(IssuedLetterChanged) as caught:
        ws.export(seed, YEAR, [("docx", {"kinds": "notice"})], issued_on=dt.date(2027, 3, 1),
                  records=contacts(seed.info.id))
    assert folder_files(ws.folder(YEAR)) == before  # nothing written, nothing moved
    error = caught.value
    assert health.doc_number in error.render("zh") and health.path in error.render("en")
    assert error.fix and error.fix_zh and health.sha256 in error.fix_zh
    # put back as issued, the export goes through and keeps the letter as it went out
    if damage == "edited":
        path.unlink()
    ws.export(seed, YEAR, [("docx", {"kinds": "notice"})], issued_on=dt.date(2027, 3, 1))  # the data of the day
    assert sha(path.read_bytes()) == health.sha256
    after = ws.export(seed, YEAR, [("docx", {"kinds": "notice"})], issued_on=dt.date(2027, 3, 2),
                      records=contacts(seed.info.id))
    assert sha(path.read_bytes()) == health.sha256 and notices(after.state) == notices(state)


def test_a_state_from_before_the_digest_was_kept_takes_it_from_the_manifest(
        issued: tuple[Workspace, YearState]) -> None:
    """The export that issued a letter wrote its file: its manifest digest is the issued bytes'."""
    import attrs

    from liaison.year.issued import with_issued_bytes

    _, state = issued
    bare = tuple(attrs.evolve(r, sha256="") for r in state.letters)
    assert with_issued_bytes(bare, state.manifest) == state.letters
    later = attrs.evolve(state.manifest, files=tuple(attrs.evolve(f, revision=f.revision + 1)
                                                    for f in state.manifest.files))
    assert with_issued_bytes(bare, later) == bare  # written by a later export: not known to be what went out
