"""The service's letters are made with the service's records (issue #24, #25): the records the API and
the pages write are handed to the one export flow, as ``liaison export docx --records LEDGER`` hands
it a ledger's, so the 反馈函 of a research result answered and the 征求意见函 of a consultation appear
in the letters' list, on the letters page, are issued and downloaded like every other letter — to the
bodies they are from and to, and to no other."""

from __future__ import annotations

import datetime as dt
import html
import re
from typing import Any

import pytest
from web_db import CLERK_OF, OFFICER_OF, YEAR, api_client, api_post
from web_letters import letter_text

#: the HTTP tests run on PostgreSQL too under .ci/with-postgres (conftest)
ON_POSTGRES_TOO = True

#: A department that is neither the clerk's nor a party to the records below.
STRANGER_OF = "education"
RESEARCH = {"id": "调研〔2027〕7", "title": "关于社区卫生服务的调研报告", "submitted_by": OFFICER_OF,
            "department": CLERK_OF, "received": f"{YEAR}-04-01"}
#: What the department answers: the 反馈函 quotes it.
SUMMARY = "所提三项建议已研究，其中两项纳入今年工作计划"
CONSULTATION = {"id": "征求〔2027〕3号", "subject": "2028年卫生健康工作要点", "sent": f"{YEAR}-04-06",
                "sender": CLERK_OF, "sent_to": [OFFICER_OF, "jiusan"]}
#: Before the feedback is recorded and after the consultation is sent: every letter of them a draft.
LOOK_DAY = dt.date(YEAR, 4, 10)
ISSUE_DAY = dt.date(YEAR, 4, 22)


@pytest.fixture
def loaded_plugins() -> str:
    return "web,docx"


client, post = api_client, api_post  # the session's helpers (web_db), by the names used here


def user(own: dict[str, Any], role: str) -> Any:
    from django.contrib.auth import get_user_model

    return get_user_model()._default_manager.get(username=f"{role}-{own['code']}")


def stranger(own: dict[str, Any]) -> Any:
    """A clerk of another department of the same district (with a token)."""
    from django.contrib.auth import get_user_model

    from liaison_web import models
    from liaison_web.tokens import make_token

    made = get_user_model()._default_manager.create_user(f"stranger-{own['code']}", password="x")
    models.Membership.objects.create(user=made, district=models.District.objects.get(code=own["code"]),
                                     organisation=STRANGER_OF, role="clerk")
    made.token = {"HTTP_AUTHORIZATION": f"Bearer {make_token(made.username, 'letters', ('read', 'write'))}"}
    return made


def api(own: dict[str, Any]) -> str:
    return f"/api/v1/districts/{own['code']}/years/{YEAR}"


def letters(own: dict[str, Any], auth: dict[str, str], day: dt.date) -> dict[str, dict[str, Any]]:
    listed = client().get(f"{api(own)}/letters?day={day}", **auth)
    assert listed.status_code == 200, listed.content
    return {item["path"]: item for item in listed.json()["letters"]}


def on_page(who: Any, own: dict[str, Any], day: dt.date) -> dict[str, str]:
    """The letters page's rows (path → status) as ``who`` sees them."""
    page = client(who).get(f"/letters/{own['code']}/{YEAR}/?day={day}")
    assert page.status_code == 200
    return {html.unescape(p): s for s, p in re.findall(r'<tr data-status="(\w+)" data-path="([^"]+)">',
                                                        page.content.decode())}


def of_folder(paths: Any, folder: str) -> set[str]:
    return {p for p in paths if p.removeprefix("草稿/").startswith(f"{folder}/")}


def revision(own: dict[str, Any]) -> str:
    from liaison_web.store import DatabaseStore

    found = DatabaseStore().current(own["district"], YEAR)
    assert found is not None
    return found


def answered(own: dict[str, Any]) -> None:
    """The branch submits its research (its officer, through the API); the department records its
    feedback as a correction of that record (its clerk)."""
    tokens = own["tokens"]
    made = post(f"{api(own)}/records/research_results", RESEARCH, tokens["liaison_officer"])
    assert made.status_code == 201, made.content
    path = f"{api(own)}/records/research_results/{made.json()['key']}"
    corrected = post(f"{path}/correction", {"record": {**RESEARCH, "feedback": f"{YEAR}-04-20",
                                                      "feedback_summary": SUMMARY}, "reason": "反馈"},
                     tokens["clerk"], made["ETag"].strip('"'))
    assert corrected.status_code == 200, corrected.content


def test_a_feedback_recorded_makes_its_letter_issued_and_downloaded_by_the_bodies_it_is_between(
        own_district: dict[str, Any]) -> None:
    own, tokens = own_district, own_district["tokens"]
    other = stranger(own)
    before = letters(own, tokens["administrator"], ISSUE_DAY)
    assert not of_folder(before, "反馈函")  # no record, no letter
    answered(own)

    # a draft until issued, for the department that sends it and the branch it answers, nobody else
    everyone = letters(own, tokens["administrator"], LOOK_DAY)
    drafts = of_folder(everyone, "反馈函")
    assert len(drafts) == 1 and all(everyone[p]["status"] == "draft" for p in drafts)
    (draft,) = drafts
    assert draft in letters(own, tokens["clerk"], LOOK_DAY) and draft in letters(own, tokens["liaison_officer"],
                                                                                   LOOK_DAY)
    assert draft not in letters(own, other.token, LOOK_DAY)
    assert on_page(user(own, "clerk"), own, LOOK_DAY).get(draft) == "draft"
    assert on_page(user(own, "liaison_officer"), own, LOOK_DAY).get(draft) == "draft"
    assert draft not in on_page(other, own, LOOK_DAY)
    assert client().get(f"{api(own)}/letters/{draft}?day={LOOK_DAY}", **other.token).status_code == 403
    text = letter_text(client().get(f"{api(own)}/letters/{draft}?day={LOOK_DAY}", **tokens["liaison_officer"]).content)
    assert SUMMARY in text and RESEARCH["title"] in text

    # issued with the rest due by the day: numbered in the department's 函 series, kept for good
    # (a day still to come by the clock: asked for explicitly, as the command's --force)
    issued = post(f"{api(own)}/letters/issue", {"day": ISSUE_DAY.isoformat(), "force": True},
                  tokens["administrator"], revision(own))
    assert issued.status_code == 200, issued.content
    feedback = [r for r in issued.json()["issued"] if r["kind"] == "feedback"]
    assert len(feedback) == 1 and feedback[0]["recipient"] == OFFICER_OF and feedback[0]["date"] == f"{ISSUE_DAY}"
    path = feedback[0]["path"]
    assert of_folder([path], "反馈函") and not path.startswith("草稿/")
    listed = letters(own, tokens["liaison_officer"], ISSUE_DAY)
    assert listed[path]["status"] == "issued" and listed[path]["record"]["doc_number"] == feedback[0]["doc_number"]
    assert path not in letters(own, other.token, ISSUE_DAY)
    got = client().get(f"{api(own)}/letters/{path}", **tokens["liaison_officer"])
    assert got.status_code == 200 and got["Content-Type"].startswith("application/vnd.openxmlformats")
    text = letter_text(got.content)
    assert SUMMARY in text and feedback[0]["doc_number"] in text
    # the bytes kept are those served, on any later day
    later = client().get(f"{api(own)}/letters/{path}?day={ISSUE_DAY + dt.timedelta(days=30)}",
                         **tokens["liaison_officer"])
    assert later.content == got.content
    assert client().get(f"{api(own)}/letters/{path}", **other.token).status_code == 403
    # the department that sent it still reads it (by the exporter's list: the record names no issuer)
    assert path in letters(own, tokens["clerk"], ISSUE_DAY)
    assert client().get(f"{api(own)}/letters/{path}", **tokens["clerk"]).content == got.content


def test_a_consultation_recorded_makes_its_letters_to_each_body_asked(own_district: dict[str, Any]) -> None:
    own, tokens = own_district, own_district["tokens"]
    other = stranger(own)
    made = post(f"{api(own)}/records/consultations", CONSULTATION, tokens["clerk"])
    assert made.status_code == 201, made.content
    everyone = letters(own, tokens["administrator"], LOOK_DAY)
    drafts = of_folder(everyone, "征求意见函")
    assert len(drafts) == len(CONSULTATION["sent_to"])  # one to each body asked
    mine = of_folder(letters(own, tokens["liaison_officer"], LOOK_DAY), "征求意见函")
    assert len(mine) == 1 and mine < drafts  # the officer's branch: its own only
    assert of_folder(letters(own, tokens["clerk"], LOOK_DAY), "征求意见函") == drafts  # the sender: both
    assert not of_folder(letters(own, other.token, LOOK_DAY), "征求意见函")
    assert of_folder(on_page(user(own, "liaison_officer"), own, LOOK_DAY), "征求意见函") == mine
    (path,) = mine
    text = letter_text(client().get(f"{api(own)}/letters/{path}?day={LOOK_DAY}", **tokens["liaison_officer"]).content)
    assert CONSULTATION["subject"] in text
