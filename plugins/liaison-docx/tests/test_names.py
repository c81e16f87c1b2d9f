"""One name, everywhere: the issuing bodies in the 发文机关标志, the 署名 and the 印发机关, and a body
named formally in the text, are the district's full names (``District.full_name``). The seed, whose
source names no district, reads ××区; ``District.renamed`` changes every one of them."""

from __future__ import annotations

import io
import zipfile

from docx_seed import changed_request
from liaison.host.exporting import ExportRequest
from liaison.law.district import District

from liaison_docx import Letter, Paragraph, Table
from liaison_docx.letters import Draft
from liaison_docx.plugin import drafts, export


def every_text(letter: Letter) -> str:
    parts = [letter.issuing_authority_mark, letter.title, letter.recipients, letter.signature, letter.printer or ""]
    for block in (*letter.body, *(b for a in letter.attachments for b in a.body)):
        if isinstance(block, Table):
            parts += ["|".join(row) for row in block.rows]
        else:
            parts.append(block.text)
    return "\n".join(parts)


def renamed_request(district: District) -> ExportRequest:
    request = changed_request()
    return ExportRequest(district=district, plan=request.plan, options={}, records=request.records,
                         letters=request.letters, revision=2)


def check_names(found: tuple[Draft, ...], name: str) -> None:
    assert {d.kind for d in found} == {"notice", "invitation", "change", "cancellation", "consultation", "feedback"}
    for d in found:
        letter = d.letter
        issuer = letter.signature
        assert issuer.startswith(name), (d.kind, issuer)
        if d.kind == "notice":
            assert letter.issuing_authority_mark == f"{name}人民政府办公室文件"
            assert letter.signature == letter.printer == f"{name}人民政府办公室"
            said = next(b.text for b in letter.body
                        if isinstance(b, Paragraph) and "的名单，请确定后报送" in b.text)
            assert said.endswith("请确定后报送本办。")  # the office names itself in its own notice (#24)
        else:
            assert letter.issuing_authority_mark == letter.signature and letter.printer is None
        if d.kind == "consultation" or ("/joint_meeting/" not in d.subject and d.kind != "feedback"):
            assert letter.signature == f"{name}人民政府办公室", d.name
        if d.kind == "invitation":
            assert letter.attachments[0].body[-1] == Paragraph(f"请于{_reply(letter)}前反馈{letter.signature}。")
    health = next(d for d in found if d.kind == "invitation" and d.subject.endswith("/health"))
    assert health.letter.signature == f"{name}卫生局"
    feedback = next(d for d in found if d.kind == "feedback")
    assert feedback.letter.signature == f"{name}经贸科技局"


def _reply(letter: Letter) -> str:
    note = letter.attachments[0].body[-1]
    assert isinstance(note, Paragraph)
    return note.text.removeprefix("请于").split("前反馈")[0]


def test_the_seed_reads_its_placeholder_name(seed: District) -> None:
    assert seed.info.name == "××区"
    check_names(drafts(changed_request()), "××区")


def test_renamed_changes_every_name(seed: District) -> None:
    district = seed.renamed("厦门市海沧区")
    found = drafts(renamed_request(district))
    check_names(found, "厦门市海沧区")
    for d in found:
        assert "××" not in every_text(d.letter), d.name
    consultation = next(d for d in found if d.kind == "consultation")
    assert "书面反馈厦门市海沧区人民政府办公室。" in every_text(consultation.letter)


def test_the_rendered_mark_carries_the_name(seed: District) -> None:
    artifacts = export(renamed_request(seed.renamed("厦门市海沧区")))
    notice = next(a for a in artifacts if a.path.startswith("通知/"))
    xml = zipfile.ZipFile(io.BytesIO(notice.data)).read("word/document.xml").decode()
    assert "厦门市海沧区人民政府办公室文件" in xml and xml.count("厦门市海沧区人民政府办公室") >= 3  # mark, 署名, 印发
    invitation = next(a for a in artifacts if a.path.startswith("邀请函/") and "work_meeting" in a.path)
    header = zipfile.ZipFile(io.BytesIO(invitation.data)).read("word/header1.xml").decode()
    assert "厦门市海沧区人民政府办公室" in header  # 信函格式: the mark is in the first-page header
