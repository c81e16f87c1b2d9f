"""Whose a draft letter is (issue #26): the letters' exporter says what each letter is, to whom and
from whom (liaison-docx's ``公文清单.json``, :mod:`liaison_docx.about`), and the service decides by
that, never by the file's name — a body reads exactly the drafts addressed to it or issued by it,
for every kind of letter: notice, invitation, change, cancellation, consultation, feedback."""

from __future__ import annotations

import datetime as dt
import html
import itertools
import json
import re
from typing import Any

import pytest
from web_db import CLERK_OF, OFFICER_OF, YEAR

#: Before the notices' day (5 January): every letter of the year is a draft.
DRAFTS_DAY = dt.date(YEAR, 1, 4)
#: Another party branch and another department (neither the clerk's nor the officer's).
OTHER_PARTY, OTHER_DEPARTMENT = "jiusan", "education"


@pytest.fixture
def loaded_plugins() -> str:
    return "web,docx"


def user(own: dict[str, Any], role: str) -> Any:
    from django.contrib.auth import get_user_model

    return get_user_model()._default_manager.get(username=f"{role}-{own['code']}")


def client(who: Any = None) -> Any:
    from django.test import Client

    made = Client()
    if who is not None:
        made.force_login(who)
    return made


def recorded(own: dict[str, Any]) -> None:
    """A consultation the clerk's department sends to two branches, and two research results answered:
    one the officer's branch submitted to the clerk's department, one of two other bodies."""
    api = f"/api/v1/districts/{own['code']}/years/{YEAR}/records"
    admin = own["tokens"]["administrator"]
    for section, body in (
            ("consultations", {"id": "征求〔2027〕1号", "subject": "规划征求意见", "sent": f"{YEAR}-03-02",
                               "sender": CLERK_OF, "sent_to": [OFFICER_OF, OTHER_PARTY]}),
            ("research_results", {"id": "调研〔2027〕1", "title": "调研报告", "submitted_by": OFFICER_OF,
                                  "department": CLERK_OF, "received": f"{YEAR}-04-01", "feedback": f"{YEAR}-04-20"}),
            ("research_results", {"id": "调研〔2027〕2", "title": "另一份调研报告", "submitted_by": OTHER_PARTY,
                                  "department": OTHER_DEPARTMENT, "received": f"{YEAR}-04-02",
                                  "feedback": f"{YEAR}-04-21"})):
        made = client().post(f"{api}/{section}", json.dumps(body), content_type="application/json", **admin)
        assert made.status_code == 201, made.content


def revision(own: dict[str, Any]) -> str:
    from liaison_web.store import DatabaseStore

    found = DatabaseStore().current(own["district"], YEAR)
    assert found is not None
    return found


def drafts_on_page(who: Any, own: dict[str, Any]) -> set[str]:
    page = who.get(f"/letters/{own['code']}/{YEAR}/?day={DRAFTS_DAY}").content.decode()
    return {html.unescape(p) for s, p in re.findall(r'<tr data-status="(\w+)" data-path="([^"]+)">', page)
            if s == "draft"}


def test_a_body_reads_exactly_the_drafts_to_it_or_from_it(own_district: dict[str, Any]) -> None:
    """On the letters page (and so the API's list, the engagement page and my year, which read the
    same rows): the clerk's department the drafts it sends and those to it; the officer's branch
    those to it. (No record is kept here yet, so there is no 征求意见函 or 反馈函 to list: those kinds
    are decided below, from the exporter's list with the records, and through the API in
    test_web_letters_records.py.)"""
    own = own_district
    everyone = drafts_on_page(client(user(own, "administrator")), own)
    clerk = drafts_on_page(client(user(own, "clerk")), own)
    officer = drafts_on_page(client(user(own, "liaison_officer")), own)
    assert clerk < everyone and officer < everyone

    notices = {p for p in everyone if p.startswith("草稿/通知/")}
    assert {p for p in notices if p.endswith(f"-{CLERK_OF}.docx")} == notices & clerk and notices & clerk
    assert not notices & officer
    invitations = {p for p in everyone if p.startswith("草稿/邀请函/")}
    sent = {p for p in invitations if f"-{CLERK_OF}-" in p}  # …-{kind}-{host}-{invitee}: those it hosts
    assert sent and invitations & clerk == sent
    assert invitations & officer == {p for p in invitations if p.endswith(f"-{OFFICER_OF}.docx")} != set()


def test_every_kind_of_draft_is_its_issuers_and_its_recipients_only(own_district: dict[str, Any]) -> None:
    """Every letter the exporter lists, of every kind — change and cancellation letters too (the
    invitations issued, then the meeting moved and another cancelled) — taken as a draft: the access
    table's ``letters`` lets a body read it exactly when the body sends it or receives it. The
    exporter's list itself says what the data says of each kind."""
    from liaison_docx.about import ABOUT, read_about
    from liaison_docx.letters.invitation import invitees, invites
    from liaison_docx.plugin import export_year

    from liaison.host.exporting import ExportRequest
    from liaison.host.plugins import working_day_calendar
    from liaison_web import access, bootstrap, service
    from liaison_web.api import _letter_object
    from liaison_web.records import year_records
    from liaison_web.store import DatabaseStore

    own = own_district
    code = own["code"]
    recorded(own)
    engagements = {e.id: e for e in _plan(own).engagements}
    # two meetings with invitations, close enough that one issue sends both: one moved, one cancelled after
    inviting = sorted((e for e in engagements.values() if e.status.value != "cancelled" and invites(e)
                       and invitees(own["district"], e)), key=lambda e: e.date)
    moved, cancelled = next((a, b) for a, b in itertools.pairwise(inviting)
                            if dt.timedelta(days=1) < b.date - a.date <= dt.timedelta(days=12))
    day = moved.date - dt.timedelta(days=2)
    admin = own["tokens"]["administrator"]
    issued = client().post(f"/api/v1/districts/{code}/years/{YEAR}/letters/issue",
                           json.dumps({"day": day.isoformat(), "force": True}),
                           content_type="application/json", HTTP_IF_MATCH=f'"{revision(own)}"', **admin)
    assert issued.status_code == 200, issued.content
    base = f"/api/v1/districts/{code}/years/{YEAR}/engagements"
    for engagement, action, change in ((moved, "move", {"date": (moved.date + dt.timedelta(days=7)).isoformat(),
                                                        "force": True}),
                                       (cancelled, "cancel", {"reason": "另行安排", "force": True})):
        done = client().post(f"{base}/{engagement.id}/{action}", json.dumps(change), content_type="application/json",
                             HTTP_IF_MATCH=f'"{revision(own)}"', **admin)
        assert done.status_code == 200, done.content
    held = bootstrap.district_version(code)
    assert held is not None
    found, version = held
    current = revision(own)
    stored = DatabaseStore().load(found, YEAR)
    assert stored is not None
    # the letters' exporter as an export with the year's records runs it (liaison export docx --records)
    made = export_year(ExportRequest(district=found, plan=stored.state.plan, records=year_records(found, YEAR),
                                     letters=stored.state.letters, issued_on=day + dt.timedelta(days=1),
                                     calendar=working_day_calendar()))
    listed = next(a for a in made if a.path == ABOUT)
    about = read_about(listed.data)
    assert {a.path for a in about.values()} == {a.path for a in made if a.path.endswith(".docx")}
    kinds = {a.kind for a in about.values()}
    assert {"notice", "invitation", "change", "cancellation", "consultation", "feedback"} <= kinds, kinds
    now = dict(service.rendered(code, version, YEAR, current)[2])
    for a in about.values():  # what the list says is what the data says
        if a.kind in ("notice", "supplement"):
            assert a.recipient == a.subject and a.issuer == found.general_office().id
        elif a.kind in ("invitation", "change", "cancellation"):
            e = engagements[a.engagement]
            assert a.subject == e.id and a.recipient in e.participants
            assert a.issuer in (e.host, found.general_office().id)
            assert a.provisions == tuple(e.provisions[:1])
        elif a.kind == "consultation":
            assert a.issuer == CLERK_OF and a.recipient in (OFFICER_OF, OTHER_PARTY)
        else:
            assert (a.issuer, a.recipient) in ((CLERK_OF, OFFICER_OF), (OTHER_DEPARTMENT, OTHER_PARTY))
    assert any(a.kind == "change" and a.engagement == moved.id for a in about.values())
    assert any(a.kind == "cancellation" and a.engagement == cancelled.id for a in about.values())
    # a user bound to each body of the district: a branch's liaison officer, any other body's clerk
    members = {o.id: [access.Member(role="liaison_officer" if o.is_counterpart else "clerk", district=code,
                                    organisation=o.id)] for o in found.organisations}
    seen: dict[str, set[str]] = {}
    for a in about.values():
        whose = _letter_object(a.path, None, now, about)
        for body, mine in members.items():
            allowed = access.decide(mine, "letters", code, whose) == access.Decision.ALLOWED
            assert allowed == (body in (a.issuer, a.recipient)), (a, body)
            if allowed:
                seen.setdefault(a.kind, set()).add(body)
    assert {"notice", "invitation", "change", "cancellation", "consultation", "feedback"} <= set(seen)
    # a draft the list says nothing of is the district's: no body's
    nobodys = _letter_object("草稿/反馈函/x.docx", None, now, {})
    assert all(access.decide(m, "letters", code, nobodys) != access.Decision.ALLOWED for m in members.values())


def _plan(own: dict[str, Any]) -> Any:
    from liaison_web.store import DatabaseStore

    found = DatabaseStore().load(own["district"], YEAR)
    assert found is not None
    return found.state.plan
