"""One place per concept: each of these failed once because two modules worked the same thing out
in two ways (issue #22, item 3). A test here fails when a second way comes back."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from liaison.base.errors import DataError
from liaison.host.hookspecs import hookimpl
from liaison.law.compliance import FindingStatus, check
from liaison.law.district import District
from liaison.law.duties import duties_of
from liaison.law.records import DesignationRecord, Records
from liaison.law.rules import RULE_TAGS, Rule, describe_rule, rule_label
from liaison.law.terms import DESIGNATION_ZH

CJK = re.compile(r"[\u3400-\u9fff]")
ROLES = ("leader_in_charge", "liaison_office", "liaison_officer")


def _every_rule(district: District) -> list[Rule]:
    return [r for p in district.provisions for r in p.rules]


def test_every_kind_of_rule_has_one_label_and_one_line_in_each_language(seed: District) -> None:
    rules = _every_rule(seed)
    assert {type(r) for r in rules} == set(RULE_TAGS)  # the seed has every kind, so each is exercised
    for rule in rules:
        zh, en = rule_label(rule)
        assert CJK.search(zh) and zh.strip()
        assert en.strip() and not CJK.search(en), (rule, en)  # English output is English throughout
        line_zh, line_en = describe_rule(rule, "zh"), describe_rule(rule, "en")
        assert CJK.search(line_zh) and not CJK.search(line_en), (rule, line_en)


def test_the_command_and_the_page_use_the_cores_words_for_a_rule(seed: District) -> None:
    from liaison_cli import views

    assert views.describe_rule is describe_rule  # `liaison provisions` has no words of its own
    heatmap = pytest.importorskip("liaison_html.heatmap")
    for rule in _every_rule(seed):
        label = heatmap.rule_label(rule)
        assert (label.zh, label.en) == rule_label(rule)


def test_provisions_prints_each_rule_in_the_cores_words(seed: District) -> None:
    from click.testing import CliRunner

    from liaison_cli.main import cli

    for lang in ("zh", "en"):
        out = CliRunner().invoke(cli, ["provisions", "§3.6", "--lang", lang]).output
        for rule in seed.provision("§3.6").rules:
            assert describe_rule(rule, lang) in out


@settings(max_examples=25, deadline=None)
@given(st.dictionaries(st.sampled_from(["health", "finance", "dev-reform", "education", "civil-affairs"]),
                       st.sets(st.sampled_from(ROLES), max_size=3), max_size=5))
def test_the_notice_and_the_checker_find_the_same_roles_missing(seed: District,
                                                                named: dict[str, set[str]]) -> None:
    """§3.1: what the notice asks a department to report is what the checker finds unrecorded."""
    records = Records(designations=tuple(
        DesignationRecord(org, *("某某" if role in roles else None for role in ROLES))
        for org, roles in named.items() if org in seed.by_id()))
    day = dt.date(2027, 12, 31)
    found = {f.responsible: f for f in check(seed, records, 2027).by_status(FindingStatus.MISSING_DESIGNATION)}
    for dept in seed.departments():
        duty = duties_of(seed, dept, 2027, records, as_of=day).designation
        if duty is None or not duty.missing:
            assert dept.id not in found
            continue
        finding = found.pop(dept.id)
        said = finding.message_zh.split("指定", 1)[1].split("的记录", 1)[0]  # 没有区卫生局指定联络人员的记录
        assert said == "、".join(DESIGNATION_ZH[r] for r in duty.missing)
    assert not found


def test_a_designation_recorded_later_than_the_check_does_not_count(seed: District) -> None:
    late = Records(designations=(attrs.evolve(DesignationRecord("health", "甲", "乙", "丙"),
                                              date=dt.date(2028, 1, 2)),))
    duty = duties_of(seed, "health", 2027, late, as_of=dt.date(2027, 12, 31)).designation
    assert duty is not None and duty.missing == ROLES


# ------------------------------------------------------------------------------------------- JSON
def _printed(*args: str) -> Any:
    from click.testing import CliRunner

    from liaison_cli.main import cli

    result = CliRunner().invoke(cli, [*args, "--format", "json"], catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def _keys(cls: type) -> list[str]:
    return [f.name for f in attrs.fields(cls)]


def test_every_json_answer_has_the_shape_of_its_document_type() -> None:
    """The JSON a command prints is a document of liaison.formats.documents unstructured by the one
    converter: its keys are the type's fields, in their order — no key added by hand on the way out."""
    from liaison.formats import documents as d

    provisions = _printed("provisions", "--as-of", "2027-03-01")
    assert list(provisions) == _keys(d.ProvisionsDocument)
    assert all(list(p) == _keys(d.ProvisionDocument) for p in provisions["provisions"])
    assert list(provisions["provisions"][0]["texts"][0]) == _keys(d.TextDocument)
    assert _printed("provisions", "§3.6", "--as-of", "2027-03-01") == provisions["provisions"][
        [p["id"] for p in provisions["provisions"]].index("§3.6")]
    pairings = _printed("pairings", "--as-of", "2027-01-01")
    assert list(pairings) == _keys(d.PairingsDocument) and list(pairings["pairings"][0]) == _keys(d.PairingDocument)
    assert list(pairings["pairings"][0]["department"]) == _keys(d.OrgRef)
    cc = _printed("route", "--issuer", "区卫生局", "--date", "2027-01-01")
    assert list(cc) == _keys(d.CcDocument)
    assert all(list(r) == _keys(d.RecipientDocument)[:4] for r in cc["recipients"])  # no role: no role keys
    invitees = _printed("invitees", "--event", "plenary_meeting", "--date", "2027-03-01")
    assert list(invitees) == _keys(d.InviteesDocument)
    assert all(list(r) == _keys(d.RecipientDocument) for r in invitees["invitees"])


def test_the_report_and_the_plan_are_written_as_their_documents(seed: District, tmp_path: Path) -> None:
    from liaison.formats.documents import FindingDocument, ReportDocument, report_document, to_json
    from liaison.formats.state import plan_document
    from liaison.year.planner import plan_year
    from liaison.year.state import YearState

    plan = plan_year(seed, 2027)
    records = tmp_path / "records.toml"
    records.write_text('district = "seed"\n', encoding="utf-8")
    printed = _printed("check", "--year", "2027", "--records", str(records), "--as-of", "2027-12-31")
    report = check(seed, Records(district_id=seed.info.id), 2027, as_of=dt.date(2027, 12, 31))
    assert printed == json.loads(to_json(report_document(report, seed)))
    assert list(printed) == _keys(ReportDocument) and all(list(f) == _keys(FindingDocument)
                                                         for f in printed["findings"])
    state = json.loads(to_json(plan_document(seed, YearState.of(plan))))
    assert _printed("plan", "--year", "2027") == state
    assert all("local_settings" in e for e in state["engagements"])


def test_the_plugins_answer_is_its_document_written_by_the_one_writer(monkeypatch: pytest.MonkeyPatch) -> None:
    """`liaison plugins --format json` is a PluginsDocument through the one converter and the one writer
    (to_json): each key is the type's field, in order; an option's choices and bounds only when it has
    them; the text the command prints is to_json's, byte for byte."""
    from click.testing import CliRunner

    from liaison.formats import documents as d
    from liaison.host import plugins
    from liaison.host.plugins import describe, plugins_document
    from liaison_cli.main import cli

    monkeypatch.setenv("LIAISON_PLUGINS", "ical,docx,xlsx,caldav,html")  # options of every kind, a publisher
    plugins.reset()
    try:
        text = CliRunner().invoke(cli, ["plugins", "--format", "json"], catch_exceptions=False).stdout
        assert text == d.to_json(plugins_document())
        assert json.loads(text)["plugins"] == describe()
    finally:
        monkeypatch.undo()
        plugins.reset()
    printed = json.loads(text)
    assert list(printed) == _keys(d.PluginsDocument)
    assert all(list(p) == _keys(d.PluginDocument) for p in printed["plugins"])
    provided = [x for p in printed["plugins"] for x in (*p["exporters"], *p["publishers"])]
    readers = [r for p in printed["plugins"] for r in p["record_readers"]]
    assert provided and readers and all(list(x) == _keys(d.ProvidedDocument) for x in provided)
    assert all(list(r) == _keys(d.ReaderDocument) for r in readers)
    options = [o for x in provided for o in x["options"]]
    required = _keys(d.OptionDocument)[:4]
    assert all(list(o)[:4] == required and set(o) - set(required) <= {"choices", "minimum", "maximum", "help_zh"}
               for o in options)
    assert any("choices" in o for o in options) and any("choices" not in o for o in options)
    assert all(o.get("help_zh") for o in options)  # every option of this repository's plugins has its Chinese
    assert printed["plugins"] == sorted(printed["plugins"], key=lambda p: p["name"])


# ------------------------------------------------------------------------------ records, checked once
def _counting(monkeypatch: Any) -> list[str | None]:
    import liaison.law.records as module

    calls: list[str | None] = []
    real = module.check_consistency

    def counted(records: Records, district: District, file: str | None) -> None:
        calls.append(file)
        real(records, district, file)

    monkeypatch.setattr(module, "check_consistency", counted)
    return calls


def test_a_records_file_is_checked_once_whatever_reads_it(seed: District, tmp_path: Path, monkeypatch: Any) -> None:
    """Records are filled in and checked in one place (Records.checked), once per file: by the host for
    every reader, or by a reader that checks as it reads to name its cells (the ledger) — never twice."""
    from liaison.host import plugins
    from liaison.host.readers import RecordReader
    from liaison.law.records import ConsultationRecord, DocumentRecord

    calls = _counting(monkeypatch)
    toml = tmp_path / "records.toml"
    toml.write_text('district = "seed"\n[[documents]]\nid = "区卫发〔2027〕1号"\nissuer = "health"\n'
                    'date = 2027-03-01\ncopied_to = ["cpwdp"]\n', encoding="utf-8")
    assert len(plugins.load_records(toml, seed).documents) == 1 and calls == [str(toml)]

    def read(data: bytes, district: District, file: str) -> Records:  # a reader that leaves it to the host
        day = dt.date(2027, 3, 1)
        return Records(district_id=district.info.id, documents=(DocumentRecord("同号", "health", day),) * 2,
                       consultations=(ConsultationRecord(id="c1", subject="草案", sent=day, sent_to=("cpwdp",)),))

    class Twice:
        @staticmethod
        @hookimpl
        def register_record_readers(register: Any) -> None:
            register(RecordReader(name="twice", suffixes=(".twice",), read=read))
            register(RecordReader(name="trusted", suffixes=(".trusted",),
                                  read=lambda data, district, file: read(data, district, file)
                                  .checked(district, file=file), checked=True))

    plugins.register(Twice, name="twice")
    try:
        calls.clear()
        (tmp_path / "a.twice").write_bytes(b"")
        with pytest.raises(DataError, match="duplicate id") as caught:
            plugins.load_records(tmp_path / "a.twice", seed)
        assert caught.value.file == str(tmp_path / "a.twice") and calls == [str(tmp_path / "a.twice")]
        calls.clear()
        (tmp_path / "b.trusted").write_bytes(b"")
        with pytest.raises(DataError, match="duplicate id"):
            plugins.load_records(tmp_path / "b.trusted", seed)
        assert len(calls) == 1  # the reader's own check; the host does not repeat it
    finally:
        plugins.plugin_manager().unregister(name="twice")


def test_the_host_fills_in_what_a_reader_leaves_out(seed: District, tmp_path: Path) -> None:
    from liaison.host import plugins
    from liaison.host.readers import RecordReader
    from liaison.law.records import ConsultationRecord

    def read(data: bytes, district: District, file: str) -> Records:
        consultation = ConsultationRecord(id="c1", subject="草案", sent=dt.date(2027, 3, 1), sent_to=("cpwdp",))
        return Records(district_id=district.info.id, consultations=(consultation,))

    class Bare:
        @staticmethod
        @hookimpl
        def register_record_readers(register: Any) -> None:
            register(RecordReader(name="bare", suffixes=(".bare",), read=read))

    plugins.register(Bare, name="bare")
    try:
        (tmp_path / "a.bare").write_bytes(b"")
        [consultation] = plugins.load_records(tmp_path / "a.bare", seed).consultations
        assert consultation.sender == seed.general_office().id
    finally:
        plugins.plugin_manager().unregister(name="bare")


def test_the_checkers_legal_words_are_written_once() -> None:
    """"不属违反，仅作提示" and "原文为“…”" are said by four findings; a fifth spelling it out again
    would drift from the others."""
    src = Path(__file__).parents[1] / "src" / "liaison"
    where = {phrase: sorted(str(p.relative_to(src)) for p in src.rglob("*.py")
                            if phrase in p.read_text(encoding="utf-8"))
             for phrase in ("不属违反", "原文为“")}
    assert where == {"不属违反": ["law/terms.py"], "原文为“": ["law/sentences.py"]}
