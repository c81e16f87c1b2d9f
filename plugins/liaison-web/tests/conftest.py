"""Fixtures of the web plugin's tests: Django set up once for the session on its own SQLite file
(and PostgreSQL with ``LIAISON_TEST_POSTGRES``: web_db), the seed district stored and its 2027
planned in the database store, and users of each kind. Only this plugin loads (``LIAISON_PLUGINS=web``)."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from typing import Any

import pytest
import web_db
from web_db import CLERK_OF, OFFICER_OF, ROLES, YEAR


@pytest.fixture
def loaded_plugins() -> str:
    return "web"


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """A module saying ``ON_POSTGRES_TOO = True`` (the service's HTTP tests) runs each of its tests
    using ``database`` on SQLite and, when ``LIAISON_TEST_POSTGRES`` is set, on PostgreSQL."""
    if getattr(metafunc.module, "ON_POSTGRES_TOO", False) and "database" in metafunc.fixturenames:
        metafunc.parametrize("database", ["default", pytest.param(web_db.HTTP_ALIAS, marks=pytest.mark.skipif(
            not web_db.postgres_url(), reason="LIAISON_TEST_POSTGRES is not set (.ci/with-postgres sets it)"))],
            indirect=True)


@pytest.fixture
def database(request: pytest.FixtureRequest) -> Iterator[str]:
    """The session's SQLite database (or, parametrised ``postgres_http``, a PostgreSQL one serving as
    ``default``: web_db.serving), its years emptied, the seed district stored and its 2027 planned."""
    with web_db.serving(getattr(request, "param", "default")):
        yield from _database()


def _database() -> Iterator[str]:
    alias = web_db.fresh("default")
    from axes.utils import reset

    from liaison_web import models
    from liaison_web.bootstrap import load_version, seed_text
    from liaison_web.store import DatabaseStore
    from liaison_workspace import Workspace

    district = load_version(seed_text(), valid_from=dt.date(2026, 1, 1), file="<liaison>/data/seed.toml")
    Workspace(store=DatabaseStore()).update(district, YEAR)
    reset()  # no failed login of an earlier test counts towards a lockout
    # no calendar feed of an earlier test's either: the shared districts' bodies start with none (a
    # test listing a body's feed tokens sees its own), as their years start afresh
    models.FeedToken.objects.filter(district__code__in=SHARED).delete()
    yield alias


@pytest.fixture(autouse=True)
def _facts_dated_in_the_tests_year(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """The tests record the facts of 2027 (YEAR) while the clock says 2026: the service refuses a fact
    dated after today unless forced (liaison_web.api_records.not_yet), so in this process "today" is
    31 December of YEAR for that rule alone — except in a test asking for ``real_clock``, which tests
    the rule itself. (A `liaison serve` a test starts reads the real clock: its forms
    refuse a fact of its next year until their box is ticked.)"""
    if "real_clock" in request.fixturenames or "database" not in request.fixturenames:
        return
    web_db.setup()
    from liaison_web import api_records

    monkeypatch.setattr(api_records, "fact_day", lambda found: dt.date(YEAR, 12, 31))


@pytest.fixture
def real_clock() -> None:
    """The rule refusing facts dated after today reads the real clock in this test (see above)."""


@pytest.fixture
def users(database: str) -> Iterator[dict[str, Any]]:
    """An administrator of the seed district, a clerk of another district, and an inactive user
    (each made afresh: the names carry a counter), their memberships ended after the test
    (web_db.leave)."""
    from django.contrib.auth import get_user_model

    from liaison_web import models

    web_db.counter += 1
    n = web_db.counter
    made = get_user_model()._default_manager
    seed = models.District.objects.get(code="seed")
    other, _ = models.District.objects.get_or_create(code="donghu", defaults={"name": "东湖区"})
    admin = made.create_user(f"admin{n}", password="admin-password")
    models.Membership.objects.create(user=admin, district=seed, role="administrator")
    stranger = made.create_user(f"stranger{n}", password="stranger-password")
    models.Membership.objects.create(user=stranger, district=other, organisation="health", role="clerk")
    gone = made.create_user(f"gone{n}", password="gone-password", is_active=False)
    models.Membership.objects.create(user=gone, district=seed, role="administrator")
    yield {"admin": admin, "stranger": stranger, "gone": gone}
    web_db.leave(admin, stranger, gone)


@pytest.fixture
def two_districts(database: str) -> Iterator[dict[str, Any]]:
    """The seed district and another ("other", the seed's data under another id), both with a 2027,
    and a user of each role in the seed district (the city auditor in none), each with a token; their
    memberships ended after the test (web_db.leave)."""
    from django.contrib.auth import get_user_model

    from liaison_web import models
    from liaison_web.bootstrap import load_version, seed_text
    from liaison_web.store import DatabaseStore
    from liaison_web.tokens import make_token
    from liaison_workspace import Workspace

    text = seed_text()
    assert text.count('id = "seed"') == 1
    other = load_version(text.replace('id = "seed"', 'id = "other"'), valid_from=dt.date(2026, 1, 1),
                         file="other.toml")
    Workspace(store=DatabaseStore()).update(other, YEAR)
    seed = models.District.objects.get(code="seed")
    web_db.counter += 1
    tokens, made = {}, []
    for role in ROLES:
        user = get_user_model()._default_manager.create_user(f"{role}{web_db.counter}", password="x")
        organisation = {"clerk": CLERK_OF, "liaison_officer": OFFICER_OF}.get(role, "")
        models.Membership.objects.create(user=user, district=None if role == "city_auditor" else seed,
                                         organisation=organisation, role=role)
        tokens[role] = {"HTTP_AUTHORIZATION": f"Bearer {make_token(user.username, 'matrix', ('read', 'write'))}"}
        made.append(user)
    yield tokens
    web_db.leave(*made)


@pytest.fixture
def own_district(database: str, two_districts: dict[str, Any], tmp_path: Any) -> Iterator[dict[str, Any]]:
    """A district of the test's own (the seed's data under a fresh id: records are only ever added,
    so no test sees another's), its 2027 planned, a user of each role in it with a token, and a
    media root of the test's own. ``other`` is another district of the test's own, its 2027 planned
    too (the roles' tokens are not its; the ``superuser``'s token is every district's): what a test
    writes there is no other test's either. Both are retired after the test (web_db.retire): their
    years and data deleted, what is append-only kept."""
    from django.conf import settings
    from django.contrib.auth import get_user_model

    from liaison_web import models
    from liaison_web.bootstrap import load_version, seed_text
    from liaison_web.store import DatabaseStore
    from liaison_web.tokens import make_token
    from liaison_workspace import Workspace

    web_db.counter += 1
    code = f"rec{web_db.counter}"
    district = load_version(seed_text().replace('id = "seed"', f'id = "{code}"'), valid_from=dt.date(2026, 1, 1),
                            file=f"{code}.toml")
    Workspace(store=DatabaseStore()).update(district, YEAR)
    other = f"{code}-other"
    other_text = seed_text().replace('id = "seed"', f'id = "{other}"')
    Workspace(store=DatabaseStore()).update(load_version(other_text, valid_from=dt.date(2026, 1, 1),
                                                         file=f"{other}.toml"), YEAR)
    row = models.District.objects.get(code=code)
    tokens = {}
    for role in ROLES:
        user = get_user_model()._default_manager.create_user(f"{role}-{code}", password="x")
        organisation = {"clerk": CLERK_OF, "liaison_officer": OFFICER_OF}.get(role, "")
        models.Membership.objects.create(user=user, district=None if role == "city_auditor" else row,
                                         organisation=organisation, role=role)
        tokens[role] = {"HTTP_AUTHORIZATION": f"Bearer {make_token(user.username, 'records', ('read', 'write'))}"}
    root = get_user_model()._default_manager.create_superuser(f"root-{code}", password="x")
    tokens["superuser"] = {"HTTP_AUTHORIZATION": f"Bearer {make_token(root.username, 'records', ('read', 'write'))}"}
    media = tmp_path / "media"
    previous = settings.LIAISON_MEDIA_ROOT
    settings.LIAISON_MEDIA_ROOT = str(media)
    yield {"code": code, "other": other, "tokens": tokens, "media": media, "district": district}
    settings.LIAISON_MEDIA_ROOT = previous
    web_db.retire(code, other)  # no later test's first start plans them again (web_db.retire)


@pytest.fixture
def city(two_districts: dict[str, Any]) -> dict[str, Any]:
    """``two_districts`` with "other"'s meetings of the first half marked held and two letters in its
    state (one issued by the last export, one withdrawn), and a third district with no 2027 (the
    city's view: test_web_city, test_web_pages_city); ``districts``: every district the city holds
    (those other tests of the session made too, none with a year)."""
    import attrs

    from liaison.year.numbering import LetterRecord
    from liaison.year.reconcile import Change
    from liaison.year.store import Commit
    from liaison_web import models
    from liaison_web.bootstrap import district, load_version, seed_text
    from liaison_web.store import DatabaseStore
    from liaison_workspace import Workspace

    other = district("other")
    assert other is not None
    store = DatabaseStore()
    stored = store.load(other, YEAR)
    assert stored is not None
    held = [Change("held", e.id) for e in stored.state.engagements if e.date < dt.date(YEAR, 7, 1)]
    assert held
    outcome = Workspace(store=store).update(other, YEAR, held, force=True, as_of=dt.date(YEAR, 11, 30))
    state = store.load(other, YEAR)
    assert state is not None
    letter = LetterRecord(key="notice/x/y", kind="notice", series="区府办函", year=YEAR, serial=1,
                          doc_number=f"区府办函〔{YEAR}〕1号", date=dt.date(YEAR, 1, 5), digest="0" * 64,
                          path="通知/01.docx")
    letters = (letter, attrs.evolve(letter, key="notice/x/z", serial=2, doc_number=f"区府办函〔{YEAR}〕2号",
                                    active=False))
    store.save(other, YEAR, Commit(attrs.evolve(state.state, letters=letters)), expected=outcome.revision)
    load_version(seed_text().replace('id = "seed"', 'id = "third"'), valid_from=dt.date(2026, 1, 1),
                 file="third.toml")
    # the session's database keeps the districts other tests made (own_district's retired: no data, not counted)
    two_districts["districts"] = set(models.District.objects.filter(versions__isnull=False)
                                     .values_list("code", flat=True))
    return two_districts


# Playwright's synchronous API keeps an event loop running on the main thread from the first browser
# test to the end of the session (pytest-playwright's fixtures are per session); Django, seeing it,
# would refuse every later database query in the same thread as if it came from async code. The tests
# call Django only synchronously, so its guard is switched off for the test process (Django's own
# setting for this case); the service itself never runs under an event loop.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    """pytest-playwright's browser is Debian's Chromium (the browser tests, test_web_browser)."""
    from web_browser import chromium

    return {**browser_type_launch_args, "executable_path": chromium()}


@pytest.fixture(scope="module")
def browser_plugins() -> str:
    """The plugins the browser tests' server loads (a module needing more overrides it)."""
    return "web"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, browser_plugins: str) -> Iterator[Any]:
    """A `liaison serve` of the browser test module's own, with a clerk and a liaison officer
    (:func:`web_browser.serve`), stopped by its process id after the module's tests."""
    from web_browser import serve

    yield from serve(tmp_path_factory.mktemp("serve"), browser_plugins)
#: Run in a `liaison serve` folder before it starts (city_server): three more districts (the seed's
#: data under other ids; the server plans their years as it starts) and a city auditor.
CITY_SETUP = """
import datetime as dt, json, sys
from liaison_web.settings import configure
configure("sqlite:///liaison.sqlite3")
from django.contrib.auth import get_user_model
from liaison_web import models
from liaison_web.bootstrap import load_version, seed_text
password = sys.argv[1]
for code in ("north", "south", "east"):
    load_version(seed_text().replace('id = "seed"', f'id = "{code}"', 1), valid_from=dt.date(2026, 1, 1),
                 file=f"{code}.toml")
user = get_user_model()._default_manager.create_user("city", password=password)
models.Membership.objects.create(user=user, district=None, role="city_auditor")
print(json.dumps(sorted(models.District.objects.filter(versions__isnull=False).distinct()
                        .values_list("code", flat=True))))
"""


@pytest.fixture(scope="module")
def city_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """A `liaison serve` on 127.0.0.1 (a temporary SQLite database) holding four districts — the
    seed and three more, each with its next year planned by the server — and a city auditor ``city``:
    ``base``, ``year``, ``districts`` (their ids, as the database holds them), ``password``."""
    import json

    from web_browser import running

    password = "city-password"
    for base, year, printed in running(tmp_path_factory.mktemp("city-serve"), "web", CITY_SETUP, password):
        yield {"base": base, "year": year, "districts": json.loads(printed), "password": password}


@pytest.fixture
def small_uploads(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The upload limit lowered to 1 KB; the list counts the multipart bodies Django parsed meanwhile
    (an upload refused by its length must be refused before its body is read: the list stays empty)."""
    from django.conf import settings
    from django.http import multipartparser

    monkeypatch.setattr(settings, "LIAISON_MAX_UPLOAD_BYTES", 1024)
    parsed: list[int] = []
    parse = multipartparser.MultiPartParser.parse

    def counted(self: Any) -> Any:
        parsed.append(1)
        return parse(self)

    monkeypatch.setattr(multipartparser.MultiPartParser, "parse", counted)
    return parsed


#: The districts every test of the session shares (the ``database`` fixture's seed, ``two_districts``'s
#: other): what a test leaves in them that the next test's fresh year does not take away.
SHARED = ("seed", "other")


def _shared_facts() -> dict[str, int]:
    """What is kept in the shared districts across tests: records, evidence files and their
    withdrawals are only ever added, a district's versions (an amendment) and active webhooks stay;
    the year store is emptied before each test (``web_db.fresh``) and the feed tokens removed
    (:func:`_database`), the audit log is only read by district, engagement or body."""
    from liaison_web import models

    where = {"district__code__in": SHARED}
    return {"records": models.Record.objects.filter(**where).count(),
            "evidence": models.Evidence.objects.filter(**where).count(),
            "withdrawals": models.EvidenceWithdrawal.objects.filter(evidence__district__code__in=SHARED).count(),
            # beyond each district's first, which the fixtures load (two_districts "other", when first asked)
            "versions": models.DistrictVersion.objects.filter(**where).count() - models.District.objects.filter(
                code__in=SHARED, versions__isnull=False).distinct().count(),
            "webhooks": models.Webhook.objects.filter(**where, active=True).count()}


_facts_before: dict[str, int] | None = None


@pytest.fixture(autouse=True)
def _leaves_the_shared_districts_as_it_found_them(request: pytest.FixtureRequest) -> Iterator[None]:
    """Issue #25 (c): a test that adds records, evidence, versions or webhooks to the shared districts
    makes later tests' answers depend on the order they run in (the transfer's round trip, the
    command's and the service's agreement); such a test must use a district of its own
    (``own_district``). Checked after every test against what the session's database held after the
    last one (on SQLite, the session's own file)."""
    global _facts_before
    yield
    if not web_db.setup.cache_info().currsize:
        return  # Django not set up yet: nothing of the service ran
    now = _shared_facts()
    before, _facts_before = _facts_before, now
    if before is None:  # the first test that set Django up: the database held the first versions then
        before = dict.fromkeys(now, 0)
    grew = {k: f"{before[k]} → {now[k]}" for k in now if now[k] > before[k]}
    if grew:
        pytest.fail(f"{request.node.nodeid} left {grew} in the shared districts {SHARED}: give it a district "
                    "of its own (own_district)", pytrace=False)
