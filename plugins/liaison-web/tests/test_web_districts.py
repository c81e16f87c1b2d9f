"""A deployment's own districts: `liaison serve --data FILE` (its district instead of the seed),
`liaison web district add | list | remove`, and a data file that changes a district the database holds
refused — by `serve`, `district add` and `import-year --data` alike — naming the amendment, the one
way to change a district's data."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
from pathlib import Path
from typing import Any

import web_db
from click.testing import CliRunner
from web_serve import LIAISON

from liaison.formats.district import seed_bytes


def _data(folder: Path, code: str, name: str = "") -> Path:
    """The seed's data file under the id ``code`` (and the name ``name``, if given)."""
    text = seed_bytes().decode("utf-8").replace('id = "seed"', f'id = "{code}"', 1)
    if name:
        text = text.replace('name = "××区"', f'name = "{name}"', 1)
        assert name in text
    path = folder / f"{code}-{name or 'as-seed'}.toml"
    path.write_text(text, encoding="utf-8")
    return path


def _run(folder: Path, *args: str, lang: str = "en") -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "LIAISON_SECRET_KEY")}
    environment.update({"LIAISON_PLUGINS": "web", "LIAISON_ADMIN_PASSWORD": "given-password",
                        "DATABASE_URL": f"sqlite:///{folder / 'office.sqlite3'}"})
    return subprocess.run([LIAISON, *args, "--lang", lang], cwd=folder, env=environment, capture_output=True,
                          text=True, timeout=300)


def test_serve_with_its_own_district_never_stores_the_seed(tmp_path: Path) -> None:
    """A fresh database started with --data holds that district, planned, and no seed — nor does a later
    start without --data bring it; the same file again changes nothing; a changed text of it is one line
    naming the amendment (exit 1, nothing stored), in both languages; another district is added beside
    it; the only district is not removed, one nothing was done in is."""
    haicang = _data(tmp_path, "haicang", "厦门市海沧区")
    year = dt.date.today().year
    first = _run(tmp_path, "serve", "--init-only", "--data", str(haicang))
    assert first.returncode == 0, first.stderr
    assert f"haicang: the district added from {haicang}" in first.stdout
    assert f"haicang: the {year + 1} planned" in first.stdout and "seed" not in first.stdout
    again = _run(tmp_path, "serve", "--init-only")  # no --data: the database holds a district, no seed added
    assert again.returncode == 0 and "added" not in again.stdout and "seed" not in again.stdout, again.stderr
    same = _run(tmp_path, "serve", "--init-only", "--data", str(haicang))
    assert same.returncode == 0 and "added" not in same.stdout, same.stderr
    listed = _run(tmp_path, "web", "district", "list")
    assert listed.returncode == 0, listed.stderr
    lines = listed.stdout.splitlines()
    assert len(lines) == 1 and lines[0].startswith("haicang\t厦门市海沧区\tin force from ")
    assert f"1 versions)\tyears: {year}, {year + 1}" in lines[0]

    changed = _data(tmp_path, "haicang", "海沧区")
    for lang, said, fix in (("en", "error: {}: the database holds the district haicang",
                             "(fix: amend haicang from a day"),
                            ("zh", "错误: {}: 数据库中已有区 haicang", "处理办法：请在办公室的修订页面")):
        refused = _run(tmp_path, "serve", "--init-only", "--data", str(changed), lang=lang)
        assert refused.returncode == 1 and len(refused.stderr.splitlines()) == 1, refused.stderr
        assert refused.stderr.startswith(said.format(changed)) and fix in refused.stderr, refused.stderr
        assert "Traceback" not in refused.stderr and "refused the service" not in refused.stderr
    assert "1 versions" in _run(tmp_path, "web", "district", "list").stdout  # nothing stored

    (tmp_path / "out" / str(year)).mkdir(parents=True)
    unsaid = _run(tmp_path, "web", "import-year", "--from", str(tmp_path / "out" / str(year)))  # no --data: no seed
    assert unsaid.returncode == 1 and "no --data given, and the database holds no seed district" in unsaid.stderr
    assert "seed" not in _run(tmp_path, "web", "district", "list").stdout

    alone = _run(tmp_path, "web", "district", "remove", "haicang")
    assert alone.returncode == 1 and "only district" in alone.stderr, alone.stderr
    added = _run(tmp_path, "web", "district", "add", str(_data(tmp_path, "jimei", "集美区")))
    assert added.returncode == 0 and "the district jimei (集美区) is in the database" in added.stdout, added.stderr
    assert [line.split("\t")[0] for line in _run(tmp_path, "web", "district", "list").stdout.splitlines()] == [
        "haicang", "jimei"]
    gone = _run(tmp_path, "web", "district", "remove", "jimei")
    assert gone.returncode == 0 and "jimei: removed" in gone.stdout, gone.stderr
    assert "jimei" not in _run(tmp_path, "web", "district", "list").stdout


def test_a_first_start_without_data_still_stores_the_seed(tmp_path: Path) -> None:
    """No district given and none held: the seed, as before (the README's third command)."""
    done = _run(tmp_path, "serve", "--init-only")
    assert done.returncode == 0, done.stderr
    assert _run(tmp_path, "web", "district", "list").stdout.startswith("seed\t××区\t")


def _invoke(*args: str) -> Any:
    from liaison_web.plugin import web

    return CliRunner().invoke(web, [*args, "--lang", "en"])


def test_import_year_with_a_changed_data_file_is_refused_naming_the_amendment(database: str, tmp_path: Path) -> None:
    """The same day as the district was added (where the day's version is held: the database's
    UNIQUE refusal before) and with a text none of its versions has, import-year --data says the file,
    what is wrong and the amendment, stores nothing and imports nothing; the file of a version held
    is that version (nothing stored)."""
    from liaison_web import models

    web_db.counter += 1
    code = f"dist{web_db.counter}"
    added = _invoke("district", "add", str(_data(tmp_path, code)))
    assert added.exit_code == 0, added.output
    year_folder = tmp_path / "out" / "2027"
    year_folder.mkdir(parents=True)
    changed = _data(tmp_path, code, "东湖区")
    refused = _invoke("import-year", "--from", str(year_folder), "--data", str(changed))
    assert refused.exit_code == 1, refused.output
    assert f"{changed}: the database holds the district {code}" in refused.output
    assert "(fix: amend" in refused.output and "refused the service" not in refused.output
    assert models.DistrictVersion.objects.filter(district__code=code).count() == 1
    assert not models.AuditEntry.objects.filter(action="import-year", district__code=code).exists()
    held = _invoke("district", "add", str(_data(tmp_path, code)))  # the same text: nothing added
    assert held.exit_code == 0 and models.DistrictVersion.objects.filter(district__code=code).count() == 1


def test_an_amendment_is_the_way_a_districts_text_changes(database: str, tmp_path: Path) -> None:
    """After an amendment saved (a new version from a day), the amended file is one of the district's
    versions: handing it is accepted and stores nothing; the file before it stays accepted too."""
    from django.db import transaction

    from liaison_web import amend, models

    web_db.counter += 1
    code = f"dist{web_db.counter}"
    first = _data(tmp_path, code)
    assert _invoke("district", "add", str(first)).exit_code == 0
    amended = _data(tmp_path, code, "东湖区")
    refused = _invoke("district", "add", str(amended))
    assert refused.exit_code == 1 and "amend" in refused.output
    _, base, since = amend.current_text(code)
    with transaction.atomic():
        amend.save(amended.read_text(encoding="utf-8"), code, base=base, day=since + dt.timedelta(days=30),
                   file=str(amended))
    for path in (amended, first):
        taken = _invoke("district", "add", str(path))
        assert taken.exit_code == 0, taken.output
    assert models.DistrictVersion.objects.filter(district__code=code).count() == 2


def test_a_district_something_was_done_in_is_not_removed(database: str, tmp_path: Path) -> None:
    """Removing: refused once the audit log has an entry of the district (or a record, a member …);
    allowed for one only added, and then audited with what it held (its versions), its years gone."""
    from liaison_web import models
    from liaison_web.audit import record

    web_db.counter += 1
    used, unused = f"dist{web_db.counter}", f"dist{web_db.counter}b"
    for code in (used, unused):
        assert _invoke("district", "add", str(_data(tmp_path, code))).exit_code == 0
    for code in (used, unused):  # the deployment's entry and the district's own, alike
        added = models.AuditEntry.objects.filter(action="add", object_type="district", object_id=code).order_by("id")
        assert [e.district.code if e.district else None for e in added] == [None, code]
        assert added[0].after == added[1].after and added[1].actor == "liaison (command line)"
    record("confirm", "engagement", "2027/x", district=used)
    kept = _invoke("district", "remove", used)
    assert kept.exit_code == 1 and "the audit log has entries of it" in kept.output, kept.output
    assert models.DistrictVersion.objects.filter(district__code=used).exists()
    assert models.Year.objects.filter(district__code=unused).exists()  # planned by the command's start
    gone = _invoke("district", "remove", unused)  # its own add entry does not keep it
    assert gone.exit_code == 0, gone.output
    assert not models.DistrictVersion.objects.filter(district__code=unused).exists()
    assert not models.Year.objects.filter(district__code=unused).exists()
    from liaison_web.districts import listed
    assert unused not in {d.code for d in listed()}
    entries = models.AuditEntry.objects.filter(action="remove", object_type="district", object_id=unused).order_by("id")
    assert [e.district.code if e.district else None for e in entries] == [None, unused]
    assert all(len(e.before["versions"]) == 1 and e.before["years"] for e in entries)
    unknown = _invoke("district", "remove", unused)
    assert unknown.exit_code == 1 and f"no district '{unused}'" in unknown.output
    # added again: the same row, its log going on (added, removed, added)
    again = _invoke("district", "add", str(_data(tmp_path, unused, "再建区")))
    assert again.exit_code == 0, again.output
    assert models.District.objects.get(code=unused).name == "再建区"
    assert [e.action for e in models.AuditEntry.objects.filter(district__code=unused).order_by("id")] == [
        "add", "remove", "add"]
    assert _invoke("district", "remove", unused).exit_code == 0
