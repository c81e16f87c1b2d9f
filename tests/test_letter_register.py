"""The letters' register over a year on the seed, as an office lives it (issue #24): exports on the
days things happen — the notices in January, invitations as they fall due, a meeting moved and an
event cancelled after their invitations went out, contacts entered late through the records, the
district renamed for one late export. Through the workspace on an output folder, compared by sha256:
no letter that went out ever changes; numbers in each series rise with the 成文日期 from 1 with no
gap and none twice; every withdrawn letter stays in the register, its bytes under 已作废/, and has the
change or cancellation letter that names it; the workbooks' 发文登记 sheet lists, after every export,
every letter issued and every one withdrawn, and LibreOffice opens it."""

from __future__ import annotations

import datetime as dt
import hashlib
import shutil
from collections import defaultdict
from pathlib import Path

import attrs
import pytest
from notice_samples import holiday_notice

from liaison.formats.district import seed_district
from liaison.law.district import District
from liaison.law.records import DesignationRecord, Records
from liaison.law.rules import EngagementKind
from liaison.year.engagements import KnownEvent, PlanOptions, Status
from liaison.year.numbering import LetterRecord
from liaison.year.reconcile import Change
from liaison.year.state import ARCHIVE, YearState
from liaison_workspace import Workspace

YEAR = 2027
HEALTH = "2027/joint_meeting/health"
FINANCE = "finance"  # its notice's part of the year changes in May: a visit moved, its joint meeting cancelled
VISIT_MOVED = ("2027/visit/finance/cndca/1", dt.date(2027, 5, 27))
MEETING_CANCELLED = "2027/joint_meeting/finance"
CHANGED_ON = dt.date(2027, 5, 10)
SYMPOSIUM = KnownEvent(id="symposium-budget", kind=EngagementKind.SYMPOSIUM, date=dt.date(2027, 9, 14),
                       title_zh="2028年区级财政预算编制情况座谈会", start=dt.time(14, 30), end=dt.time(16, 30))
RENAMED = "厦门市海沧区"
NOTICE_KNOWN = dt.date(2027, 10, 8)  # the day the office enters the 2027 holiday notice
UNPUBLISHED = f"{YEAR}年节假日安排尚未公布"


@pytest.fixture
def loaded_plugins() -> str:
    return "docx,xlsx"


FORMATS = [("docx", {}), ("xlsx", {})]
SCHEDULE = f"{YEAR}年对口联系工作安排表.xlsx"


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class Office:
    """The seed's 2027 in an output folder, exported on the days given; after each export every
    letter in the register is looked up on disk and its digest compared with the one it went out with."""

    def __init__(self, root: Path) -> None:
        self.seed: District = seed_district()
        self.ws = Workspace(root)
        self.folder = root / str(YEAR)
        self.sent: dict[str, str] = {}  # 文号 → sha256 of the file it went out as
        self.records: Records | None = None
        self.states: list[YearState] = []

    def export(self, day: dt.date, **kwargs: object) -> YearState:
        options = PlanOptions(events=(SYMPOSIUM,)) if not self.states else None
        outcome = self.ws.export(self.seed, YEAR, FORMATS, issued_on=day, records=self.records,
                                 options=options, **kwargs)  # type: ignore[arg-type]
        self.states.append(outcome.state)
        self.check(outcome.state, outcome.archived)
        return outcome.state

    def check(self, state: YearState, archived: tuple[tuple[str, str], ...]) -> None:
        moved = dict(archived)
        for r in state.letters:
            if r.active:
                data = (self.folder / r.path).read_bytes()
            else:
                where = moved.get(r.path) or self.archived_copy(r)
                data = (self.folder / where).read_bytes()
            assert self.sent.setdefault(r.doc_number, sha(data)) == sha(data), f"{r.doc_number} changed"
        # withdrawn only by a letter saying so: every inactive one is named by a change or cancellation
        named = {r.refers_to for r in state.letters if r.kind in ("change", "cancellation")}
        assert all(r.doc_number in named for r in state.letters if not r.active)
        # the 发文登记 sheet as this export left it: one row per letter of the register, in its order
        listed = [row[1] for row in register_sheet(self.folder / SCHEDULE)[1:]]
        assert listed == [r.doc_number for r in sorted(state.letters, key=lambda r: (r.series, r.serial))]

    def archived_copy(self, r: LetterRecord) -> str:
        found = sorted(p for p in (self.folder / ARCHIVE).rglob("*.docx")
                       if p.relative_to(self.folder / ARCHIVE).as_posix().split("/", 1)[1] == r.path)
        assert found, f"{r.doc_number}: withdrawn, but its file is not under {ARCHIVE}/"
        return found[-1].relative_to(self.folder).as_posix()


EXPORT_DAYS = (dt.date(2026, 11, 20), dt.date(2027, 1, 11), dt.date(2027, 3, 16), dt.date(2027, 3, 20), CHANGED_ON,
               dt.date(2027, 8, 31), dt.date(2027, 9, 6), dt.date(2027, 9, 20), NOTICE_KNOWN, dt.date(2027, 11, 3),
               dt.date(2027, 11, 10), dt.date(2027, 12, 20))


@pytest.fixture(scope="module")
def office(tmp_path_factory: pytest.TempPathFactory) -> Office:
    with pytest.MonkeyPatch.context() as patch:
        from liaison.host import plugins

        patch.setenv("LIAISON_PLUGINS", "docx,xlsx")
        plugins.reset()
        office = Office(tmp_path_factory.mktemp("register"))
        office.export(dt.date(2026, 11, 20))  # planned: every letter a draft
        office.export(dt.date(2027, 1, 11))  # the notices go out
        office.export(dt.date(2027, 3, 16))  # the health bureau's joint meeting: invitations out
        office.ws.update(office.seed, YEAR, [Change("move", HEALTH, dt.date(2027, 4, 20))])
        office.export(dt.date(2027, 3, 20))  # moved after they went out: re-invited, change letters
        office.ws.update(office.seed, YEAR, [Change("move", *VISIT_MOVED), Change("cancel", MEETING_CANCELLED)],
                         force=True)
        office.export(CHANGED_ON)  # the finance bureau's notice: one 补充通知 for both
        office.export(dt.date(2027, 8, 31))  # the symposium's invitations out
        symposium = next(e.id for e in office.states[-1].engagements if e.kind == EngagementKind.SYMPOSIUM)
        office.ws.update(office.seed, YEAR, [Change("cancel", symposium)], force=True)
        office.export(dt.date(2027, 9, 6))  # cancelled after they went out: cancellation letters
        office.records = Records(district_id=office.seed.info.id, designations=(
            DesignationRecord(organisation="gov-office", liaison_office="秘书科", liaison_officer="王芳",
                              phone="0592-6050000", date=dt.date(2027, 9, 10)),
            *(DesignationRecord(organisation=org, liaison_office="办公室", liaison_officer="李明",
                                phone="0592-6051234", date=dt.date(2027, 9, 10))
              for org in ("health", "environment", "education"))))
        office.export(dt.date(2027, 9, 20))  # contacts entered late, in the records
        office.export(NOTICE_KNOWN, notices=(holiday_notice(YEAR),))  # the year's holiday notice is in
        office.export(dt.date(2027, 11, 3), district_name=RENAMED)  # renamed for one export
        office.export(dt.date(2027, 11, 10))  # and not again
        office.export(dt.date(2027, 12, 20))
        plugins.reset()
    return office


def test_nothing_that_went_out_ever_changes(office: Office) -> None:
    """Checked after every export (``Office.check``): here, that the year had letters to check."""
    last = office.states[-1]
    assert len(office.sent) == len(last.letters) > 30
    assert office.states[0].letters == ()  # November: drafts only
    assert {r.kind for r in last.letters} >= {"notice", "supplement", "invitation", "change", "cancellation"}


def test_numbers_rise_with_the_date_with_no_gap_and_none_twice(office: Office) -> None:
    by_series: dict[str, list[LetterRecord]] = defaultdict(list)
    for r in office.states[-1].letters:
        by_series[r.series].append(r)
    assert {"区府办", "区府办函", "区卫函"} <= set(by_series)
    for series, records in by_series.items():
        records.sort(key=lambda r: r.serial)
        assert [r.serial for r in records] == list(range(1, len(records) + 1)), series
        assert [r.date for r in records] == sorted(r.date for r in records), series
    dates = {r.date for r in office.states[-1].letters}
    assert dates <= {dt.date(2027, 1, 11), dt.date(2027, 3, 16), dt.date(2027, 3, 20), CHANGED_ON, dt.date(2027, 8, 31),
                     dt.date(2027, 9, 6), dt.date(2027, 9, 20), dt.date(2027, 11, 3), dt.date(2027, 11, 10),
                     dt.date(2027, 12, 20)}


def test_every_letter_withdrawn_after_it_went_out_is_named_by_its_change_or_cancellation(office: Office) -> None:
    letters = office.states[-1].letters
    withdrawn = [r for r in letters if not r.active]
    assert {r.kind for r in withdrawn} == {"invitation"}
    named = defaultdict(list)
    for r in letters:
        if r.kind in ("change", "cancellation"):
            named[r.refers_to].append(r)
    for r in withdrawn:
        follow = named[r.doc_number]
        assert len(follow) == 1, r.doc_number
        assert follow[0].recipient == r.recipient and follow[0].date >= r.date
    assert sorted(r.kind for r in named_of(named)) == sorted(
        ["change"] * sum(r.engagement == HEALTH for r in withdrawn)
        + ["cancellation"] * sum(r.engagement != HEALTH for r in withdrawn))


def register_sheet(path: Path) -> list[list[object]]:
    """The 发文登记 sheet's header and rows, as a workbook reader sees them."""
    import openpyxl

    book = openpyxl.load_workbook(path, read_only=True)
    try:
        rows = [list(r) for r in book["发文登记"].iter_rows(min_row=2, values_only=True)]
    finally:
        book.close()
    return [r for r in rows if any(v is not None for v in r)]


def test_the_register_sheet_lists_every_letter_issued_and_every_one_withdrawn(office: Office) -> None:
    """Each row as the state's record says, a withdrawn letter with the day it was withdrawn (its change
    or cancellation letter's date), the letter issued in its place and the letter that said so: no
    number of any series is missing, so no gap is unexplained."""
    letters = office.states[-1].letters
    rows = register_sheet(office.folder / SCHEDULE)
    assert rows[0] == ["代字", "文号", "成文日期", "标题", "主送", "抄送", "文件", "状态"]
    by_number = {row[1]: row for row in rows[1:]}
    assert len(by_number) == len(rows) - 1 == len(letters)
    named = {r.refers_to: r for r in letters if r.kind in ("change", "cancellation")}
    for r in letters:
        row = by_number[r.doc_number]
        assert row[0] == r.series and row[2].date() == r.date and row[3] == r.title and row[6] == r.path
        assert row[4] == r.to and r.to and r.title
        if r.active:
            assert row[7] == "已印发"
            continue
        told = named[r.doc_number]
        assert str(row[7]).startswith(f"已作废（{told.date.isoformat()}") and told.doc_number in str(row[7])
        again = [o for o in letters if o.key == r.key and o.active]
        assert f"由{again[0].doc_number}代替" in str(row[7]) if again else "代替" not in str(row[7])
        assert bool(again) == (r.engagement == HEALTH)  # moved: issued again; cancelled: not
    for series in {r.series for r in letters}:
        numbers = sorted(int(str(row[1]).split("〕")[1].removesuffix("号")) for row in rows[1:] if row[0] == series)
        assert numbers == list(range(1, len(numbers) + 1)), series


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) not installed")
def test_libreoffice_opens_the_register_sheet(office: Office, tmp_path: Path) -> None:
    from xlsx_samples import ALL_SHEETS_CSV, read_csv, soffice

    (tmp_path / "安排表.xlsx").write_bytes((office.folder / SCHEDULE).read_bytes())
    soffice(tmp_path / "csv", ALL_SHEETS_CSV, tmp_path / "安排表.xlsx")
    rows = [r for r in read_csv(tmp_path / "csv" / "安排表-发文登记.csv") if any(r)]
    sheet = register_sheet(office.folder / SCHEDULE)
    assert rows[1:] == [[v.date().isoformat() if hasattr(v, "date") else "" if v is None else str(v) for v in row]
                        for row in sheet]
    assert sum(row[7].startswith("已作废") for row in rows[2:]) == sum(not r.active for r in office.states[-1].letters)


def named_of(named: dict[str, list[LetterRecord]]) -> list[LetterRecord]:
    return [r for found in named.values() for r in found]


def words_of(office: Office, r: LetterRecord) -> str:
    """The letter's header and paragraphs as the file on disk holds them."""
    import docx

    document = docx.Document(str(office.folder / r.path))
    header = "".join(p.text for s in document.sections for p in s.first_page_header.paragraphs)
    return header + "\n".join(p.text for p in document.paragraphs)


def test_an_invitation_says_the_holidays_are_unpublished_only_while_they_are(office: Office) -> None:
    """True at issue (#24): an invitation issued before the office had the year's holiday notice says
    so, and keeps saying it (it went out that way); one issued on or after the day the notice came
    in does not."""
    invited = [r for r in office.states[-1].letters if r.active and r.kind == "invitation"]
    before = [r for r in invited if r.date < NOTICE_KNOWN]
    after = [r for r in invited if r.date >= NOTICE_KNOWN]
    assert before and after
    assert all(UNPUBLISHED in words_of(office, r) for r in before)
    assert not any(UNPUBLISHED in words_of(office, r) for r in after)


def test_contacts_and_a_name_given_late_reach_only_the_letters_not_yet_out(office: Office) -> None:
    """The contacts entered in September and the name given for November's export are in the letters
    issued then and after, and in none issued before."""

    def words(r: LetterRecord) -> str:
        return words_of(office, r)

    last = office.states[-1].letters
    early = [r for r in last if r.active and r.date < dt.date(2027, 9, 20)]
    assert early and not any("王芳" in words(r) or RENAMED in words(r) for r in early)
    renamed = [r for r in last if r.active and r.date == dt.date(2027, 11, 3)]
    assert renamed and all(RENAMED in words(r) for r in renamed)
    later = [r for r in last if r.active and r.date == dt.date(2027, 11, 10)]
    assert later and all(RENAMED not in words(r) and "××区" in words(r) for r in later)
    contacted = [r for r in last if r.active and r.kind == "invitation" and r.date >= dt.date(2027, 9, 20)]
    assert contacted and all("联系人" in words(r) for r in contacted)


def test_drafts_wait_under_their_folder_without_a_number(office: Office) -> None:
    drafts = sorted((office.folder / "草稿").rglob("*.docx"))
    issued = {r.path for r in office.states[-1].letters}
    for path in drafts:
        assert path.relative_to(office.folder / "草稿").as_posix() not in issued
    assert not any(r.path.startswith("草稿/") for r in office.states[-1].letters)


SEED_TEXT = (Path(__file__).parents[1] / "src" / "liaison" / "data" / "seed.toml").read_text(encoding="utf-8")
SEED_REGISTER = ('{ series = "区府办函", year = 2027, first_number = 1, '
                 'note = "示例：接续本办2027年函件登记簿，此前未用号" }')


@pytest.mark.parametrize(("entry", "said"), [
    ('{ series = "区府办函", year = 2027, first_number = 41, note = "" }', "note"),
    ('{ series = "区府办 函", year = 2027, first_number = 41, note = "登记簿" }', "series"),
    ('{ series = "区府办函", year = 2027, first_number = 0, note = "登记簿" }', "first_number"),
    ('{ series = "区府办函", year = 2027, first_number = 41, note = "登记簿" }, '
     '{ series = "区府办函", year = 2027, first_number = 42, note = "又一条" }', "registers"),
])
def test_a_register_the_data_cannot_mean_is_a_located_error(entry: str, said: str) -> None:
    from liaison.base.errors import LiaisonError
    from liaison.formats.district import parse_district

    assert SEED_REGISTER in SEED_TEXT
    with pytest.raises(LiaisonError) as caught:
        parse_district(SEED_TEXT.replace(SEED_REGISTER, entry), file="district.toml")
    rendered = caught.value.render("en")
    assert "district.toml" in rendered and "registers" in rendered and said in rendered
    assert caught.value.render("zh") != rendered


def test_the_register_in_the_data_sets_where_a_series_starts() -> None:
    from liaison.formats.district import parse_district

    district = parse_district(SEED_TEXT.replace(SEED_REGISTER, SEED_REGISTER.replace("= 1,", "= 41,")))
    assert district.register_start("区府办函", 2027) == 41
    assert district.register_start("区府办函", 2028) == 1 and district.register_start("区卫函", 2027) == 1



def test_a_change_to_an_issued_notice_goes_out_as_one_supplementary_notice(office: Office) -> None:
    """The finance bureau's notice went out on 11 January; in May a visit in it moves and its joint
    meeting is cancelled. The notice stands as it went out (its bytes are checked after every export);
    one 补充通知 goes out that day, the next 区府办 number, naming the notice's 文号 and date and
    listing both changes; no later export issues another."""
    letters = office.states[-1].letters
    notice = next(r for r in letters if r.kind == "notice" and r.recipient == FINANCE)
    assert notice.active and notice.date == dt.date(2027, 1, 11)
    supplements = [r for r in letters if r.kind == "supplement" and r.recipient == FINANCE]
    assert len(supplements) == 1
    supplement = supplements[0]
    assert supplement.active and supplement.date == CHANGED_ON and supplement.refers_to == notice.doc_number
    assert supplement.series == notice.series
    earlier = [r for r in letters if r.series == notice.series and r.date < CHANGED_ON]
    assert supplement.serial == max(r.serial for r in earlier) + 1
    assert supplement.path.endswith(f"-{supplement.series}{supplement.serial}.docx")
    words = words_of(office, supplement)
    assert f"2027年1月11日以{notice.doc_number}印发" in words and "补充通知" in words
    assert "5月20日" in words and "5月27日" in words and "12月14日" in words
    rows = words.splitlines()  # one paragraph a change
    moved = next(line for line in rows if "5月27日" in line)
    assert moved.index("原定于5月20日") < moved.index("调整为5月27日")
    assert next(line for line in rows if "12月14日" in line).endswith("，取消。")
    assert supplement.announced is not None
    assert MEETING_CANCELLED not in {a.engagement for a in supplement.announced}
    assert {a.engagement: a.date for a in supplement.announced}[VISIT_MOVED[0]] == VISIT_MOVED[1]
    # issued on the day of the change, the same bytes ever since, and the only one of the department
    after = [s for s in office.states if any(r.key == supplement.key for r in s.letters)]
    assert len(after) == len([d for d in EXPORT_DAYS if d >= CHANGED_ON])


def test_a_move_of_a_meeting_with_invitations_also_tells_the_host_by_a_supplementary_notice(office: Office) -> None:
    """The health bureau's joint meeting moved after its invitations went out: change letters to the
    invitees, and to the bureau, whose notice announced the old date, a 补充通知."""
    letters = office.states[-1].letters
    notice = next(r for r in letters if r.kind == "notice" and r.recipient == "health")
    found = [r for r in letters if r.kind == "supplement" and r.recipient == "health"]
    assert [r.refers_to for r in found] == [notice.doc_number]
    words = words_of(office, found[0])
    assert "3月30日" in words and "4月20日" in words


def test_a_supplementary_notice_is_owed_only_for_what_the_notice_announced() -> None:
    from liaison_docx.letters.supplement import changes

    from liaison.year.numbering import Announced

    def a(engagement: str, day: int, start: dt.time | None = dt.time(9)) -> Announced:
        return Announced(engagement=engagement, date=dt.date(2027, 6, day), start=start, item=engagement)

    told = (a("x", 1), a("y", 2), a("z", 3))
    assert changes(told, told) == ()
    assert changes(told, tuple(reversed(told))) == ()  # the order of the table is no change
    assert changes(told, (a("x", 1), a("y", 2, dt.time(14, 30)), a("w", 9))) == (
        ("y", "6月2日9:00", "6月2日14:30"), ("z", "6月3日9:00", "取消"), ("w", "新增", "6月9日9:00"))



def test_a_letter_about_another_is_named_by_its_own_number(office: Office) -> None:
    """A change, cancellation or supplementary letter is found by its own 文号 (…-取消-区府办函9.docx
    is 区府办函〔2027〕9号), never by the number of the letter it names."""
    named = [r for r in office.states[-1].letters if r.kind in ("change", "cancellation", "supplement")]
    assert {r.kind for r in named} == {"change", "cancellation", "supplement"}
    for r in named:
        assert r.path.endswith(f"-{r.series}{r.serial}.docx"), r.path
        referred = next(x for x in office.states[-1].letters if x.doc_number == r.refers_to)
        assert f"{referred.series}{referred.serial}." not in r.path


def test_what_is_already_past_is_not_announced() -> None:
    """A change wholly before the day of issue (a January visit cancelled in September) is the
    ledger's; one that moves a past day to a coming one is announced."""
    from liaison_docx.letters.supplement import changes

    from liaison.year.numbering import Announced

    def a(engagement: str, month: int) -> Announced:
        return Announced(engagement=engagement, date=dt.date(2027, month, 5), item=engagement)

    told = (a("past", 1), a("moved", 2))
    september = dt.date(2027, 9, 1)
    assert changes(told, (a("moved", 2),), september) == ()
    assert changes(told, (a("moved", 10),), september) == (("moved", "2月5日", "10月5日"),)
    assert changes(told, (a("moved", 2),)) == (("past", "1月5日", "取消"),)  # without a day: every change


def test_withdrawn_files_are_grouped_by_the_day_they_were_withdrawn(office: Office) -> None:
    """#24: 已作废/ holds a folder per day of withdrawal (已作废/2027-03-20/…), not per export number: the
    health bureau's first invitations, withdrawn when the meeting moved, are under that day, and the
    drafts of the notices under the day the notices went out."""
    archive = office.folder / ARCHIVE
    groups = {p.name for p in archive.iterdir()}
    days = {d.isoformat() for d in EXPORT_DAYS}
    assert groups and all(g in days or (g[:10] in days and g[10:11] == "-") for g in groups), groups
    moved = [r for r in office.states[-1].letters if not r.active and r.engagement == HEALTH]
    assert moved and all((archive / "2027-03-20" / r.path).is_file() for r in moved)
    # the notices' drafts were issued, not withdrawn: removed when they went out, not filed under 已作废/
    assert not (archive / "2027-01-11" / "草稿" / "通知").exists()
    assert not (office.folder / "草稿" / "通知").exists()


def test_a_meeting_added_in_the_half_day_of_a_visit_it_invites_the_branch_to_moves_it_by_a_supplementary_notice(
        tmp_path: Path) -> None:
    """The reviewer's December (#24): on 28 December the events file no longer lists the symposium of
    14 September (its invitations out since 31 August) nor that of 30 December, and lists one of 31
    December at 9:00. The development and reform bureau's notice announced its visit to the 致公党
    branch for that half-day, still proposed: the branch is invited to the symposium then (every body
    in one engagement a half-day), so the visit no longer fits and is placed afresh — on the 30th at
    14:30, a day still to come — and the bureau, told 31 December 9:00 by the notice, is told the new
    time by one 补充通知. The past symposium dropped makes none: it is in no department's notice."""
    seed, visit = seed_district(), "2027/visit/dev-reform/czgp/1"
    autumn = KnownEvent(id="autumn", kind=EngagementKind.SYMPOSIUM, date=dt.date(2027, 9, 14), title_zh="秋季座谈会",
                        start=dt.time(14, 30), end=dt.time(16, 30))
    new_year = attrs.evolve(autumn, id="new-year", date=dt.date(2027, 12, 30), title_zh="迎新年座谈会")
    year_end = attrs.evolve(autumn, id="year-end", date=dt.date(2027, 12, 31), title_zh="年末座谈会",
                            start=dt.time(9), end=dt.time(11))
    letters = [("docx", {"kinds": "notice,invitation"})]
    first = Workspace(tmp_path / "a")
    first.export(seed, YEAR, letters, events=(autumn, new_year), issued_on=dt.date(2027, 1, 11))
    for day in (dt.date(2027, 8, 31), dt.date(2027, 12, 22)):
        state = first.export(seed, YEAR, letters, issued_on=day).state
    told = state.plan.get(visit)
    assert (told.date, told.start) == (dt.date(2027, 12, 31), dt.time(9))
    assert "czgp" in state.plan.get(f"{YEAR}/symposium/new-year").participants
    shutil.copytree(tmp_path / "a", tmp_path / "b")
    shutil.copytree(tmp_path / "a", tmp_path / "c")
    day = dt.date(2027, 12, 28)
    # only the past symposium dropped: no 补充通知 (nor a cancellation letter)
    dropped = first.export(seed, YEAR, letters, events=(new_year,), issued_on=day).state
    assert not [r for r in dropped.letters if r.date == day]
    # the symposium of 31 December 9:00 too: the visit moves, and the bureau is told
    moved = Workspace(tmp_path / "b").export(seed, YEAR, letters, events=(year_end,), issued_on=day).state
    assert "czgp" in moved.plan.get(f"{YEAR}/symposium/year-end").participants
    now = moved.plan.get(visit)
    assert now.status == Status.PROPOSED and (now.date, now.start) == (dt.date(2027, 12, 30), dt.time(14, 30))
    (supplement,) = [r for r in moved.letters if r.kind == "supplement"]
    notice = next(r for r in moved.letters if r.doc_number == supplement.refers_to)
    assert supplement.recipient == notice.recipient == "dev-reform" and supplement.date == day
    assert supplement.announced is not None and {a.engagement: (a.date, a.start) for a in supplement.announced}[
        visit] == (now.date, now.start)
    import docx

    text = "\n".join(p.text for p in docx.Document(str(tmp_path / "b" / str(YEAR) / supplement.path)).paragraphs)
    assert "领导走访（致公党支部）：原定于12月31日9:00—11:00，调整为12月30日14:30—16:30。" in text
    # a visit the two sides agreed stays where it is: nothing to tell
    agreed = Workspace(tmp_path / "c")
    agreed.update(seed, YEAR, [Change("confirm", visit)])
    kept = agreed.export(seed, YEAR, letters, events=(year_end,), issued_on=day).state
    assert (kept.plan.get(visit).date, kept.plan.get(visit).start) == (told.date, told.start)
    assert not [r for r in kept.letters if r.kind == "supplement"]


def test_a_visit_an_event_takes_the_place_of_moves_to_a_day_still_to_come_and_the_department_is_told(
        tmp_path: Path) -> None:
    """The development and reform bureau's notice (out on 11 January) announced its visit to the 致公党
    branch for 30 December 14:30. On 28 December the events file lists two whole-day symposia, on the
    30th and the 31st, that invite the branch: the visit no longer fits, and the days after it are
    taken — it is placed afresh on a day of 28–29 December (the search from its aim wraps round to the
    re-plan's day, not to January, a day gone by that no 补充通知 could tell of), and the bureau is
    told the new time by one 补充通知 naming it."""
    import docx

    seed, visit = seed_district(), "2027/visit/dev-reform/czgp/1"
    letters = [("docx", {"kinds": "notice,invitation"})]
    ws = Workspace(tmp_path)
    told = ws.export(seed, YEAR, letters, issued_on=dt.date(2027, 1, 11)).state.plan.get(visit)
    assert (told.date, told.start) == (dt.date(2027, 12, 30), dt.time(14, 30))
    whole_day = [KnownEvent(id=f"symposium-{d}", kind=EngagementKind.SYMPOSIUM, date=dt.date(2027, 12, d),
                            title_zh=f"12月{d}日座谈会", start=dt.time(9), end=dt.time(17, 30)) for d in (30, 31)]
    day = dt.date(2027, 12, 28)
    state = ws.export(seed, YEAR, letters, events=whole_day, issued_on=day).state
    assert all("czgp" in state.plan.get(f"{YEAR}/symposium/{e.id}").participants for e in whole_day)
    now = state.plan.get(visit)
    assert now.status == Status.PROPOSED and day <= now.date < dt.date(2027, 12, 30)
    (supplement,) = [r for r in state.letters if r.kind == "supplement"]
    assert supplement.recipient == "dev-reform" and supplement.date == day
    assert supplement.announced is not None and {a.engagement: (a.date, a.start) for a in supplement.announced}[
        visit] == (now.date, now.start)
    text = "\n".join(p.text for p in docx.Document(str(tmp_path / str(YEAR) / supplement.path)).paragraphs)
    assert f"领导走访（致公党支部）：原定于12月30日14:30—16:30，调整为{now.date.month}月{now.date.day}日" in text
