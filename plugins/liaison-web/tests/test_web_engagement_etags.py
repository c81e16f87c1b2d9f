"""An engagement's own ETag (liaison_web.etags): clients changing different engagements of one year
do not refuse each other; two changing the same one — the second gets 412 with the engagement as it
is now. Against a live `liaison serve` with concurrent threads (SQLite and PostgreSQL): no lost
update (every change saved was made on the engagement exactly as its client read it), no change
applied twice (one audit entry per 200), a 412 only when the engagement had changed. In-process: a
stateful test of If-Match with the engagement's tag or the plan's (a revision), against a model
that reads what the engagement is."""

from __future__ import annotations

import datetime as dt
import json
import threading
import urllib.request
from pathlib import Path
from typing import Any, ClassVar

import pytest
import web_db
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule
from web_serve import ADMIN_PASSWORD, address, api_token, get, post, start, stop, wait_healthy

#: The in-process tests on SQLite and, under .ci/with-postgres, on PostgreSQL (conftest.pytest_generate_tests).
ON_POSTGRES_TOO = True

BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.skipif(
    not web_db.postgres_url(), reason="LIAISON_TEST_POSTGRES is not set (.ci/with-postgres sets it)"))]

OWN = 6  # clients, each moving an engagement of its own
SHARED = 3  # clients moving one engagement together
MOVES = 5  # changes each client makes


class Mover:
    """One client: reads its engagement, moves it to the other of two days with If-Match; on 412
    it takes the answer's engagement and ETag (no second read) and tries again. What it saw and
    what it was answered are kept for the checks."""

    def __init__(self, base: str, auth: dict[str, str], year: int, engagement: dict[str, Any], days: tuple[str, str]):
        self.url = f"{base}/api/v1/districts/seed/years/{year}/engagements/{engagement['id']}"
        self.auth, self.days = auth, days
        self.opener = urllib.request.build_opener()
        self.opener.addheaders = list(auth.items())
        self.saved: list[tuple[dict[str, Any], dict[str, Any]]] = []  # (as read, as answered) per 200
        self.refused: list[tuple[dict[str, Any], dict[str, Any]]] = []  # (as read, as the 412 had it)
        self.failure: str | None = None

    def run(self, ready: threading.Barrier) -> None:
        try:
            status, headers, body = get(self.opener, self.url)
            assert status == 200, body[:300]
            ready.wait()
            seen, tag = json.loads(body), str(headers["ETag"])
            for turn in range(MOVES):
                while True:
                    day = self.days[turn % 2] if seen["date"] != self.days[turn % 2] else self.days[(turn + 1) % 2]
                    status, headers, body = post(urllib.request.build_opener(), f"{self.url}/move",
                                                 json.dumps({"date": day, "force": True}).encode(),
                                                 {**self.auth, "If-Match": tag, "Content-Type": "application/json"})
                    answer = json.loads(body)
                    if status == 200:
                        self.saved.append((seen, answer))
                        seen, tag = answer, str(headers["ETag"])
                        break
                    assert status == 412, body[:300]
                    self.refused.append((seen, answer["engagement"]))
                    seen, tag = answer["engagement"], str(headers["ETag"])
        except BaseException as exc:  # reported by the test's thread
            self.failure = repr(exc)


def _days(engagement: dict[str, Any], year: int) -> tuple[str, str]:
    """Its own day and the same weekday a week away, inside the year."""
    day = dt.date.fromisoformat(engagement["date"])
    other = day + dt.timedelta(days=7)
    return day.isoformat(), (other if other.year == year else day - dt.timedelta(days=7)).isoformat()


@pytest.mark.parametrize("backend", BACKENDS)
def test_concurrent_writers_of_different_engagements_all_succeed_and_of_one_never_lose_a_change(
        tmp_path: Path, backend: str) -> None:
    env = {"LIAISON_ADMIN_PASSWORD": ADMIN_PASSWORD}
    if backend == "postgres":
        env["DATABASE_URL"] = str(web_db.postgres_url())
    process, lines = start(tmp_path, "--threads", "8", env=env)
    try:
        base = address(lines)
        wait_healthy(base)
        auth = {"Authorization": f"Bearer {api_token(tmp_path, env, 'etags')}"}
        year = dt.date.today().year + 1  # planned at each start (on PostgreSQL perhaps changed by another test)
        opener = urllib.request.build_opener()
        opener.addheaders = list(auth.items())
        status, _, body = get(opener, f"{base}/api/v1/districts/seed/years/{year}/plan")
        assert status == 200
        engagements = json.loads(body)["engagements"]
        chosen = engagements[: OWN + 1]
        movers = [Mover(base, auth, year, e, _days(e, year)) for e in chosen[:OWN]]
        shared = chosen[OWN]
        movers += [Mover(base, auth, year, shared, _days(shared, year)) for _ in range(SHARED)]
        ready = threading.Barrier(len(movers))
        threads = [threading.Thread(target=m.run, args=(ready,)) for m in movers]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(300)
        assert [m.failure for m in movers] == [None] * len(movers)

        for engagement in chosen:
            mine = [m for m in movers if m.url.endswith(f"/engagements/{engagement['id']}")]
            saved = [pair for m in mine for pair in m.saved]
            assert len(saved) == MOVES * len(mine)  # every client made all its changes
            # a 412 only when the engagement was no longer what its client had read
            assert all(seen != now for m in mine for seen, now in m.refused)
            status, _, body = get(opener, f"{mine[0].url}/audit")
            assert status == 200
            entries = [e for e in json.loads(body) if e["action"] == "move"]
            # no change applied twice or lost: one entry per 200, each made on the engagement exactly as
            # its client read it (the entry's before) and leaving what its client was answered
            assert sorted(json.dumps([e["before"], e["after"]], sort_keys=True) for e in entries) == sorted(
                json.dumps([seen, answered], sort_keys=True) for seen, answered in saved)
            status, _, body = get(opener, mine[0].url)
            assert json.loads(body)["date"] == entries[-1]["after"]["date"]  # the last change saved is what stays
        # the clients of the shared engagement refused one another: their changes were one after another
        assert sum(len(m.refused) for m in movers[OWN:]) >= 1
        # those of their own engagements were not refused for each other's changes (a 412 there only
        # for a move that re-placed their engagement, checked above)
        own_refused = sum(len(m.refused) for m in movers[:OWN])
        assert own_refused <= sum(len(m.saved) for m in movers) // 4, own_refused
    finally:
        stop(process)


# -- in-process: If-Match with the engagement's tag or the plan's, against a model ----------------------
HEALTH, VISIT = f"{web_db.YEAR}/joint_meeting/health", f"{web_db.YEAR}/joint_meeting/construction"
BASE = f"/api/v1/districts/seed/years/{web_db.YEAR}"
DAYS = (f"{web_db.YEAR}-09-07", f"{web_db.YEAR}-09-14", f"{web_db.YEAR}-09-21")


def _client() -> Any:
    from django.test import Client

    return Client()


class IfMatch(RuleBasedStateMachine):
    """Two clients, two engagements. A client keeps what it read — an engagement (its JSON and ETag)
    or the whole plan (its ETag, the year's revision, and the engagement as the plan showed it) —
    and moves with that ETag. The model: the move is taken (200) exactly when the engagement is now
    what the client read, refused (412, with the engagement as it is now) otherwise; a 412 changes
    nothing."""

    auth: ClassVar[dict[str, str]] = {}

    @initialize()
    def begin(self) -> None:
        self.kept: dict[tuple[int, str], tuple[dict[str, Any], str]] = {}

    def _now(self, engagement: str) -> dict[str, Any]:
        answer = _client().get(f"{BASE}/engagements/{engagement}", **self.auth)
        assert answer.status_code == 200
        return dict(answer.json())

    @rule(who=st.integers(0, 1), engagement=st.sampled_from([HEALTH, VISIT]))
    def read_engagement(self, who: int, engagement: str) -> None:
        answer = _client().get(f"{BASE}/engagements/{engagement}", **self.auth)
        self.kept[(who, engagement)] = (answer.json(), answer["ETag"])

    @rule(who=st.integers(0, 1))
    def read_plan(self, who: int) -> None:
        answer = _client().get(f"{BASE}/plan", **self.auth)
        for engagement in (HEALTH, VISIT):
            shown = next(e for e in answer.json()["engagements"] if e["id"] == engagement)
            self.kept[(who, engagement)] = (shown, answer["ETag"])

    @rule(who=st.integers(0, 1), engagement=st.sampled_from([HEALTH, VISIT]), day=st.sampled_from(DAYS))
    def move(self, who: int, engagement: str, day: str) -> None:
        if (who, engagement) not in self.kept:
            return
        seen, tag = self.kept[(who, engagement)]
        before, other = self._now(engagement), self._now(VISIT if engagement == HEALTH else HEALTH)
        answer = _client().post(f"{BASE}/engagements/{engagement}/move", data=json.dumps({"date": day, "force": True}),
                                content_type="application/json", HTTP_IF_MATCH=tag, **self.auth)
        if seen == before:
            assert answer.status_code == 200, answer.content
            assert answer.json()["date"] == day
            self.kept[(who, engagement)] = (answer.json(), answer["ETag"])
        else:
            assert answer.status_code == 412, answer.content
            assert answer.json()["engagement"] == before and self._now(engagement) == before
            assert self._now(VISIT if engagement == HEALTH else HEALTH) == other

    @invariant()
    def etag_names_the_answer(self) -> None:
        from liaison_web.etags import engagement_tag

        answer = _client().get(f"{BASE}/engagements/{HEALTH}", **self.auth)
        assert answer["ETag"] == f'"{engagement_tag(answer.content)}"'


def test_if_match_takes_the_engagements_tag_or_a_revision_at_which_it_was_as_it_is(
        database: str, users: dict[str, Any]) -> None:
    from liaison_web.tokens import make_token

    IfMatch.auth = {"HTTP_AUTHORIZATION": f"Bearer {make_token(users['admin'].username, 'test', ('read', 'write'))}"}
    IfMatch.TestCase.settings = settings(max_examples=12, stateful_step_count=12, deadline=None,
                                         suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                HealthCheck.too_slow])
    IfMatch.TestCase().runTest()
