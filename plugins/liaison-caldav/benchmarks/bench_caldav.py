"""Benchmark: publishing the seed district's year to a local Radicale, against a naive push.

Run:  python plugins/liaison-caldav/benchmarks/bench_caldav.py [--year 2027] [--repeats 3] [--size 10]

``--size k`` publishes the seed with its departments, party branches and ICF replicated k times
(``benchmarks/bench_scale.py``'s ``replicated``; 1, the default, is the seed itself).

Starts Radicale on 127.0.0.1 (tests/caldav_radicale.py: a temporary folder, htpasswd, stopped by its
pid), then for each scenario the publisher, a digest-keeping client and a naive push, interleaved
round by round (a fresh account each for each first publication); medians over the rounds:

* ``first publish``: the publisher on an empty account (discovery, MKCALENDAR + display name per
  calendar, one PUT per event and calendar) against a naive push doing the same creation and PUTs.
* ``after one move``: one engagement moved (revised, SEQUENCE 1); the publisher sends one PUT per
  calendar holding it, the naive push PUTs every event of every calendar again.
* ``nothing changed``: the publisher writes nothing (0 writes, 1 read: one PROPFIND checking the
  account), the naive push PUTs everything.
* ``first, recorded``: the first publication as ``liaison publish`` makes it, the writes the server
  acknowledges recorded in the year's state file (``Workspace.publishing``) in batches (issue #23:
  ``liaison_caldav.session.SAVE_EVERY``): what recording as it goes costs over the first row.
* ``first, each write``: the same with a record after every acknowledged write (``SAVE_EVERY`` and
  ``SAVE_SHARE`` 0: how the publisher recorded before issue #23), one save of the whole state each.

The digest-keeping client is the fair anchor: what any client that remembers a digest of each
resource it sent does — PUT only the resources whose bytes changed since, unconditionally, and nothing
at all when nothing changed (it does not check the account, so a wrong password or a server that
lost its data goes unnoticed; the publisher's one PROPFIND is that check).  The naive push PUTs
every event of every calendar again.  Both use the same HTTP client and server as the publisher, so
the difference is what is sent, not how.  Requests are counted by the client and checked against
the server's log.  Informative: no budget, nothing asserted beyond the request counts the design promises.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))
sys.path.insert(0, str(HERE.parents[2] / "benchmarks"))  # bench_scale's replicated district

import caldav_radicale  # noqa: E402
from liaison_workspace import Commit, Workspace  # noqa: E402

import liaison  # noqa: E402
import liaison_caldav.session  # noqa: E402
from liaison.host.publishing import PublishRequest  # noqa: E402
from liaison.law.district import District  # noqa: E402
from liaison.year.engagements import Plan, revise  # noqa: E402
from liaison.year.planner import plan_year  # noqa: E402
from liaison.year.publications import Publication  # noqa: E402
from liaison.year.state import YearState  # noqa: E402
from liaison_caldav import collection_slug, publish, resource_name  # noqa: E402
from liaison_caldav.dav import Server  # noqa: E402
from liaison_ical import PlanResources, calendar_resources  # noqa: E402

Outcome = tuple[int, float]  # requests, seconds


def naive_push(url: str, user: str, resources: PlanResources, create: bool) -> Outcome:
    """Every event of every calendar PUT again, unconditionally (collections made first if asked)."""
    started = time.perf_counter()
    server = Server(url, user, caldav_radicale.PASSWORD, timeout=30)
    home = f"{url}{user}/"
    if create:
        home = server.calendar_home()
    for calendar in resources.calendars:
        slug = collection_slug(resources.district, resources.label, calendar.key)
        collection = server.make_calendar(home, slug, calendar.name) if create else f"{home}{slug}/"
        for resource in calendar.resources:
            answer = server.put(collection + resource_name(resource.uid), resource.data)
            assert answer.status in (201, 204), answer
    server.close()
    return server.requests, time.perf_counter() - started


def digest_push(url: str, user: str, resources: PlanResources, sent: dict[str, str], create: bool) -> Outcome:
    """Only what changed since the digests in ``sent`` (href → sha256 of the bytes last PUT), which it
    updates; collections made first if asked."""
    started = time.perf_counter()
    server = Server(url, user, caldav_radicale.PASSWORD, timeout=30)
    home = server.calendar_home() if create else f"{url}{user}/"
    for calendar in resources.calendars:
        slug = collection_slug(resources.district, resources.label, calendar.key)
        collection = server.make_calendar(home, slug, calendar.name) if create else f"{home}{slug}/"
        for resource in calendar.resources:
            href = collection + resource_name(resource.uid)
            digest = hashlib.sha256(resource.data).hexdigest()
            if sent.get(href) != digest:
                answer = server.put(href, resource.data)
                assert answer.status in (201, 204), answer
                sent[href] = digest
    server.close()
    return server.requests, time.perf_counter() - started


def ours(district: District, plan: Plan, previous: Publication | None, url: str, user: str,
         writes: int | None = None, record: Callable[[Publication], None] | None = None
         ) -> tuple[Outcome, Publication]:
    started = time.perf_counter()
    result = publish(PublishRequest(district, plan, previous,
                                    {"url": url, "user": user, "password": caldav_radicale.PASSWORD},
                                    record=record))
    seconds = time.perf_counter() - started
    assert result.conflicts == (), result.conflicts
    assert writes is None or result.writes == writes, (result.writes, writes)
    return (result.requests, seconds), result.publication


def median(runs: list[Outcome]) -> Outcome:
    requests = {r for r, _ in runs}
    assert len(requests) == 1, runs  # the same work every time
    return runs[0][0], statistics.median(s for _, s in runs)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--year", type=int, default=2027)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--size", type=int, default=1,
                        help="the seed's departments, branches and ICF replicated k times (default 1)")
    args = parser.parse_args()

    if args.size == 1:
        district = liaison.seed_district()
    else:
        from bench_scale import replicated

        district = replicated(args.size)
    plan = plan_year(district, args.year)
    target = plan.engagements[len(plan.engagements) // 2]
    moved = revise(plan, plan.move(target.id, target.date + dt.timedelta(days=1)))
    before, after = calendar_resources(district, plan), calendar_resources(district, moved)
    events = sum(len(c.resources) for c in before.calendars)
    holding = sum(1 for c in after.calendars if any(r.sequence == 1 for r in c.resources))

    users = iter(caldav_radicale.USERS)
    rows: dict[str, tuple[Outcome, Outcome, Outcome]] = {}
    with tempfile.TemporaryDirectory() as folder:
        server = caldav_radicale.start(Path(folder))
        url = server.url
        try:
            first_ours: list[Outcome] = []
            first_naive: list[Outcome] = []
            move_ours: list[Outcome] = []
            move_naive: list[Outcome] = []
            same_ours: list[Outcome] = []
            same_naive: list[Outcome] = []
            recorded_runs: list[Outcome] = []
            each_runs: list[Outcome] = []
            first_digest: list[Outcome] = []
            move_digest: list[Outcome] = []
            same_digest: list[Outcome] = []
            for _ in range(args.repeats):
                user = next(users)
                mark = len(server.requests_seen())
                outcome, publication = ours(district, plan, None, url, user)
                assert outcome[0] == len(server.requests_seen()) - mark  # the server saw exactly these
                first_ours.append(outcome)
                naive_user = next(users)
                first_naive.append(naive_push(url, naive_user, before, create=True))
                digest_user, sent = next(users), {}
                first_digest.append(digest_push(url, digest_user, before, sent, create=True))

                outcome, moved_publication = ours(district, moved, publication, url, user)
                assert outcome[0] == holding, (outcome, holding)
                move_ours.append(outcome)
                move_naive.append(naive_push(url, naive_user, after, create=False))
                move_digest.append(digest_push(url, digest_user, after, sent, create=False))

                mark = len(server.requests_seen())
                outcome, _ = ours(district, moved, moved_publication, url, user, writes=0)
                assert outcome[0] == 1  # 0 writes, 1 read: the account checked
                assert [m for m, _ in server.requests_seen()[mark:]] == ["PROPFIND"]
                same_ours.append(outcome)
                same_naive.append(naive_push(url, naive_user, after, create=False))
                same_digest.append(digest_push(url, digest_user, after, sent, create=False))
                # as the command publishes: the acknowledged writes recorded in the year's state file,
                # in batches; then a record after each write, as before issue #23
                recorded_runs.append(recorded(district, plan, args.year, url, next(users)))
                each_runs.append(recorded(district, plan, args.year, url, next(users), each=True))
            rows["first publish"] = (median(first_ours), median(first_digest), median(first_naive))
            rows["first, recorded"] = (median(recorded_runs), median(first_digest), median(first_naive))
            rows["first, each write"] = (median(each_runs), median(first_digest), median(first_naive))
            rows["after one move"] = (median(move_ours), median(move_digest), median(move_naive))
            rows["nothing changed"] = (median(same_ours), median(same_digest), median(same_naive))
        finally:
            caldav_radicale.stop(server)

    size = "seed" if args.size == 1 else f"seed ×{args.size}"
    print(f"{size} district {args.year}: {len(plan.engagements)} engagements, "
          f"{len(before.calendars)} calendars, {events} event resources; "
          f"the moved engagement is in {holding} calendars "
          f"(Radicale {radicale_version()}, medians of {args.repeats} interleaved rounds)")
    print(f"{'':18}{'publisher':>22}{'digest client':>24}{'naive push':>24}{'digest / publisher':>24}"
          f"{'naive / publisher':>24}")
    print(f"{'':18}" + f"{'requests':>11}{'seconds':>11}" + f"{'requests':>13}{'seconds':>11}" * 2
          + f"{'requests':>13}{'seconds':>11}" * 2)
    for name, ((r_ours, s_ours), (r_digest, s_digest), (r_naive, s_naive)) in rows.items():
        print(f"{name:18}{r_ours:>11}{s_ours:>11.3f}{r_digest:>13}{s_digest:>11.3f}{r_naive:>13}{s_naive:>11.3f}"
              f"{ratio(r_digest, r_ours):>13}{ratio(s_digest, s_ours):>11}"
              f"{ratio(r_naive, r_ours):>13}{ratio(s_naive, s_ours):>11}")
    return 0


def recorded(district: District, plan: Plan, year: int, url: str, user: str, *,
             each: bool = False) -> Outcome:
    """The first publication recorded in a fresh workspace's state file as the command does;
    ``each``: a record after every acknowledged write."""
    every, share = liaison_caldav.session.SAVE_EVERY, liaison_caldav.session.SAVE_SHARE
    if each:
        liaison_caldav.session.SAVE_EVERY = liaison_caldav.session.SAVE_SHARE = 0.0
    try:
        with tempfile.TemporaryDirectory() as out:
            workspace = Workspace(out)
            workspace.store.save(district, year, Commit(YearState.of(plan)), expected=None)
            with workspace.publishing(district, year) as (_, record):
                return ours(district, plan, None, url, user, record=record)[0]
    finally:
        liaison_caldav.session.SAVE_EVERY, liaison_caldav.session.SAVE_SHARE = every, share


def ratio(naive: float, ours: float) -> str:
    return "∞" if ours == 0 else f"{naive / ours:.2f}×"


def radicale_version() -> str:
    from importlib.metadata import version

    return version("radicale")


if __name__ == "__main__":
    sys.exit(main())
