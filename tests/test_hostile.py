"""Hostile and careless inputs (issue #16): every case of tests/corpus/ run as the real command.

One parametrised test over the corpus: each case is run as ``python -m liaison_cli …`` in a fresh
temporary folder, under a 1.5 GiB address-space limit and a 20 s watchdog, and must exit 1 (2 for a click
usage error) with one message of the project's shape, ``error: FILE: $.path.to.field: what is wrong
(fix: what to do)`` (``FILE: Sheet!E12: …`` for a ledger), naming the expected path and words, with no
traceback and no Python internals, in bounded time and memory, having written nothing. The commands run
in parallel (a thread pool, started by the first test that needs them) so the whole corpus takes well
under a minute. Every refusal is checked in both languages from that one run (the launcher records the
error the command printed as it renders in Chinese and in English), and a sample is run again under the
default ``--lang zh``.

A case the code does not handle yet stays in the corpus, marked ``xfail(strict=True)`` with the gap
(``xfail:`` in its header or its folder's cases.toml): when the gap is closed the case passes and strict
xfail fails, so the mark is removed with the fix.

Beside the corpus: the output folder checked before anything is written (``liaison export ical`` with a
link, a file or a pipe in the way), records that are not counted listed with the reason, the base files
and their byte-order-mark copies loading, and the corpus indexed completely.
"""

from __future__ import annotations

import functools
import itertools
import json
import os
import shutil
import tempfile
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from hostile_corpus import (
    BASE,
    CORPUS,
    FIX_AT_END,
    INTERNALS,
    KINDS,
    PATH_AT_START,
    TIME_LIMIT,
    Case,
    Outcome,
    changes,
    chinese_in_english,
    chinese_problems,
    english_in_chinese,
    ledger_template_bytes,
    ledger_words,
    load_cases,
    message_problems,
    place,
    run_liaison,
    snapshot,
    vocabulary,
)

CASES = load_cases()
BY_ID = {c.id: c for c in CASES}

#: The sample run in Chinese as well: None where the message must be Chinese already, else the gap.
NO_ZH = ("has no Chinese sentence (message_zh): --lang zh prints the English message after 错误:")
ZH_SAMPLE: dict[str, str | None] = {
    "district/d38-records-file-given-as-district.toml": None,
    "district/d51-gb18030.toml": None,
    "district/nowhere.toml": None,
    "records/r01-unknown-host.toml": None,
    "ledger/formula.xlsx": None,
    "ledger/merged.xlsx": None,
    "ledger/date-text.xlsx": None,
    "district/d01-cadence-100000-a-year.toml": None,
    "district/d31-duplicate-organisation-ids.toml": None,
    "district/pipe.toml": None,
    "district/huge.toml": None,
    "records/r04-duplicate-ids.toml": None,
    "events/e01-kind-visit.toml": None,
    "state/s16-another-year.json": None,
    "notice/n01-year-9999.json": None,
    "district/d56-format-1-no-line.toml": None,
    "district/d58-format-newer.toml": None,
    "district/d63-several-problems.toml": None,
}


#: Refusals whose message mixes the languages in a module another change is fixing in parallel (left
#: alone here so the merges stay clean): the module and what falls short. Strict: the fix there turns
#: the case green, and the entry goes.
MIXED_ELSEWHERE: dict[str, str] = {}


def _param(case: Case) -> object:
    marks = [pytest.mark.xfail(strict=True, reason=case.xfail)] if case.xfail else []
    return pytest.param(case.id, id=case.id, marks=marks)


def _lang_param(case: Case) -> object:
    reason = MIXED_ELSEWHERE.get(case.id) or case.xfail
    marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
    return pytest.param(case.id, id=case.id, marks=marks)


def _zh_param(case_id: str) -> object:
    reason = ZH_SAMPLE[case_id]
    marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
    return pytest.param(case_id, id=case_id, marks=marks)


# ------------------------------------------------------------------------------------- the runs
class Runs:
    """The corpus commands, run once each in a thread pool; every test reads its own result."""

    def __init__(self, wanted: list[tuple[str, str]]) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="liaison-hostile-"))
        self._template: bytes | None = None
        self._lock = threading.Lock()
        self._numbers = itertools.count()
        workers = max(2, min(4, os.cpu_count() or 2))
        with ThreadPoolExecutor(max_workers=workers) as pool:
            futures = {key: pool.submit(self._run, *key) for key in dict.fromkeys(wanted)}
        self.results = futures

    def template(self) -> bytes:
        with self._lock:
            if self._template is None:
                pytest.importorskip("liaison_xlsx")
                self._template = ledger_template_bytes()
            return self._template

    def _run(self, case_id: str, lang: str) -> tuple[Outcome, str]:
        case = BY_ID[case_id]
        with self._lock:
            number = next(self._numbers)
        work = self.root / f"{number:03d}-{lang}"
        work.mkdir()
        args, shown = place(case, work, self.template)
        before = snapshot(work)
        outcome = run_liaison([*args, *(["--lang", "en"] if lang == "en" else [])], work,
                              renderings=self.root / f"{number:03d}-{lang}.json")
        outcome.changed = changes(before, snapshot(work))
        return outcome, shown

    def get(self, case_id: str, lang: str) -> tuple[Outcome, str]:
        return self.results[(case_id, lang)].result()

    def close(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)


@pytest.fixture(scope="session")
def corpus_runs(request: pytest.FixtureRequest) -> Iterator[Runs]:
    wanted: list[tuple[str, str]] = []
    for item in request.session.items:
        callspec = getattr(item, "callspec", None)
        if callspec is None or "case_id" not in callspec.params:
            continue
        name = getattr(item, "originalname", item.name)
        if name in ("test_a_hostile_input_is_refused_with_one_clear_message", "test_every_refusal_is_in_one_language"):
            wanted.append((callspec.params["case_id"], "en"))
        elif name == "test_the_same_refusal_in_chinese":
            wanted += [(callspec.params["case_id"], "en"), (callspec.params["case_id"], "zh")]
    runs = Runs(wanted)
    yield runs
    runs.close()


def _needs_plugins(case: Case) -> None:
    if case.kind == "ledger" or (case.make or "").startswith("ledger:"):
        pytest.importorskip("liaison_xlsx")


# --------------------------------------------------------------------------------------- the corpus
@pytest.mark.parametrize("case_id", [_param(c) for c in CASES])
def test_a_hostile_input_is_refused_with_one_clear_message(corpus_runs: Runs, case_id: str) -> None:
    """Exit 1 (2 for usage), no traceback, FILE: PATH: what (fix: …) at the right path with the right words,
    no Python internals, < 20 s, < 1 GiB, nothing written."""
    case = BY_ID[case_id]
    _needs_plugins(case)
    outcome, shown = corpus_runs.get(case_id, "en")
    problems = message_problems(case, outcome, shown)
    assert not problems, f"{case.what}: " + "; ".join(problems) + f"\n--- stderr ---\n{outcome.stderr[:2000]}"


@pytest.mark.parametrize("case_id", [_zh_param(c) for c in ZH_SAMPLE])
def test_the_same_refusal_in_chinese(corpus_runs: Runs, case_id: str) -> None:
    """By default (--lang zh) the same file and path, the message and its fix as Chinese sentences."""
    case = BY_ID[case_id]
    _needs_plugins(case)
    english, shown = corpus_runs.get(case_id, "en")
    chinese, _ = corpus_runs.get(case_id, "zh")
    assert chinese.code == english.code == case.exit
    assert "Traceback" not in chinese.stderr and not chinese.changed
    problems = chinese_problems(chinese, shown)
    assert not problems, "; ".join(problems)


@functools.cache
def _vocabulary(case_id: str) -> frozenset[str]:
    """The Chinese words an English message may quote bare: the data's (the input, the seed district, the
    base files, the ledger template's sheets and headers)."""
    case = BY_ID[case_id]
    texts = [case.source.read_bytes().decode("utf-8", "replace")] if case.source else []
    if case.kind == "ledger" or (case.make or "").startswith("ledger:"):
        texts.append(ledger_words(ledger_template_bytes()))
    return vocabulary(*texts)


@pytest.mark.parametrize("case_id", [_lang_param(c) for c in CASES if c.path != "(usage)"])
def test_every_refusal_is_in_one_language(corpus_runs: Runs, case_id: str) -> None:
    """Every refusal of the corpus, in both languages: the Chinese message (the default) has no English
    clause — no run of three ASCII words once the file, the path, quoted values, ids and code-ish tokens
    are set aside — and the English one no Chinese beyond the data's own words. The command's one run
    records the error it printed in both languages (the same object, the same render); the English one
    is checked to be the line printed, so the recording is the command's own."""
    case = BY_ID[case_id]
    _needs_plugins(case)
    outcome, shown = corpus_runs.get(case_id, "en")
    assert outcome.renderings is not None, f"no LiaisonError was printed: {outcome.stderr[:500]}"
    zh, en = outcome.renderings["zh"], outcome.renderings["en"]
    assert outcome.first_line == "error: " + en.splitlines()[0]
    english = english_in_chinese(zh, shown)
    assert not english, f"English in the Chinese message {english}: {zh.splitlines()[0]}"
    chinese = chinese_in_english(en, shown, _vocabulary(case_id))
    assert not chinese, f"Chinese in the English message {chinese}: {en.splitlines()[0]}"


def test_the_language_checks_can_fail() -> None:
    """The heuristics find what they are for, and pass what they should."""
    mixed = "a.toml: $.x[0]: “事项”有误：title is 500 characters long; at most 120（处理办法：请改正该单元格）"
    assert english_in_chinese(mixed, "a.toml") == ["title is   characters long; at most"]
    fine = ("a.toml: $.x[0].kind: 'banquet' 不是以下之一：work_meeting、visit、symposium"
            "（处理办法：请改正该值（见 docs/records-format.md））")
    assert english_in_chinese(fine, "a.toml") == []
    assert english_in_chinese("a.toml: 不是有效的 TOML：第 2 行第 10 列（解析器：“Expected a value here”）"
                              "（处理办法：请检查该行附近的引号和括号）", "a.toml") == []
    words = frozenset({"农工党总支部"})
    named = "a.toml: $.h: did you mean: 农工党总支部 (cpwdp)? (fix: use a name)"
    assert chinese_in_english(named, "a.toml", words) == []
    leaked = "a.toml: $.h: 没有名为“x”的单位 (fix: use a name)"
    assert chinese_in_english(leaked, "a.toml", words) == ["没有名为", "的单位"]


def test_the_sample_in_chinese_is_in_the_corpus() -> None:
    assert set(ZH_SAMPLE) <= set(BY_ID)
    assert {BY_ID[i].kind for i in ZH_SAMPLE} == set(KINDS)


def test_the_corpus_is_indexed_completely_and_covers_every_kind() -> None:
    """Every corpus file is a case (a self-describing .toml, or an entry of its folder's cases.toml), and
    every kind has its cases: more than 70 files in all."""
    ids = [c.id for c in CASES]
    assert len(ids) == len(set(ids)), "two cases with one id"
    described = {(c.kind, c.file) for c in CASES if c.source is not None}
    for kind in KINDS:
        folder = CORPUS / kind
        files = {p.name for p in folder.iterdir() if p.name != "cases.toml"}
        assert files == {f for k, f in described if k == kind}, f"{kind}: files and cases differ"
        for case in (c for c in CASES if c.kind == kind):
            assert case.what and case.words and case.path, case
            assert case.source is None or case.source.is_file(), case
    committed = sum(1 for c in CASES if c.source is not None)
    assert committed >= 70
    assert {c.kind for c in CASES} == set(KINDS)
    assert all(sum(1 for c in CASES if c.kind == k) >= 10 for k in KINDS)


def test_every_case_differs_from_a_base_file_that_loads(tmp_path: Path) -> None:
    """The base files the cases are made from are valid: each command runs on them and exits 0."""
    commands = [
        ["check", "--year", "2026", "--data", str(BASE / "district.toml"), "--records", str(tmp_path / "r.toml")],
        ["check", "--year", "2026", "--records", str(BASE / "records.toml")],
        ["plan", "--year", "2027", "--events", str(BASE / "events.toml")],
        ["plan", "--year", "2027", "--holidays", str(BASE / "notice.json")],
        ["plan", "--year", "2027", "--out", "out"],
    ]
    (tmp_path / "r.toml").write_text("", encoding="utf-8")
    (tmp_path / "out" / "2027").mkdir(parents=True)
    shutil.copyfile(BASE / "state.json", tmp_path / "out" / "2027" / "plan-seed-2027.json")
    with ThreadPoolExecutor(max_workers=4) as pool:
        outcomes = list(pool.map(lambda args: run_liaison([*args, "--lang", "en"], tmp_path), commands))
    for args, outcome in zip(commands, outcomes, strict=True):
        assert outcome.code == 0 and not outcome.stderr.strip(), (args, outcome.stderr[-1000:])


@pytest.mark.parametrize("kind", ["district", "records", "events", "notice", "state"])
def test_a_file_that_starts_with_a_byte_order_mark_loads(tmp_path: Path, kind: str) -> None:
    """Issue #16.1: what Windows Notepad writes (UTF-8 with a BOM) loads like any other file."""
    name = {"district": "district.toml", "records": "records.toml", "events": "events.toml", "notice": "notice.json",
            "state": "state.json"}[kind]
    data = "\ufeff".encode() + (BASE / name).read_bytes()
    (tmp_path / "r.toml").write_text("", encoding="utf-8")
    target = tmp_path / ("out/2027/plan-seed-2027.json" if kind == "state" else f"bom-{name}")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    args = {"district": ["check", "--year", "2026", "--data", target.name, "--records", "r.toml"],
            "records": ["check", "--year", "2026", "--records", target.name],
            "events": ["plan", "--year", "2027", "--events", target.name],
            "notice": ["plan", "--year", "2027", "--holidays", target.name],
            "state": ["plan", "--year", "2027", "--out", "out"]}[kind]
    outcome = run_liaison([*args, "--lang", "en"], tmp_path)
    assert outcome.code == 0 and not outcome.stderr.strip(), outcome.stderr[-1000:]


def test_a_ledger_whose_parts_start_with_a_byte_order_mark_loads() -> None:
    """An .xlsx is a zip of XML: a BOM before an XML part is legal, and the ledger reads."""
    pytest.importorskip("liaison_xlsx")
    import io
    import zipfile

    from liaison_xlsx import read_ledger

    from liaison.formats.district import seed_district

    template = ledger_template_bytes()
    source, out = zipfile.ZipFile(io.BytesIO(template)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        for info in source.infolist():
            data = source.read(info.filename)
            package.writestr(info.filename, b"\xef\xbb\xbf" + data if info.filename.endswith(".xml") else data)
    records = read_ledger(out.getvalue(), seed_district(), "bom.xlsx")
    assert records.designations == () and records.engagements == ()


# ------------------------------------------------------------------------- the output folder (#16.9)
def _tree_case(name: str, root: Path) -> tuple[list[str], str]:
    """An output folder with something in the way; the args of `liaison export ical` and the path named."""
    out = root / "out"
    if name == "link-inside":
        (out / "2027").mkdir(parents=True)
        (root / "elsewhere.ics").write_text("not ours", encoding="utf-8")
        (out / "2027" / "全部.ics").symlink_to(root / "elsewhere.ics")
        return ["--out", "out"], "out/2027/全部.ics"
    if name == "year-is-a-file":
        out.mkdir()
        (out / "2027").write_text("a file where the year's folder belongs", encoding="utf-8")
        return ["--out", "out"], "out/2027"
    if name == "pipe-inside":
        (out / "2027" / "ical").mkdir(parents=True)
        os.mkfifo(out / "2027" / "ical" / "pipe")
        return ["--out", "out"], "out/2027/ical/pipe"
    if name == "year-is-a-link":
        out.mkdir()
        (root / "elsewhere").mkdir()
        (out / "2027").symlink_to(root / "elsewhere")
        return ["--out", "out"], "out/2027"
    if name == "folder-where-a-file-goes":
        (out / "2027" / "ical" / "全部.ics").mkdir(parents=True)
        return ["--out", "out"], "out/2027/ical/全部.ics"
    raise AssertionError(name)


TREES = ["link-inside", "year-is-a-file", "pipe-inside", "year-is-a-link", "folder-where-a-file-goes"]


@pytest.mark.parametrize("name", TREES)
def test_the_output_folder_is_checked_before_anything_is_written(tmp_path: Path, name: str) -> None:
    """Issue #16.9: a link, a file, a pipe or a folder in the way stops the export: exit 1, the error
    names the path and the fix, and the year's folder (and what is beside --out) is as it was."""
    pytest.importorskip("liaison_ical")
    args, named = _tree_case(name, tmp_path)
    before = snapshot(tmp_path)
    outcome = run_liaison(["export", "ical", "--year", "2027", *args, "--lang", "en"], tmp_path)
    assert outcome.code == 1 and "Traceback" not in outcome.stderr, outcome.stderr[-2000:]
    assert outcome.first_line.startswith(f"error: {named}: "), outcome.first_line
    assert " (fix: " in outcome.first_line
    assert changes(before, snapshot(tmp_path)) == []


@pytest.mark.parametrize("name", TREES)
def test_the_output_folder_refusal_is_chinese_by_default(tmp_path: Path, name: str) -> None:
    """The same refusal under the default --lang zh: 错误: PATH: a Chinese sentence（处理办法：a Chinese one）,
    no English clause in it."""
    pytest.importorskip("liaison_ical")
    args, named = _tree_case(name, tmp_path)
    outcome = run_liaison(["export", "ical", "--year", "2027", *args], tmp_path)
    assert outcome.code == 1 and "Traceback" not in outcome.stderr, outcome.stderr[-2000:]
    assert not chinese_problems(outcome, named), outcome.first_line
    assert not english_in_chinese(outcome.first_line.removeprefix("错误: "), named), outcome.first_line


@pytest.mark.parametrize("name", TREES)
def test_a_refused_export_writes_nothing_at_all(tmp_path: Path, name: str) -> None:
    pytest.importorskip("liaison_ical")
    args, _ = _tree_case(name, tmp_path)
    before = snapshot(tmp_path)
    outcome = run_liaison(["export", "ical", "--year", "2027", *args, "--lang", "en"], tmp_path)
    assert outcome.code == 1
    assert changes(before, snapshot(tmp_path)) == []


@pytest.mark.parametrize("command", ["export", "plan", "check"])
def test_an_output_folder_that_is_a_file_is_refused_naming_it(tmp_path: Path, command: str) -> None:
    """Issue #21.3: --out a file is the one error shape (exit 1, the path, the fix, in the output's language),
    the same for every command that takes --out, and nothing is written."""
    (tmp_path / "out").write_text("a file", encoding="utf-8")
    args = {"export": ["export", "ical"], "plan": ["plan"], "check": ["check"]}[command]
    before = snapshot(tmp_path)
    for lang, words in (("en", "error: out: the output folder is a file (fix: "),
                        ("zh", "错误: out: 输出文件夹是一个文件（处理办法：")):
        outcome = run_liaison([*args, "--year", "2027", "--out", "out", "--lang", lang], tmp_path)
        assert outcome.code == 1 and "Traceback" not in outcome.stderr, outcome.stderr[-2000:]
        assert outcome.first_line.startswith(words), outcome.first_line
    assert changes(before, snapshot(tmp_path)) == []


@pytest.mark.parametrize("planted", ["link", "pipe"])
def test_the_lock_is_the_folder_itself_so_no_planted_lock_file_is_opened(tmp_path: Path, planted: str) -> None:
    """The lock is taken on the output folder's own descriptor: a link or a pipe planted where an older
    version kept a lock file is neither followed nor opened, and nothing is created outside --out."""
    pytest.importorskip("liaison_ical")
    (tmp_path / "out").mkdir()
    stray = tmp_path / "out" / ".2027.lock"
    if planted == "link":
        stray.symlink_to(tmp_path / "created-outside")
    else:
        os.mkfifo(stray)
    outcome = run_liaison(["export", "ical", "--year", "2027", "--out", "out", "--lang", "en"], tmp_path)
    assert outcome.code == 0 and "Traceback" not in outcome.stderr, outcome.stderr[-2000:]
    assert not (tmp_path / "created-outside").exists()
    assert stray.is_symlink() if planted == "link" else stray.is_fifo()


def test_a_manifest_path_outside_the_folder_moves_nothing(tmp_path: Path) -> None:
    """A hand-edited state must not make an export touch a file outside the output folder."""
    pytest.importorskip("liaison_ical")
    import hashlib

    victim = tmp_path / "victim.txt"
    victim.write_text("the clerk's own file\n", encoding="utf-8")
    state = json.loads((BASE / "state.json").read_text(encoding="utf-8"))
    state["manifest"] = {"revision": 1, "files": [{"path": "../../victim.txt", "exporter": "ical", "revision": 1,
                                                   "sha256": hashlib.sha256(victim.read_bytes()).hexdigest()}]}
    (tmp_path / "out" / "2027").mkdir(parents=True)
    (tmp_path / "out" / "2027" / "plan-seed-2027.json").write_text(json.dumps(state, ensure_ascii=False),
                                                                   encoding="utf-8")
    outcome = run_liaison(["export", "ical", "--year", "2027", "--out", "out", "--lang", "en"], tmp_path)
    assert victim.read_text(encoding="utf-8") == "the clerk's own file\n"
    assert outcome.code == 1 and "$.manifest.files[0].path" in outcome.first_line


# ------------------------------------------------------------------------------ not counted (#16.8)
NOT_COUNTED = """district = "seed"
[[engagements]]
id = "early"
kind = "visit"
date = 2022-03-01
host = "区卫生局"
attended = ["区卫生局", "农工党总支部"]

[[engagements]]
id = "unpaired"
kind = "visit"
date = 2022-09-01
host = "区财政局"
attended = ["区财政局", "区卫生局"]

[[engagements]]
id = "last-year"
kind = "visit"
date = 2021-06-01
host = "区卫生局"
attended = ["区卫生局", "农工党总支部"]

[[engagements]]
id = "counted"
kind = "visit"
date = 2022-09-02
host = "区卫生局"
attended = ["区卫生局", "农工党总支部"]
"""


def _not_counted(tmp_path: Path, text: str, year: int) -> dict[str, dict[str, str]]:
    (tmp_path / "records.toml").write_text(text, encoding="utf-8")
    outcome = run_liaison(["check", "--year", str(year), "--records", "records.toml", "--format", "json"], tmp_path)
    assert outcome.code == 0, outcome.stderr[-2000:]
    return {item["id"]: item for item in json.loads(outcome.stdout)["not_counted"]}


def test_records_that_are_not_counted_are_listed_with_the_reason(tmp_path: Path) -> None:
    """Issue #16.8: dated before the regulation applies, outside the year, or with no pairing that
    day: each record is listed as not counted, with the reason in both languages."""
    found = _not_counted(tmp_path, NOT_COUNTED, 2022)
    assert set(found) == {"early", "unpaired", "last-year"}
    assert "before the date the district applies the regulation from (2022-05-22" in found["early"]["reason_en"]
    assert "早于本区设定的《意见》施行日期" in found["early"]["reason_zh"]
    assert "no party branch or the ICF attended this leader visit" in found["unpaired"]["reason_en"]
    assert "2021-06-01" in found["last-year"]["reason_en"]


def test_a_record_after_the_check_date_does_not_shift_the_list(tmp_path: Path) -> None:
    later = NOT_COUNTED.replace('id = "early"', 'id = "next-year"').replace("2022-03-01", "2023-02-01", 1)
    found = _not_counted(tmp_path, later, 2022)
    assert set(found) == {"next-year", "unpaired", "last-year"}
    assert "dated 2023-02-01, after 2022: not part of this check" in found["next-year"]["reason_en"]
    assert "在2022年之后" in found["next-year"]["reason_zh"]


# ---------------------------------------------------------------------------- line breaks (#16.6)
def test_free_text_keeps_its_line_breaks_and_a_letter_renders_them() -> None:
    """Issue #16.6: multi-line free text (a feedback summary) loads with its line breaks, and the feedback
    letter renders each line as its own paragraph (single-line fields refuse a break: the corpus)."""
    from liaison.formats.district import seed_district
    from liaison.formats.records import parse_records

    district = seed_district()
    records = parse_records((BASE / "records.toml").read_bytes(), district, file="records.toml")
    summary = records.research_results[0].feedback_summary
    assert summary.splitlines() == ["已采纳第一、三条建议。", "第二条建议列入明年计划。"]
    letters = pytest.importorskip("liaison_docx.letters")
    letter = letters.feedback_letter(district, records.research_results[0], records=records)
    texts = [str(getattr(block, "text", "")) for block in letter.body]
    first = texts.index("已采纳第一、三条建议。")  # each line its own paragraph, in order (the letter's
    assert texts[first + 1].startswith("第二条建议列入明年计划。")  # closing words may follow the last line)


def test_the_time_limit_is_what_the_issue_asks() -> None:
    assert TIME_LIMIT <= 20


# ------------------------------------------------------------------------- a renamed ledger sheet
def test_a_sheet_the_clerk_renamed_is_found_by_its_headers() -> None:
    """会议走访 renamed Sheet1 (or every sheet renamed SheetN): the sheets are found by their header
    rows, so a row marked held is still a record — never skipped in silence."""
    pytest.importorskip("liaison_xlsx")
    from hostile_corpus import _edit, _held, _rename_all, ledger_template_bytes
    from liaison_xlsx import read_ledger

    from liaison.formats.district import seed_district

    district = seed_district()
    marked = _edit(ledger_template_bytes(), lambda book: _held(book))
    expected = read_ledger(marked, district, "台账.xlsx")
    assert expected.engagements  # the row marked held is a record
    renamed = _edit(marked, lambda book: setattr(book["会议走访"], "title", "Sheet1"))
    assert read_ledger(renamed, district, "台账.xlsx") == expected
    every = _edit(marked, _rename_all)
    assert read_ledger(every, district, "台账.xlsx") == expected


# --------------------------------------------------------------------- a file that is not UTF-8
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_file_that_is_not_utf8_is_refused_at_its_byte(tmp_path: Path, lang: str) -> None:
    """docs/limits.md: ``FILE: the file is not UTF-8 text (… at byte N)`` — the offset of the first byte
    that does not decode, in both languages."""
    text = (BASE / "district.toml").read_text(encoding="utf-8")
    data = text.encode("utf-8")
    offset = data.index("区".encode())  # the first Chinese character, written in GB18030 instead
    bad = data[:offset] + text[len(data[:offset].decode()):].encode("gb18030")
    (tmp_path / "gbk.toml").write_bytes(bad)
    (tmp_path / "r.toml").write_text("", encoding="utf-8")
    outcome = run_liaison(["check", "--year", "2026", "--data", "gbk.toml", "--records", "r.toml", "--lang", lang],
                          tmp_path)
    assert outcome.code == 1, outcome.stderr[-1000:]
    words = {"en": f"at byte {offset})", "zh": f"字节偏移 {offset} 处"}[lang]
    assert words in outcome.first_line, outcome.first_line


# ------------------------------------------------------------------- an event of another year
def test_an_event_of_another_year_is_named_in_the_plan_not_dropped_in_silence(tmp_path: Path) -> None:
    """An events file may hold several years (docs/data-format.md): an event dated in another year is
    not in this year's plan, and the plan says so in a warning naming the event and its date — in
    `liaison plan` and in the export's summary; the year it belongs to plans it."""
    pytest.importorskip("liaison_ical")
    text = (BASE / "events.toml").read_text(encoding="utf-8")
    assert "date = 2027-09-14" in text
    (tmp_path / "events.toml").write_text(text.replace("date = 2027-09-14", "date = 2028-09-14"), encoding="utf-8")
    plan = run_liaison(["plan", "--year", "2027", "--events", "events.toml", "--format", "json"], tmp_path)
    assert plan.code == 0, plan.stderr[-1000:]
    document = json.loads(plan.stdout)
    warned = [w for w in document["warnings"] if w["date"] == "2028-09-14"]
    assert len(warned) == 1 and warned[0]["engagement"].startswith("2028/")
    assert "2028-09-14" in warned[0]["message_zh"] and "不在2027年" in warned[0]["message_zh"]
    assert "not in 2027" in warned[0]["message_en"]
    assert not any(e["date"].startswith("2028") for e in document["engagements"])
    exported = run_liaison(["export", "ical", "--year", "2027", "--out", "out", "--events", "events.toml",
                            "--lang", "en"], tmp_path)
    assert exported.code == 0, exported.stderr[-1000:]
    assert "2028-09-14, not in 2027" in exported.stdout + exported.stderr
    following = run_liaison(["plan", "--year", "2028", "--events", "events.toml", "--format", "json"], tmp_path)
    assert following.code == 0, following.stderr[-1000:]
    planned = json.loads(following.stdout)
    assert any(e["id"] == warned[0]["engagement"] and e["date"] == "2028-09-14" for e in planned["engagements"])
    assert not any(w["date"] == "2028-09-14" for w in planned["warnings"])


# ------------------------------------------------------------- careless requests (issue #21.3, #21.7)
#: A request refused before anything is created: the arguments of `liaison export`, the words of the message.
REQUESTS = [
    (["export", "all", "--year", "3000"], "cannot plan the year 3000"),
    (["export", "all", "--year", "99999"], "cannot plan the year 99999"),
    (["export", "all", "--years", "2198..2201"], "cannot plan the year 2200"),
    (["export", "all", "--option", "refresh=2027"], "'2027' is not a duration"),
    (["export", "all", "--option", "docx.kinds=memo"], "'memo' is not one of"),
    (["export", "all", "--option", "alarm_minutes=99999999999999999999"], "must be 40320 or less"),
    (["export", "all", "--option", "ical.alarm_minutes=50000"], "must be 40320 or less, not 50000"),
    (["export", "all", "--district-name", " "], "is empty or not one line"),
    (["plan", "--year", "3000", "--out", "out"], "cannot plan the year 3000"),
]


@pytest.mark.parametrize(("args", "words"), REQUESTS, ids=[" ".join(a[1:]) for a, _ in REQUESTS])
def test_a_refused_request_leaves_no_output_folder_behind(tmp_path: Path, args: list[str], words: str) -> None:
    """Issue #21.3: the years, the exporters' options and the name are checked before the lock creates
    --out, so a refused request leaves no empty out/ (and the OverflowError of a huge alarm is the host's
    refusal naming the option, not the plugin's crash)."""
    outcome = run_liaison([*args, *([] if "--out" in args else ["--out", "out"]), "--lang", "en"], tmp_path,
                          env={"LIAISON_PLUGINS": "ical,docx"})
    assert outcome.code == 1 and "Traceback" not in outcome.stderr, outcome.stderr[-2000:]
    assert words in outcome.first_line and " (fix: " in outcome.first_line, outcome.first_line
    assert not INTERNALS.search(outcome.stderr), outcome.stderr
    assert list(tmp_path.iterdir()) == []


def _with_state(root: Path) -> Path:
    (root / "out" / "2027").mkdir(parents=True)
    shutil.copyfile(BASE / "state.json", root / "out" / "2027" / "plan-seed-2027.json")
    return root


VISIT = "2027/visit/health/cpwdp/1"
CONTRADICTIONS = [
    ["--confirm", VISIT, "--cancel", VISIT],
    ["--move", f"{VISIT}@2027-04-20", "--cancel", VISIT],
    ["--cancel", VISIT, "--held", VISIT],
    ["--move", f"{VISIT}@2027-04-20", "--move", f"{VISIT}@2027-04-21"],
]


@pytest.mark.parametrize("flags", CONTRADICTIONS,
                         ids=[" ".join(f.split("@")[0] for f in c[::2]) for c in CONTRADICTIONS])
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_contradictory_changes_of_one_engagement_are_refused_before_anything_is_written(
        tmp_path: Path, flags: list[str], lang: str) -> None:
    """Issue #21.7: ``--confirm X --cancel X`` was applied in order (拟定 → 已取消); now any two changes of
    one engagement that cannot both hold stop the command, naming them, and nothing is written."""
    root = _with_state(tmp_path)
    before = snapshot(root)
    outcome = run_liaison(["plan", "--year", "2027", "--out", "out", *flags, "--lang", lang], root)
    assert outcome.code == 1 and "Traceback" not in outcome.stderr, outcome.stderr[-2000:]
    words = "contradict each other; nothing was changed" if lang == "en" else "互相矛盾，未作任何修改"
    assert words in outcome.first_line and f"{flags[0]} {VISIT}" in outcome.first_line, outcome.first_line
    assert (" (fix: " if lang == "en" else "（处理办法：") in outcome.first_line
    assert changes(before, snapshot(root)) == []


def _engagement(root: Path, engagement: str) -> dict[str, object]:
    state = json.loads((root / "out" / "2027" / "plan-seed-2027.json").read_text(encoding="utf-8"))
    found: dict[str, object] = next(e for e in state["engagements"] if e["id"] == engagement)
    return found


def test_changes_that_agree_go_through_together(tmp_path: Path) -> None:
    """A move with a confirm (a move agrees the date anyway), then held: one engagement, no contradiction
    (it is agreed in the base state: --force)."""
    root = _with_state(tmp_path)
    outcome = run_liaison(["plan", "--year", "2027", "--out", "out", "--confirm", VISIT, "--move",
                           f"{VISIT}@2027-04-20T14:30", "--held", VISIT, "--force", "--lang", "en"], root)
    assert outcome.code == 0, outcome.stderr[-2000:]
    found = _engagement(root, VISIT)
    assert (found["date"], found["start"], found["status"]) == ("2027-04-20", "14:30", "held")


@pytest.mark.parametrize(("given", "day", "start"), [("2027-03-01T09:00+05:00", "2027-03-01", "12:00"),
                                                     ("2027-03-01T23:30-05:00", "2027-03-02", "12:30"),
                                                     ("2027-03-01T01:00Z", "2027-03-01", "09:00"),
                                                     ("2027-03-01T09:00+08:00", "2027-03-01", "09:00"),
                                                     ("2027-03-01T09:00", "2027-03-01", "09:00")])
def test_a_move_with_a_utc_offset_is_converted_to_the_districts_time(tmp_path: Path, given: str, day: str,
                                                                     start: str) -> None:
    """Issue #21.7: ``--move ID@2027-03-01T09:00+05:00`` dropped the offset and stored 09:00 Shanghai time;
    the instant it names is 12:00 in Asia/Shanghai (docs/cli.md says why it is converted, not refused)."""
    root = _with_state(tmp_path)
    outcome = run_liaison(["plan", "--year", "2027", "--out", "out", "--move", f"{VISIT}@{given}", "--force",
                           "--lang", "en"], root)
    assert outcome.code == 0, outcome.stderr[-2000:]
    found = _engagement(root, VISIT)
    assert (found["date"], found["start"]) == (day, start)


# ------------------------------------------------------------------ several problems, one line each
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_problem_of_a_district_file_is_listed_one_per_line(tmp_path: Path, lang: str) -> None:
    """Issue #20.2: the cross-file checks report every problem at once, each on its own line in the
    project's shape (FILE: PATH: what (fix: …)), then the count — not the first only."""
    case = BY_ID["district/d63-several-problems.toml"]
    assert case.source is not None
    shutil.copyfile(case.source, tmp_path / case.file)
    (tmp_path / "records.toml").write_text("", encoding="utf-8")
    outcome = run_liaison(["check", "--year", "2026", "--data", case.file, "--records", "records.toml", "--lang", lang],
                          tmp_path)
    assert outcome.code == 1 and "Traceback" not in outcome.stderr and not outcome.changed
    lines = outcome.stderr.strip().splitlines()
    first = f"{'error' if lang == 'en' else '错误'}: "
    assert lines[0].startswith(first + case.file + ": ")
    problems = [lines[0].removeprefix(first), *lines[1:-1]]
    paths = []
    for line in problems:
        assert line.startswith(f"{case.file}: "), line
        at = PATH_AT_START.match(line.removeprefix(f"{case.file}: "))
        assert at is not None and FIX_AT_END.search(line), line
        paths.append(at["path"])
    assert paths == ["$.organisations[1].id", "$.provisions[0].pairing_role", "$.provisions[1].rules[1].sentence_zh"]
    assert lines[-1] == ("3 problems in all" if lang == "en" else "共 3 处问题")
