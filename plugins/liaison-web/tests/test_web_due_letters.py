"""The letters to issue on each body's to-do list (issue #25, "letters to issue"): the drafts a body is
the issuer of, as the letters' exporter lists them (``公文清单.json``), not yet issued — each citing
its provision, due by the day the rule needs it out (an invitation before its meeting, a 反馈函 by
the response rule's deadline) — on ``…/due`` and on *my year*; no other body's; issuing one takes it
off, and the due webhooks tell it (due.closed) as for every other item."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from typing import Any

import pytest
from web_db import CLERK_OF, OFFICER_OF, YEAR, api_client, api_post

#: the HTTP tests run on PostgreSQL too under .ci/with-postgres (conftest)
ON_POSTGRES_TOO = True

#: Before the notices' day (5 January): every letter of the year is still to issue.
EARLY = dt.date(YEAR, 1, 4)
RESEARCH = {"id": "调研〔2027〕9", "title": "关于家庭医生签约的调研报告", "submitted_by": OFFICER_OF,
            "department": CLERK_OF, "received": f"{YEAR}-04-01"}
#: The service's today in the second test: the feedback recorded, its letter not issued yet.
TODAY = dt.date(YEAR, 4, 21)


@pytest.fixture
def loaded_plugins() -> str:
    return "web,docx"


@pytest.fixture(autouse=True)
def no_webhooks_left() -> Iterator[None]:
    """The test's webhooks go with it (another test's sweep reads every district's)."""
    yield
    from liaison_web import models

    models.Webhook.objects.all().delete()


client, post = api_client, api_post  # the session's helpers (web_db), by the names used here


def due(own: dict[str, Any], body: str, day: dt.date, auth: dict[str, str]) -> list[dict[str, Any]]:
    answer = client().get(f"/api/v1/districts/{own['code']}/organisations/{body}/due?as_of={day}", **auth)
    assert answer.status_code == 200, answer.content
    return [i for i in answer.json()["items"] if i["kind"] == "letter_to_issue"]


def ref(letter: Any) -> str:
    """A letter to issue's ``ref`` on the due list: what it is, whatever its path."""
    return f"{letter.kind}/{letter.subject}/{letter.recipient}"


def whose(own: dict[str, Any], day: dt.date) -> dict[str, Any]:
    """What the letters' exporter says of each letter not issued on ``day`` (the preview the letters
    are served from), by its ``ref`` — read from the file the exporter writes, not from the due list."""
    from liaison_docx.about import ABOUT, read_about

    from liaison_web import bootstrap, outputs
    from liaison_web.store import DatabaseStore

    found = bootstrap.district_version(own["code"])
    assert found is not None
    current = DatabaseStore().current(own["district"], YEAR)
    assert current is not None
    made = outputs.render(found[0], found[1], YEAR, current, "docx", {"preview": True}, day)
    return {ref(a): a for a in read_about(made.files[ABOUT]).values() if a.draft}


def test_each_body_lists_the_drafts_it_issues_and_no_others(own_district: dict[str, Any]) -> None:
    from liaison.law.district import District

    own, admin = own_district, own_district["tokens"]["administrator"]
    district: District = own["district"]
    drafts = whose(own, EARLY)
    plan = client().get(f"/api/v1/districts/{own['code']}/years/{YEAR}/plan", **admin).json()
    meetings = {e["id"]: dt.date.fromisoformat(e["date"]) for e in plan["engagements"]}
    office = district.general_office().id
    issuers = {a.issuer for a in drafts.values()}
    assert {office, CLERK_OF} <= issuers  # the notices and the government's invitations, the department's own
    for body in (office, CLERK_OF, OFFICER_OF, "education"):
        items = due(own, body, EARLY, admin)
        mine = {p for p, a in drafts.items() if a.issuer == body and a.provisions}
        assert {i["ref"] for i in items} == mine  # exactly its own drafts: none of another body's
        for item in items:
            letter = drafts[item["ref"]]
            assert item["provision"] == letter.provisions[0] and item["provision_text_zh"]
            assert letter.title in item["todo_zh"] and item["todo_en"]
            if letter.engagement:  # an invitation: out before its meeting
                assert dt.date.fromisoformat(item["due"]) == meetings[letter.engagement] - dt.timedelta(days=1)
            else:
                assert item["due"] == letter.date.isoformat()
    assert not due(own, OFFICER_OF, EARLY, admin)  # a branch issues no letter
    # the clerk reads its own list, with its letters; another body's list is not its to read
    clerk = own["tokens"]["clerk"]
    assert {i["ref"] for i in due(own, CLERK_OF, EARLY, clerk)} == {p for p, a in drafts.items()
                                                                    if a.issuer == CLERK_OF}
    forbidden = client().get(f"/api/v1/districts/{own['code']}/organisations/{office}/due?as_of={EARLY}", **clerk)
    assert forbidden.status_code == 403
    # my year: the office's letters to issue this month (the notices of 5 January among them)
    page = client(_user(own, "administrator")).get(f"/year/{own['code']}/{YEAR}/?body={office}&on={EARLY}")
    assert page.status_code == 200
    this_month = [i for i in due(own, office, EARLY, admin) if i["due"] <= f"{YEAR}-01-31"]
    assert this_month and page.content.decode().count('data-kind="letter_to_issue"') == len(this_month)


def test_issuing_takes_the_letter_off_the_list_and_the_webhook_hears_it(
        own_district: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    from liaison_web import clock, models

    own, tokens = own_district, own_district["tokens"]
    admin = tokens["administrator"]
    monkeypatch.setattr(clock, "today_in", lambda zone: TODAY)
    api = f"/api/v1/districts/{own['code']}"
    hook = post(f"{api}/webhooks", {"url": "http://127.0.0.1:9/health", "organisation": CLERK_OF,
                                    "events": ["due.opened", "due.closed"]}, admin)
    assert hook.status_code == 201, hook.content

    def told(event: str) -> set[str]:
        """The letters to issue the webhook was told of with ``event``."""
        bodies = [json.loads(d.body)["due"] for d in models.WebhookDelivery.objects.filter(
            webhook_id=hook.json()["id"], event_type=event)]
        return {item["ref"] for item in bodies if item["kind"] == "letter_to_issue"}

    # the branch submits its research, the department records its feedback: its 反馈函 is to issue
    made = post(f"{api}/years/{YEAR}/records/research_results", RESEARCH, tokens["liaison_officer"])
    assert made.status_code == 201, made.content
    corrected = post(f"{api}/years/{YEAR}/records/research_results/{made.json()['key']}/correction",
                     {"record": {**RESEARCH, "feedback": f"{YEAR}-04-20", "feedback_summary": "已研究采纳"}},
                     tokens["clerk"], made["ETag"].strip('"'))
    assert corrected.status_code == 200, corrected.content
    pending = whose(own, TODAY)
    feedback = [r for r, a in pending.items() if a.kind == "feedback" and a.issuer == CLERK_OF]
    assert len(feedback) == 1
    (path,) = feedback  # its ref
    listed = {i["ref"]: i for i in due(own, CLERK_OF, TODAY, tokens["clerk"])}
    assert path in listed and path in told("due.opened")  # the correction opened it
    # the same item while it was a draft under 草稿/ (before its date): its ref is the letter, not the file
    before = dt.date(YEAR, 4, 15)
    assert whose(own, before)[path].path.startswith("草稿/") and not pending[path].path.startswith("草稿/")
    assert path in {i["ref"] for i in due(own, CLERK_OF, before, tokens["clerk"])}
    # due by the response rule's deadline from the day the research was received, citing that rule
    answered = client().get(f"{api}/organisations/{CLERK_OF}/due?as_of={dt.date(YEAR, 4, 2)}", **admin).json()
    owed = next(i for i in answered["items"] if i["kind"] == "feedback")  # the research's own item, before
    assert (listed[path]["due"], listed[path]["provision"]) == (owed["due"], owed["provision"])
    assert listed[path]["working_days"] == owed["working_days"]
    assert not {i["ref"] for i in due(own, OFFICER_OF, TODAY, tokens["liaison_officer"])}  # not the branch's

    current = client().get(f"{api}/years/{YEAR}/letters", **admin)["ETag"].strip('"')
    issued = post(f"{api}/years/{YEAR}/letters/issue", {"day": TODAY.isoformat()}, admin, current)
    assert issued.status_code == 200, issued.content
    paths = {r["path"] for r in issued.json()["issued"]}
    numbered = {r for r, a in pending.items() if a.path in paths}  # the letters issued, by their refs
    assert path in numbered
    after = {i["ref"] for i in due(own, CLERK_OF, TODAY, tokens["clerk"])}
    assert path not in after and not after & numbered
    closed = told("due.closed")
    assert path in closed and closed == set(listed) - after  # every letter issued, and only those


def _user(own: dict[str, Any], role: str) -> Any:
    from django.contrib.auth import get_user_model

    return get_user_model()._default_manager.get(username=f"{role}-{own['code']}")
