"""Publishing the district's year to CalDAV from the server, to a real Radicale on 127.0.0.1 (as the
caldav plugin's tests do): the caldav publisher run on the database's year — every event first, no
write on a rerun, one PUT per calendar after a move through the API —, recorded in the year's state;
credentials from the settings only, in no record; a refused password is 502, no server configured
409 (the deployment's state, not a failure of the service)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from caldav_radicale import PASSWORD, Radicale, available, report_events, start, stop
from web_db import YEAR

from liaison.formats.district import seed_district

pytestmark = pytest.mark.skipif(not available(), reason="radicale is not installed (pip install radicale)")
PUBLISH = f"/api/v1/districts/seed/years/{YEAR}/publish/caldav"
USER = "user1"


@pytest.fixture
def loaded_plugins() -> str:
    return "web,caldav"


@pytest.fixture(scope="module")
def radicale(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Radicale]:
    server = start(tmp_path_factory.mktemp("radicale"))
    try:
        yield server
    finally:
        stop(server)


def bearer(user: Any) -> dict[str, str]:
    from liaison_web.tokens import make_token

    return {"HTTP_AUTHORIZATION": f"Bearer {make_token(user.username, 'publish', ('read', 'write'))}"}


def publish(auth: dict[str, str], **body: Any) -> Any:
    from django.test import Client

    return Client().post(PUBLISH, data=json.dumps(body), content_type="application/json", **auth)


def test_the_server_publishes_the_year_to_caldav(database: str, users: dict[str, Any], radicale: Radicale) -> None:
    from django.test import Client, override_settings

    from liaison_caldav import collection_slug
    from liaison_ical import calendar_resources
    from liaison_web import models
    from liaison_web.store import DatabaseStore

    auth = bearer(users["admin"])
    store = DatabaseStore()
    with override_settings(LIAISON_CALDAV={"url": radicale.url, "user": USER, "password": PASSWORD}):
        first = publish(auth)
        assert first.status_code == 200, first.content
        stored = store.load(seed_district(), YEAR)
        assert stored is not None
        wanted = calendar_resources(seed_district(), stored.state.plan)
        events = sum(len(c.resources) for c in wanted.calendars)
        done = first.json()
        assert (done["created"], done["updated"], done["conflicts"]) == (events, 0, [])
        assert done["revision"] == stored.revision and done["target"] == radicale.url
        master = report_events(f"{radicale.url}{USER}/{collection_slug('seed', str(YEAR), '全部')}/", USER, PASSWORD)
        assert len(master) == len(wanted.calendars[0].resources)
        publication = stored.state.publication("caldav", radicale.url)
        assert publication is not None and publication.calendars
        # nothing changed: nothing written
        again = publish(auth).json()
        assert (again["created"], again["updated"], again["writes"], again["unchanged"]) == (0, 0, 0, events)
        # a move through the API: one PUT per calendar holding the engagement
        one = f"/api/v1/districts/seed/years/{YEAR}/engagements/{YEAR}/joint_meeting/health"
        etag = f'"{store.current(seed_district(), YEAR)}"'
        moved = Client().post(f"{one}/move", data=json.dumps({"date": f"{YEAR}-09-07", "force": True}),
                              content_type="application/json", HTTP_IF_MATCH=etag, **auth)
        assert moved.status_code == 200, moved.content
        engagement = next(e for e in stored.state.plan.engagements if e.id == f"{YEAR}/joint_meeting/health")
        holding = 1 + len(set(engagement.participants))  # the master calendar and each body's taking part
        after = publish(auth).json()
        assert (after["created"], after["updated"], after["writes"]) == (0, holding, holding)
    entries = list(models.AuditEntry.objects.filter(action="publish").order_by("id"))
    assert len(entries) >= 3 and entries[-1].after["target"] == radicale.url
    text = json.dumps([e.after for e in entries], ensure_ascii=False)
    state = models.Year.objects.get(district__code="seed", year=YEAR).state
    assert PASSWORD not in text
    assert PASSWORD not in state  # the publication records the collections' paths, never the credentials


def test_a_refused_password_is_502_and_no_server_409(database: str, users: dict[str, Any],
                                                     radicale: Radicale) -> None:
    from django.test import override_settings

    from liaison_web import models

    auth = bearer(users["admin"])
    with override_settings(LIAISON_CALDAV={"url": radicale.url, "user": USER, "password": "wrong"}):
        refused = publish(auth)
    assert refused.status_code == 502 and refused.json()["message_zh"], refused.content
    assert models.AuditEntry.objects.filter(action="publish-failed").exists()
    with override_settings(LIAISON_CALDAV={}):
        missing = publish(auth)
    assert missing.status_code == 409 and missing.json()["kind"] == "NotConfigured"
