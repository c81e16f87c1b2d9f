"""The year-store protocol (:mod:`liaison.year.store`): one module of tests, run against every store.

Each test takes ``make_store`` and runs once per implementation — the output folder
(:class:`~liaison_workspace.FolderStore`), memory (:class:`~liaison_workspace.MemoryStore`) and, with
the web plugin installed, the database (:class:`liaison_web.store.DatabaseStore`) on SQLite, and on
PostgreSQL when ``LIAISON_TEST_POSTGRES`` names one (.ci/run starts one).
``make_store()`` called twice gives two handles on the same years (two processes on one folder, two
callers of one memory store), so a second writer is a real second writer. The state machine at the
end drives every store with the same steps and requires the same answers of each.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import shutil
import tempfile
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import attrs
import pytest
import web_db
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from liaison.base.errors import ExportError
from liaison.formats.district import seed_district
from liaison.host import plugins
from liaison.host.options import Option
from liaison.host.publishing import Publisher, PublishError, PublishRequest, PublishResult
from liaison.law.district import District
from liaison.year.publications import Publication, PublishedCalendar, PublishedResource
from liaison.year.reconcile import Change, apply_changes
from liaison.year.state import ARCHIVE, YearState, state_file_name
from liaison.year.store import Commit, NoRevision, NoState, RevisionConflict, YearStore
from liaison_workspace import FolderStore, MemoryStore, Workspace

YEAR = 2027
MOVED = "2027/joint_meeting/construction"
StoreFactory = Callable[[], YearStore]


#: The database stores the session can test: SQLite with the web plugin, PostgreSQL when one is given.
DATABASES = [pytest.param("sqlite", marks=pytest.mark.skipif(not web_db.available(),
                                                             reason="liaison-web not installed")),
             pytest.param("postgres", marks=pytest.mark.skipif(not (web_db.available() and web_db.postgres_url()),
                                                               reason=f"{web_db.POSTGRES_ENV} not set"))]


def database_stores(kind: str) -> StoreFactory:
    """Handles on the database of ``kind`` (``sqlite``/``postgres``), its years emptied: each a
    store object of its own, each thread's calls through its own connection."""
    alias = web_db.fresh("default" if kind == "sqlite" else "postgres")  # Django set up before the store's import
    from liaison_web.store import DatabaseStore

    return lambda: DatabaseStore(using=alias, lock_wait=5)


@pytest.fixture(params=["folder", "memory", *DATABASES])
def make_store(request: pytest.FixtureRequest, tmp_path: Path) -> StoreFactory:
    """A factory of handles on one store's years (see the module docstring)."""
    if request.param == "folder":
        return lambda: FolderStore(tmp_path / "out", lock_wait=5)
    if request.param in ("sqlite", "postgres"):
        return database_stores(request.param)
    memory = MemoryStore(lock_wait=5)
    return lambda: memory


@pytest.fixture
def exporters(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("LIAISON_PLUGINS", "ical,docx")
    plugins.reset()
    yield
    plugins.reset()


@functools.cache
def seed() -> District:
    return seed_district()


@functools.cache
def planned() -> YearState:
    """The seed district's 2027 as a first update leaves it (planned once for the whole module)."""
    store = MemoryStore()
    Workspace(store=store).update(seed(), YEAR)
    stored = store.load(seed(), YEAR)
    assert stored is not None
    return stored.state


def confirmed(state: YearState, index: int) -> YearState:
    """The state with its ``index``-th proposed engagement agreed (the state itself when none is left)."""
    proposed = [e.id for e in state.engagements if e.status.value == "proposed"]
    if not proposed:
        return state
    return state.with_plan(apply_changes(state.plan, [Change("confirm", proposed[index % len(proposed)])]))


def publication(target: str, etag: str = '"1"') -> Publication:
    resource = PublishedResource("uid-1@seed", "/dav/all/uid-1.ics", etag, "0" * 64, 0)
    return Publication("fake", target, (PublishedCalendar("全部", "全部", f"{target}all/", (resource,)),))


# ------------------------------------------------------------------------------------ load and save
def test_a_year_without_a_state_holds_nothing(make_store: StoreFactory) -> None:
    store = make_store()
    assert isinstance(store, YearStore)
    assert store.load(seed(), YEAR) is None
    assert store.history(seed(), YEAR) == ()
    assert store.read(seed(), YEAR, "ical/全部.ics") is None and store.archived(seed(), YEAR) == ()
    assert dict(store.digests(seed(), YEAR, ["ical/全部.ics"])) == {}
    with pytest.raises(NoState) as info, Workspace(store=store).publishing(seed(), YEAR):
        pass
    assert info.value.year == YEAR and info.value.message_zh and store.load(seed(), YEAR) is None


def test_a_save_is_read_back_with_its_revision(make_store: StoreFactory) -> None:
    store = make_store()
    first = store.save(seed(), YEAR, Commit(planned(), (("ical/全部.ics", b"BEGIN:VCALENDAR"),)), expected=None)
    stored = make_store().load(seed(), YEAR)  # another handle sees it
    assert stored is not None and stored.state == planned() and stored.revision == first
    assert make_store().read(seed(), YEAR, "ical/全部.ics") == b"BEGIN:VCALENDAR"
    changed = confirmed(planned(), 0)
    second = store.save(seed(), YEAR, Commit(changed), expected=first)
    assert second != first
    again = make_store().load(seed(), YEAR)
    assert again is not None and again.state == changed and again.revision == second
    # a save of the state alone keeps the files
    assert make_store().read(seed(), YEAR, "ical/全部.ics") == b"BEGIN:VCALENDAR"


def test_a_second_writer_is_refused_with_the_current_revision(make_store: StoreFactory) -> None:
    """Two writers read the same revision; the first save wins, the second is refused (a service's
    412) with the revision the store holds now, and changes nothing."""
    base = make_store().save(seed(), YEAR, Commit(planned()), expected=None)
    one, two = make_store(), make_store()
    read_one, read_two = one.load(seed(), YEAR), two.load(seed(), YEAR)
    assert read_one is not None and read_two is not None and read_one.revision == read_two.revision == base
    won = one.save(seed(), YEAR, Commit(confirmed(read_one.state, 0)), expected=read_one.revision)
    with pytest.raises(RevisionConflict) as info:
        two.save(seed(), YEAR, Commit(confirmed(read_two.state, 1), (("a.ics", b"x"),)), expected=read_two.revision)
    assert (info.value.current, info.value.expected) == (won, base)
    assert "another writer" in info.value.render("en") and "其他人" in info.value.render("zh")
    now = make_store().load(seed(), YEAR)
    assert now is not None and now.revision == won and now.state == confirmed(planned(), 0)
    assert make_store().read(seed(), YEAR, "a.ics") is None
    with pytest.raises(RevisionConflict) as creating:  # "the year has no state" is a revision too
        make_store().save(seed(), YEAR, Commit(planned()), expected=None)
    assert creating.value.current == won


def test_an_update_made_on_a_revision_no_longer_held_is_refused(make_store: StoreFactory) -> None:
    """`Workspace.update(…, expected=)` (a service's If-Match): the revision the caller saw is checked
    under the year's lock before anything is worked out; another is a conflict naming the current
    one, nothing saved; the one held goes through."""
    first = make_store().save(seed(), YEAR, Commit(planned()), expected=None)
    engagement = planned().engagements[0].id
    done = Workspace(store=make_store()).update(seed(), YEAR, [Change("confirm", engagement)], expected=first)
    with pytest.raises(RevisionConflict) as info:
        Workspace(store=make_store()).update(seed(), YEAR, [Change("cancel", engagement)], expected=first)
    assert (info.value.current, info.value.expected) == (done.revision, first)
    now = make_store().load(seed(), YEAR)
    assert now is not None and now.revision == done.revision
    assert next(e for e in now.state.engagements if e.id == engagement).status.value == "agreed"


def test_writers_racing_in_threads_one_wins(make_store: StoreFactory) -> None:
    """Eight threads read, wait for each other, then all save from what they read: exactly one save
    goes through, every other is refused naming the winner's revision."""
    base = make_store().save(seed(), YEAR, Commit(planned()), expected=None)
    barrier = threading.Barrier(8)
    won: list[str] = []
    refused: list[RevisionConflict] = []

    def write(index: int) -> None:
        store = make_store()
        stored = store.load(seed(), YEAR)
        assert stored is not None
        barrier.wait()
        try:
            won.append(store.save(seed(), YEAR, Commit(confirmed(stored.state, index)), expected=stored.revision))
        except RevisionConflict as exc:
            refused.append(exc)

    threads = [threading.Thread(target=write, args=(i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(won) == 1 and len(refused) == 7
    assert all(r.current == won[0] and r.expected == base for r in refused)


def record(store: YearStore, *publications: Publication) -> str:
    """Record ``publications`` one at a time, the one way (:meth:`Workspace.publishing`); the revision after."""
    with Workspace(store=store).publishing(seed(), YEAR) as (_, save):
        for one in publications:
            save(one)
    stored = store.load(seed(), YEAR)
    assert stored is not None
    return stored.revision


def test_publications_are_recorded_one_at_a_time(make_store: StoreFactory) -> None:
    store = make_store()
    base = store.save(seed(), YEAR, Commit(planned()), expected=None)
    after = record(store, publication("https://a.example/"))
    later = record(store, publication("https://a.example/", '"2"'))
    record(store, publication("https://b.example/"))
    assert len({base, after, later}) == 3
    stored = make_store().load(seed(), YEAR)
    assert stored is not None
    assert [p.target for p in stored.state.publications] == ["https://a.example/", "https://b.example/"]
    kept = stored.state.publication("fake", "https://a.example/")
    assert kept is not None and kept.calendars[0].resources[0].etag == '"2"'  # replaced, not added


# ---------------------------------------------------------------------------------- two districts
DONGHU = Path(__file__).parent / "data" / "donghu.toml"


@functools.cache
def donghu() -> District:
    from liaison.formats.district import load_district

    return load_district(DONGHU)


def test_two_districts_in_one_memory_store_stay_apart(exporters: None) -> None:
    """Everything is keyed by district and year: a second district's export of the same year writes
    its own files, and the first district's calendar, state and history stay as they were."""
    store = MemoryStore()
    ws = Workspace(store=store)
    first = ws.export(seed(), YEAR, [("ical", {})])
    seed_files = {f.path: store.read(seed(), YEAR, f.path) for f in first.state.manifest.files}
    assert "ical/全部.ics" in seed_files
    second = ws.export(donghu(), YEAR, [("ical", {})])
    assert second.state != first.state and store.read(donghu(), YEAR, "ical/全部.ics") is not None
    assert store.read(seed(), YEAR, "ical/全部.ics") != store.read(donghu(), YEAR, "ical/全部.ics")
    assert {p: store.read(seed(), YEAR, p) for p in seed_files} == seed_files  # the first district's bytes
    assert dict(store.digests(seed(), YEAR, seed_files)) == {
        p: hashlib.sha256(d or b"").hexdigest() for p, d in seed_files.items()}
    assert ws.read_state(seed(), YEAR) == first.state and ws.read_state(donghu(), YEAR) == second.state
    assert store.place(seed(), YEAR) != store.place(donghu(), YEAR)
    assert [h.files for h in ws.history(seed(), YEAR)] == [tuple(sorted(seed_files))]


def test_a_second_district_in_one_output_folder_is_refused(tmp_path: Path, exporters: None) -> None:
    """The output folder's years are the folders the office opens, not named by district: a second
    district in the same year's folder is refused in both languages, naming the district the folder
    holds, and nothing of the first is read into it or changed."""
    store = FolderStore(tmp_path / "out", lock_wait=5)
    ws = Workspace(store=store)
    ws.export(seed(), YEAR, [("ical", {})])
    before = {p: p.read_bytes() for p in (tmp_path / "out").rglob("*") if p.is_file()}
    attempts: list[Callable[[], object]] = [
        lambda: ws.export(donghu(), YEAR, [("ical", {})]), lambda: ws.update(donghu(), YEAR),
        lambda: store.load(donghu(), YEAR), lambda: store.read(donghu(), YEAR, "ical/全部.ics"),
        lambda: store.digests(donghu(), YEAR, ["ical/全部.ics"]), lambda: store.archived(donghu(), YEAR),
        lambda: store.save(donghu(), YEAR, Commit(planned()), expected=None)]
    for attempt in attempts:
        with pytest.raises(ExportError) as info:
            attempt()
        en, zh = info.value.render("en"), info.value.render("zh")
        assert f"the district {seed().info.id!r}" in en and f"not of {donghu().info.id!r}" in en
        assert f"区 {seed().info.id} 的{YEAR}年" in zh and "另用一个输出文件夹" in zh
    assert {p: p.read_bytes() for p in (tmp_path / "out").rglob("*") if p.is_file()} == before
    assert ws.update(donghu(), YEAR + 1).created  # another year's folder is the second district's to take


# ------------------------------------------------------------------------- the workspace on a store
def test_a_letter_once_issued_keeps_its_bytes(make_store: StoreFactory, exporters: None) -> None:
    """A move after the letters went out: the re-export issues new invitations, and the store still
    gives the first ones byte for byte under 已作废/<the day of the move's export>/; the history says
    which export did what (the withdrawn letters under the export that issued them)."""
    ws = Workspace(store=make_store())
    first = ws.export(seed(), YEAR, [("docx", {"kinds": "invitation"})], issued_on=dt.date(2027, 3, 26))
    originals = {r.path: ws.store.read(seed(), YEAR, r.path) for r in first.state.letters
                 if r.kind == "invitation" and r.engagement == MOVED}
    assert originals and all(data for data in originals.values())
    assert first.revision == ws.load(seed(), YEAR).revision  # type: ignore[union-attr]
    ws.update(seed(), YEAR, [Change("move", MOVED, dt.date(2027, 4, 20), dt.time(14, 30))])
    second = ws.export(seed(), YEAR, [("docx", {"kinds": "invitation"})], issued_on=dt.date(2027, 3, 29))
    assert {r.refers_to for r in second.state.letters if r.kind == "change"} == {
        r.doc_number for r in first.state.letters if r.path in originals}
    for path, data in originals.items():
        assert ws.store.read(seed(), YEAR, f"{ARCHIVE}/2027-03-29/{path}") == data
        assert (f"{ARCHIVE}/2027-03-29/{path}") in ws.store.archived(seed(), YEAR)
    history = ws.history(seed(), YEAR)
    assert [h.export for h in history] == [1, 2]
    assert set(originals) <= set(history[0].archived)
    issued_now = {r.doc_number for r in second.state.letters if r.revision == 2}
    assert issued_now and set(history[1].letters) == issued_now
    digests = ws.store.digests(seed(), YEAR, [f.path for f in second.state.manifest.files])
    assert digests == {f.path: f.sha256 for f in second.state.manifest.files}
    # every letter in force is kept by its digest, whatever becomes of its file (issued_copy)
    active = [r for r in second.state.letters if r.active]
    assert active and all(ws.store.issued_copy(seed(), YEAR, r.sha256) == ws.store.read(seed(), YEAR, r.path)
                          for r in active)
    assert ws.store.issued_copy(seed(), YEAR, "0" * 64) is None
    if isinstance(ws.store, FolderStore):  # the withdrawn letters' copies dropped: their bytes are under 已作废/
        kept = ws.store.folder(YEAR) / ".history" / "letters"
        assert sorted(p.name for p in kept.iterdir()) == sorted(r.sha256 for r in active)


def test_outcomes_name_paths_inside_the_store(make_store: StoreFactory, exporters: None) -> None:
    """An export's and an update's outcome carry paths inside the year and the store's place for it,
    whatever the store: each written path reads back from the store with the size the outcome gives."""
    store = make_store()
    ws = Workspace(store=store)
    updated = ws.update(seed(), YEAR)
    assert updated.place == store.place(seed(), YEAR) and updated.path == state_file_name(seed().info.id, YEAR)
    assert updated.shown == f"{store.place(seed(), YEAR)}/{updated.path}"
    exported = ws.export(seed(), YEAR, [("ical", {})])
    assert exported.place == store.place(seed(), YEAR) and exported.written
    for _name, path, size in exported.written:
        assert not path.startswith(("/", "<")) and len(store.read(seed(), YEAR, path) or b"") == size
    if isinstance(store, FolderStore):
        assert exported.folder == store.folder(YEAR) == ws.folder(YEAR)
        assert exported.shown(exported.written[0][1]) == str(store.folder(YEAR) / exported.written[0][1])
    else:
        assert exported.folder is None and exported.place.startswith(("<memory>", "<database:"))


def test_every_revision_is_kept_and_loads_again(make_store: StoreFactory, exporters: None) -> None:
    """An update, an export and a publication: their revisions, oldest first, each with its kind;
    each loads again as it was; the export's history entry names its revision; a tag the year never
    had is refused in both languages."""
    store = make_store()
    ws = Workspace(store=store)
    planned_state = ws.update(seed(), YEAR)
    exported = ws.export(seed(), YEAR, [("ical", {})])
    publisher, _ = fake_publisher()
    ws.publish(seed(), YEAR, publisher, {"url": "https://cal.example/"})
    revisions = ws.revisions(seed(), YEAR)
    kinds = [r.kind for r in revisions]  # a publication per write acknowledged (5); the result's, the same, no more
    assert kinds[:2] == ["update", "export"] and kinds[2:] == ["publication"] * 5
    assert revisions[0].tag == planned_state.revision and revisions[1].tag == exported.revision
    assert revisions[1].export == exported.state.manifest.revision and revisions[0].export is None
    assert revisions[-1].tag == ws.load(seed(), YEAR).revision  # type: ignore[union-attr]
    first = ws.load(seed(), YEAR, revision=revisions[0].tag)
    assert first is not None and first.state.plan == planned_state.after and not first.state.manifest.files
    second = ws.load(seed(), YEAR, revision=revisions[1].tag)
    assert second is not None and second.state == exported.state and not second.state.publications
    assert [h.revision for h in ws.history(seed(), YEAR)] == [exported.revision]
    with pytest.raises(NoRevision) as info:
        ws.load(seed(), YEAR, revision="no-such-tag")
    assert "no revision" in info.value.render("en") and "没有版本" in info.value.render("zh")
    assert store.revisions(donghu(), YEAR + 1) == ()


def test_the_folder_keeps_a_state_edited_by_hand_and_drops_what_a_crash_left(tmp_path: Path) -> None:
    """The output folder's history: a state file edited by hand is a revision of no kind, kept by the
    next save; an entry newer than the state (a save killed before its state replaced the old one)
    is not a revision and is removed by the next command."""
    store = FolderStore(tmp_path / "out", lock_wait=5)
    ws = Workspace(store=store)
    ws.update(seed(), YEAR)
    state_path = store.state_path(seed(), YEAR)
    edited = state_path.read_bytes().replace(b'"events_seen"', b' "events_seen"', 1)
    assert edited != state_path.read_bytes()
    state_path.write_bytes(edited)
    by_hand = ws.revisions(seed(), YEAR)
    assert [r.kind for r in by_hand] == ["update", None] and by_hand[-1].tag == hashlib.sha256(edited).hexdigest()
    ws.update(seed(), YEAR, [Change("confirm", MOVED)])
    kept = ws.revisions(seed(), YEAR)
    assert [r.kind for r in kept] == ["update", None, "update"] and kept[1] == by_hand[1]
    left = store.folder(YEAR) / ".history" / "000099-update.json"  # as a killed save leaves it
    left.write_bytes(b"{}")
    (store.folder(YEAR) / ".history" / ".000099-update.json.1.0123abcd.tmp").write_bytes(b"{")
    assert ws.revisions(seed(), YEAR) == kept
    assert sorted(p.name for p in left.parent.iterdir()) == [f"000001-update-{kept[0].tag}.json",
                                                             f"000002-unknown-{kept[1].tag}.json",
                                                             f"000003-update-{kept[2].tag}.json"]


def test_an_export_from_a_stale_read_is_refused_by_the_store(make_store: StoreFactory, exporters: None) -> None:
    """The workspace saves from the revision it read under the lock: a save from any other is
    refused, so nothing another writer saved is ever overwritten."""
    ws = Workspace(store=make_store())
    ws.export(seed(), YEAR, [("ical", {})])
    stale = ws.load(seed(), YEAR)
    assert stale is not None
    ws.update(seed(), YEAR, [Change("confirm", MOVED)])
    with pytest.raises(RevisionConflict):
        make_store().save(seed(), YEAR, Commit(stale.state), expected=stale.revision)
    now = ws.read_state(seed(), YEAR)
    assert now is not None and now.plan.get(MOVED).status.value == "agreed"


def fake_publisher(fail_after: int | None = None) -> tuple[Publisher, list[Publication]]:
    """A publisher that 'sends' each engagement, recording after each acknowledged write, and stops
    with a :class:`PublishError` after ``fail_after`` of them."""
    seen: list[Publication] = []

    def publish(request: PublishRequest) -> PublishResult:
        target = str(request.options["url"])
        resources: list[PublishedResource] = []
        done = {r.uid for c in (request.previous.calendars if request.previous else ()) for r in c.resources}
        for engagement in request.plan.engagements[:5]:
            uid = hashlib.sha1(engagement.id.encode()).hexdigest()
            resources.append(PublishedResource(uid, f"/dav/{uid}.ics", None, "0" * 64, 0))
            if uid in done:
                continue
            now = Publication("fake", target, (PublishedCalendar("全部", "全部", target, tuple(resources)),))
            if fail_after is not None and len(resources) > fail_after:
                raise PublishError("the server went away", partial=Publication(
                    "fake", target, (PublishedCalendar("全部", "全部", target, tuple(resources[:-1])),)))
            assert request.record is not None
            request.record(now)
            seen.append(now)
        final = Publication("fake", target, (PublishedCalendar("全部", "全部", target, tuple(resources)),))
        return PublishResult(publication=final, created=len(resources) - len(done))

    return Publisher("fake", "a test publisher", publish, (Option(name="url", type="text", default=""),)), seen


def test_publishing_through_the_workspace(make_store: StoreFactory) -> None:
    ws = Workspace(store=make_store())
    publisher, _ = fake_publisher()
    with pytest.raises(NoState):
        ws.publish(seed(), YEAR, publisher, {"url": "https://cal.example/"})
    ws.update(seed(), YEAR)
    failing, seen = fake_publisher(fail_after=2)
    with pytest.raises(PublishError):
        ws.publish(seed(), YEAR, failing, {"url": "https://cal.example/"})
    state = ws.read_state(seed(), YEAR)
    assert state is not None and len(seen) == 2
    kept = state.publication("fake", "https://cal.example/")
    assert kept is not None and len(kept.calendars[0].resources) == 2  # what was acknowledged before it failed
    progress: list[tuple[int, int]] = []
    result = ws.publish(seed(), YEAR, publisher, {"url": "https://cal.example/"},
                        progress=lambda done, total: progress.append((done, total)))
    assert result.created == 3  # only what the failed run had not sent
    state = ws.read_state(seed(), YEAR)
    assert state is not None and state.publication("fake", "https://cal.example/") == result.publication


def test_the_same_year_from_either_store(tmp_path: Path, exporters: None) -> None:
    """An export and an update through the folder and through memory: the same state and the same
    bytes in each file, so a year can be handed from one store to the other."""
    folder, memory = Workspace(tmp_path / "out"), Workspace(store=MemoryStore())
    outcomes = []
    for ws in (folder, memory):
        ws.update(seed(), YEAR, [Change("confirm", MOVED)])
        outcomes.append(ws.export(seed(), YEAR, [("ical", {}), ("docx", {"kinds": "notice"})],
                                  issued_on=dt.date(2026, 12, 1)))
    assert outcomes[0].state == outcomes[1].state and outcomes[0].written and outcomes[1].revision.startswith("m")
    paths = [f.path for f in outcomes[0].state.manifest.files]
    assert [folder.store.read(seed(), YEAR, p) for p in paths] == [memory.store.read(seed(), YEAR, p) for p in paths]
    assert all(folder.store.read(seed(), YEAR, p) for p in paths)


def test_the_workspace_takes_a_folder_or_a_store(tmp_path: Path) -> None:
    assert isinstance(Workspace(tmp_path).store, FolderStore)
    memory = MemoryStore()
    assert Workspace(store=memory).store is memory
    with pytest.raises(TypeError):
        Workspace()
    with pytest.raises(TypeError):
        Workspace(tmp_path, store=memory)
    with pytest.raises(TypeError, match="not an output folder"):
        _ = Workspace(store=memory).root


# ----------------------------------------------------------------- the two stores, step by step
PATHS = ("ical/全部.ics", "通知/01-通知.docx", "台账.xlsx")


class SameAnswers(RuleBasedStateMachine):
    """The folder store, the memory store and the database stores (where the session has them) given
    the same steps: every answer the same — each save accepted or refused alike, the same state,
    files, archive and history. Revisions are each store's own; what is compared is which of them
    each store accepts (and the history's ``at``: the database keeps a clock, the others none)."""

    def __init__(self) -> None:
        super().__init__()
        self.root = Path(tempfile.mkdtemp(prefix="liaison-store-"))
        self.stores: list[YearStore] = [FolderStore(self.root / "out", lock_wait=5), MemoryStore()]
        for kind in ("sqlite", "postgres"):
            if web_db.available() and (kind == "sqlite" or web_db.postgres_url()):
                self.stores.append(database_stores(kind)())
        self.revisions: list[list[str | None]] = [[None] for _ in self.stores]  # each store's revisions, in order
        self.states: list[YearState | None] = [None]  # the state each of those revisions names
        self.state: YearState | None = None
        self.kinds: list[str | None] = []  # the kind of change of each revision saved, in order
        self.export = 0

    def teardown(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)

    def _save(self, commit: Commit, stale: int) -> None:
        """Save in both stores from the revision ``stale`` saves back (0: the current one). A stale
        revision of the same state as the current one is not tried: one store may name equal states
        alike (the folder's hash), another not (the memory's counter), and either is right."""
        back = max(0, len(self.states) - 1 - stale)
        if stale and self.states[back] == self.states[-1]:
            return
        answers = []
        for store, revisions in zip(self.stores, self.revisions, strict=True):
            expected = revisions[back]
            try:
                saved = store.save(seed(), YEAR, commit, expected=expected)
            except RevisionConflict as exc:
                assert exc.current == revisions[-1]
                answers.append("refused")
                continue
            if commit.state == self.state and not commit.writes and not commit.archive:
                assert saved == revisions[-1]  # the same state and no file: no new revision
                answers.append("unchanged")
            else:
                revisions.append(saved)
                answers.append("saved")
        assert len(set(answers)) == 1, answers
        if answers[0] == "saved":
            self.state = commit.state
            self.states.append(commit.state)
            self.kinds.append(commit.kind)

    @rule(index=st.integers(0, 200), stale=st.sampled_from([0, 0, 1, 2]))
    def agree_one(self, index: int, stale: int) -> None:
        self._save(Commit(confirmed(self.state or planned(), index)), stale)

    @precondition(lambda self: self.state is not None)
    @rule(files=st.lists(st.tuples(st.sampled_from(PATHS), st.binary(min_size=0, max_size=40)), max_size=3),
          archive=st.lists(st.sampled_from(PATHS), max_size=2, unique=True))
    def export_files(self, files: list[tuple[str, bytes]], archive: list[str]) -> None:
        assert self.state is not None
        self.export += 1
        state = attrs.evolve(self.state, manifest=attrs.evolve(self.state.manifest, revision=self.export))
        moves = tuple((path, f"{ARCHIVE}/{self.export}/{path}") for path in archive)
        self._save(Commit(state, tuple(dict(files).items()), moves, kind="export"), 0)

    @precondition(lambda self: self.state is not None)
    @rule(where=st.sampled_from(["https://a.example/", "https://b.example/"]), etag=st.sampled_from(['"1"', '"2"']))
    def publish(self, where: str, etag: str) -> None:
        assert self.state is not None
        same = self.state.with_publication(publication(where, etag)) == self.state
        for store, revisions in zip(self.stores, self.revisions, strict=True):
            saved = record(store, publication(where, etag))
            assert (saved == revisions[-1]) == same  # recorded again as it was: no new revision
            if not same:
                revisions.append(saved)
        if same:
            return
        self.state = self.state.with_publication(publication(where, etag))
        self.states.append(self.state)
        self.kinds.append("publication")

    @invariant()
    def same_answers(self) -> None:
        loaded = [store.load(seed(), YEAR) for store in self.stores]
        assert [s.state if s else None for s in loaded] == [self.state] * len(self.stores)
        assert [s.revision if s else None for s in loaded] == [r[-1] for r in self.revisions]
        archived = [store.archived(seed(), YEAR) for store in self.stores]
        assert all(a == archived[0] for a in archived)
        for path in (*PATHS, *archived[0]):
            assert len({store.read(seed(), YEAR, path) for store in self.stores}) == 1
        digests = [dict(store.digests(seed(), YEAR, PATHS)) for store in self.stores]
        assert all(d == digests[0] for d in digests)
        made = [store.revisions(seed(), YEAR) for store in self.stores]
        for revisions, given in zip(made, self.revisions, strict=True):
            assert [r.kind for r in revisions] == self.kinds and [r.tag for r in revisions] == given[1:]
        for store, revisions in zip(self.stores, made, strict=True):  # an earlier revision loads again
            for index in {0, len(revisions) - 2} if len(revisions) > 1 else ():
                earlier = store.load(seed(), YEAR, revision=revisions[index].tag)
                assert earlier is not None and earlier.state == self.states[index + 1]
        history = [tuple(attrs.evolve(h, revision=[r.tag for r in revisions].index(h.revision)
                                      if h.revision is not None else None, at=None)
                         for h in store.history(seed(), YEAR))
                   for store, revisions in zip(self.stores, made, strict=True)]
        assert all(h == history[0] for h in history)


SameAnswers.TestCase.settings = settings(max_examples=15, stateful_step_count=8, deadline=None,
                                         suppress_health_check=[HealthCheck.too_slow])
test_the_two_stores_answer_alike = SameAnswers.TestCase


def test_nothing_writes_over_what_is_archived() -> None:
    """A commit into 已作废/, or an archive move out of it, is refused as a value, before any store sees it."""
    with pytest.raises(ExportError, match="never writes into"):
        Commit(planned(), ((f"{ARCHIVE}/1/通知/01.docx", b"forged"),))
    with pytest.raises(ExportError, match="is archived into"):
        Commit(planned(), (), ((f"{ARCHIVE}/1/通知/01.docx", "通知/01.docx"),))
    with pytest.raises(ExportError, match="is archived into"):
        Commit(planned(), (), (("通知/01.docx", "elsewhere/01.docx"),))


def test_a_path_withdrawn_twice_in_a_day_keeps_both_copies(make_store: StoreFactory, exporters: None) -> None:
    """已作废/ is grouped by the day of withdrawal: a meeting's time changed twice on one day withdraws
    its invitations (one file name: the meeting's day) twice; the second copies go under <day>-2, the
    first stay as they were."""
    ws = Workspace(store=make_store())
    day = dt.date(2027, 3, 26)
    first = ws.export(seed(), YEAR, [("docx", {"kinds": "invitation"})], issued_on=day)
    paths = sorted(r.path for r in first.state.letters if r.kind == "invitation" and r.engagement == MOVED)
    assert paths
    copies = []
    meeting_day = next(e.date for e in first.state.engagements if e.id == MOVED)
    for start in (dt.time(14, 30), dt.time(15, 0)):
        before = {p: ws.store.read(seed(), YEAR, p) for p in paths}
        ws.update(seed(), YEAR, [Change("move", MOVED, meeting_day, start)], force=True)
        outcome = ws.export(seed(), YEAR, [("docx", {"kinds": "invitation"})], issued_on=day)
        archived = dict(outcome.archived)
        copies.append({archived[p]: data for p, data in before.items()})
    assert sorted(copies[0]) == [f"{ARCHIVE}/2027-03-26/{p}" for p in paths]
    assert sorted(copies[1]) == [f"{ARCHIVE}/2027-03-26-2/{p}" for p in paths]
    for found in copies:
        for where, data in found.items():
            assert data and ws.store.read(seed(), YEAR, where) == data
