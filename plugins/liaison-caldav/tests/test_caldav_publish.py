"""Publishing to a real Radicale server on 127.0.0.1, read back with the caldav client and with a plain
REPORT: first publish, a move (one PUT per calendar holding it), a cancellation, a rerun with
nothing changed (no write, one PROPFIND checking the account), an event changed on the server (a
conflict), a wrong password (also when nothing needs sending), an unreachable server, a refused write
(one error naming the collection, and a partial record), in English and in Chinese."""

from __future__ import annotations

import datetime as dt
import itertools
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs
import icalendar
import pytest
from caldav_radicale import (
    PASSWORD,
    USERS,
    Radicale,
    available,
    free_port,
    report_events,
    request,
    start,
    stop,
)

import liaison
import liaison.host.plugins
from liaison.host.publishing import PublishError, PublishRequest
from liaison.law.district import District
from liaison.year.engagements import Plan, Status, revise
from liaison.year.planner import plan_year
from liaison.year.publications import Publication
from liaison_caldav import CalDAVResult, collection_slug, resource_name
from liaison_ical import CalendarResources, calendar_resources, uid_for

pytestmark = pytest.mark.skipif(not available(), reason="radicale is not installed (pip install radicale)")

_accounts = itertools.count()


@pytest.fixture
def loaded_plugins() -> str:
    return "caldav"  # only this plugin


@pytest.fixture(scope="module")
def radicale(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Radicale]:
    server = start(tmp_path_factory.mktemp("radicale"))
    try:
        yield server
    finally:
        stop(server)
    assert server.process.poll() is not None


@attrs.frozen
class Account:
    server: Radicale
    user: str

    @property
    def options(self) -> dict[str, Any]:
        return {"url": self.server.url, "user": self.user, "password": PASSWORD}

    @property
    def home(self) -> str:
        return f"{self.server.url}{self.user}/"

    def collection(self, key: str, label: str = "2027") -> str:
        return self.home + collection_slug("seed", label, key) + "/"

    def events(self, key: str) -> dict[str, icalendar.Event]:
        """The collection's events by UID, read with a plain REPORT calendar-query."""
        found: dict[str, icalendar.Event] = {}
        for _href, (_etag, data) in report_events(self.collection(key), self.user, PASSWORD).items():
            (event,) = icalendar.Calendar.from_ical(data).walk("VEVENT")
            found[str(event["UID"])] = event
        return found

    def mark(self) -> int:
        return len(self.server.requests_seen())

    def requests_since(self, mark: int) -> list[tuple[str, str]]:
        """What the server logged since ``mark`` (the tests use the server one at a time)."""
        return self.server.requests_seen()[mark:]


@pytest.fixture
def account(radicale: Radicale) -> Account:
    """A fresh user on the shared server (an empty calendar home)."""
    return Account(radicale, USERS[next(_accounts)])


@pytest.fixture(scope="module")
def plan(seed: District) -> Plan:
    return plan_year(seed, 2027)


def publish(seed: District, plan: Plan, previous: Publication | None, options: dict[str, Any],
            **more: Any) -> CalDAVResult:
    publisher = liaison.host.plugins.publisher("caldav")
    result = publisher.publish(PublishRequest(seed, plan, previous, {**options, **more}))
    assert isinstance(result, CalDAVResult)
    return result


def holders(resources: Any, uid: str) -> list[str]:
    return [c.key for c in resources.calendars if uid in {r.uid for r in c.resources}]


# --- the first publication -------------------------------------------------------------------------


def test_first_publish_one_collection_per_calendar_one_resource_per_event(
    account: Account, seed: District, plan: Plan
) -> None:
    import caldav

    mark = account.mark()
    result = publish(seed, plan, None, account.options)
    wanted = calendar_resources(seed, plan)
    events = sum(len(c.resources) for c in wanted.calendars)
    assert (result.created, result.updated, result.unchanged, result.conflicts) == (events, 0, 0, ())
    assert result.calendars_created == len(wanted.calendars) >= 20
    assert result.by_method["PUT"] == events and result.by_method["MKCALENDAR"] == len(wanted.calendars)
    assert result.requests == len(account.requests_since(mark)) == sum(result.by_method.values())

    # read back with the caldav client: names as X-WR-CALNAME, every event with our SEQUENCE
    client = caldav.DAVClient(account.server.url, username=account.user, password=PASSWORD)
    calendars = {str(c.url): c for c in client.principal().get_calendars()}
    assert set(calendars) == {account.collection(c.key) for c in wanted.calendars}
    for calendar in wanted.calendars:
        on_server = calendars[account.collection(calendar.key)]
        assert on_server.get_display_name() == calendar.name
        got = {str(e.icalendar_component["UID"]): e.icalendar_component for e in on_server.get_events()}
        assert set(got) == {r.uid for r in calendar.resources}
        for resource in calendar.resources:
            assert int(got[resource.uid]["SEQUENCE"]) == resource.sequence == 0
            assert str(got[resource.uid]["STATUS"]) == resource.status

    # read back with a plain REPORT: the recorded hrefs and ETags are the server's
    for published in result.publication.calendars:
        assert published.url == account.collection(published.key)
        seen = report_events(published.url, account.user, PASSWORD)
        paths = {r.href.removeprefix(account.server.url.rstrip("/")): r for r in published.resources}
        assert set(seen) == set(paths)
        for path, (etag, data) in seen.items():
            resource = paths[path]
            assert resource.etag == etag and resource.href.endswith(resource_name(resource.uid))
            (event,) = icalendar.Calendar.from_ical(data).walk("VEVENT")
            assert str(event["UID"]) == resource.uid
            assert "METHOD" not in icalendar.Calendar.from_ical(data)


def test_the_caldav_library_alone_would_raise_sequence(account: Account, seed: District, plan: Plan) -> None:
    """Why events are PUT with the client's request methods: caldav 3.6's save_event() bumps SEQUENCE."""
    import caldav

    client = caldav.DAVClient(account.server.url, username=account.user, password=PASSWORD)
    calendar = client.principal().make_calendar(name="naive", cal_id="naive")
    resource = calendar_resources(seed, plan).calendars[0].resources[0]
    assert b"SEQUENCE:0\r\n" in resource.data
    calendar.save_event(resource.data.decode("utf-8"))
    (stored,) = calendar.get_events()
    assert int(stored.icalendar_component["SEQUENCE"]) == 1  # the export said 0


# --- updates ---------------------------------------------------------------------------------------


def test_nothing_changed_sends_no_write_and_one_read(account: Account, seed: District, plan: Plan) -> None:
    first = publish(seed, plan, None, account.options)
    mark = account.mark()
    again = publish(seed, plan, first.publication, account.options)
    assert (again.requests, again.writes, again.created, again.updated) == (1, 0, 0, 0)
    assert again.by_method == {"PROPFIND": 1} and again.unchanged == first.created
    assert account.requests_since(mark) == [("PROPFIND", "/")]  # the account checked, nothing written
    assert again.publication == first.publication


def test_a_wrong_password_with_nothing_to_send_is_still_an_error(
    account: Account, seed: District, plan: Plan
) -> None:
    first = publish(seed, plan, None, account.options, calendars="icf")
    with pytest.raises(PublishError) as info:
        publish(seed, plan, first.publication, {**account.options, "password": "wrong"}, calendars="icf")
    assert account.server.url in str(info.value)
    assert "refused the user name or password (HTTP 401)" in str(info.value)
    zh = info.value.render("zh")
    url = account.server.url
    assert f"CalDAV 服务器 {url}：在 {url} 检查账户：服务器拒绝了用户名或密码" in zh
    assert "请检查用户名和密码" in zh and "refused" not in zh
    assert info.value.partial == first.publication


def test_a_moved_engagement_is_one_put_per_calendar_holding_it(
    account: Account, seed: District, plan: Plan
) -> None:
    first = publish(seed, plan, None, account.options)
    target = plan.engagements[6]
    new_day = target.date + dt.timedelta(days=1)
    revised = revise(plan, plan.move(target.id, new_day))
    uid = uid_for("seed", target.id)
    keys = holders(calendar_resources(seed, revised), uid)
    assert len(keys) == 1 + len(set(target.participants)) >= 3
    mark = account.mark()
    second = publish(seed, revised, first.publication, account.options)
    assert second.conflicts == ()
    assert second.requests == second.writes == second.updated == len(keys)
    puts = account.requests_since(mark)
    assert sorted(puts) == sorted(("PUT", f"/{account.user}/{collection_slug('seed', '2027', k)}/"
                                          f"{resource_name(uid)}") for k in keys)
    for key in keys:
        event = account.events(key)[uid]
        assert int(event["SEQUENCE"]) == 1 and str(event["STATUS"]) == "CONFIRMED"
        assert event.decoded("DTSTART").date() == new_day
    # every other event kept its ETag on the server
    untouched = {r.href: r.etag for c in first.publication.calendars for r in c.resources if r.uid != uid}
    now = {r.href: r.etag for c in second.publication.calendars for r in c.resources if r.uid != uid}
    assert untouched == now
    assert publish(seed, revised, second.publication, account.options).writes == 0


def test_a_cancelled_engagement_stays_on_the_server_as_cancelled(
    account: Account, seed: District, plan: Plan
) -> None:
    first = publish(seed, plan, None, account.options)
    target = plan.engagements[10]
    dropped = revise(plan, attrs.evolve(plan, engagements=tuple(e for e in plan.engagements if e != target)))
    assert dropped.get(target.id).status == Status.CANCELLED
    uid = uid_for("seed", target.id)
    keys = holders(calendar_resources(seed, dropped), uid)
    second = publish(seed, dropped, first.publication, account.options)
    assert second.requests == second.updated == len(keys) and second.deleted == 0
    for key in keys:
        event = account.events(key)[uid]
        assert str(event["STATUS"]) == "CANCELLED" and int(event["SEQUENCE"]) == 1


def test_an_event_changed_on_the_server_is_a_conflict_never_overwritten_silently(
    account: Account, seed: District, plan: Plan
) -> None:
    import caldav

    first = publish(seed, plan, None, account.options)
    target = plan.engagements[3]
    uid = uid_for("seed", target.id)
    # someone edits the master calendar's copy in their calendar app
    client = caldav.DAVClient(account.server.url, username=account.user, password=PASSWORD)
    master = client.calendar(url=account.collection("全部"))
    event = master.get_event_by_uid(uid)
    event.icalendar_component["SUMMARY"] = "改过的标题"
    event.save()

    revised = revise(plan, plan.move(target.id, target.date + dt.timedelta(days=2)))
    keys = holders(calendar_resources(seed, revised), uid)
    second = publish(seed, revised, first.publication, account.options)
    assert [(c.calendar, c.uid) for c in second.conflicts] == [("全部", uid)]
    assert "changed or deleted on the server" in second.conflicts[0].reason
    assert second.conflicts[0].text("zh") == "发布后已在服务器上被修改或删除；保留服务器上的版本"
    assert second.kept == second.conflicts
    assert second.requests == len(keys) + 1 and second.updated == len(keys) - 1  # + the GET after the 412
    assert str(account.events("全部")[uid]["SUMMARY"]) == "改过的标题"  # the server's version kept
    for key in keys[1:]:
        assert int(account.events(key)[uid]["SEQUENCE"]) == 1
    recorded = {r.uid: r for r in second.publication.calendars[0].resources}[uid]
    before = {r.uid: r for r in first.publication.calendars[0].resources}[uid]
    assert recorded == before  # what the server refused is not recorded as sent

    third = publish(seed, revised, second.publication, account.options, overwrite=True)
    assert len(third.conflicts) == 1 and "overwritten" in third.conflicts[0].reason
    assert third.overwritten == third.conflicts and third.kept == ()
    assert third.requests == 3  # the conditional PUT (412), the GET showing another event, the overwrite
    assert "改过的标题" not in str(account.events("全部")[uid]["SUMMARY"])
    assert publish(seed, revised, third.publication, account.options).writes == 0


def test_check_server_reports_an_edit_to_an_event_we_did_not_change(
    account: Account, seed: District, plan: Plan
) -> None:
    first = publish(seed, plan, None, account.options, calendars="全部")
    resource = first.publication.calendars[0].resources[0]
    status, _, data = request(resource.href, "GET", account.user, PASSWORD)
    assert status == 200
    edited = data.replace(b"SUMMARY:", b"SUMMARY:[edited] ")
    ics = {"Content-Type": "text/calendar"}
    status, _, _ = request(resource.href, "PUT", account.user, PASSWORD, edited, ics)
    assert status in (201, 204)
    checked = publish(seed, plan, first.publication, account.options, calendars="全部", check_server=True)
    assert checked.requests == 1 and checked.writes == 0  # one PROPFIND
    assert [(c.calendar, c.uid) for c in checked.conflicts] == [("全部", resource.uid)]


def test_an_organisation_leaving_an_engagement_deletes_it_from_its_calendar(
    account: Account, seed: District, plan: Plan
) -> None:
    first = publish(seed, plan, None, account.options)
    target = next(e for e in plan.engagements if len(set(e.participants)) >= 3)
    leaver = target.participants[-1]
    fewer = tuple(e.with_changes(participants=e.participants[:-1]) if e.id == target.id else e
                  for e in plan.engagements)
    revised = revise(plan, attrs.evolve(plan, engagements=fewer))
    second = publish(seed, revised, first.publication, account.options)
    uid = uid_for("seed", target.id)
    assert second.deleted == 1 and second.by_method.get("DELETE") == 1
    assert uid not in account.events(leaver)
    assert int(account.events("全部")[uid]["SEQUENCE"]) == 1


def test_a_subset_of_calendars_then_all(account: Account, seed: District, plan: Plan) -> None:
    some = publish(seed, plan, None, account.options, calendars="全部,icf")
    assert [c.key for c in some.publication.calendars] == ["全部", "icf"]
    rest = publish(seed, plan, some.publication, account.options)
    everything = calendar_resources(seed, plan)
    assert rest.calendars_created == len(everything.calendars) - 2
    assert rest.by_method["PROPFIND"] == 3  # principal, calendar home, the listing (names included)
    assert rest.created == sum(len(c.resources) for c in everything.calendars[1:] if c.key != "icf")
    assert [c.key for c in rest.publication.calendars] == list(everything.keys())


# --- failures --------------------------------------------------------------------------------------


def test_a_wrong_password_is_one_clear_error(account: Account, seed: District, plan: Plan) -> None:
    with pytest.raises(PublishError) as info:
        publish(seed, plan, None, {**account.options, "password": "wrong"})
    message = str(info.value)
    assert account.server.url in message and "refused the user name or password (HTTP 401)" in message
    assert "check the user and the password" in message and "wrong" not in message.replace("wrong user", "")
    assert "服务器拒绝了用户名或密码（HTTP 401）" in info.value.render("zh")
    assert info.value.partial == Publication("caldav", account.server.url, ())
    assert "Traceback" not in message


def test_an_unreachable_server_is_one_clear_error(seed: District, plan: Plan) -> None:
    url = f"http://127.0.0.1:{free_port()}/"
    with pytest.raises(PublishError) as info:
        publish(seed, plan, None, {"url": url, "user": "u", "password": "p", "timeout": 2})
    message = str(info.value)
    assert url in message and "cannot reach the server: [Errno 111] Connection refused" in message
    assert "object at 0x" not in message  # not the HTTP library's reprs
    assert "无法连接服务器：[Errno 111] 连接被拒绝" in info.value.render("zh")
    assert info.value.partial == Publication("caldav", url, ())


def test_a_refused_write_names_the_collection_and_keeps_what_was_accepted(
    account: Account, seed: District, plan: Plan
) -> None:
    wanted = calendar_resources(seed, plan)
    blocked: CalendarResources = wanted.calendars[4]
    mkcol = (b'<?xml version="1.0"?><D:mkcol xmlns:D="DAV:" xmlns:CR="urn:ietf:params:xml:ns:carddav">'
             b"<D:set><D:prop><D:resourcetype><D:collection/><CR:addressbook/></D:resourcetype></D:prop>"
             b"</D:set></D:mkcol>")
    where = account.collection(blocked.key)
    assert request(where, "MKCOL", account.user, PASSWORD, mkcol)[0] == 201  # an address book in the way
    with pytest.raises(PublishError) as info:
        publish(seed, plan, None, account.options)
    message = str(info.value)
    assert account.server.url in message and f"calendar {blocked.name} ({blocked.key})" in message
    assert "HTTP 409" in message
    assert f"日历 {blocked.name}（{blocked.key}）" in info.value.render("zh")
    partial = info.value.partial
    assert partial is not None and [c.key for c in partial.calendars] == list(wanted.keys()[:4])
    for published in partial.calendars:  # recorded = on the server, no more, no less
        assert len(report_events(published.url, account.user, PASSWORD)) == len(published.resources) > 0

    assert request(where, "DELETE", account.user, PASSWORD)[0] in (200, 204)
    resumed = publish(seed, plan, partial, account.options)
    assert resumed.calendars_created == len(wanted.calendars) - 4
    assert resumed.created == sum(len(c.resources) for c in wanted.calendars[4:])
    counts = [len(c.resources) for c in resumed.publication.calendars]
    assert counts == [len(c.resources) for c in wanted.calendars]


def test_credentials_are_in_no_record(account: Account, seed: District, plan: Plan) -> None:
    result = publish(seed, plan, None, account.options, calendars="icf")
    text = json.dumps(attrs.asdict(result.publication), ensure_ascii=False)
    assert PASSWORD not in text and "password" not in text and f"{account.user}:" not in text
    assert result.publication.target == account.server.url


def test_the_server_is_stopped_by_its_pid(tmp_path: Path) -> None:
    server = start(tmp_path / "own", users=("solo",))
    assert request(server.url, "PROPFIND", "solo", PASSWORD, headers={"Depth": "0"})[0] == 207
    stop(server)
    assert server.process.poll() is not None
