"""One page for a short 函 once the ledger's 责任制 sheet is filled in: the invitations of the seed's
2027 and of the district generated with long names, with every department and the general office
naming an officer and a telephone number (designation records, what the ledger's reader makes of the
sheet), rendered by the exporter and printed by LibreOffice (one run for all), read back page by page
as test_layout.py does.  The body, 附件说明, 署名 and 成文日期 on page 1, the 回执 alone on page 2;
where the wording had to tighten, the letter says so in its text (联系人 run on after the reply
sentence).  And a letter that cannot fit page 1 at all breaks cleanly: the 成文日期 and the seal's
place with the last lines of the body, never alone on a page.  Needs ``soffice`` and poppler."""

from __future__ import annotations

import shutil
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import attrs
import pytest
from docx_seed import LONG_EVENTS, MORE_EVENTS, changed_request, long_named
from liaison.formats.district import seed_district
from liaison.host.exporting import ExportRequest
from pdf_pages import TYPE_AREA, Page, docx_text, missing_in_order, nominal_cells, pages, pdf_text

from liaison_docx.letter_model import Letter, Paragraph, format_date
from liaison_docx.letters import Draft
from liaison_docx.letters.invitation import invitation_letter, issuer_of, roles
from liaison_docx.pdf import to_pdf
from liaison_docx.plugin import drafts, export
from liaison_docx.renderer import render

pytestmark = pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) not installed")

#: (district, events, liaison office): the seed with the longest office name tried (two contact
#: lines when on lines of their own), the long-named district with a short and a long one.
CASES = {
    "seed, 党政综合办公室秘书科": (False, "党政综合办公室秘书科"),
    "long names, 办公室": (True, "办公室"),
    "long names, 党政综合办公室秘书科": (True, "党政综合办公室秘书科"),
}


@dataclass
class Printed:
    case: str
    draft: Draft
    docx: bytes
    pdf: Path
    pages: list[Page]

    @property
    def name(self) -> str:
        return f"{self.case}: {self.draft.name}"


def _request(long: bool, office: str) -> ExportRequest:
    district = long_named(seed_district()) if long else seed_district()
    return changed_request({"kinds": "invitation"}, *(LONG_EVENTS if long else MORE_EVENTS), district=district,
                           contacts=office)


def _overflowing() -> tuple[Draft, bytes]:
    """An invitation of the long-named district that cannot fit page 1 however it is worded: its
    meeting's place is a paragraph long (a venue with directions), so its pages break on the grid."""
    request = _request(True, "党政综合办公室秘书科")
    draft = next(d for d in drafts(request) if d.kind == "invitation")
    e = request.plan.get(draft.subject)
    directions = "自东门进入后乘电梯至三楼右转，" * 6
    e = attrs.evolve(e, location=f"区政府行政服务中心北楼三层第二会议室（{directions}即到）")
    district = request.district
    issuer = issuer_of(district, e)
    letter = invitation_letter(district, e, district.organisation(draft.recipient), issuer=issuer,
                               role=roles(district, e).get(draft.recipient, ""), records=request.records)
    letter = attrs.evolve(letter, doc_number="区府办函〔2027〕9号")
    return attrs.evolve(draft, letter=letter), render(letter)


@pytest.fixture(scope="module")
def printed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[Printed]]:
    out = tmp_path_factory.mktemp("contacts")
    batch: list[tuple[str, Draft, bytes]] = []
    for case, (long, office) in CASES.items():
        request = _request(long, office)
        found = drafts(request)
        artifacts = export(request)
        assert len(artifacts) == len(found)
        batch += [(case, d, a.data) for d, a in zip(found, artifacts, strict=True) if d.kind == "invitation"]
    overflow, data = _overflowing()
    batch.append(("overflow", overflow, data))
    with pytest.MonkeyPatch.context() as env:
        env.delenv("FONTCONFIG_FILE", raising=False)  # the exporter's own font mapping, as in test_layout
        pdfs = to_pdf([(docx, d.letter.date) for _, d, docx in batch])  # one LibreOffice run for all
    found_cases: dict[str, list[Printed]] = {}
    for n, ((case, d, docx), pdf) in enumerate(zip(batch, pdfs, strict=True)):
        path = out / f"{n:03d}.pdf"
        path.write_bytes(pdf)
        found_cases.setdefault(case, []).append(Printed(case, d, docx, path, pages(path)))
    return found_cases


def _texts(page: Page) -> list[str]:
    return [line.text.replace(" ", "").replace("\u3000", "") for line in page.text_lines]


def _body(letter: Letter) -> str:
    return "".join(p.text for p in letter.body if isinstance(p, Paragraph)).replace("\u2060", "")


def test_every_invitation_with_its_contact_fits_page_one(printed: dict[str, list[Printed]],
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    report = []
    for case in CASES:
        letters = printed[case]
        assert len(letters) >= 57, case
        tightened = Counter()
        fills = []
        for r in letters:
            letter = r.draft.letter
            office = CASES[case][1]
            assert "联系人：" in _body(letter) and "联系电话：0592-6051234" in _body(letter), r.name
            assert len(r.pages) == 2, (r.name, [_texts(p) for p in r.pages])
            first = _texts(r.pages[0])
            assert first[-2:] == [letter.signature, format_date(letter.date)], (r.name, first[-4:])
            assert "附件：回执" in first, r.name
            assert _texts(r.pages[1])[:2] == ["附件", "回执"], r.name
            body = [line for line in r.pages[0].text_lines if line.is_body]
            assert len(body) <= 22 and all(nominal_cells(line.text) <= 28 for line in body), r.name
            assert f"联系人：{office}李明" in "".join(first), r.name  # the writer's own office
            # the number whole, with its label, on one line wherever the contact sits
            assert any("话：0592-6051234" in line for line in first), (r.name, first)
            assert missing_in_order(docx_text(r.docx), pdf_text(r.pdf)) is None, r.name
            paragraphs = [p.text for p in letter.body if isinstance(p, Paragraph)]
            tightened[not any(p.startswith("联系人：") for p in paragraphs)] += 1
            fills.append((max(line.y1 for line in r.pages[0].text_lines) - TYPE_AREA[2])
                         / (TYPE_AREA[3] - TYPE_AREA[2]))
        report.append(f"{case}: {len(letters)} invitations on 2 pages, {tightened[True]} with tighter wording, "
                      f"page 1 filled {min(fills):.0%}–{max(fills):.0%}")
    # the long-named district's longest letters could not fit without it, the seed's could
    assert sum(1 for r in printed["long names, 党政综合办公室秘书科"]
               if not any(p.text.startswith("联系人：") for p in r.draft.letter.body if isinstance(p, Paragraph))) > 0
    with capsys.disabled():
        print("\nshort letters with contacts:\n" + "\n".join(report))


def test_wording_tightens_only_where_a_letter_needs_it(printed: dict[str, list[Printed]]) -> None:
    """The tighter wording is the exception: a letter that fits page 1 as worded keeps its own lines
    (联系人 on a line of its own, 特此函邀 on its own), and the tighter one still says everything."""
    for case in CASES:
        for r in printed[case]:
            paragraphs = [p.text.replace("\u2060", "") for p in r.draft.letter.body if isinstance(p, Paragraph)]
            if any(p.startswith("联系人：") for p in paragraphs):
                assert paragraphs[-1] == "特此函邀。", r.name
                continue
            reply = next(p for p in paragraphs if "请填写回执（见附件）" in p)
            assert "联系人：" in reply and reply.index("联系人：") > reply.index("请填写回执"), r.name
            assert paragraphs[-1].endswith("特此函邀。"), r.name
            if paragraphs[0].startswith("拟于"):
                assert "请与我" in reply, r.name  # the request to call stays


def test_a_letter_that_cannot_fit_breaks_with_its_last_lines(printed: dict[str, list[Printed]]) -> None:
    """Nothing fits page 1: the letter keeps the grid and its own wording (the contact on its own
    lines), and the page break leaves the 署名 and 成文日期 under at least two lines of the body, on
    a page more than a third full; the 回执 on a page of its own after them."""
    (r,) = printed["overflow"]
    letter = r.draft.letter
    paragraphs = [p.text for p in letter.body if isinstance(p, Paragraph)]
    assert paragraphs[-1] == "特此函邀。" and any(p.startswith("联系人：") for p in paragraphs)
    assert len(r.pages) == 3, [_texts(p) for p in r.pages]
    signed = r.pages[1]
    texts = _texts(signed)
    assert texts[-2:] == [letter.signature, format_date(letter.date)], texts
    lines = signed.text_lines
    assert lines[-3].is_body and lines[-4].is_body, texts  # 附件：回执 and a body line above the 落款
    assert sum(1 for line in lines if line.is_body) >= 3, texts
    reach = max(line.y1 for line in lines) - TYPE_AREA[2]
    assert reach >= (TYPE_AREA[3] - TYPE_AREA[2]) / 3, texts
    assert _texts(r.pages[2])[:2] == ["附件", "回执"]
    assert missing_in_order(docx_text(r.docx), pdf_text(r.pdf)) is None
