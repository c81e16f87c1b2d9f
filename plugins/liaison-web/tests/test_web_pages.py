"""The pages (issue #26) through Django's test client: every address needs a login; my year lists
the body's engagements and the to-do list the API's function gives; the engagement page changes
through the API's change (its audit entry, its 412, the library's holiday warning in the page's
language); another body's engagement is a 403 page, another district's a 404; a form without its
CSRF token is refused; the language switch stays on this site. The same pages in Chromium:
test_web_browser."""

from __future__ import annotations

import datetime as dt
import html
import re
from typing import Any
from urllib.parse import quote

import pytest
from web_db import CLERK_OF, OFFICER_OF, YEAR

from liaison.formats.district import seed_district

CJK = re.compile(r"[\u4e00-\u9fff]")


def browser(user: Any = None, *, csrf: bool = False) -> Any:
    from django.test import Client

    made = Client(enforce_csrf_checks=csrf)
    if user is not None:
        made.force_login(user)
    return made


def page_of(engagement: str) -> str:
    return f"/engagement/seed/{YEAR}/{quote(engagement)}/"


def plan() -> Any:
    from liaison_web.store import DatabaseStore

    found = DatabaseStore().load(seed_district(), YEAR)
    assert found is not None
    return found.state.plan


def revision() -> str:
    from liaison_web.store import DatabaseStore

    found = DatabaseStore().current(seed_district(), YEAR)
    assert found is not None
    return found


def status_of(engagement: str) -> str:
    return str(next(e for e in plan().engagements if e.id == engagement).status.value)


def hosted(organisation: str) -> list[str]:
    return [e.id for e in plan().engagements if e.host == organisation]


@pytest.fixture
def people(users: dict[str, Any]) -> dict[str, Any]:
    """The fixture's administrator and the other district's clerk, with a clerk of a department and
    a party branch's liaison officer of the seed district."""
    import web_db
    from django.contrib.auth import get_user_model

    from liaison_web import models

    seed = models.District.objects.get(code="seed")
    made = dict(users)
    for role, organisation in (("clerk", CLERK_OF), ("liaison_officer", OFFICER_OF)):
        user = get_user_model()._default_manager.create_user(f"page-{role}{web_db.counter}", password="x")
        models.Membership.objects.create(user=user, district=seed, organisation=organisation, role=role)
        made[role] = user
    return made


def test_every_address_outside_the_api_sends_a_logged_out_caller_to_the_login_page(database: str) -> None:
    one = hosted(CLERK_OF)[0]
    for path in ("/", f"/year/seed/{YEAR}/", page_of(one), "/provision/seed/anything/", "/no/such/page/",
                 f"/year/seed/{YEAR}/?on={YEAR}-03-01"):
        response = browser().get(path)
        assert response.status_code == 302, path
        assert response["Location"] == "/login/?next=" + quote(path, safe="/"), (path, response["Location"])
    assert browser().post(page_of(one), {"action": "confirm", "revision": revision()}).status_code == 302
    assert status_of(one) == "proposed"
    # the API keeps answering programs in its own shape; the login page is open
    assert browser().get("/api/v1/districts").status_code == 401
    assert browser().get("/login/").status_code == 200


def test_the_login_page_logs_in_tells_a_wrong_password_and_goes_to_my_year(people: dict[str, Any]) -> None:
    visitor = browser()
    page = visitor.get("/login/").content.decode()
    assert 'name="csrfmiddlewaretoken"' in page and '<html lang="zh-CN">' in page
    wrong = visitor.post("/login/", {"username": people["clerk"].username, "password": "wrong"})
    assert wrong.status_code == 200 and 'data-kind="NotAuthenticated"' in wrong.content.decode()
    done = visitor.post("/login/", {"username": people["clerk"].username, "password": "x"})
    assert done.status_code == 302 and done["Location"] == "/"
    today = dt.date.today().year  # the district's time zone is a day off at most: either year is the current one
    assert re.fullmatch(r"/year/seed/\d{4}/", visitor.get("/")["Location"])
    assert abs(int(visitor.get("/")["Location"].split("/")[3]) - today) <= 1


def test_my_year_lists_the_bodys_engagements_and_the_apis_due_list(people: dict[str, Any]) -> None:
    clerk = browser(people["clerk"])
    day = dt.date(YEAR, 3, 10)
    page = clerk.get(f"/year/seed/{YEAR}/?on={day}").content.decode()
    listed = re.findall(r'<li class="engagement status-\w+" data-id="([^"]+)"', page)
    assert sorted(listed) == sorted(hosted(CLERK_OF)) and listed  # the department's own, every one
    # the month grid: a linked day for each day with an engagement, the days off grey with the holiday's name
    from liaison.host.plugins import working_day_calendar

    days = {e.date.isoformat() for e in plan().engagements if e.id in listed}
    assert set(re.findall(r'<td class="[^"]*has"[^>]*data-day="([\d-]+)"', page)) == days
    assert all(f'href="#d-{d}"' in page and f'id="d-{d}"' in page for d in days)
    calendar = working_day_calendar()
    off = {d for d in re.findall(r'<td class="off[^"]*"[^>]*data-day="([\d-]+)"', page)}
    year = [dt.date(YEAR, 1, 1) + dt.timedelta(n) for n in range((dt.date(YEAR + 1, 1, 1) - dt.date(YEAR, 1, 1)).days)]
    assert off == {d.isoformat() for d in year if not calendar.is_working_day(d)}
    holiday = next(d for d in sorted(off) if calendar.holiday(dt.date.fromisoformat(d)))
    label = calendar.holiday(dt.date.fromisoformat(holiday)).label("zh")  # type: ignore[union-attr]
    assert f'title="{label}" data-day="{holiday}"' in page
    # the to-do list: the API's (liaison.year.due through liaison_web.service.due), this week and this month
    due = clerk.get(f"/api/v1/districts/seed/organisations/{CLERK_OF}/due?as_of={day}").json()
    month_end = dt.date(YEAR, 3, 31)
    expected = sorted(i["due"] for i in due["items"] if dt.date.fromisoformat(i["due"]) <= month_end)
    shown = sorted(re.findall(r'data-due="([\d-]+)"', page))
    assert shown == expected and shown, (shown, expected)
    week, month = page.split("<h3>本周</h3>")[1].split("<h3>本月</h3>")
    week_end = dt.date(YEAR, 3, 14)
    assert all(dt.date.fromisoformat(d) <= week_end for d in re.findall(r'data-due="([\d-]+)"', week))
    month = month.split("</section>")[0]
    assert all(dt.date.fromisoformat(d) > week_end for d in re.findall(r'data-due="([\d-]+)"', month))
    # one click from an item to its provision's text in force that day
    item = next(i for i in due["items"] if i["provision"])
    link = f'/provision/seed/{quote(item["provision"])}/?on={day}'
    assert link in page
    text = clerk.get(link).content.decode()
    assert item["provision_text_zh"].splitlines()[0][:20] in text


def test_a_district_wide_role_chooses_the_body(people: dict[str, Any]) -> None:
    admin = browser(people["admin"])
    whole = admin.get(f"/year/seed/{YEAR}/").content.decode()
    assert len(re.findall(r'data-id="', whole)) == len(plan().engagements)
    one = admin.get(f"/year/seed/{YEAR}/?body={OFFICER_OF}&on={YEAR}-03-10").content.decode()
    attended = [e.id for e in plan().engagements if OFFICER_OF in e.participants or e.host == OFFICER_OF]
    assert sorted(re.findall(r'data-id="([^"]+)"', one)) == sorted(attended)
    assert browser(people["clerk"]).get(f"/year/seed/{YEAR}/?body={OFFICER_OF}").status_code == 403


def test_a_change_on_the_page_is_the_apis_with_its_audit_entry(people: dict[str, Any]) -> None:
    from liaison_web import models

    one = hosted(CLERK_OF)[0]
    clerk = browser(people["clerk"])
    done = clerk.post(page_of(one), {"action": "confirm", "revision": revision()})
    assert done.status_code == 302 and done["Location"] == page_of(one)
    assert status_of(one) == "agreed"
    entry = models.AuditEntry.objects.filter(object_id=one).latest("pk")
    assert entry.action == "confirm" and entry.actor == people["clerk"].username
    assert entry.before["status"] == "proposed" and entry.after["status"] == "agreed"
    page = clerk.get(page_of(one)).content.decode()
    assert "已保存" in page and people["clerk"].username in page.split('id="history-title"')[1]

    reason = "the bureau's leaders are away"
    assert clerk.post(page_of(one), {"action": "cancel", "revision": revision(), "reason": ""}).status_code == 422
    assert status_of(one) == "agreed"
    refused = clerk.post(page_of(one), {"action": "move", "revision": revision(), "date": f"{YEAR}-06-02"})
    assert refused.status_code == 409 and 'class="problem" role="alert"' in refused.content.decode()  # needs force
    assert status_of(one) == "agreed"
    clerk.post(page_of(one), {"action": "cancel", "revision": revision(), "reason": reason})
    assert status_of(one) == "cancelled"
    history = html.unescape(clerk.get(page_of(one)).content.decode()).split('id="history-title"')[1]
    assert reason in history and "已取消" in history


def test_a_move_onto_a_holiday_shows_the_librarys_warning_in_the_pages_language(people: dict[str, Any]) -> None:
    from liaison.host.plugins import working_day_calendar
    from liaison.law.workdays import HolidayKind

    calendar = working_day_calendar()
    day = next(d for d in (dt.date(YEAR, 1, 1) + dt.timedelta(n) for n in range(365))
               if (h := calendar.holiday(d)) and h.kind == HolidayKind.STATUTORY and not calendar.is_working_day(d))
    holiday = calendar.holiday(day)
    assert holiday is not None
    one = hosted(CLERK_OF)[1]
    clerk = browser(people["clerk"])
    assert clerk.post(page_of(one), {"action": "move", "revision": revision(), "date": day.isoformat(),
                                     "start": "10:00"}).status_code == 302
    moved = next(e for e in plan().engagements if e.id == one)
    assert (moved.date, moved.start, moved.status.value) == (day, dt.time(10, 0), "agreed")
    page = clerk.get(page_of(one)).content.decode()
    warning = re.search(r'<div class="warning"[^>]*><p>(.*?)</p>', page, re.S)
    assert warning and holiday.label("zh") in warning.group(1) and day.isoformat() in warning.group(1)
    clerk.cookies["liaison_lang"] = "en"
    english = html.unescape(clerk.get(page_of(one)).content.decode())
    assert '<html lang="en">' in english and holiday.label("en") in english
    warning = re.search(r'<div class="warning"[^>]*><p>(.*?)</p>', english, re.S)
    assert warning and not CJK.search(warning.group(1).split("（")[0])
    # a day that is not one: the library's words, nothing saved
    bad = clerk.post(page_of(one), {"action": "move", "revision": revision(), "date": "31/02", "force": "on"})
    assert bad.status_code == 422 and "is not a day" in bad.content.decode()


def test_a_stale_form_is_412_and_shows_the_engagement_as_it_is_now(people: dict[str, Any]) -> None:
    one = hosted(CLERK_OF)[0]
    clerk = browser(people["clerk"])
    seen = revision()
    assert clerk.post(page_of(one), {"action": "confirm", "revision": seen}).status_code == 302
    stale = clerk.post(page_of(one), {"action": "cancel", "revision": seen, "reason": "x", "force": "on"})
    assert stale.status_code == 412
    assert "已被其他人修改" in stale.content.decode() and 'data-status="agreed"' in stale.content.decode()
    assert status_of(one) == "agreed"


def test_another_bodys_engagement_is_a_403_page_and_another_districts_a_404(people: dict[str, Any]) -> None:
    officer = browser(people["liaison_officer"])
    other = next(e.id for e in plan().engagements if OFFICER_OF not in e.participants)
    refused = officer.get(page_of(other))
    assert refused.status_code == 403 and 'data-kind="Forbidden"' in refused.content.decode()
    assert officer.post(page_of(other), {"action": "confirm", "revision": revision()}).status_code == 403
    attended = next(e.id for e in plan().engagements if OFFICER_OF in e.participants and e.host != OFFICER_OF)
    page = officer.get(page_of(attended)).content.decode()
    assert 'id="confirm-form"' in page and 'id="move-form"' not in page  # the table: agree, not move
    assert officer.post(page_of(attended), {"action": "move", "revision": revision(),
                                            "date": f"{YEAR}-06-01"}).status_code == 403
    assert status_of(attended) == "proposed"
    stranger = browser(people["stranger"])
    assert stranger.get(page_of(attended)).status_code == 404
    assert stranger.get(f"/year/seed/{YEAR}/").status_code == 404


def test_a_form_without_its_csrf_token_is_refused(people: dict[str, Any]) -> None:
    one = hosted(CLERK_OF)[0]
    clerk = browser(people["clerk"], csrf=True)
    page = clerk.get(page_of(one)).content.decode()
    refused = clerk.post(page_of(one), {"action": "confirm", "revision": revision()})
    assert refused.status_code == 403 and "CSRF" in refused.content.decode()
    assert status_of(one) == "proposed"
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert token
    done = clerk.post(page_of(one), {"action": "confirm", "revision": revision(),
                                     "csrfmiddlewaretoken": token.group(1)})
    assert done.status_code == 302 and status_of(one) == "agreed"


def test_the_language_switch_stays_on_this_site(people: dict[str, Any]) -> None:
    visitor = browser(people["clerk"])
    away = visitor.get("/lang/en/?next=https://elsewhere.example/")
    assert away.status_code == 302 and away["Location"] == "/"
    back = visitor.get(f"/lang/en/?next=/year/seed/{YEAR}/")
    assert back["Location"] == f"/year/seed/{YEAR}/" and back.cookies["liaison_lang"].value == "en"
    page = visitor.get(f"/year/seed/{YEAR}/").content.decode()
    assert '<html lang="en">' in page and "The year's engagements" in page
    visitor.get("/lang/zh/?next=/")
    assert '<html lang="zh-CN">' in visitor.get(f"/year/seed/{YEAR}/").content.decode()
