"""Evidence files: uploaded to a record or an engagement, kept under the media root by their content's
sha256 (never by the name given: ``../../x`` reaches nothing), refused when too large (413) or not a
type kept (415, by content, not only by name), written whole or not at all, downloaded with the name
as uploaded (RFC 5987 for Chinese), and read only by who may read what they are evidence of."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from web_db import CLERK_OF, OFFICER_OF, YEAR
from web_serve import multipart

RESEARCH = {"id": "E-1", "title": "调研报告", "submitted_by": OFFICER_OF, "department": CLERK_OF,
            "received": f"{YEAR}-03-02"}
PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def zipped(*names: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in names:
            archive.writestr(name, "<x/>")
    return buffer.getvalue()


def client() -> Any:
    from django.test import Client

    return Client()


def record(code: str, auth: dict[str, str], body: dict[str, Any] = RESEARCH) -> str:
    response = client().post(f"/api/v1/districts/{code}/years/{YEAR}/records/research_results",
                             data=json.dumps(body), content_type="application/json", **auth)
    assert response.status_code == 201, response.content
    return str(response.json()["key"])


def upload(code: str, auth: dict[str, str], name: str, data: bytes, **target: str) -> Any:
    """The file name sent exactly as given (web_serve.multipart)."""
    body, content_type = multipart({k: v for k, v in target.items() if not k.startswith("HTTP_")}, name, data)
    headers = {k: v for k, v in target.items() if k.startswith("HTTP_")}
    return client().post(f"/api/v1/districts/{code}/years/{YEAR}/evidence", data=body, content_type=content_type,
                         **auth, **headers)


def files_under(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def test_a_file_is_kept_by_its_digest_and_downloaded_under_its_name(own_district: dict[str, Any]) -> None:
    from urllib.parse import quote

    code, tokens, media = own_district["code"], own_district["tokens"], own_district["media"]
    key = record(code, tokens["clerk"])
    response = upload(code, tokens["clerk"], "座谈会签到表.pdf", PDF, record=key)
    assert response.status_code == 201, response.content
    shown = response.json()
    digest = hashlib.sha256(PDF).hexdigest()
    assert (shown["name"], shown["type"], shown["size"]) == ("座谈会签到表.pdf", "pdf", len(PDF))
    assert shown["sha256"] == digest
    from liaison_web.api_records import EvidenceModel

    assert EvidenceModel.model_validate(shown).model_dump(mode="json")["key"] == shown["key"]
    assert files_under(media) == [media / "evidence" / digest[:2] / digest]  # no temporary file left
    # the record shows it; the download is the bytes, with the name in RFC 5987's form
    read = client().get(f"/api/v1/districts/{code}/years/{YEAR}/records/research_results/{key}", **tokens["clerk"])
    assert [e["key"] for e in read.json()["evidence"]] == [shown["key"]]
    got = client().get(shown["download"], **tokens["liaison_officer"])
    assert got.status_code == 200 and b"".join(got.streaming_content) == PDF
    assert got["Content-Type"] == "application/pdf" and got["X-Content-Type-Options"] == "nosniff"
    assert got["Content-Disposition"] == f"attachment; filename*=utf-8''{quote('座谈会签到表.pdf')}"
    # the same bytes again: one file on disk, two rows
    again = upload(code, tokens["clerk"], "again.pdf", PDF, record=key)
    assert again.status_code == 201 and len(files_under(media)) == 1
    listed = client().get(f"/api/v1/districts/{code}/years/{YEAR}/evidence?record={key}", **tokens["auditor"])
    assert [e["name"] for e in listed.json()] == ["座谈会签到表.pdf", "again.pdf"]
    # in the record's audit log: who attached what
    log = client().get(f"/api/v1/districts/{code}/years/{YEAR}/records/research_results/{key}/audit",
                       **tokens["administrator"]).json()
    attached = [e for e in log if e["action"] == "attach"]
    assert [e["after"]["evidence"]["key"] for e in attached] == [shown["key"], again.json()["key"]]
    assert attached[0]["actor"].startswith("clerk-") and attached[0]["remote_address"] == "127.0.0.1"


def test_missing_bytes_are_404_naming_the_record_and_the_file_never_the_servers_path(
        own_district: dict[str, Any]) -> None:
    """A row whose bytes were lost (a media root not restored): 404 naming the record, the file's
    name, key and digest — what the caller knows already —, never the media root's absolute path."""
    code, tokens, media = own_district["code"], own_district["tokens"], own_district["media"]
    key = record(code, tokens["clerk"])
    shown = upload(code, tokens["clerk"], "丢失的签到表.pdf", PDF, record=key).json()
    for kept in files_under(media):
        kept.unlink()
    for lang in ("en", "zh-CN"):
        got = client().get(shown["download"], HTTP_ACCEPT_LANGUAGE=lang, **tokens["clerk"])
        assert got.status_code == 404 and got.json()["kind"] == "NotFound"
        text = got.content.decode()
        assert str(media) not in text and str(media.resolve()) not in text and "/evidence/" not in text, text
        assert key in text and shown["key"] in text and "丢失的签到表.pdf" in text and shown["sha256"] in text


@pytest.mark.parametrize("name", ["../../x.pdf", "..\\..\\x.pdf", "/etc/passwd.pdf", "a/../../b/x.pdf",
                                  ".hidden.pdf", "x\x00.pdf", ""])
def test_a_name_never_reaches_the_disk(own_district: dict[str, Any], name: str, tmp_path: Path) -> None:
    code, tokens, media = own_district["code"], own_district["tokens"], own_district["media"]
    key = record(code, tokens["clerk"])
    before = set(tmp_path.parent.rglob("*"))
    response = upload(code, tokens["clerk"], name, PDF, record=key)
    if not name:  # a part without a file name is no file (as browsers send an empty file input)
        assert response.status_code == 422 and files_under(media) == []
        return
    assert response.status_code == 201, response.content
    shown = response.json()["name"]
    assert "/" not in shown and "\\" not in shown and "\x00" not in shown and not shown.startswith(".")
    assert shown.endswith(".pdf")
    digest = hashlib.sha256(PDF).hexdigest()
    assert files_under(media) == [media / "evidence" / digest[:2] / digest]
    new = {p for p in set(tmp_path.parent.rglob("*")) - before if p.is_file()}
    assert new <= set(files_under(media))  # nothing written anywhere but the media root


def test_too_large_is_413_and_leaves_nothing(own_district: dict[str, Any], settings_limit: None) -> None:
    code, tokens, media = own_district["code"], own_district["tokens"], own_district["media"]
    key = record(code, tokens["clerk"])
    big = PDF + b"0" * (64 * 1024)
    response = upload(code, tokens["clerk"], "big.pdf", big, record=key, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 413, response.content
    body = response.json()
    assert body["kind"] == "TooLarge" and "MB" in body["rendered"] and body["message_zh"]
    assert files_under(media) == []
    # a body announced larger than the limit is refused before it is read
    huge = client().post(f"/api/v1/districts/{code}/years/{YEAR}/evidence", data=b"x" * 10,
                         content_type="multipart/form-data; boundary=x", CONTENT_LENGTH=str(10**9), **tokens["clerk"])
    assert huge.status_code == 413 and huge.json()["kind"] == "TooLarge"


@pytest.fixture
def settings_limit(own_district: dict[str, Any]) -> Any:
    """The upload limit at 1 kB (a file of the test's, not of 20 MB)."""
    from django.conf import settings

    previous = settings.LIAISON_MAX_UPLOAD_BYTES
    settings.LIAISON_MAX_UPLOAD_BYTES = 1024
    yield
    settings.LIAISON_MAX_UPLOAD_BYTES = previous


@pytest.mark.parametrize(("name", "data", "status"), [
    ("virus.pdf", b"MZ\x90\x00" + b"\x00" * 64, 415),  # an executable named .pdf
    ("photo.pdf", PNG, 415),  # a PNG named .pdf: the name says another type than the content
    ("notes.txt", b"plain text", 415),
    ("empty.pdf", b"", 415),  # no content is no type (not "no file sent")
    ("archive.docx", zipped("a.txt"), 415),  # a zip, not a Word document
    ("photo.png", PNG, 201),
    ("photo", PNG, 201),  # no extension: the content decides
    ("scan.JPG", b"\xff\xd8\xff\xe0" + b"\x00" * 16, 201),
    ("纪要.docx", zipped("[Content_Types].xml", "word/document.xml"), 201),
    ("台账.xlsx", zipped("[Content_Types].xml", "xl/workbook.xml"), 201),
    ("公文.ofd", zipped("OFD.xml", "Doc_0/Document.xml"), 201),
])
def test_the_type_is_told_by_the_content(own_district: dict[str, Any], name: str, data: bytes, status: int) -> None:
    code, tokens, media = own_district["code"], own_district["tokens"], own_district["media"]
    key = record(code, tokens["clerk"])
    response = upload(code, tokens["clerk"], name, data, record=key)
    assert response.status_code == status, response.content
    if status == 415:
        assert response.json()["kind"] == "UnsupportedType" and response.json()["message_zh"]
        assert files_under(media) == []


def test_another_bodys_evidence_is_403_another_districts_404(own_district: dict[str, Any]) -> None:
    code, other, tokens = own_district["code"], own_district["other"], own_district["tokens"]
    theirs = record(code, tokens["administrator"], {**RESEARCH, "id": "E-2", "submitted_by": "rcck",
                                                     "department": "finance"})
    shown = upload(code, tokens["administrator"], "财政.pdf", PDF, record=theirs).json()
    elsewhere = record(other, tokens["superuser"], {**RESEARCH, "id": f"E-{code}"})
    far = upload(other, tokens["superuser"], "x.pdf", PDF, record=elsewhere).json()
    for role in ("clerk", "liaison_officer"):
        assert client().get(shown["download"], **tokens[role]).status_code == 403
        assert upload(code, tokens[role], "mine.pdf", PDF, record=theirs).status_code == 403
        assert client().get(f"/api/v1/districts/{code}/years/{YEAR}/evidence?record={theirs}",
                            **tokens[role]).status_code == 403
        assert client().get(far["download"], **tokens[role]).status_code == 404
        assert upload(other, tokens[role], "mine.pdf", PDF, record=elsewhere).status_code == 404
    assert client().get(far["download"], **tokens["city_auditor"]).status_code == 200
    # the year's list without a record or an engagement: the files the caller may read, no other body's
    mine = upload(code, tokens["clerk"], "mine.pdf", PDF,
                  record=record(code, tokens["clerk"], {**RESEARCH, "id": "E-3"})).json()
    year_list = f"/api/v1/districts/{code}/years/{YEAR}/evidence"
    assert [e["key"] for e in client().get(year_list, **tokens["clerk"]).json()] == [mine["key"]]
    assert {e["key"] for e in client().get(year_list, **tokens["administrator"]).json()} == {shown["key"], mine["key"]}
    assert upload(code, tokens["auditor"], "mine.pdf", PDF, record=theirs).status_code == 403
    # a key of another district asked for under one's own: not found either
    assert client().get(f"/api/v1/districts/{code}/evidence/{far['key']}", **tokens["administrator"]).status_code == 404


def test_evidence_of_an_engagement(own_district: dict[str, Any]) -> None:
    code, tokens = own_district["code"], own_district["tokens"]
    engagement = "2027/joint_meeting/health"
    made = upload(code, tokens["clerk"], "纪要.pdf", PDF, engagement=engagement)
    assert made.status_code == 201 and made.json()["object_type"] == "engagement"
    theirs = "2027/joint_meeting/taiwan-affairs"
    assert upload(code, tokens["clerk"], "x.pdf", PDF, engagement=theirs).status_code == 403
    assert upload(code, tokens["clerk"], "x.pdf", PDF, engagement="2027/no/such").status_code == 404
    assert upload(code, tokens["clerk"], "x.pdf", PDF).status_code == 422  # evidence of nothing
    log = client().get(f"/api/v1/districts/{code}/years/{YEAR}/engagements/{engagement}/audit",
                       **tokens["clerk"]).json()
    assert [e["after"]["evidence"]["name"] for e in log if e["action"] == "attach"] == ["纪要.pdf"]


def test_a_crash_while_writing_leaves_no_half_file(own_district: dict[str, Any]) -> None:
    from liaison_web import evidence

    media = own_district["media"]

    def chunks() -> Any:
        yield PDF
        raise OSError("the disk went away")

    with pytest.raises(OSError):
        evidence.store(chunks(), "x.pdf")
    assert files_under(media) == []
    # a display name is the last part of the upload's name, cleaned
    assert evidence.display_name("../../a\x01b.pdf", evidence.TYPES["pdf"]) == "a_b.pdf"
    assert evidence.display_name("", evidence.TYPES["png"]) == "evidence.png"
    assert len(evidence.display_name("长" * 300 + ".pdf", evidence.TYPES["pdf"])) == 120


@given(st.text(max_size=300), st.sampled_from(["pdf", "png", "docx"]))
def test_a_display_name_is_one_clean_part_whatever_was_sent(given_name: str, kind: str) -> None:
    """Whatever the upload's name, the one kept to show is a single non-empty part: no folder, no
    control or reserved character, no leading dot, at most 120 characters, NFC."""
    import unicodedata

    from liaison_web import evidence

    shown = evidence.display_name(given_name, evidence.TYPES[kind])
    assert shown and len(shown) <= 120 and not shown.startswith(".")
    assert not any(c in shown for c in '/\\<>:"|?*') and all(ord(c) >= 32 and ord(c) != 127 for c in shown)
    assert unicodedata.normalize("NFC", shown) == shown


def test_the_media_root_is_beside_the_database_unless_set(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from liaison_web.settings import ConfigError, django_settings

    monkeypatch.delenv("LIAISON_MEDIA_ROOT", raising=False)
    monkeypatch.delenv("LIAISON_MAX_UPLOAD_MB", raising=False)
    made = django_settings(f"sqlite:///{tmp_path / 'office' / 'liaison.sqlite3'}")
    assert made["LIAISON_MEDIA_ROOT"] == str((tmp_path / "office" / "liaison-media").resolve())
    assert made["LIAISON_MAX_UPLOAD_BYTES"] == 20 * 1024 * 1024
    monkeypatch.setenv("LIAISON_MEDIA_ROOT", str(tmp_path / "elsewhere"))
    monkeypatch.setenv("LIAISON_MAX_UPLOAD_MB", "5")
    made = django_settings(f"sqlite:///{tmp_path / 'office' / 'liaison.sqlite3'}")
    assert made["LIAISON_MEDIA_ROOT"] == str((tmp_path / "elsewhere").resolve())
    assert made["LIAISON_MAX_UPLOAD_BYTES"] == 5 * 1024 * 1024
    monkeypatch.setenv("LIAISON_MAX_UPLOAD_MB", "a lot")
    with pytest.raises(ConfigError) as refused:
        django_settings(f"sqlite:///{tmp_path / 'office' / 'liaison.sqlite3'}")
    assert refused.value.message_zh and "LIAISON_MAX_UPLOAD_MB" in refused.value.message


# -- withdrawing a file attached by mistake -------------------------------------------------------------
def withdraw(code: str, auth: dict[str, str], key: str, reason: str = "传错了文件") -> Any:
    return client().post(f"/api/v1/districts/{code}/evidence/{key}/withdrawal", data=json.dumps({"reason": reason}),
                         content_type="application/json", **auth)


def test_a_file_attached_by_mistake_is_withdrawn_not_deleted(own_district: dict[str, Any]) -> None:
    from django.db import DatabaseError, transaction

    from liaison_web import models

    code, tokens, media = own_district["code"], own_district["tokens"], own_district["media"]
    key = record(code, tokens["clerk"])
    wrong = upload(code, tokens["clerk"], "错的.pdf", PDF, record=key).json()
    right = upload(code, tokens["clerk"], "签到表.png", PNG, record=key).json()
    assert (wrong["status"], wrong["withdrawal"]) == ("current", None)
    on_disk, rows = files_under(media), models.Evidence.objects.count()
    done = withdraw(code, tokens["clerk"], wrong["key"], "上传错了：这是另一次座谈会的签到表")
    assert done.status_code == 200, done.content
    shown = done.json()
    assert shown["status"] == "withdrawn" and shown["key"] == wrong["key"]
    assert shown["withdrawal"]["reason"] == "上传错了：这是另一次座谈会的签到表"
    assert shown["withdrawal"]["by"].startswith("clerk-")
    from liaison_web.api_records import EvidenceModel

    assert EvidenceModel.model_validate(shown).model_dump(mode="json")["status"] == "withdrawn"
    # nothing removed: the row, the bytes, the download
    assert models.Evidence.objects.count() == rows and files_under(media) == on_disk
    got = client().get(wrong["download"], **tokens["clerk"])
    assert got.status_code == 200 and b"".join(got.streaming_content) == PDF
    # every list shows it withdrawn, the right file current
    listed = client().get(f"/api/v1/districts/{code}/years/{YEAR}/evidence?record={key}", **tokens["auditor"]).json()
    assert [(e["name"], e["status"]) for e in listed] == [("错的.pdf", "withdrawn"), ("签到表.png", "current")]
    read = client().get(f"/api/v1/districts/{code}/years/{YEAR}/records/research_results/{key}", **tokens["clerk"])
    assert [e["status"] for e in read.json()["evidence"]] == ["withdrawn", "current"]
    every = client().get(f"/api/v1/districts/{code}/years/{YEAR}/records", **tokens["administrator"]).json()
    assert [[e["status"] for e in r["evidence"]] for r in every if r["key"] == key] == [["withdrawn", "current"]]
    assert right["key"] in [e["key"] for e in listed]
    # the record's audit log has it: who, why, the file before and after
    log = client().get(f"/api/v1/districts/{code}/years/{YEAR}/records/research_results/{key}/audit",
                       **tokens["administrator"]).json()
    entry = [e for e in log if e["action"] == "withdraw_evidence"]
    assert len(entry) == 1 and entry[0]["actor"].startswith("clerk-")
    assert entry[0]["before"]["evidence"]["status"] == "current"
    assert entry[0]["after"]["evidence"]["status"] == "withdrawn" and entry[0]["after"]["reason"].startswith("上传错了")
    # again: nothing added, the file answered as it is
    entries, withdrawals = models.AuditEntry.objects.count(), models.EvidenceWithdrawal.objects.count()
    twice = withdraw(code, tokens["administrator"], wrong["key"], "再撤一次")
    assert twice.status_code == 200 and twice.json()["withdrawal"] == shown["withdrawal"]
    assert (models.AuditEntry.objects.count(), models.EvidenceWithdrawal.objects.count()) == (entries, withdrawals)
    # the withdrawal is a fact too: not changed, not removed (the model and the database's trigger)
    row = models.EvidenceWithdrawal.objects.get(evidence__key=wrong["key"])
    row.reason = "改写"
    with pytest.raises(models.AppendOnlyError):
        row.save()
    with pytest.raises(DatabaseError), transaction.atomic():
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM liaison_web_evidencewithdrawal WHERE id = %s", [row.id])
    assert models.EvidenceWithdrawal.objects.filter(id=row.id).exists()


def test_who_may_withdraw_a_file(own_district: dict[str, Any]) -> None:
    """The body whose user uploaded the file, or an administrator: not the record's other party, not
    the auditors; another district's file is not shown to exist. A refusal writes nothing."""
    from liaison_web import models

    code, other, tokens = own_district["code"], own_district["other"], own_district["tokens"]
    # research the officer's party submitted to the clerk's department: both are the record's bodies
    key = record(code, tokens["clerk"], {**RESEARCH, "id": "W-1"})
    by_officer = upload(code, tokens["liaison_officer"], "报告.pdf", PDF, record=key).json()
    by_clerk = upload(code, tokens["clerk"], "反馈.pdf", PDF, record=key).json()
    elsewhere = record(other, tokens["superuser"], {**RESEARCH, "id": f"W-{code}"})
    far = upload(other, tokens["superuser"], "x.pdf", PDF, record=elsewhere).json()
    before = models.AuditEntry.objects.count(), models.EvidenceWithdrawal.objects.count()
    for role, file, status in [("clerk", by_officer, 403), ("liaison_officer", by_clerk, 403),
                               ("auditor", by_clerk, 403), ("city_auditor", by_clerk, 403),
                               ("clerk", far, 404), ("liaison_officer", far, 404), ("auditor", far, 404),
                               ("administrator", far, 404)]:
        refused = withdraw(code if file is not far else other, tokens[role], file["key"])
        assert refused.status_code == status, (role, file["name"], refused.content)
        assert refused.json()["message_zh"]
    assert (models.AuditEntry.objects.count(), models.EvidenceWithdrawal.objects.count()) == before
    assert withdraw(code, tokens["liaison_officer"], by_officer["key"]).status_code == 200
    assert withdraw(code, tokens["clerk"], by_clerk["key"]).status_code == 200
    admin_made = upload(code, tokens["administrator"], "y.pdf", PDF, record=key).json()
    assert withdraw(code, tokens["clerk"], admin_made["key"]).status_code == 403  # an administrator's: no body's
    assert withdraw(code, tokens["administrator"], admin_made["key"]).status_code == 200
    # a reason is required; a key the service never made is refused by the address's schema
    assert withdraw(code, tokens["administrator"], by_clerk["key"], "").status_code == 422
    assert withdraw(code, tokens["administrator"], "not-a-key").status_code == 422
