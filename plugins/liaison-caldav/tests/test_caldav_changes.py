"""What to send, without a server: the pure diff, and the publisher's bookkeeping against an in-memory
stand-in for a CalDAV account (conflicts, partial records after a failure, overwrite, prune)."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

import attrs
import pytest

from liaison.base.errors import OptionError
from liaison.host.publishing import PublishError, PublishRequest
from liaison.law.district import District
from liaison.year.engagements import Plan, revise
from liaison.year.planner import plan_year
from liaison.year.publications import Publication, PublishedCalendar, PublishedResource
from liaison_caldav import Action, changes, collection_slug, resource_name
from liaison_caldav import dav as caldav_dav
from liaison_caldav import plugin as caldav_plugin
from liaison_caldav.dav import Answer, ServerError
from liaison_ical import PlanResources, calendar_resources, uid_for

TARGET = "http://fake.example/dav/"


@pytest.fixture(scope="module")
def plan(seed: District) -> Plan:
    return plan_year(seed, 2027)


@pytest.fixture(scope="module")
def resources(seed: District, plan: Plan) -> PlanResources:
    return calendar_resources(seed, plan)


def as_published(resources: PlanResources, target: str = TARGET) -> Publication:
    """What a successful first run records (hrefs and ETags as a server would give them)."""
    calendars = []
    for c in resources.calendars:
        url = f"{target}u/{collection_slug(resources.district, resources.label, c.key)}/"
        calendars.append(PublishedCalendar(c.key, c.name, url, tuple(
            PublishedResource(r.uid, url + resource_name(r.uid), f'"{r.digest[:12]}"', r.digest, r.sequence)
            for r in c.resources)))
    return Publication("caldav", target, tuple(calendars))


def without_last_participant(plan: Plan, engagement_id: str) -> Plan:
    """The engagement's last participant no longer takes part (revised: SEQUENCE raised)."""
    fewer = tuple(e.with_changes(participants=e.participants[:-1]) if e.id == engagement_id else e
                  for e in plan.engagements)
    return revise(plan, attrs.evolve(plan, engagements=fewer))


def moved(plan: Plan, index: int, days: int = 1) -> tuple[Plan, str]:
    target = plan.engagements[index]
    return revise(plan, plan.move(target.id, target.date + dt.timedelta(days=days))), target.id


# --- names -----------------------------------------------------------------------------------------


def test_resource_names_and_collection_slugs_are_url_safe() -> None:
    assert resource_name("7c18915b2ea5b524953a9621b05b174cd9ff187d@liaison") == (
        "7c18915b2ea5b524953a9621b05b174cd9ff187d-liaison.ics")
    assert resource_name("a b/c?d") == "a-b-c-d.ics"
    assert collection_slug("seed", "2027", "全部") == "liaison-seed-2027-all"
    assert collection_slug("seed", "2026-2027", "dev-reform") == "liaison-seed-2026-2027-dev-reform"
    assert collection_slug("区", "2027", "统战部") == "liaison-%E5%8C%BA-2027-%E7%BB%9F%E6%88%98%E9%83%A8"


# --- the diff --------------------------------------------------------------------------------------


def test_a_first_run_creates_every_collection_and_event(resources: PlanResources) -> None:
    found = changes(resources, None, target=TARGET)
    assert [c.key for c in found.calendars] == list(resources.keys())
    assert all(c.url is None and not c.rename for c in found.calendars)
    for calendar, wanted in zip(found.calendars, resources.calendars, strict=True):
        assert [w.action for w in calendar.writes] == [Action.CREATE] * len(wanted.resources)
        assert [w.resource for w in calendar.writes] == list(wanted.resources)
        assert all(w.href is None and w.etag is None for w in calendar.writes)
    events = sum(len(c.resources) for c in resources.calendars)
    assert found.writes == events + len(resources.calendars) and found.unchanged == 0


def test_nothing_changed_means_nothing_to_send(resources: PlanResources) -> None:
    found = changes(resources, as_published(resources), target=TARGET)
    assert found.writes == 0
    assert found.unchanged == sum(len(c.resources) for c in resources.calendars)
    assert all(c.url is not None for c in found.calendars)


def test_a_moved_engagement_is_one_update_per_calendar_holding_it(
    seed: District, plan: Plan, resources: PlanResources
) -> None:
    revised, engagement_id = moved(plan, 4)
    previous = as_published(resources)
    found = changes(calendar_resources(seed, revised), previous, target=TARGET)
    uid = uid_for("seed", engagement_id)
    writes = [(c.key, w) for c in found.calendars for w in c.writes]
    holders = ["全部", *(k for k in resources.keys()[1:] if k in plan.get(engagement_id).participants)]
    assert [k for k, _ in writes] == holders
    old = {c.key: {r.uid: r for r in c.resources} for c in previous.calendars}
    for key, write in writes:
        assert (write.action, write.uid) == (Action.UPDATE, uid)
        assert write.href == old[key][uid].href and write.etag == old[key][uid].etag  # If-Match: the record's
        assert write.resource is not None and write.resource.sequence == 1
    assert found.writes == len(holders)


def test_a_previous_publication_elsewhere_does_not_count(resources: PlanResources) -> None:
    elsewhere = as_published(resources, "http://other.example/dav/")
    first_run = changes(resources, None, target=TARGET)
    assert changes(resources, elsewhere, target=TARGET).writes == first_run.writes
    other_publisher = attrs.evolve(as_published(resources), publisher="wecom")
    assert changes(resources, other_publisher, target=TARGET).previous is None


def test_a_subset_of_calendars(resources: PlanResources) -> None:
    found = changes(resources, None, target=TARGET, only=("icf", "全部"))
    assert [c.key for c in found.calendars] == ["全部", "icf"]  # in the plan's order
    with pytest.raises(OptionError) as info:
        changes(resources, None, target=TARGET, only=("nobody",))
    assert info.value.path == "options.calendars" and "全部, " in str(info.value)


def test_an_event_that_left_a_calendar_is_deleted_or_kept(
    seed: District, plan: Plan, resources: PlanResources
) -> None:
    target = next(e for e in plan.engagements if len(set(e.participants)) >= 2)
    leaver = target.participants[-1]
    now = calendar_resources(seed, without_last_participant(plan, target.id))
    uid = uid_for("seed", target.id)
    found = changes(now, as_published(resources), target=TARGET)
    by_key = {c.key: c for c in found.calendars}
    gone = [w for w in by_key[leaver].writes if w.uid == uid]
    assert [w.action for w in gone] == [Action.DELETE] and gone[0].etag is not None
    assert all(w.action == Action.UPDATE for c in found.calendars if c.key != leaver for w in c.writes)
    kept = changes(now, as_published(resources), target=TARGET, prune=False)
    assert not any(w.uid == uid for w in {c.key: c for c in kept.calendars}[leaver].writes)
    assert uid in {r.uid for r in {c.key: c for c in kept.calendars}[leaver].unchanged}


def test_a_calendar_no_longer_in_the_plan_has_its_events_deleted(resources: PlanResources) -> None:
    extra = PublishedCalendar("gone-org", "旧单位 2027年对口联系工作日程", TARGET + "u/x/", (
        PublishedResource("a@liaison", TARGET + "u/x/a-liaison.ics", '"1"', "d", 0),))
    previous = attrs.evolve(as_published(resources), calendars=(*as_published(resources).calendars, extra))
    found = changes(resources, previous, target=TARGET)
    assert found.keys[-1] == "gone-org"
    (last,) = [c for c in found.calendars if c.key == "gone-org"]
    wanted = [(Action.DELETE, TARGET + "u/x/a-liaison.ics", '"1"')]
    assert [(w.action, w.href, w.etag) for w in last.writes] == wanted
    assert found.writes == 1


def test_a_renamed_calendar_is_renamed(resources: PlanResources) -> None:
    previous = as_published(resources)
    renamed = attrs.evolve(previous, calendars=(attrs.evolve(previous.calendars[0], name="旧名"),
                                                *previous.calendars[1:]))
    found = changes(resources, renamed, target=TARGET)
    assert [c.rename for c in found.calendars] == [True] + [False] * (len(found.calendars) - 1)
    assert found.writes == 1


def test_the_diff_is_deterministic(seed: District, plan: Plan) -> None:
    a = changes(calendar_resources(seed, plan), None, target=TARGET)
    b = changes(calendar_resources(seed, plan_year(seed, 2027)), None, target=TARGET)
    assert a == b


# --- the publisher against an in-memory account ----------------------------------------------------


class FakeServer:
    """A CalDAV account in memory, with ETags and preconditions as RFC 9110 has them."""

    def __init__(self, url: str = TARGET) -> None:
        self.url = url
        self.home = url + "u/"
        self.collections: dict[str, dict[str, Any]] = {}
        self.requests = 0
        self.by_method: dict[str, int] = {}
        self.fail_at: int | None = None  # the n-th PUT answers 507
        self.puts = 0
        self.give_etags = True
        self.password_refused = False  # every request answers 401

    def connect(self, *args: Any, **kwargs: Any) -> FakeServer:
        """What the publisher's ``Server(...)`` gives: this account, with the counts of a new client."""
        self.requests, self.by_method, self.total = 0, {}, getattr(self, "total", 0) + self.requests
        return self

    def _count(self, method: str) -> None:
        self.requests += 1
        self.by_method[method] = self.by_method.get(method, 0) + 1

    def close(self) -> None:
        pass

    def calendar_home(self) -> str:
        self._count("PROPFIND")
        return self.home

    def check(self) -> None:
        self._count("PROPFIND")
        if self.password_refused:
            raise ServerError("checking the account at x: the server refused the user name or password "
                              "(HTTP 401)", "在 x 检查账户：服务器拒绝了用户名或密码（HTTP 401）", 401)

    def calendars(self, home: str) -> dict[str, str | None]:
        self._count("PROPFIND")
        return {u: c["name"] for u, c in self.collections.items()}

    def make_calendar(self, home: str, slug: str, name: str) -> str:
        self._count("MKCALENDAR")
        url = home + slug + "/"
        self.collections[url] = {"name": name, "items": {}}
        return url

    def rename(self, url: str, name: str) -> None:
        self._count("PROPPATCH")
        self.collections[url]["name"] = name

    def etags(self, url: str) -> dict[str, str | None]:
        self._count("PROPFIND")
        return {h: e for h, (e, _) in self.collections[url]["items"].items()}

    def _items(self, href: str) -> dict[str, tuple[str, bytes]]:
        items: dict[str, tuple[str, bytes]] = self.collections[href.rsplit("/", 1)[0] + "/"]["items"]
        return items

    def put(self, href: str, data: bytes, *, if_match: str | None = None, create: bool = False) -> Answer:
        self._count("PUT")
        self.puts += 1
        if self.fail_at is not None and self.puts == self.fail_at:
            return Answer(507, None, "Insufficient Storage")
        items = self._items(href)
        if (create and href in items) or (if_match is not None and items.get(href, ("",))[0] != if_match):
            return Answer(412, None, "Precondition Failed")
        etag = '"' + hashlib.sha256(data).hexdigest()[:16] + '"'
        items[href] = (etag, data)
        return Answer(201, etag if self.give_etags else None)

    def get(self, href: str) -> Answer:
        self._count("GET")
        found = self._items(href).get(href)
        return Answer(404, None) if found is None else Answer(200, found[0], "", found[1])

    def delete(self, href: str, *, if_match: str | None = None) -> Answer:
        self._count("DELETE")
        items = self._items(href)
        if href not in items:
            return Answer(404, None)
        if if_match is not None and items[href][0] != if_match:
            return Answer(412, None)
        del items[href]
        return Answer(204, None)

    def edit(self, href: str) -> None:
        """Someone changes the event on the server (another client)."""
        _, data = self._items(href)[href]
        self._items(href)[href] = ('"edited"', data.replace(b"SUMMARY:", b"SUMMARY:[edited] "))


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> FakeServer:
    server = FakeServer()
    monkeypatch.setattr(caldav_dav, "Server", server.connect)
    return server


def publish(seed: District, plan: Plan, previous: Publication | None = None, **options: Any
            ) -> caldav_plugin.CalDAVResult:
    return caldav_plugin.publish(PublishRequest(seed, plan, previous, {"url": TARGET, **options}))


def test_publish_then_republish_writes_nothing(fake: FakeServer, seed: District, plan: Plan) -> None:
    first = publish(seed, plan)
    events = sum(len(c.resources) for c in calendar_resources(seed, plan).calendars)
    assert (first.created, first.updated, first.unchanged, first.conflicts) == (events, 0, 0, ())
    assert first.calendars_created == len(first.publication.calendars)
    assert first.requests == fake.requests == 2 + first.calendars_created + events
    again = publish(seed, plan, first.publication)
    assert (again.requests, again.writes, again.unchanged) == (1, 0, events)
    assert fake.requests == 1 and fake.by_method == {"PROPFIND": 1}  # the account checked, no write
    assert again.publication == first.publication


def test_nothing_to_send_still_checks_the_password(fake: FakeServer, seed: District, plan: Plan) -> None:
    first = publish(seed, plan, user="u", password="p")
    fake.password_refused = True
    with pytest.raises(PublishError) as info:
        publish(seed, plan, first.publication, user="u", password="wrong")
    assert "refused the user name or password" in str(info.value)
    assert info.value.partial == first.publication  # nothing new recorded


def test_a_conflict_is_reported_and_the_record_keeps_the_old_version(
    fake: FakeServer, seed: District, plan: Plan
) -> None:
    first = publish(seed, plan)
    revised, engagement_id = moved(plan, 2)
    uid = uid_for("seed", engagement_id)
    master = first.publication.calendars[0]
    href = next(r.href for r in master.resources if r.uid == uid)
    fake.edit(href)
    second = publish(seed, revised, first.publication)
    assert [(c.calendar, c.uid, c.href) for c in second.conflicts] == [("全部", uid, href)]
    assert "changed or deleted on the server" in second.conflicts[0].reason
    assert second.conflicts[0].text("zh") == "发布后已在服务器上被修改或删除；保留服务器上的版本"
    assert second.kept == second.conflicts and second.overwritten == ()
    assert b"[edited]" in fake._items(href)[href][1]  # not overwritten
    old = next(r for r in master.resources if r.uid == uid)
    assert next(r for r in second.publication.calendars[0].resources if r.uid == uid) == old
    holders = 1 + len(set(plan.get(engagement_id).participants))
    # all but the master; the master's 412 is followed by a GET: not the event we send, so a conflict
    assert second.updated == second.writes == second.requests - 2 == holders - 1
    assert second.by_method["GET"] == 1 and second.adopted == 0
    third = publish(seed, revised, second.publication)  # tried again, still a conflict
    assert len(third.conflicts) == 1 and third.requests == 2
    forced = publish(seed, revised, third.publication, overwrite=True)
    assert len(forced.conflicts) == 1 and "overwritten" in forced.conflicts[0].reason
    assert forced.overwritten == forced.conflicts and forced.kept == ()
    assert forced.conflicts[0].text("zh").endswith("已覆盖（overwrite 选项）")
    assert b"[edited]" not in fake._items(href)[href][1]
    assert publish(seed, revised, forced.publication).requests == 1  # the account check


def test_check_server_finds_edits_to_events_we_did_not_change(
    fake: FakeServer, seed: District, plan: Plan
) -> None:
    first = publish(seed, plan)
    resource = first.publication.calendars[3].resources[0]
    fake.edit(resource.href)
    quiet = publish(seed, plan, first.publication)
    assert quiet.requests == 1 and quiet.writes == 0 and quiet.conflicts == ()  # not looked for by default
    checked = publish(seed, plan, first.publication, check_server=True)
    assert checked.requests == len(first.publication.calendars)  # one PROPFIND each, no write
    key = first.publication.calendars[3].key
    assert [(c.calendar, c.uid) for c in checked.conflicts] == [(key, resource.uid)]
    restored = publish(seed, plan, first.publication, check_server=True, overwrite=True)
    assert restored.writes == 1 and b"[edited]" not in fake._items(resource.href)[resource.href][1]
    assert [c.overwritten for c in restored.conflicts] == [True]


def test_a_refused_write_stops_with_exactly_what_was_accepted(
    fake: FakeServer, seed: District, plan: Plan
) -> None:
    fake.fail_at = 10
    with pytest.raises(PublishError) as info:
        publish(seed, plan)
    message = str(info.value)
    assert TARGET in message and "HTTP 507" in message and "Insufficient Storage" in message
    partial = info.value.partial
    assert partial is not None
    stored = {(c.url, r.href) for c in partial.calendars for r in c.resources}
    on_server = {(u, h) for u, c in fake.collections.items() for h in c["items"]}
    assert stored == on_server and len(stored) == 9
    assert f"calendar {partial.calendars[-1].name}" in message
    fake.fail_at = None
    resumed = publish(seed, plan, partial)
    assert resumed.created == sum(len(c.resources) for c in calendar_resources(seed, plan).calendars) - 9
    assert resumed.calendars_created == len(resumed.publication.calendars) - len(partial.calendars)
    clean = FakeServer()
    assert {c.key: len(c.resources) for c in resumed.publication.calendars} == {
        c.key: len(c.resources) for c in publish_on(clean, seed, plan).publication.calendars}


def publish_on(server: FakeServer, seed: District, plan: Plan) -> caldav_plugin.CalDAVResult:
    original = caldav_dav.Server
    caldav_dav.Server = server.connect  # type: ignore[assignment,misc]
    try:
        return publish(seed, plan)
    finally:
        caldav_dav.Server = original  # type: ignore[misc]


def test_an_unknown_etag_is_read_back_after_the_writes(fake: FakeServer, seed: District, plan: Plan) -> None:
    fake.give_etags = False
    first = publish(seed, plan, calendars="全部")
    assert first.by_method["PROPFIND"] == 3  # home, listing, and the ETags of the one calendar
    assert all(r.etag for r in first.publication.calendars[0].resources)


def test_progress_counts_every_write(fake: FakeServer, seed: District, plan: Plan) -> None:
    seen: list[tuple[int, int]] = []
    result = caldav_plugin.publish(PublishRequest(seed, plan, None, {"url": TARGET, "calendars": "全部,icf"},
                                                  progress=lambda done, total: seen.append((done, total))))
    total = result.writes
    assert seen == [(n, total) for n in range(total + 1)]


def test_prune_deletes_conditionally(fake: FakeServer, seed: District, plan: Plan) -> None:
    first = publish(seed, plan)
    target = next(e for e in plan.engagements if len(set(e.participants)) >= 2)
    leaver = target.participants[-1]
    result = publish(seed, without_last_participant(plan, target.id), first.publication)
    assert result.deleted == 1 and result.conflicts == ()
    left = {c.key: {r.uid for r in c.resources} for c in result.publication.calendars}
    assert uid_for("seed", target.id) not in left[leaver]
    assert uid_for("seed", target.id) in left["全部"]


def test_server_errors_become_one_publish_error(monkeypatch: pytest.MonkeyPatch, seed: District,
                                                plan: Plan) -> None:
    class Refusing(FakeServer):
        def calendar_home(self) -> str:
            raise ServerError("finding the calendar home at x: the server refused the user name or "
                              "password (HTTP 401)",
                              "在 x 查找日历主目录：服务器拒绝了用户名或密码（HTTP 401）", 401)

    monkeypatch.setattr(caldav_dav, "Server", Refusing().connect)
    with pytest.raises(PublishError) as info:
        publish(seed, plan, user="u", password="p")
    assert "check the user and the password" in str(info.value)
    zh = info.value.render("zh")
    assert zh.startswith(f"CalDAV 服务器 {TARGET}：在 x 查找日历主目录：服务器拒绝了用户名或密码（HTTP 401）")
    assert "请检查用户名和密码" in zh and "check" not in zh
    assert info.value.partial == Publication("caldav", TARGET, ())


def test_the_publication_round_trips_through_the_core_converter(fake: FakeServer, seed: District,
                                                                plan: Plan) -> None:
    """How the year's state will keep it: the core's strict cattrs converter, as JSON."""
    import json

    from liaison.formats.convert import structure, unstructure

    publication = publish(seed, plan, calendars="全部,icf").publication
    publication = attrs.evolve(publication, calendars=(  # an ETag the server never gave is None
        publication.calendars[0], attrs.evolve(publication.calendars[1], resources=tuple(
            attrs.evolve(r, etag=None) for r in publication.calendars[1].resources))))
    text = json.dumps(unstructure(publication), ensure_ascii=False, sort_keys=True)
    again = structure(json.loads(text), Publication, file="state.json")
    assert again == publication
    assert publish(seed, plan, again, calendars="全部,icf").writes == 0


def test_a_server_error_is_in_the_one_error_shape_with_its_status() -> None:
    from liaison.base.errors import LiaisonError, error_document

    error = ServerError("writing x: refused (HTTP 507)", "写入 x 被拒绝（HTTP 507）", 507)
    assert isinstance(error, LiaisonError) and error.status == 507
    assert error.render("zh") == "写入 x 被拒绝（HTTP 507）"
    assert error.render("en") == "writing x: refused (HTTP 507)"
    assert error_document(error)["kind"] == "ServerError"
