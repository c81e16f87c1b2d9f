"""The layout check over every letter the exporter writes for the seed district's 2027 once three
engagements changed after their invitations went out (14 notices, 65 invitations, 10 change and 8
cancellation letters, 8 consultation letters, a feedback letter), read as a clerk would:
LibreOffice's PDF, made by the exporter's own ``pdf`` option (one LibreOffice run for all), measured
page by page; in the same run, the short letters of a district generated with long names, which must
fit page 1 as the seed's do (a short 函 on one page, its 回执 on the next).

GB/T 9704-2012: A4; margins 37/28/35/26 mm; 22 lines of 28 cells; title 2号 broken between words and
balanced; page numbers 4号 "— 1 —" on the outside edges; the 落款 with the last lines of the body;
the 版记 at the foot of an even last page; no page under a third full but a final one holding only the
版记; invitations, change and cancellation letters with the 落款 on page 1; every character of the
.docx in the PDF, in order.  Needs ``soffice`` and poppler (.ci/run installs them).
"""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import attrs
import pytest
from docx_seed import LONG_EVENTS, MORE_EVENTS, changed_request, long_named, seed_request
from liaison.base.errors import ExportError
from liaison.formats.district import seed_district
from liaison.host.exporting import ExportRequest
from liaison.law.model import Designations
from pdf_pages import (
    GLYPH_DROP,
    MM,
    PITCH_MM,
    TYPE_AREA,
    Page,
    docx_text,
    missing_in_order,
    nominal_cells,
    pages,
    pdf_text,
)
from title_check import title_defects

from liaison_docx import pdf as pdf_module
from liaison_docx.letter_model import format_date
from liaison_docx.letters import Draft
from liaison_docx.letters.invitation import org_names
from liaison_docx.pdf import PDF, font_config, missing_fonts, to_pdf
from liaison_docx.plugin import DOCX, drafts, export
from liaison_docx.titles import TITLE_CELLS, break_title, title_units

pytestmark = pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) not installed")
HERE = Path(__file__).parent
NAMES = org_names(seed_district())


@dataclass
class Rendered:
    draft: Draft
    docx: bytes
    pdf: Path
    pages: list[Page]

    @property
    def name(self) -> str:
        return f"{self.draft.folder}/{self.draft.name}"


@pytest.fixture(scope="module")
def batch(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[Rendered]]:
    """The seed's letters (``seed``) as the exporter's ``pdf`` option makes them, and in the same
    LibreOffice run (one for all) the invitations, change and cancellation letters of the seed
    generated anew with long names (``long names``: docx_seed.long_named, events with long titles)."""
    out = tmp_path_factory.mktemp("layout")
    request = changed_request({"pdf": "true"}, *MORE_EVENTS)
    long_request = changed_request({"kinds": "invitation"}, *LONG_EVENTS, district=long_named(seed_district()))
    long_found = drafts(long_request)
    long_docx = export(long_request)
    riders = [(a.data, d.letter.date) for a, d in zip(long_docx, long_found, strict=True)]
    held: list[bytes] = []

    def with_riders(documents: Sequence[tuple[bytes, dt.date]], **options: float) -> list[bytes]:
        converted = to_pdf([*documents, *riders], **options)
        held.extend(converted[len(documents):])
        return converted[:len(documents)]

    with pytest.MonkeyPatch.context() as env:
        # No FONTCONFIG_FILE: the exporter maps the GB/T 9704 names fontconfig lacks by itself, so
        # every check below also holds for an export made without the tests' help.
        env.delenv("FONTCONFIG_FILE", raising=False)
        env.setattr(pdf_module, "to_pdf", with_riders)  # the exporter's own call, the riders added
        artifacts = export(request)  # one LibreOffice run for every letter
    found = drafts(request)
    assert len(artifacts) == 2 * len(found) and len(held) == len(long_found)
    seed = []
    for draft, docx, pdf in zip(found, artifacts[0::2], artifacts[1::2], strict=True):
        assert (docx.media_type, pdf.media_type) == (DOCX, PDF)
        assert pdf.path == docx.path.removesuffix(".docx") + ".pdf"
        seed.append(_read(out, draft, docx.data, pdf.path, pdf.data))
    long = [_read(out, draft, docx.data, "long-names/" + docx.path.removesuffix(".docx") + ".pdf", data)
            for draft, docx, data in zip(long_found, long_docx, held, strict=True)]
    return {"seed": seed + _supplements(request, found, out) + _reinstated_and_uninvited(request, out),
            "long names": long}


def _read(out: Path, draft: Draft, docx: bytes, name: str, pdf: bytes) -> Rendered:
    path = out / name.replace("/", "__")
    path.write_bytes(pdf)
    return Rendered(draft, docx, path, pages(path))


@pytest.fixture(scope="module")
def letters(batch: dict[str, list[Rendered]]) -> list[Rendered]:
    return batch["seed"]


@pytest.fixture(scope="module")
def long_named_letters(batch: dict[str, list[Rendered]]) -> list[Rendered]:
    return batch["long names"]


def _supplements(request: ExportRequest, found: tuple[Draft, ...], out: Path) -> list[Rendered]:
    """The 补充通知 the changed year owes (the health bureau's notice announced its joint meeting on
    30 March), issued on a day after the change, laid out by LibreOffice like the rest."""
    from liaison_docx.letters import supplements
    from liaison_docx.renderer import render

    district = request.district
    owed = supplements(district, request.registry(), [d for d in found if d.kind == "notice"],
                       dt.date(2027, 4, 6), office=district.general_office())
    assert [d.recipient for d in owed] == ["health"]
    numbered = [attrs.evolve(d, letter=attrs.evolve(d.letter, doc_number=f"区府办〔2027〕{15 + i}号"))
                for i, d in enumerate(owed)]
    docx = [render(d.letter) for d in numbered]
    with pytest.MonkeyPatch.context() as env:
        env.delenv("FONTCONFIG_FILE", raising=False)
        pdfs = to_pdf([(data, d.letter.date) for data, d in zip(docx, numbered, strict=True)])
    rendered = []
    for d, data, pdf in zip(numbered, docx, pdfs, strict=True):
        path = out / f"supplement-{d.recipient}.pdf"
        path.write_bytes(pdf)
        rendered.append(Rendered(d, data, path, pages(path)))
    return rendered


def _reinstated_and_uninvited(request: ExportRequest, out: Path) -> list[Rendered]:
    """关于取消…邀请的函 (an invitee an amendment dropped) and 关于恢复举行…的函 (a cancelled meeting
    reinstated, naming its cancellation letter), for one of the year's invitations that went out,
    laid out by LibreOffice like the rest: the one-page checks below hold for them too."""
    from liaison_docx.letters import cancellation_letter, change_letter
    from liaison_docx.letters.invitation import issuer_of, role_verb, roles
    from liaison_docx.renderer import render

    district, plan = request.district, request.plan
    engagements = {e.id: e for e in plan.engagements}
    invited = next(r for r in request.registry().previous if r.kind == "invitation" and r.active
                   and r.engagement in engagements and r.engagement_date is not None)
    e, org = engagements[invited.engagement], district.organisation(invited.recipient)
    issuer, verb = issuer_of(district, e), role_verb(roles(district, e).get(org.id, ""))
    day = invited.date + dt.timedelta(days=3)
    number = f"{invited.series}〔2027〕{{}}号"
    uninvited = cancellation_letter(district, e, org, issuer, invited, verb, day, uninvited=True)
    cancelled = attrs.evolve(invited, kind="cancellation", serial=90, doc_number=number.format(90), date=day,
                             title=cancellation_letter(district, e, org, issuer, invited, verb, day).title_text)
    again = attrs.evolve(invited, serial=91, doc_number=number.format(91), date=day + dt.timedelta(days=2))
    restored = change_letter(district, e, org, issuer, invited, again, verb, again.date, cancelled=cancelled)
    made = [Draft(kind="cancellation", name=f"{e.id}-uninvited", subject=e.id, recipient=org.id, key="uninvited",
                  letter=attrs.evolve(uninvited, doc_number=number.format(89)), series=invited.series),
            Draft(kind="change", name=f"{e.id}-restored", subject=e.id, recipient=org.id, key="restored",
                  letter=attrs.evolve(restored, doc_number=number.format(92)), series=invited.series)]
    assert made[0].letter.title_text.endswith("邀请的函") and made[1].letter.title_text.startswith("关于恢复举行")
    docx = [render(d.letter) for d in made]
    with pytest.MonkeyPatch.context() as env:
        env.delenv("FONTCONFIG_FILE", raising=False)
        pdfs = to_pdf([(data, d.letter.date) for data, d in zip(docx, made, strict=True)])
    rendered = []
    for d, data, pdf in zip(made, docx, pdfs, strict=True):
        path = out / f"{d.key}.pdf"
        path.write_bytes(pdf)
        rendered.append(Rendered(d, data, path, pages(path)))
    return rendered


def test_every_kind_is_checked(letters: list[Rendered]) -> None:
    assert {r.draft.kind for r in letters} == {"notice", "supplement", "invitation", "change", "cancellation",
                                               "consultation", "feedback"}
    counts = {kind: sum(1 for r in letters if r.draft.kind == kind) for kind in ("notice", "invitation", "change",
                                                                                  "cancellation")}
    # the 恢复 letter and the 取消…邀请 letter besides the export's (see _reinstated_and_uninvited)
    assert counts == {"notice": 14, "invitation": 41 + 3 * 8, "change": 2 + 8 + 1, "cancellation": 8 + 1}
    assert len(letters) == 106 + 1 + 2  # and the 补充通知, the 恢复 and the 取消…邀请 letters
    titles = [r.draft.letter.title_text for r in letters]
    assert any(t.startswith("关于恢复举行") for t in titles) and any(t.endswith("邀请的函") for t in titles)


def test_a4(letters: list[Rendered]) -> None:
    for r in letters:
        for page in r.pages:
            assert abs(page.width - 210) < 0.5 and abs(page.height - 297) < 0.5, r.name


def test_margins_37_28_35_26(letters: list[Rendered]) -> None:
    left, right, top, bottom = TYPE_AREA
    for r in letters:
        body = [line for page in r.pages for line in page.text_lines if line.is_body]
        assert abs(min(line.x0 for line in body) - left) <= 1.0, r.name  # flush-left lines start at 28 mm
        assert abs(max(line.x1 for line in body) - right) <= 1.0, r.name  # full lines end at 184 mm
        for page in r.pages:
            for line in page.text_lines:
                assert line.x0 >= left - 1.0 and line.x1 <= right + 1.0, (r.name, line)
                assert line.y1 <= bottom + 1.0, (r.name, line)
        for page in r.pages[1:]:
            first = page.text_lines[0] if page.text_lines else None
            if first is not None and first.is_body:  # a continuation page starts on the first grid line
                assert abs(first.y0 - GLYPH_DROP - top) <= 1.0, (r.name, first)


def test_22_lines_of_28_cells(letters: list[Rendered]) -> None:
    """Body lines sit on a 28.95 pt grid, at most 22 a page and 28 cells a line (CJK one, ASCII half)."""
    widest = 0.0
    for r in letters:
        for page in r.pages:
            body = [line for line in page.text_lines if line.is_body]
            assert len(body) <= 22, r.name
            on_grid = page.text_lines[0].is_body  # a page that starts on the grid keeps to it …
            for line in page.text_lines:
                if not line.is_body:
                    on_grid = False  # … down to a table or the 版记, whose rows are not whole lines
                    continue
                cells = nominal_cells(line.text)
                assert cells <= 28, (r.name, line)
                widest = max(widest, cells)
                steps = (line.y0 - GLYPH_DROP - TYPE_AREA[2]) / PITCH_MM
                if on_grid:
                    assert abs(steps - round(steps)) < 0.06, (r.name, line)
    assert widest == 28


def _title_lines(r: Rendered) -> list[str]:
    title = r.draft.letter.title_text
    found, text = [], ""
    for line in r.pages[0].text_lines:
        piece = line.text.replace(" ", "")
        if not found and not title.startswith(piece):
            continue
        if text + piece == title[: len(text + piece)]:
            found.append(line)
            text += piece
        if text == title:
            break
    assert text == title, (r.name, title)
    return found  # type: ignore[return-value]


def test_titles_2hao_broken_between_words_and_balanced(letters: list[Rendered]) -> None:
    for r in letters:
        letter = r.draft.letter
        lines = _title_lines(r)
        texts = [line.text.replace(" ", "") for line in lines]  # type: ignore[attr-defined]
        assert texts == break_title(letter.title_units), r.name
        bounds, pos = set(), 0
        for unit in letter.title_units:
            pos += len(unit)
            bounds.add(pos)
        pos = 0
        for text in texts[:-1]:
            pos += len(text)
            assert pos in bounds, (r.name, texts)  # never inside a unit
        # never inside a name, a word or a number, no lone character, a balanced 梯形 or 菱形
        assert title_defects(texts, NAMES) == [], r.name
        for line, text in zip(lines, texts, strict=True):
            if text.isascii() is False and not any(c.isascii() for c in text):
                advance = (line.x1 - line.x0) / len(text)  # type: ignore[attr-defined]
                assert abs(advance - 22 / MM) < 0.25, (r.name, text)  # 2号 = 22 pt


def test_title_units_keep_names_and_numbers_whole() -> None:
    names = ["区人民政府", "九三学社", "区工商联"]
    units = title_units("纪念九三学社成立78周年暨区工商联联系工作会议", names)
    assert "九三学社" in units and "78周年" in units and "区工商联" in units
    assert title_units("区政府与各民主党派、工商联联系工作会议", ["区政府"])[:3] == ["区政府", "与", "各民主党派、"]
    engagement = title_units("区人民政府与各民主党派、工商联联系工作会议", names)
    lines = break_title(["关于", "邀请", "出席", *engagement, "的函"])
    assert lines == ["关于邀请出席区人民政府", "与各民主党派、工商联联系工作会议的函"]
    assert all(len(line) <= TITLE_CELLS for line in lines)


def test_page_numbers_4hao_on_the_outside_edges(letters: list[Rendered]) -> None:
    for r in letters:
        for number, page in enumerate(r.pages, 1):
            feet = page.footer
            if not page.lines and number == len(r.pages) - 1 and r.draft.letter.cc:
                continue  # the blank page before an even 版记 page: unnumbered (§7.5)
            if r.draft.letter.kind == "letter" and number == 1:
                assert feet == [], r.name  # 信函格式: none on the first page
                continue
            assert len(feet) == 1, (r.name, number, feet)
            foot = feet[0]
            assert foot.text.replace(" ", "") == f"—{number}—", r.name
            assert abs(foot.y0 - (TYPE_AREA[3] + 7)) <= 1.5, foot  # 7 mm below the type area
            assert abs(foot.height - 14 / 16 * 20.8 / MM) < 0.3, foot  # 4号
            if number % 2:
                assert abs(foot.x1 - (TYPE_AREA[1] - 14 / MM)) <= 1.0, foot  # one 4号 character in
            else:
                assert abs(foot.x0 - (TYPE_AREA[0] + 14 / MM)) <= 1.0, foot


def _record_lines(page: Page) -> list[int]:
    return [i for i, line in enumerate(page.text_lines)
            if line.text.startswith("抄送：") or line.text.replace(" ", "").endswith("印发")]


def test_record_at_the_foot_of_an_even_last_page(letters: list[Rendered]) -> None:
    notices = [r for r in letters if r.draft.letter.cc]
    assert len(notices) == 14 + 1  # and the 补充通知
    for r in notices:
        assert len(r.pages) % 2 == 0, r.name
        last = r.pages[-1]
        record = _record_lines(last)
        assert record, r.name
        assert last.text_lines[record[-1]].y1 >= TYPE_AREA[3] - 8, r.name  # at the foot
        assert not any(_record_lines(page) for page in r.pages[:-1]), r.name


def test_no_page_under_a_third_full(letters: list[Rendered]) -> None:
    for r in letters:
        for number, page in enumerate(r.pages, 1):
            text = [line for i, line in enumerate(page.text_lines) if i not in _record_lines(page)]
            if not text and number >= len(r.pages) - 1:
                continue  # the final page holding only the 版记, or the blank page before it
            reach = max(line.y1 for line in text) - TYPE_AREA[2]
            assert reach >= (TYPE_AREA[3] - TYPE_AREA[2]) / 3, (r.name, number, reach)


def test_signature_stays_with_the_last_lines_of_the_body(letters: list[Rendered]) -> None:
    for r in letters:
        letter = r.draft.letter
        date = format_date(letter.date)
        found = [(page, i) for page in r.pages for i, line in enumerate(page.text_lines[:-1])
                 if line.text.replace(" ", "") == letter.signature
                 and page.text_lines[i + 1].text.replace(" ", "") == date]
        assert len(found) == 1, r.name
        page, at = found[0]
        assert at >= 2 and page.text_lines[at - 1].is_body and page.text_lines[at - 2].is_body, r.name


def test_letters_that_fit_one_page_stay_on_one(letters: list[Rendered]) -> None:
    short = [r for r in letters if r.draft.kind in ("consultation", "feedback", "change", "cancellation")]
    assert short
    for r in short:
        assert len(r.pages) == 1, (r.name, [line.text for page in r.pages[1:] for line in page.lines])


SHORT = ("invitation", "change", "cancellation")


def test_a_short_letter_fits_page_one_and_its_reply_slip_the_next(letters: list[Rendered],
                                                                  long_named_letters: list[Rendered],
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    """Every invitation, change and cancellation letter of the seed's 2027 and of a long-named district,
    as LibreOffice prints them: the body with its 附件说明, 署名 and 成文日期 on page 1, the 回执 alone
    on page 2 (an invitation: two pages; a change or cancellation letter: one), page 1 within 22 lines
    of 28 characters.  Prints pages per letter and how much of page 1's type area the text fills."""
    height = TYPE_AREA[3] - TYPE_AREA[2]
    report, fills = [], []
    for label, rendered in (("seed", letters), ("long names", long_named_letters)):
        short = [r for r in rendered if r.draft.kind in SHORT]
        assert {r.draft.kind for r in short} == set(SHORT), label
        for r in short:
            letter = r.draft.letter
            first = r.pages[0].text_lines
            fill = (max(line.y1 for line in first) - TYPE_AREA[2]) / height
            fills.append(fill)
            report.append(f"{label:10} {r.name}: {len(r.pages)} pages, page 1 {fill:.0%} full")
            assert len(r.pages) == (2 if letter.attachments else 1), (r.name, len(r.pages))
            texts = [line.text.replace(" ", "") for line in first]
            assert texts[-2:] == [letter.signature, format_date(letter.date)], (r.name, texts[-3:])
            if letter.attachments:
                assert "附件：回执" in texts, r.name
                assert [line.text.replace(" ", "") for line in r.pages[1].text_lines][:2] == ["附件", "回执"]
            body = [line for line in first if line.is_body]
            assert len(body) <= 22 and all(nominal_cells(line.text) <= 28 for line in body), r.name
    with capsys.disabled():
        print(f"\none page per short letter ({len(fills)} letters; page 1 filled {min(fills):.0%}–{max(fills):.0%}):")
        print("\n".join(report))


def test_invitations_carry_the_reply_slip_on_its_own_page(letters: list[Rendered]) -> None:
    for r in (r for r in letters if r.draft.kind == "invitation"):
        last = [line.text.replace(" ", "") for line in r.pages[-1].text_lines]
        assert last[:2] == ["附件", "回执"], r.name
        for heading in ("单位", "人员", "职务", "联系电话", "备注", r.draft.letter.recipients, "前反馈"):
            assert heading in "".join(last), (r.name, heading)
        body = "".join(line.text.replace(" ", "") for page in r.pages[:-1] for line in page.text_lines)
        assert "附件：回执" in body, r.name


def test_every_character_reaches_the_pdf_in_order(letters: list[Rendered]) -> None:
    for r in letters:
        assert missing_in_order(docx_text(r.docx), pdf_text(r.pdf)) is None, r.name


def test_the_telephone_number_stays_whole_and_with_its_label(tmp_path: Path) -> None:
    """With a designation that has a telephone number, the contact lines as LibreOffice prints them:
    the number never parts from 联系电话： nor breaks at its hyphen (offices of several lengths, as the
    line used to wrap 电话：/0592-6051234 or 0592-/6051234). The health bureau's letter of each export,
    the three printed in one LibreOffice run (the exporter's ``pdf`` option calls the same to_pdf: the
    batch above; converting every invitation of three exports to read three cost two starts more and
    ~190 letters)."""
    base = seed_request()
    offices = ("办公室", "办公室综合科", "党政综合办公室秘书科")
    chosen: list[tuple[bytes, dt.date]] = []
    for office in offices:
        orgs = tuple(attrs.evolve(o, designations=Designations(liaison_office=office, liaison_officer="李明",
                                                               phone="0592-6051234")) if o.id == "health" else o
                     for o in base.district.organisations)
        district = attrs.evolve(base.district, organisations=orgs)
        request = ExportRequest(district=district, plan=base.plan, options={"kinds": "invitation"},
                                records=base.records)
        found = drafts(request)
        i = next(i for i, d in enumerate(found) if d.subject.endswith("/joint_meeting/health"))
        artifacts = export(request)
        assert len(artifacts) == len(found) and artifacts[i].media_type == DOCX
        chosen.append((artifacts[i].data, found[i].letter.date))
    for office, (docx, _), pdf in zip(offices, chosen, to_pdf(chosen), strict=True):
        path = tmp_path / f"{len(office)}.pdf"
        path.write_bytes(pdf)
        lines = [line.text.replace(" ", "") for page in pages(path) for line in page.text_lines]
        assert any(line.endswith("联系电话：0592-6051234") for line in lines), (office, lines)
        assert any(line.startswith("联系人：" + office) for line in lines), office  # the writer's own office
        assert missing_in_order(docx_text(docx), pdf_text(path)) is None


def test_pdf_bytes_are_the_same_on_every_run(letters: list[Rendered], monkeypatch: pytest.MonkeyPatch) -> None:
    """Byte for byte, with the fonts.conf named by a relative path this time (fontconfig alone would
    look for it in /etc/fonts and fall back to other fonts)."""
    monkeypatch.chdir(HERE.parent)
    monkeypatch.setenv("FONTCONFIG_FILE", "src/liaison_docx/fonts.conf")
    sample = letters[0]
    again = to_pdf([(sample.docx, sample.draft.letter.date)])[0]
    assert again == sample.pdf.read_bytes()
    assert b"/CreationDate(D:20270105000000" in again


def test_without_a_font_mapping_the_shipped_one_stands_in(letters: list[Rendered]) -> None:
    """The letters above were made without FONTCONFIG_FILE: LibreOffice got the shipped mapping for
    the names fontconfig lacks, so the body is in Noto Serif CJK, not in a fall-back of other widths."""
    missing = missing_fonts()
    if not missing:
        pytest.skip("the GB/T 9704 fonts are installed here: nothing to map")
    assert "仿宋_GB2312" in missing and missing_fonts(["No Such Font Zq"]) == ("No Such Font Zq",)
    conf = font_config(["黑体"]).decode()
    assert "黑体" in conf and "仿宋_GB2312" not in conf and "/etc/fonts/fonts.conf" in conf
    notice = next(r for r in letters if r.draft.kind == "notice")
    fonts = subprocess.run(["pdffonts", str(notice.pdf)], capture_output=True, text=True, check=True).stdout
    assert "NotoSerifCJK" in fonts and "DejaVu" not in fonts, fonts


def test_without_libreoffice_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", "/nonexistent")
    monkeypatch.delenv("LIAISON_SOFFICE", raising=False)
    with pytest.raises(ExportError) as info:
        export(seed_request({"pdf": True, "kinds": "feedback"}))
    assert info.value.path == "options.pdf"
    assert "LibreOffice" in str(info.value) and "apt-get install libreoffice-writer-nogui" in str(info.value)
