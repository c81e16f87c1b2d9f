"""One year, one state (docs/guide.md): the guide's routine run literally; a property over random
sequences of confirm / move / cancel / held / re-plan / re-export; an export that fails midway, a
planted link and a concurrent export leave the previous folder as it was; several years, each its
own folder; the state file checked like a data file."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import multiprocessing
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from liaison.base.errors import DataError, ExportError
from liaison.formats.state import parse_state, state_to_json
from liaison.host import plugins
from liaison.host.exporting import Artifact, Exporter
from liaison.host.hookspecs import hookimpl
from liaison.law.district import District
from liaison.law.workdays import ChineseCalendar
from liaison.year.engagements import ChangeRefused, Status
from liaison.year.reconcile import Change
from liaison.year.state import YearState, state_file_name
from liaison_workspace import Workspace

ROOT = Path(__file__).resolve().parents[1]
GUIDE = ROOT / "docs" / "guide.md"
YEAR = 2027
ARCHIVE = "已作废"
#: What the routine runs with: the exporters the README installs.
ROUTINE_PLUGINS = "ical,docx,xlsx"


# ----------------------------------------------------------------------------------------- helpers
def tree(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` (relative path → sha256), links and all."""
    found = {}
    for path in sorted(folder.rglob("*")):
        if path.is_symlink():
            found[path.relative_to(folder).as_posix()] = f"link to {os.readlink(path)}"
        elif path.is_file():
            found[path.relative_to(folder).as_posix()] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


def events_of(ics: bytes) -> dict[str, dict[str, str]]:
    """UID → {property: value} of each VEVENT (unfolded)."""
    text = ics.decode("utf-8").replace("\r\n ", "")
    found = {}
    for block in re.findall(r"BEGIN:VEVENT\r\n(.*?)END:VEVENT", text, flags=re.S):
        props = {}
        for line in block.split("\r\n"):
            name, _, value = line.partition(":")
            props.setdefault(name.split(";")[0], value)
        found[props["UID"]] = props
    return found


def state_of(folder: Path, district: District) -> YearState:
    path = folder / state_file_name(district.info.id, YEAR)
    return parse_state(path.read_bytes(), district, year=YEAR, file=str(path))


def assert_folder_is_manifest(folder: Path, state: YearState) -> None:
    """The year's folder holds exactly what the manifest lists, the state file, the archive, and the
    history of its states (the current one last)."""
    listed = {f.path for f in state.manifest.files}
    present = set(tree(folder))
    archived = {p for p in present if p.startswith(f"{ARCHIVE}/")}
    history = sorted(p for p in present if p.startswith(".history/") and not p.startswith(".history/letters/"))
    # beside the states, the bytes of every letter in force by their digest (the folder store's issued_copy)
    kept = {p for p in present if p.startswith(".history/letters/")}
    assert kept == {f".history/letters/{r.sha256}" for r in state.letters if r.active}
    assert all(hashlib.sha256((folder / f".history/letters/{r.sha256}").read_bytes()).hexdigest() == r.sha256
               for r in state.letters if r.active)
    entry = r"\.history/\d{6}-(export|update|publication|unknown)(-\d+)?-[0-9a-f]{64}\.json"  # its sha256 named
    assert history and all(re.fullmatch(entry, p) for p in history)
    state_file = state_file_name(state.district, state.year)
    assert (folder / history[-1]).read_bytes() == (folder / state_file).read_bytes()
    assert present - archived - set(history) - kept == listed | {state_file}
    for f in state.manifest.files:
        if f.policy != "keep_edits":
            assert hashlib.sha256((folder / f.path).read_bytes()).hexdigest() == f.sha256, f.path


@pytest.fixture
def exporters(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The installed ical and docx exporters (the calendars carry the identities, the letters the
    numbers this file checks)."""
    monkeypatch.setenv("LIAISON_PLUGINS", "ical,docx")
    plugins.reset()
    yield
    plugins.reset()


# ------------------------------------------------------------------------ the guide, literally
def routine_steps() -> list[list[str]]:
    text = GUIDE.read_text(encoding="utf-8")
    blocks = re.findall(r"<!-- routine -->\n```bash\n(.*?)```", text, flags=re.S)
    return [[line for line in block.splitlines() if line.strip() and not line.lstrip().startswith("#")]
            for block in blocks]


def run_shell(command: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "LIAISON_PLUGINS": ROUTINE_PLUGINS, "COLUMNS": "200",
           "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    return subprocess.run(["bash", "-euo", "pipefail", "-c", command], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=600)


def test_the_guide_routine_runs_literally_and_each_step_does_what_the_guide_says(tmp_path: Path,
                                                                                seed: District) -> None:
    steps = routine_steps()
    assert len(steps) == 4, "docs/guide.md's routine changed: update this test with it"
    (tmp_path / "examples").mkdir()
    shutil.copy(ROOT / "examples" / "events-2027.toml", tmp_path / "examples")
    out = tmp_path / "out" / str(YEAR)
    outputs: list[list[subprocess.CompletedProcess[str]]] = []

    def run_step(index: int) -> list[subprocess.CompletedProcess[str]]:
        done = []
        for command in steps[index]:
            result = run_shell(command, tmp_path)
            assert result.returncode == 0, f"{command}\n{result.stdout}\n{result.stderr}"
            assert "Traceback" not in result.stderr
            done.append(result)
        outputs.append(done)
        return done

    # November: everything written, every event in the master calendar, dates provisional
    run_step(0)
    state = state_of(out, seed)
    assert state.manifest.revision == 1
    # 暂定 exactly while the installed chinesecalendar carries no 2027 notice (the guide runs literally)
    assert state.plan.provisional == (not ChineseCalendar().is_published(YEAR))
    assert all(e.provisional == state.plan.provisional for e in state.engagements)
    assert_folder_is_manifest(out, state)
    first = events_of((out / "ical" / "全部.ics").read_bytes())
    assert set(first) == {uid for uid in first} and len(first) == len(state.engagements)
    assert {"2027/plenary_meeting/plenary-2027-1", "2027/symposium/symposium-2027-budget"} <= {
        e.id for e in state.engagements}
    assert (out / "2027年对口联系工作台账.xlsx").is_file()
    # November: every letter of next year is a draft, without a number, under 草稿/
    assert state.letters == ()
    drafts = [f for f in state.manifest.files if f.exporter == "docx" and f.path.endswith(".docx")]
    assert drafts and all(f.path.startswith("草稿/") and f.policy == "replace" for f in drafts)

    # January: two agreed, one moved; the notices go out; the moved meeting's invitations, drafts, follow it
    plan_out = run_step(1)
    assert "拟定 → 已商定" in plan_out[0].stdout
    assert "2027-04-20 14:30" in plan_out[1].stdout
    state = state_of(out, seed)
    moved = state.plan.get("2027/joint_meeting/construction")
    assert (moved.date, moved.start, moved.status) == (dt.date(2027, 4, 20), dt.time(14, 30), Status.AGREED)
    assert state.plan.get("2027/joint_meeting/health").status == Status.AGREED
    assert_folder_is_manifest(out, state)
    second = events_of((out / "ical" / "全部.ics").read_bytes())
    assert set(second) == set(first)
    changed = {uid for uid in first if first[uid] != second[uid]}
    moved_uid = next(uid for uid, e in second.items() if e["DTSTART"].endswith("20270420T143000"))
    assert second[moved_uid]["SEQUENCE"] == "1"
    assert all(second[uid]["SEQUENCE"] == "1" for uid in changed)
    assert all(second[uid]["STATUS"] == "CONFIRMED" for uid in changed)
    assert len(changed) == 3  # the two agreed and the moved one, nothing else
    notices = sorted((r for r in state.letters), key=lambda r: r.serial)
    assert [(r.kind, r.doc_number, r.date) for r in notices] == [
        ("notice", f"区府办〔2027〕{n}号", dt.date(2027, 1, 11)) for n in range(1, len(notices) + 1)]
    assert all((out / r.path).is_file() and not (out / "草稿" / r.path).exists() for r in notices)
    construction = state.plan.get("2027/joint_meeting/construction")
    invited = sorted(set(construction.participants) - {construction.host})
    assert sorted(p.name for p in (out / "草稿" / "邀请函").glob("2027-04-20-joint_meeting-construction-*.docx")) == \
        sorted(f"2027-04-20-joint_meeting-construction-{org}.docx" for org in invited)
    assert not list((out / "草稿" / "邀请函").glob("2027-04-08-joint_meeting-construction-*"))
    letters_before = {r.doc_number: r for r in state.letters}
    bytes_before = {r.doc_number: (out / r.path).read_bytes() for r in state.letters}

    # During the year: one held, one cancelled; the cancelled visit stays, cancelled, with a letter
    run_step(2)
    state = state_of(out, seed)
    assert state.plan.get("2027/visit/dev-reform/cndca/1").status == Status.HELD
    assert state.plan.get("2027/visit/dev-reform/icf/1").status == Status.CANCELLED
    assert_folder_is_manifest(out, state)
    third = events_of((out / "ical" / "全部.ics").read_bytes())
    assert set(third) == set(first)
    cancelled = [e for e in third.values() if e["STATUS"] == "CANCELLED"]
    assert len(cancelled) == 2 and all(int(e["SEQUENCE"]) >= 1 for e in cancelled)
    symposium = state.plan.get("2027/symposium/symposium-2027-budget")
    assert symposium.status == Status.CANCELLED
    invitations = {r.doc_number: r for r in state.letters if r.kind == "invitation"
                   and r.engagement == symposium.id}
    cancellations = [r for r in state.letters if r.kind == "cancellation" and r.active]
    assert len(invitations) == len(seed.counterparts())  # the symposium invited every branch and the ICF
    assert {r.engagement for r in cancellations} <= {symposium.id}
    assert all(invitations[r.refers_to].recipient == r.recipient for r in cancellations)
    # the symposium's invitations went out on 1 September: a cancellation letter to each of their
    # recipients, dated the day of the cancellation
    assert all(r.date == dt.date(2027, 9, 1) for r in invitations.values())
    assert all(r.date == dt.date(2027, 9, 6) for r in cancellations)
    # what went out in January is as it was, byte for byte
    assert {n: (out / letters_before[n].path).read_bytes() for n in letters_before} == bytes_before
    numbers = [r.doc_number for r in state.letters]
    assert len(numbers) == len(set(numbers))
    assert sorted(r.recipient for r in cancellations) == sorted(r.recipient for r in invitations.values())
    assert all((out / r.path).is_file() for r in cancellations)
    assert all(int(third[uid]["SEQUENCE"]) >= int(second[uid]["SEQUENCE"]) for uid in third)

    # December: the account names the cancelled visit as a shortfall of the body that owed it
    zh, en = run_step(3)
    assert "区发改局" in zh.stdout and "§3.6" in zh.stdout
    assert "Development and Reform Bureau" in en.stdout and "violation" in en.stdout
    assert not re.search(r"[\u4e00-\u9fff]", en.stdout.split("\n", 1)[0])


# ------------------------------------------------------------------- the property: the year lives
ACTIONS = st.sampled_from(["confirm", "move", "cancel", "held", "replan", "export"])
STEP = st.tuples(ACTIONS, st.integers(0, 200), st.integers(-20, 20))


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(STEP, min_size=2, max_size=7))
def test_random_years_keep_what_was_agreed_identities_and_numbers(exporters: None, seed: District,
                                                                  steps: list[tuple[str, int, int]]) -> None:
    root = Path(tempfile.mkdtemp(prefix="liaison-state-"))
    try:
        ws = Workspace(root)
        formats = [("ical", {}), ("docx", {})]
        ws.export(seed, YEAR, formats, issued_on=dt.date(2026, 12, 1))
        fixed: dict[str, tuple[dt.date, dt.time | None, Status]] = {}
        sequences: dict[str, int] = {}
        numbers: dict[str, str] = {}
        for action, pick, delta in [*steps, ("export", 0, 0)]:
            before = ws.read_state(seed, YEAR)
            assert before is not None
            engagement = before.plan.engagements[pick % len(before.plan.engagements)]
            if action in ("replan", "export"):
                ws.export(seed, YEAR, formats, replan=action == "replan", issued_on=dt.date(2027, 1, 4))
            else:
                day = min(max(engagement.date + dt.timedelta(days=delta), dt.date(YEAR, 1, 4)), dt.date(YEAR, 12, 30))
                change = Change(action, engagement.id, day if action == "move" else None)
                state_path = ws.folder(YEAR) / state_file_name(seed.info.id, YEAR)
                text = state_path.read_bytes()
                try:
                    ws.update(seed, YEAR, [change])
                except ChangeRefused:
                    assert state_path.read_bytes() == text  # refused: nothing written
                    assert engagement.status != Status.PROPOSED
            state = ws.read_state(seed, YEAR)
            assert state is not None
            for e in state.plan.engagements:
                if e.status != Status.PROPOSED and e.id not in fixed:
                    fixed[e.id] = (e.date, e.start, e.status)
            for engagement_id, (date, start, status) in fixed.items():
                now = state.plan.get(engagement_id)
                assert (now.date, now.start) == (date, start), engagement_id
                assert now.status == status or (status == Status.AGREED and now.status in (Status.HELD,
                                                                                         Status.CANCELLED))
                fixed[engagement_id] = (now.date, now.start, now.status)
            if action in ("replan", "export"):
                folder = ws.folder(YEAR)
                assert_folder_is_manifest(folder, state)
                calendar = events_of((folder / "ical" / "全部.ics").read_bytes())
                assert set(sequences) <= set(calendar)  # a UID once published never disappears
                for uid, props in calendar.items():
                    assert int(props["SEQUENCE"]) >= sequences.get(uid, 0)
                    sequences[uid] = int(props["SEQUENCE"])
                for record in state.letters:
                    assert numbers.setdefault(record.doc_number, record.digest) == record.digest
                assert not [p for p in root.iterdir() if "staging" in p.name or ".old-" in p.name]
    finally:
        shutil.rmtree(root, ignore_errors=True)


# --------------------------------------------------------------------------- all or nothing
class Boom(RuntimeError):
    pass


def failing_exporter(after: int) -> Exporter:
    """Makes ``after`` files, then fails: an exporter plugin with a bug."""

    def export(request: Any) -> Iterator[Artifact]:
        for n in range(after):
            yield Artifact(f"broken/{n}.txt", "text/plain", b"partial")
        raise Boom("the exporter failed midway")

    return Exporter("broken", "fails midway", export, plugin="test")


class BrokenPlugin:
    def __init__(self, exporter: Exporter) -> None:
        self.exporter = exporter

    @hookimpl
    def register_exporters(self, register: Any) -> None:
        register(self.exporter)


def test_an_export_failing_midway_leaves_the_previous_one_byte_identical(exporters: None, seed: District,
                                                                       tmp_path: Path) -> None:
    ws = Workspace(tmp_path)
    ws.export(seed, YEAR, [("ical", {})])
    before = tree(tmp_path)
    plugins.register(BrokenPlugin(failing_exporter(3)), "broken")
    ws.update(seed, YEAR, [Change("cancel", "2027/joint_meeting/health")])
    after_update = tree(tmp_path)
    with pytest.raises(ExportError, match=r"the exporter broken .*failed: Boom: the exporter failed midway"):
        ws.export(seed, YEAR, [("ical", {}), ("broken", {})])
    assert tree(tmp_path) == after_update
    assert {k: v for k, v in after_update.items() if not k.endswith(".json")} == {
        k: v for k, v in before.items() if not k.endswith(".json")}


def test_a_disk_that_fills_up_while_staging_leaves_nothing_behind(exporters: None, seed: District,
                                                                tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    import errno

    import liaison_workspace
    from liaison.base.errors import StorageError

    ws = Workspace(tmp_path)
    ws.export(seed, YEAR, [("ical", {})])
    ws.update(seed, YEAR, [Change("move", "2027/joint_meeting/health", dt.date(2027, 5, 12))])
    before = tree(tmp_path)
    real = liaison_workspace.store.write_new
    written = []

    def full_disk(path: Path, data: bytes, *, step: str = "write", sync: bool = True) -> None:
        if len(written) == 2:
            raise OSError(errno.ENOSPC, "No space left on device", str(path))
        written.append(path)
        real(path, data, step=step, sync=sync)

    monkeypatch.setattr(liaison_workspace.store, "write_new", full_disk)
    with pytest.raises(StorageError, match="no space left on the disk; nothing was changed") as info:
        ws.export(seed, YEAR, [("ical", {})])
    assert info.value.file is not None and info.value.file.startswith(str(ws.folder(YEAR)))
    assert tree(tmp_path) == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(f".{YEAR}.") and "lock" not in p.name] == []


@pytest.mark.parametrize("where", ["ical/全部.ics", "ical", "notes.txt"])
def test_a_planted_link_stops_the_export_before_anything_is_written(exporters: None, seed: District,
                                                                   tmp_path: Path, where: str) -> None:
    ws = Workspace(tmp_path / "out")
    ws.export(seed, YEAR, [("ical", {})])
    folder = ws.folder(YEAR)
    victim = tmp_path / "elsewhere"
    victim.mkdir()
    (victim / "keep.txt").write_text("not liaison's")
    target = folder / where
    if target.is_dir():
        shutil.rmtree(target)
    else:
        target.unlink(missing_ok=True)
    target.symlink_to(victim / "keep.txt" if where.endswith((".ics", ".txt")) else victim)
    before = tree(tmp_path)
    with pytest.raises(ExportError, match="symbolic link") as info:
        ws.export(seed, YEAR, [("ical", {})])
    assert str(target) in str(info.value)
    assert tree(tmp_path) == before and (victim / "keep.txt").read_text() == "not liaison's"


def _hold_lock(root: str, ready: Any, release: Any) -> None:
    from liaison.formats.district import seed_district

    with Workspace(root).locked(seed_district(), YEAR):
        ready.set()
        release.wait(30)


def test_a_second_export_at_the_same_time_waits_then_stops_with_a_clear_message(exporters: None, seed: District,
                                                                              tmp_path: Path) -> None:
    Workspace(tmp_path).export(seed, YEAR, [("ical", {})])
    before = tree(tmp_path)
    context = multiprocessing.get_context("spawn")
    ready, release = context.Event(), context.Event()
    holder = context.Process(target=_hold_lock, args=(str(tmp_path), ready, release))
    holder.start()
    try:
        assert ready.wait(30)
        with pytest.raises(ExportError, match="another liaison command") as info:
            Workspace(tmp_path, lock_wait=0.3).export(seed, YEAR, [("ical", {})])
        assert "另一个 liaison 命令" in info.value.render("zh")
        assert tree(tmp_path) == before
    finally:
        release.set()
        holder.join(30)
    Workspace(tmp_path, lock_wait=5).export(seed, YEAR, [("ical", {})])  # free again: it goes through


# ------------------------------------------------------------------------------- several years
def test_several_years_each_their_own_folder_and_state(tmp_path: Path) -> None:
    done = run_shell(f"liaison export ical --years 2027..2028 --out {tmp_path / 'out'}", tmp_path)
    assert done.returncode == 0, done.stderr
    for year in (2027, 2028):
        assert (tmp_path / "out" / str(year) / f"plan-seed-{year}.json").is_file()
        assert (tmp_path / "out" / str(year) / "ical" / "全部.ics").is_file()
    assert not (tmp_path / "out" / "2027-2028").exists()
    moved = run_shell(f"liaison plan --year 2028 --out {tmp_path / 'out'} --move 2028/joint_meeting/health@2028-05-10",
                      tmp_path)
    assert moved.returncode == 0, moved.stderr
    again = run_shell(f"liaison export ical --year 2028 --out {tmp_path / 'out'}", tmp_path)
    assert again.returncode == 0, again.stderr
    calendar = events_of((tmp_path / "out" / "2028" / "ical" / "全部.ics").read_bytes())
    (event,) = [e for e in calendar.values() if e["DTSTART"].endswith("20280510T143000")
                or e["DTSTART"].endswith("20280510T090000")]
    assert event["SEQUENCE"] == "1"


# --------------------------------------------------------------------- the state file is checked
def _state_text(seed: District) -> dict[str, Any]:
    from liaison.year.planner import plan_year

    loaded: dict[str, Any] = json.loads(state_to_json(YearState.of(plan_year(seed, YEAR))))
    return loaded


@pytest.mark.parametrize(("edit", "path", "words"), [
    (lambda s: s["engagements"][3]["participants"].__setitem__(1, "no-such-org"),
     "$.engagements[3].participants[1]", "no-such-org"),
    (lambda s: s["engagements"].__setitem__(5, dict(s["engagements"][4])), "$.engagements[5].id", "duplicate"),
    (lambda s: s["engagements"][2].update(start="15:00", end="14:00"), "$.engagements[2].end", "before it starts"),
    (lambda s: s["engagements"][3].update(host="nobody"), "$.engagements[3].host",
     "no organisation is called “nobody”"),
    (lambda s: s["engagements"][3].update(provisions=["§9.9"]), "$.engagements[3].provisions[0]", "§9.9"),
    (lambda s: s["engagements"][1].update(date="2028-01-05"), "$.engagements[1].date", "not in 2027"),
    (lambda s: s.update(district="other"), "$.district", "other"),
    (lambda s: s.update(year=2026), "$.year", "2026"),
])
def test_a_hand_edited_state_is_checked_like_a_data_file(seed: District, edit: Any, path: str, words: str) -> None:
    raw = _state_text(seed)
    edit(raw)
    with pytest.raises(DataError) as info:
        parse_state(json.dumps(raw, ensure_ascii=False), seed, year=YEAR, file="plan-seed-2027.json")
    message = str(info.value)
    assert message.startswith(f"plan-seed-2027.json: {path}") and words in message and "(fix: " in message
    assert "liaison plan" not in message  # the core does not know the command line


@pytest.mark.parametrize(("edit", "path", "zh"), [
    (lambda s: s["engagements"][3].update(host="nobody"), "$.engagements[3].host", "没有名为“nobody”的单位"),
    (lambda s: s["engagements"][3].update(provisions=["§9.9"]), "$.engagements[3].provisions[0]", "没有条款“§9.9”"),
    (lambda s: s["engagements"][2].update(start="15:00", end="14:00"), "$.engagements[2].end",
     "的结束时间（14:00）早于开始时间（15:00）"),
    (lambda s: s["engagements"][3].update(participants=[s["engagements"][3]["participants"][1]]),
     "$.engagements[3].host", "不在参加单位之中"),
    (lambda s: s.update(format="liaison-state/0"), "$.format", "不是本版本的年度状态文件"),
    (lambda s: [s], "$", "不是年度计划（状态）文件：文档不是键值表"),
])
def test_a_hand_edited_state_is_reported_in_chinese_throughout(seed: District, edit: Any, path: str, zh: str) -> None:
    raw = _state_text(seed)
    raw = edit(raw) or raw
    with pytest.raises(DataError) as info:
        parse_state(json.dumps(raw, ensure_ascii=False), seed, year=YEAR, file="plan-seed-2027.json")
    message = info.value.render("zh")
    assert message.startswith(f"plan-seed-2027.json: {path}: ") and zh in message
    words = re.sub(r"[\w./-]*\d[\w./-]*|§[\d.]+|plan-seed-2027\.json|\$[\w.\[\]]*|docs/cli\.md|“[^”]*”|format|"
                   r"liaison-state/\d", "", message.replace("（处理办法：", ""))
    assert not re.search(r"[A-Za-z]{3,}", words), message  # no English sentence inside the Chinese one


def test_a_state_that_fails_its_checks_stops_every_command_without_writing(tmp_path: Path, seed: District) -> None:
    done = run_shell(f"liaison export ical --year 2027 --out {tmp_path / 'out'}", tmp_path)
    assert done.returncode == 0, done.stderr
    path = tmp_path / "out" / "2027" / "plan-seed-2027.json"
    raw = json.loads(path.read_text(encoding="utf-8"))
    raw["engagements"][0]["participants"][1] = "nobody"
    path.write_text(json.dumps(raw, ensure_ascii=False), encoding="utf-8")
    before = tree(tmp_path / "out")
    for command in ("liaison export ical --year 2027 --out out",
                    "liaison plan --year 2027 --out out --cancel 2027/visit/x", "liaison check --year 2027 --out out"):
        result = run_shell(command, tmp_path)
        assert result.returncode == 1, command
        assert "Traceback" not in result.stderr and "$.engagements[0].participants[1]" in result.stderr
    assert tree(tmp_path / "out") == before


def test_exporting_one_format_leaves_the_others_files_and_numbers_alone(tmp_path: Path, seed: District) -> None:
    """`export ical` after `export all` archives no letter; `--option kinds=…` answers for those letters only."""
    out = tmp_path / "out"

    def run(command: str) -> None:
        done = run_shell(command, tmp_path)
        assert done.returncode == 0, done.stderr

    run(f"liaison export all --year {YEAR} --out {out}")
    everything = tree(out / str(YEAR))
    letters = {r.doc_number: r.digest for r in state_of(out / str(YEAR), seed).letters}
    run(f"liaison export ical --year {YEAR} --out {out}")
    run(f"liaison export docx --year {YEAR} --out {out} --option kinds=notice")
    after = tree(out / str(YEAR))
    assert not any(path.startswith(f"{ARCHIVE}/") for path in after)
    assert {k: v for k, v in after.items() if not k.endswith(".json")} == {
        k: v for k, v in everything.items() if not k.endswith(".json")}
    assert {r.doc_number: r.digest for r in state_of(out / str(YEAR), seed).letters if r.active} == letters


def test_the_main_job_twice_with_a_move_between_publishes_the_move_and_keeps_it(tmp_path: Path,
                                                                                seed: District) -> None:
    """README's main job (examples/annual_plan.py), a move through `liaison plan`, the main job again
    (the moved date goes out with SEQUENCE 1, and a change letter where the invitation had gone out), and a
    third plain run (nothing written)."""
    main_job = f"{sys.executable} {ROOT / 'examples' / 'annual_plan.py'} {YEAR} --out out --issued-on 2027-03-20"
    first = run_shell(main_job, tmp_path)
    assert first.returncode == 0, first.stderr
    out = tmp_path / "out" / str(YEAR)
    moved = run_shell(f"liaison plan --year {YEAR} --out out --move 2027/joint_meeting/health@2027-04-13T09:00",
                      tmp_path)
    assert moved.returncode == 0, moved.stderr
    second = run_shell(main_job, tmp_path)
    assert second.returncode == 0, second.stderr
    calendar = events_of((out / "ical" / "全部.ics").read_bytes())
    (event,) = [e for e in calendar.values() if e["DTSTART"].endswith("20270413T090000")]
    assert event["SEQUENCE"] == "1" and event["STATUS"] == "CONFIRMED"
    state = state_of(out, seed)
    changes = [r for r in state.letters if r.kind == "change" and r.active]
    sent = [r for r in state.letters if r.kind == "invitation" and r.engagement == "2027/joint_meeting/health"
            and not r.active and r.date <= dt.date(2027, 3, 20)]  # the invitations replaced, gone out by then
    assert sent and sorted(r.refers_to for r in changes) == sorted(r.doc_number for r in sent)
    assert all((out / r.path).is_file() for r in changes)
    before = tree(out)
    third = run_shell(main_job, tmp_path)
    assert third.returncode == 0, third.stderr
    assert tree(out) == before
    assert state_of(out, seed).plan.get("2027/joint_meeting/health").date == dt.date(2027, 4, 13)


# ------------------------------------------------------------------- the year keeps its holiday notice
def test_the_state_keeps_the_holiday_notice_so_a_later_command_without_it_plans_on_it(
        tmp_path: Path, seed: District) -> None:
    """Issue #9: `plan --holidays` then `export` without it must not fall back to the estimate."""
    notice = json.loads((ROOT / "tests" / "corpus" / "base" / "notice.json").read_text(encoding="utf-8"))
    (tmp_path / "2027.json").write_text(json.dumps(notice, ensure_ascii=False), encoding="utf-8")
    out = tmp_path / "out" / str(YEAR)
    done = run_shell("liaison plan --year 2027 --holidays 2027.json --out out", tmp_path)
    assert done.returncode == 0, done.stderr
    planned = state_of(out, seed)
    assert not planned.plan.provisional and planned.calendar.endswith("notices 2027")
    assert [n.papers for n in planned.notices] == [tuple(notice["papers"])]

    done = run_shell("liaison export ical --year 2027 --out out", tmp_path)  # no --holidays
    assert done.returncode == 0, done.stderr
    exported = state_of(out, seed)
    assert exported.notices == planned.notices and exported.calendar == planned.calendar
    assert not exported.plan.provisional and not any(e.provisional for e in exported.engagements)
    assert "【暂定】" not in (out / "ical" / "全部.ics").read_text(encoding="utf-8")
    made_up = dt.date(2027, 1, 31)  # the notice's make-up Sunday: used only when allowed
    done = run_shell("liaison plan --year 2027 --out out --weekdays 7 --allow-makeup-weekends --replan", tmp_path)
    assert done.returncode == 0, done.stderr
    assert made_up in {e.date for e in state_of(out, seed).engagements}

    # a new --holidays for the year replaces the stored notice
    revised = {**notice, "papers": ["https://www.gov.cn/zhengce/content/revised.htm"]}
    (tmp_path / "2027b.json").write_text(json.dumps(revised, ensure_ascii=False), encoding="utf-8")
    done = run_shell("liaison export ical --year 2027 --out out --holidays 2027b.json", tmp_path)
    assert done.returncode == 0, done.stderr
    assert [n.papers for n in state_of(out, seed).notices] == [tuple(revised["papers"])]

    # the stored notice is checked like a notice file: a statutory day taken out is refused
    path = out / state_file_name(seed.info.id, YEAR)
    raw = json.loads(path.read_text(encoding="utf-8"))
    raw["notices"][0]["days"] = [d for d in raw["notices"][0]["days"] if d["date"] != "2027-09-15"]
    path.write_text(json.dumps(raw, ensure_ascii=False), encoding="utf-8")
    failed = run_shell("liaison export ical --year 2027 --out out --lang en", tmp_path)
    assert failed.returncode == 1 and "Traceback" not in failed.stderr
    assert "$.notices[0].days: 2027-09-15 (Mid-Autumn Festival)" in failed.stderr
