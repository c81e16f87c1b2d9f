"""A year handed from the output folder to the database and back: every byte the same (state,
history, files, 已作废/), through the commands `liaison web import-year` / `export-year`."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any

import pytest
import web_db
from click.testing import CliRunner
from web_db import YEAR

from liaison.formats.district import seed_district
from liaison.year.reconcile import Change
from liaison_workspace import FolderStore, Workspace

MOVED = "2027/joint_meeting/construction"


@pytest.fixture
def loaded_plugins() -> str:
    return "web,ical,docx"


def tree(folder: Path) -> dict[str, bytes]:
    """Every regular file under ``folder`` by its path inside it."""
    found: dict[str, bytes] = {}
    for place, _dirs, files in os.walk(folder):
        for name in files:
            path = Path(place, name)
            found[str(path.relative_to(folder))] = path.read_bytes()
    return found


def made_folder(root: Path) -> Path:
    """The seed's 2027 in an output folder as the command leaves it after a life: planned, exported
    in December (the notices drafts), a date agreed and exported again once the notices are due (the
    drafts issued), a notice edited in the folder and written back (the edited copy under 已作废/),
    published to nothing."""
    ws = Workspace(root)
    ws.update(seed_district(), YEAR)
    ws.export(seed_district(), YEAR, [("ical", {}), ("docx", {"kinds": "notice"})], issued_on=dt.date(2026, 12, 1))
    ws.update(seed_district(), YEAR, [Change("move", MOVED, dt.date(2027, 3, 16))], force=True)
    ws.export(seed_district(), YEAR, [("ical", {}), ("docx", {"kinds": "notice"})], issued_on=dt.date(2027, 1, 11))
    next((root / str(YEAR) / "通知").glob("*.docx")).write_bytes(b"edited by hand")
    ws.export(seed_district(), YEAR, [("ical", {}), ("docx", {"kinds": "notice"})], issued_on=dt.date(2027, 1, 11))
    return root / str(YEAR)


def test_a_year_round_trips_byte_for_byte(tmp_path: Path) -> None:
    web_db.fresh("default")
    from liaison_web.plugin import web
    from liaison_web.store import DatabaseStore

    year = made_folder(tmp_path / "out")
    before = tree(year)
    assert any(p.startswith("已作废/") for p in before) and any(p.startswith(".history/") for p in before)
    assert any(p.startswith(".history/letters/") for p in before)  # the issued letters' kept copies go too
    runner = CliRunner()
    imported = runner.invoke(web, ["import-year", "--from", str(year), "--lang", "en"])
    # the database's first start planned the year: it is replaced only when asked
    assert imported.exit_code == 1 and "--replace" in imported.output and "already holds" in imported.output
    imported = runner.invoke(web, ["import-year", "--from", str(year), "--replace", "--lang", "en"])
    assert imported.exit_code == 0, imported.output
    folder = FolderStore(tmp_path / "out")
    database = DatabaseStore()
    assert [r.kind for r in database.revisions(seed_district(), YEAR)] == \
        [r.kind for r in folder.revisions(seed_district(), YEAR)]
    assert database.load(seed_district(), YEAR).state == folder.load(seed_district(), YEAR).state  # type: ignore[union-attr]
    exported = runner.invoke(web, ["export-year", "--year", str(YEAR), "--to", str(tmp_path / "back"),
                                   "--district", "seed", "--lang", "en"])
    assert exported.exit_code == 0, exported.output
    after = tree(tmp_path / "back" / str(YEAR))
    assert sorted(after) == sorted(before)
    from liaison_web import models

    logged = list(models.AuditEntry.objects.filter(object_id=f"seed/{YEAR}").order_by("-id")[:2])
    assert [e.action for e in logged] == ["export-year", "import-year"]
    current = database.load(seed_district(), YEAR)
    assert current is not None and logged[1].before and logged[1].after["revision"] == current.revision
    assert logged[0].actor == "liaison (command line)"
    assert logged[0].after["to"] == str((tmp_path / "back" / str(YEAR)).resolve())
    assert all(after[p] == before[p] for p in before), [p for p in before if after[p] != before[p]]
    # into a year that holds a state, nothing is merged: refused in the command's language, nothing changed
    again = runner.invoke(web, ["import-year", "--from", str(year), "--lang", "zh"])
    assert again.exit_code == 1 and "已有" in again.output and "未导入" in again.output
    assert [r.kind for r in database.revisions(seed_district(), YEAR)] == \
        [r.kind for r in folder.revisions(seed_district(), YEAR)]
    twice = runner.invoke(web, ["export-year", "--year", str(YEAR), "--to", str(tmp_path / "back"),
                                "--district", "seed", "--lang", "en"])
    assert twice.exit_code == 1 and "already holds" in twice.output
    assert tree(tmp_path / "back" / str(YEAR)) == after


@pytest.mark.parametrize("damage", ["edited", "deleted"])
def test_an_issued_letter_damaged_in_the_folder_goes_over_as_it_was_issued(tmp_path: Path, damage: str) -> None:
    """The register names the bytes a letter went out as: import-year hands those over, from the copy
    the folder keeps beside the state, not the clerk's edit (nor nothing, for a deleted file)."""
    web_db.fresh("default")
    from liaison_web.plugin import web
    from liaison_web.store import DatabaseStore

    year = made_folder(tmp_path / "out")
    stored = FolderStore(tmp_path / "out").load(seed_district(), YEAR)
    assert stored is not None
    letter = next(r for r in stored.state.letters if r.active)
    issued = (year / letter.path).read_bytes()
    if damage == "edited":
        (year / letter.path).write_bytes(b"edited in Word")
    else:
        (year / letter.path).unlink()
    imported = CliRunner().invoke(web, ["import-year", "--from", str(year), "--replace", "--lang", "en"])
    assert imported.exit_code == 0, imported.output
    assert DatabaseStore().read(seed_district(), YEAR, letter.path) == issued
    assert DatabaseStore().issued_copy(seed_district(), YEAR, letter.sha256) == issued


def test_tokens_are_made_shown_once_and_revoked_by_the_command() -> None:
    web_db.setup()
    from django.contrib.auth import get_user_model

    from liaison_web import models
    from liaison_web.plugin import web
    from liaison_web.tokens import user_of

    web_db.counter += 1
    user = get_user_model()._default_manager.create_user(f"oa{web_db.counter}", password="x")
    runner = CliRunner()
    made = runner.invoke(web, ["token", "--user", user.username, "--name", "泛微", "--scope", "read", "--lang", "en"])
    assert made.exit_code == 0, made.output
    secret = made.output.strip().splitlines()[-1]
    kept = models.ApiToken.objects.get(prefix=secret[:12])
    assert secret.startswith("lsn_") and secret not in str(list(models.ApiToken.objects.values()))  # the hash only
    assert kept.scopes == ["read"] and user_of(secret) is not None
    done = runner.invoke(web, ["revoke", secret[:12], "--lang", "zh"])
    assert done.exit_code == 0 and "已撤销" in done.output and user_of(secret) is None
    again = runner.invoke(web, ["revoke", secret[:12], "--lang", "en"])
    assert again.exit_code == 1 and "no token in use" in again.output
    nobody = runner.invoke(web, ["token", "--user", "nobody-at-all", "--name", "x", "--lang", "zh"])
    assert nobody.exit_code == 1 and "没有用户" in nobody.output
    assert [e.action for e in models.AuditEntry.objects.filter(object_id=secret[:12])] == ["create", "revoke"]


def test_a_folder_that_is_not_a_year_or_holds_none_is_refused(tmp_path: Path) -> None:
    web_db.fresh("default")
    from liaison_web.plugin import web

    (tmp_path / "out" / "notes").mkdir(parents=True)
    (tmp_path / "out" / "2027").mkdir()
    runner = CliRunner()
    wrong = runner.invoke(web, ["import-year", "--from", str(tmp_path / "out" / "notes"), "--lang", "en"])
    assert wrong.exit_code == 1 and "not a year's folder" in wrong.output
    empty = runner.invoke(web, ["import-year", "--from", str(tmp_path / "out" / "2027"), "--lang", "zh"])
    assert empty.exit_code == 1 and "没有可交接" in empty.output


def _records_rows(alias: str, code: str) -> list[tuple[Any, ...]]:
    """Every version of the district's records in ``alias``, as the database holds them, but ids."""
    from liaison_web import models

    return [(r.year, r.key, r.version, r.kind, r.action, r.data, r.reason, r.responsible, list(r.parties), r.at,
             r.actor) for r in models.Record.objects.using(alias).filter(district__code=code).order_by("id")]


def test_the_years_records_travel_with_it_both_ways(own_district: dict[str, Any], tmp_path: Path) -> None:
    """The year's records — created, corrected, withdrawn, who and when — go with the year: the
    database to a folder (``export-year``) and into another database, that one to a folder again:
    the two folders are the same byte for byte, the two databases hold the same versions. A version
    the database holds otherwise is refused, nothing imported."""
    import json

    from django.test import Client

    from liaison_web.plugin import web
    from liaison_web.records_transfer import RECORDS_FILE
    from liaison_web.store import DatabaseStore
    from liaison_web.transfer import copy_year

    code, tokens, district = own_district["code"], own_district["tokens"], own_district["district"]
    base = f"/api/v1/districts/{code}/years/{YEAR}/records"

    def post(path: str, body: dict[str, Any], etag: str | None = None) -> Any:
        extra = {"HTTP_IF_MATCH": etag} if etag else {}
        answer = Client().post(path, data=json.dumps(body), content_type="application/json",
                               **tokens["administrator"], **extra)
        assert answer.status_code in (200, 201), answer.content
        return answer

    research = {"id": "R-1", "title": "关于民营企业融资的调研报告", "submitted_by": "cpwdp", "department": "health",
                "received": f"{YEAR}-03-02"}
    made = post(f"{base}/research_results", research)
    key = made.json()["key"]
    post(f"{base}/research_results/{key}/correction",
         {"record": {**research, "feedback": f"{YEAR}-04-01", "feedback_summary": "已采纳"}}, made["ETag"].strip('"'))
    mistaken = post(f"{base}/nominations", {"person": "张三", "department": "health", "date": f"{YEAR}-05-06"})
    post(f"{base}/nominations/{mistaken.json()['key']}/withdrawal", {"reason": "录错了人"},
         mistaken["ETag"].strip('"'))
    held = _records_rows("default", code)
    assert [(r[2], r[4]) for r in held] == [(1, "created"), (2, "corrected"), (1, "created"), (2, "withdrawn")]

    # the database to a folder, by the command
    out = tmp_path / "out"
    runner = CliRunner()
    exported = runner.invoke(web, ["export-year", "--year", str(YEAR), "--to", str(out), "--district", code,
                                   "--lang", "en"])
    assert exported.exit_code == 0, exported.output
    first = tree(out / str(YEAR))
    shown = json.loads(first[RECORDS_FILE])
    assert [(v["key"], v["version"], v["action"]) for v in shown["versions"]] == [(r[1], r[2], r[4]) for r in held]
    assert shown["versions"][1]["record"]["feedback_summary"] == "已采纳"

    # the folder into another database: the same versions, every field (the times kept)
    spare = web_db.spare()
    copy_year(FolderStore(out), DatabaseStore(using=spare), district, YEAR)
    assert _records_rows(spare, code) == held
    # and out of it to a folder again: the same bytes, the records' file included
    copy_year(DatabaseStore(using=spare), FolderStore(tmp_path / "back"), district, YEAR)
    assert tree(tmp_path / "back" / str(YEAR)) == first
    # handed in again: what the database holds already is left as it is, nothing doubled
    copy_year(FolderStore(out), DatabaseStore(using=spare), district, YEAR, replace=True)
    assert _records_rows(spare, code) == held

    # a version the database holds otherwise: refused, in both languages, and nothing of the year imported
    tampered = tmp_path / "tampered"
    copy_year(DatabaseStore(using=spare), FolderStore(tampered), district, YEAR)
    changed = json.loads((tampered / str(YEAR) / RECORDS_FILE).read_text(encoding="utf-8"))
    changed["versions"][0]["reason"] = "改过"
    (tampered / str(YEAR) / RECORDS_FILE).write_text(json.dumps(changed, ensure_ascii=False), encoding="utf-8")
    from liaison_web.bootstrap import seed_text

    data = tmp_path / f"{code}.toml"
    data.write_text(seed_text().replace('id = "seed"', f'id = "{code}"'), encoding="utf-8")
    before = [r.tag for r in DatabaseStore().revisions(district, YEAR)]
    for lang, said in (("en", "holds"), ("zh", "与文件不同")):
        refused = runner.invoke(web, ["import-year", "--from", str(tampered / str(YEAR)), "--data", str(data),
                                      "--replace", "--lang", lang])
        assert refused.exit_code == 1 and said in refused.output and "versions[0]" in refused.output, refused.output
    assert [r.tag for r in DatabaseStore().revisions(district, YEAR)] == before  # the year not replaced either
    assert _records_rows("default", code) == held


@pytest.mark.parametrize(("data", "said"), [
    (b"\xff not json", "not a records file"),
    (b'{"format": "liaison-records/0", "district": "seed", "year": 2027, "versions": []}', "format"),
    (b'{"format": "liaison-records/1", "district": "other", "year": 2027, "versions": []}', "other/2027"),
    (b'{"format": "liaison-records/1", "district": "seed", "year": 2027, "versions": [{"key": "x"}]}', "exactly"),
])
def test_a_records_file_that_cannot_be_read_back_is_refused_in_both_languages(data: bytes, said: str) -> None:
    web_db.setup()
    from liaison_web.records_transfer import RecordsFileError, parse

    with pytest.raises(RecordsFileError) as caught:
        parse(data, "seed", YEAR, file="out/2027/.records/versions.json")
    assert said in caught.value.render("en") and caught.value.message_zh and caught.value.fix_zh


def test_a_version_whose_record_is_not_of_its_kind_is_refused_at_its_path() -> None:
    web_db.setup()
    import json

    from liaison.base.errors import DataError
    from liaison_web.records_transfer import FIELDS, FORMAT, parse

    version = dict.fromkeys(FIELDS, "")
    version.update(key="0123456789abcdef", version=1, kind="nominations", action="created", parties=[],
                   at="2027-05-06T08:00:00+00:00", record={"person": "张三", "no_such_field": 1})
    data = json.dumps({"format": FORMAT, "district": "seed", "year": YEAR, "versions": [version]}).encode()
    with pytest.raises(DataError) as caught:
        parse(data, "seed", YEAR, file="versions.json")
    assert "versions[0].record" in caught.value.render("en")


def test_a_version_twice_in_the_file_is_refused_and_nothing_added() -> None:
    web_db.fresh("default")
    from liaison_web import models
    from liaison_web.records_transfer import FIELDS, RecordsFileError, receive

    version: dict[str, Any] = dict.fromkeys(FIELDS, "")
    version.update(key="fedcba9876543210", version=1, kind="nominations", action="created", parties=[],
                   at="2099-05-06T08:00:00+00:00", record={"person": "张三", "department": "health",
                                                           "date": "2099-05-06"})
    with pytest.raises(RecordsFileError) as caught:
        receive([version, {**version, "by": "another"}], "seed", 2099, file="versions.json")
    assert "versions[1]" in caught.value.render("en") and "重复" in caught.value.render("zh")
    assert not models.Record.objects.filter(key="fedcba9876543210").exists()
