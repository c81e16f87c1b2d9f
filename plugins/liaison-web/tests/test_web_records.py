"""The year's records through the API: every kind recorded in the library's shape, read, corrected (a
new version superseding the old, which stays) and withdrawn; If-Match, 412 and 428 as for the
engagements; the audit log of each change; the records feeding the due list (research awaiting
feedback with the days left by the rule in force) and the findings and the report (the library's
own, on the same records); and the matrix of who may record what."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from web_db import CLERK_OF, OFFICER_OF, ROLES, YEAR

#: A research result the cpwdp branch submitted to the health department: the clerk's and the liaison
#: officer's own (the department responsible, the branch a party).
OWN_RESEARCH = {"id": "R-1", "title": "关于基层医疗的调研报告", "submitted_by": OFFICER_OF, "department": CLERK_OF,
                "received": f"{YEAR}-03-02"}
#: The branch's research once the department answered it: the feedback is the department's to write,
#: so the record is no longer the branch's (it reads it, as a party).
ANSWERED_RESEARCH = {**OWN_RESEARCH, "id": "R-3", "feedback": f"{YEAR}-03-20", "feedback_summary": "已采纳"}
#: Another body's: the rcck branch's research answered by the finance department.
OTHER_RESEARCH = {"id": "R-2", "title": "关于财政支持的调研报告", "submitted_by": "rcck", "department": "finance",
                  "received": f"{YEAR}-03-02"}


def client() -> Any:
    from django.test import Client

    return Client()


def base(code: str) -> str:
    return f"/api/v1/districts/{code}/years/{YEAR}"


def post(path: str, body: Any, auth: dict[str, str], etag: str | None = None, **more: str) -> Any:
    headers = {"HTTP_IF_MATCH": f'"{etag}"'} if etag else {}
    return client().post(path, data=json.dumps(body), content_type="application/json", **headers, **auth, **more)


def utc(value: Any) -> Any:
    """pydantic writes UTC as ``Z``, the answers ``+00:00``: the same instant."""
    if isinstance(value, dict):
        return {k: utc(v) for k, v in value.items()}
    if isinstance(value, list):
        return [utc(v) for v in value]
    return value[:-1] + "+00:00" if isinstance(value, str) and value[:4].isdigit() and value.endswith("Z") else value


def create(code: str, kind: str, body: dict[str, Any], auth: dict[str, str]) -> dict[str, Any]:
    response = post(f"{base(code)}/records/{kind}", body, auth)
    assert response.status_code == 201, response.content
    return dict(response.json())


def test_a_research_result_awaits_feedback_until_its_correction_gives_it(own_district: dict[str, Any]) -> None:
    from liaison.law.records import Records, ResearchResult
    from liaison.year.due import due_list
    from liaison_web.store import DatabaseStore

    code, tokens = own_district["code"], own_district["tokens"]
    made = create(code, "research_results", OWN_RESEARCH, tokens["liaison_officer"])  # the branch submits it
    assert made["version"] == 1 and made["status"] == "current" and made["responsible"] == CLERK_OF
    assert made["parties"] == [OFFICER_OF] and made["record"]["department"] == CLERK_OF and made["versions"] == []

    day = dt.date(YEAR, 3, 10)
    due = client().get(f"/api/v1/districts/{code}/organisations/{CLERK_OF}/due?as_of={day}", **tokens["clerk"])
    items = [i for i in due.json()["items"] if i["kind"] == "feedback"]
    # the library's own list on the same records: the same item, its days left by the rule in force
    district = own_district["district"]
    stored = DatabaseStore().load(district, YEAR)
    assert stored is not None
    research = ResearchResult(id="R-1", title=OWN_RESEARCH["title"], submitted_by=OFFICER_OF, department=CLERK_OF,
                              received=dt.date(YEAR, 3, 2))
    wanted = [i for i in due_list(district, stored.state.plan, Records(research_results=(research,)), body=CLERK_OF,
                                  as_of=day).items if i.kind.value == "feedback"]
    assert len(items) == len(wanted) == 1
    assert (items[0]["ref"], items[0]["due"], items[0]["days_left"]) == (
        "R-1", wanted[0].due.isoformat(), wanted[0].days_left) and items[0]["provision"]

    # the department answers: a correction with the feedback, on the ETag it read
    path = f"{base(code)}/records/research_results/{made['key']}"
    read = client().get(path, **tokens["clerk"])
    etag = read["ETag"].strip('"')
    answered = {**OWN_RESEARCH, "feedback": f"{YEAR}-03-20", "feedback_summary": "已采纳"}
    assert post(f"{path}/correction", {"record": answered}, tokens["clerk"]).status_code == 428
    corrected = post(f"{path}/correction", {"record": answered, "reason": "反馈"}, tokens["clerk"], etag)
    assert corrected.status_code == 200, corrected.content
    body = corrected.json()
    assert body["version"] == 2 and body["record"]["feedback"] == f"{YEAR}-03-20"
    assert [v["version"] for v in body["versions"]] == [1] and body["versions"][0]["record"] == made["record"]
    assert corrected["ETag"] != read["ETag"]
    # the old ETag again: 412 with nothing added
    stale = post(f"{path}/correction", {"record": answered}, tokens["clerk"], etag)
    assert stale.status_code == 412 and stale.json()["kind"] == "StaleRecord"
    assert stale["ETag"] == corrected["ETag"] and stale.json()["record"]["version"] == 2  # the record as it is now
    assert client().get(path, **tokens["clerk"]).json()["version"] == 2

    later = client().get(f"/api/v1/districts/{code}/organisations/{CLERK_OF}/due?as_of={YEAR}-03-25",
                         **tokens["clerk"])
    assert not [i for i in later.json()["items"] if i["kind"] == "feedback" and i["ref"] == "R-1"]
    # as of a day before the feedback, it was still awaited: the records are read as of the list's day
    before = client().get(f"/api/v1/districts/{code}/organisations/{CLERK_OF}/due?as_of={day}", **tokens["clerk"])
    assert [i["ref"] for i in before.json()["items"] if i["kind"] == "feedback"] == ["R-1"]


def test_a_meeting_recorded_after_its_day_is_no_longer_missing(own_district: dict[str, Any]) -> None:
    """Records missing after a held date: the health department's joint meeting, its planned day
    passed, is to be recorded; recorded through the API (with the plan's id) it is not any more."""
    code, tokens = own_district["code"], own_district["tokens"]
    plan = client().get(f"{base(code)}/plan", **tokens["clerk"]).json()
    meeting = next(e for e in plan["engagements"] if e["id"] == f"{YEAR}/joint_meeting/{CLERK_OF}")
    after = (dt.date.fromisoformat(meeting["date"]) + dt.timedelta(days=10)).isoformat()
    due = f"/api/v1/districts/{code}/organisations/{CLERK_OF}/due?as_of={after}"

    def missing() -> list[str]:
        items = client().get(due, **tokens["clerk"]).json()["items"]
        return [i["ref"] for i in items if i["kind"] == "record_missing"]

    assert meeting["id"] in missing()
    create(code, "engagements", {"id": meeting["id"], "kind": meeting["kind"], "date": meeting["date"],
                                 "host": CLERK_OF, "attended": meeting["participants"]}, tokens["clerk"])
    assert meeting["id"] not in missing()


def test_a_party_does_not_write_a_departments_records(own_district: dict[str, Any]) -> None:
    """The branch attended the department's joint meeting, and submitted the research the department
    answered: neither the meeting held nor the feedback is the branch's to record, correct or
    withdraw (403, nothing written, the department's finding unchanged); its own research it does."""
    from liaison_web import models

    code, tokens = own_district["code"], own_district["tokens"]
    officer = tokens["liaison_officer"]
    findings = f"{base(code)}/findings?as_of={YEAR}-12-31"
    before = client().get(findings, **tokens["administrator"]).json()
    rows = models.Record.objects.count(), models.AuditEntry.objects.count()
    meeting = {"kind": "joint_meeting", "date": f"{YEAR}-08-16", "host": CLERK_OF, "attended": [OFFICER_OF]}
    refused = post(f"{base(code)}/records/engagements", meeting, officer)
    assert refused.status_code == 403 and refused.json()["message_zh"], refused.content
    assert (models.Record.objects.count(), models.AuditEntry.objects.count()) == rows
    assert client().get(findings, **tokens["administrator"]).json() == before

    held = create(code, "engagements", meeting, tokens["clerk"])
    research = create(code, "research_results", ANSWERED_RESEARCH, tokens["clerk"])
    rows = models.Record.objects.count(), models.AuditEntry.objects.count()
    for made, changed in ((held, {**meeting, "attended": []}),
                          (research, {**ANSWERED_RESEARCH, "feedback_summary": "x"})):
        path = f"{base(code)}/records/{made['kind']}/{made['key']}"
        etag = f"{made['key']}.{made['version']}"
        assert client().get(path, **officer).status_code == 200  # a party reads it
        assert post(f"{path}/correction", {"record": changed}, officer, etag).status_code == 403
        assert post(f"{path}/withdrawal", {"reason": "x"}, officer, etag).status_code == 403
    assert (models.Record.objects.count(), models.AuditEntry.objects.count()) == rows
    # nor may it answer its own research on the department's behalf
    own = create(code, "research_results", OWN_RESEARCH, officer)
    rows = models.Record.objects.count(), models.AuditEntry.objects.count()
    path = f"{base(code)}/records/research_results/{own['key']}"
    answered = {**OWN_RESEARCH, "feedback": f"{YEAR}-03-20", "feedback_summary": "已采纳"}
    assert post(f"{path}/correction", {"record": answered}, officer, f"{own['key']}.1").status_code == 403
    assert (models.Record.objects.count(), models.AuditEntry.objects.count()) == rows
    assert post(f"{path}/correction", {"record": {**OWN_RESEARCH, "title": "更正"}}, officer,
                f"{own['key']}.1").status_code == 200


def test_two_corrections_of_one_version_at_once_one_wins_one_gets_412(own_district: dict[str, Any]) -> None:
    """Two threads correct the same version at the same moment: one new version, the other told
    (412) with nothing added; the audit log has the winner's entry only."""
    import threading

    from django.db import connections

    from liaison_web import models

    code, tokens = own_district["code"], own_district["tokens"]
    made = create(code, "research_results", OWN_RESEARCH, tokens["clerk"])
    path = f"{base(code)}/records/research_results/{made['key']}/correction"
    answers: dict[str, Any] = {}
    ready = threading.Barrier(2)

    def send(title: str) -> None:
        try:
            ready.wait()
            answers[title] = post(path, {"record": {**OWN_RESEARCH, "title": title}}, tokens["clerk"],
                                  f"{made['key']}.1")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=send, args=(title,)) for title in ("甲", "乙")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sorted(a.status_code for a in answers.values()) == [200, 412]
    won = next(title for title, a in answers.items() if a.status_code == 200)
    assert [r.version for r in models.Record.objects.filter(key=made["key"])] == [1, 2]
    assert client().get(path.rsplit("/", 1)[0], **tokens["clerk"]).json()["record"]["title"] == won
    log = models.AuditEntry.objects.filter(object_type="record", object_id=made["key"], action="corrected")
    assert [e.after["record"]["title"] for e in log] == [won]


def test_a_version_added_after_the_if_match_check_is_412_by_the_database(own_district: dict[str, Any],
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """Another writer adds the next version between the If-Match check and the save: the database's
    unique (key, version) refuses the second, answered 412 with the current ETag, nothing logged."""
    from liaison_web import models
    from liaison_web import records as kept

    code, tokens = own_district["code"], own_district["tokens"]
    made = create(code, "research_results", OWN_RESEARCH, tokens["clerk"])
    first = models.Record.objects.get(key=made["key"], version=1)
    checked = kept.duplicate

    def meanwhile(*args: Any, **kwargs: Any) -> Any:
        models.Record.objects.create(district=first.district, year=first.year, key=first.key, version=2,
                                     kind=first.kind, action="corrected", data=first.data, actor="another writer")
        return checked(*args, **kwargs)

    monkeypatch.setattr(kept, "duplicate", meanwhile)
    entries = models.AuditEntry.objects.count()
    response = post(f"{base(code)}/records/research_results/{made['key']}/correction",
                    {"record": {**OWN_RESEARCH, "title": "迟到的更正"}}, tokens["clerk"], f"{made['key']}.1")
    assert response.status_code == 412 and response.json()["kind"] == "StaleRecord"
    assert f"{made['key']}.2" in response.json()["message"]
    assert models.AuditEntry.objects.count() == entries
    assert [r.actor for r in models.Record.objects.filter(key=made["key"])][1] == "another writer"


def test_every_change_is_in_the_records_audit_log(own_district: dict[str, Any]) -> None:
    code, tokens = own_district["code"], own_district["tokens"]
    made = create(code, "research_results", OWN_RESEARCH, tokens["clerk"])
    path = f"{base(code)}/records/research_results/{made['key']}"
    corrected = post(f"{path}/correction", {"record": {**OWN_RESEARCH, "title": "更正后的标题"}, "reason": "错字"},
                     tokens["clerk"], f"{made['key']}.1", REMOTE_ADDR="10.1.2.3")
    assert corrected.status_code == 200
    withdrawn = post(f"{path}/withdrawal", {"reason": "重复登记"}, tokens["administrator"], f"{made['key']}.2")
    assert withdrawn.status_code == 200 and withdrawn.json()["status"] == "withdrawn"
    log = client().get(f"{path}/audit", **tokens["auditor"]).json()
    assert [e["action"] for e in log] == ["created", "corrected", "withdrawn"]
    assert log[0]["before"] is None and log[0]["after"]["record"]["title"] == OWN_RESEARCH["title"]
    assert log[1]["before"]["record"]["title"] == OWN_RESEARCH["title"]
    assert log[1]["after"]["record"]["title"] == "更正后的标题" and log[1]["after"]["reason"] == "错字"
    assert log[1]["remote_address"] == "10.1.2.3" and log[1]["actor"].startswith("clerk-")
    assert "token" in log[1]["actor"] and log[2]["actor"].startswith("administrator-")
    # the bodies' logs: the department's and the branch's have them, another body's not
    for organisation, role, has in ((CLERK_OF, "clerk", True), (OFFICER_OF, "liaison_officer", True),
                                    ("finance", "administrator", False)):
        body = client().get(f"/api/v1/districts/{code}/organisations/{organisation}/audit", **tokens[role]).json()
        assert [e["action"] for e in body if e["object_id"] == made["key"]] == (
            ["created", "corrected", "withdrawn"] if has else []), organisation


def test_a_withdrawn_record_is_kept_but_no_longer_counts(own_district: dict[str, Any]) -> None:
    code, tokens = own_district["code"], own_district["tokens"]
    made = create(code, "research_results", OWN_RESEARCH, tokens["clerk"])
    path = f"{base(code)}/records/research_results/{made['key']}"
    assert post(f"{path}/withdrawal", {"reason": ""}, tokens["clerk"], f"{made['key']}.1").status_code == 422
    assert post(f"{path}/withdrawal", {"reason": "登记有误"}, tokens["clerk"], f"{made['key']}.1").status_code == 200
    listed = client().get(f"{base(code)}/records", **tokens["clerk"]).json()
    assert made["key"] not in [r["key"] for r in listed]
    every = client().get(f"{base(code)}/records?withdrawn=true", **tokens["clerk"]).json()
    assert [r["status"] for r in every if r["key"] == made["key"]] == ["withdrawn"]
    withdrawn = client().get(path, **tokens["clerk"]).json()
    assert withdrawn["record"] == made["record"] and [v["action"] for v in withdrawn["versions"]] == ["created"]
    due = client().get(f"/api/v1/districts/{code}/organisations/{CLERK_OF}/due?as_of={YEAR}-03-10",
                       **tokens["clerk"]).json()
    assert not [i for i in due["items"] if i["kind"] == "feedback"]
    # the rows are facts: the model and the database refuse to change or remove one
    from django.db import connection

    from liaison_web import models

    row = models.Record.objects.filter(key=made["key"]).first()
    assert row is not None
    with pytest.raises(models.AppendOnlyError):
        row.save()
    with pytest.raises(models.AppendOnlyError):
        models.Record.objects.filter(key=made["key"]).delete()
    with pytest.raises(Exception, match="append-only"), connection.cursor() as cursor:
        cursor.execute("UPDATE liaison_web_record SET reason = 'x' WHERE key = %s", [made["key"]])


@pytest.mark.parametrize("kind", ["engagements", "documents", "consultations", "research_results", "designations",
                                  "nominations", "town_activities", "joint_research", "briefings",
                                  "special_appointments", "activities"])
def test_every_kind_is_recorded_in_the_librarys_shape(own_district: dict[str, Any], kind: str) -> None:
    from liaison.formats.convert import structure
    from liaison_web import records
    from liaison_web.api_records import RecordModels

    code, tokens = own_district["code"], own_district["tokens"]
    day = f"{YEAR}-04-08"
    body = {
        "engagements": {"kind": "visit", "date": day, "host": "区卫生局", "attended": [OFFICER_OF]},
        "documents": {"id": "区卫〔2027〕3号", "issuer": CLERK_OF, "date": day, "copied_to": [OFFICER_OF]},
        "consultations": {"id": "C-1", "subject": "征求意见稿", "sent": day, "sent_to": [OFFICER_OF, "icf"],
                          "replies": [{"organisation": OFFICER_OF, "date": f"{YEAR}-04-10"}]},
        "research_results": OWN_RESEARCH,
        "designations": {"organisation": CLERK_OF, "liaison_officer": "张三", "date": day},
        "nominations": {"department": CLERK_OF, "person": "李四", "date": day, "party": "民建"},
        "town_activities": {"town": "东城镇", "date": day, "description": "走访商会", "with_organisations": ["icf"]},
        "joint_research": {"department": CLERK_OF, "topic": "联合调研", "date": day,
                           "with_organisations": [OFFICER_OF]},
        "briefings": {"department": CLERK_OF, "date": day, "subject": "通报政情", "with_organisations": [OFFICER_OF]},
        "special_appointments": {"department": CLERK_OF, "person": "王五", "role": "特约监察员", "date": day},
        # a kind of the district's own (a record-only rule of the seed's data)
        "activities": {"kind": "commissioned_research", "date": day, "description": "委托调研", "by": "区卫生局",
                       "with_organisations": [OFFICER_OF]},
    }[kind]
    made = create(code, kind, body, tokens["administrator"])
    spec = records.KINDS[kind]
    # the record is the library's type written by its converter: read back into it, written back the same
    again = records.canonical(structure(made["record"], spec.type, file=None))
    assert again == made["record"]
    parsed = RecordModels[kind].model_validate(made)  # nothing missing, nothing unknown (the models forbid extras)
    assert utc(parsed.model_dump(mode="json", by_alias=True, exclude_unset=True)) == made
    read = client().get(f"{base(code)}/records/{kind}/{made['key']}", **tokens["administrator"])
    assert read.status_code == 200 and read.json() == made
    listed = client().get(f"{base(code)}/records?kind={kind}", **tokens["administrator"]).json()
    assert [r["key"] for r in listed] == [made["key"]]
    # the organisation filter: the records it is responsible for or a party to
    if made["responsible"] or made["parties"]:
        org = made["responsible"] or made["parties"][0]
        assert made["key"] in [r["key"] for r in client().get(
            f"{base(code)}/records?organisation={org}", **tokens["administrator"]).json()]
    assert made["key"] not in [r["key"] for r in client().get(
        f"{base(code)}/records?organisation=taiwan-affairs", **tokens["administrator"]).json()]


def test_a_read_only_token_records_nothing(own_district: dict[str, Any]) -> None:
    from liaison_web.tokens import make_token

    code, tokens = own_district["code"], own_district["tokens"]
    made = create(code, "research_results", OWN_RESEARCH, tokens["clerk"])
    reader = {"HTTP_AUTHORIZATION": f"Bearer {make_token(f'clerk-{code}', 'reader', ('read',))}"}
    assert client().get(f"{base(code)}/records/research_results/{made['key']}", **reader).status_code == 200
    refused = post(f"{base(code)}/records/research_results", {**OWN_RESEARCH, "id": "R-9"}, reader)
    assert refused.status_code == 403 and refused.json()["kind"] == "Forbidden"
    again = post(f"{base(code)}/records/research_results/{made['key']}/withdrawal", {"reason": "x"}, reader,
                 f"{made['key']}.1")
    assert again.status_code == 403


def test_a_names_resolved_and_bad_records_refused_at_their_path(own_district: dict[str, Any]) -> None:
    code, tokens = own_district["code"], own_district["tokens"]
    made = create(code, "engagements", {"kind": "visit", "date": f"{YEAR}-04-08", "host": "区卫生局",
                                        "attended": [OFFICER_OF]}, tokens["clerk"])
    assert made["record"]["host"] == CLERK_OF  # the name became the id
    for body, where in (({**OWN_RESEARCH, "department": "no-such-body"}, "department"),
                        ({**OWN_RESEARCH, "received": f"{YEAR + 1}-01-02"}, None),
                        ({**OWN_RESEARCH, "submitted_by": "finance"}, "submitted_by"),
                        ({**OWN_RESEARCH, "surprise": 1}, None)):
        response = post(f"{base(code)}/records/research_results", body, tokens["clerk"],
                        HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 422, (body, response.content)
        error = response.json()
        assert error["message"] and error["message_zh"] and error["rendered"]
        if where is not None:
            assert where in json.dumps(error["path"]) + json.dumps(error["problems"]), error
    create(code, "research_results", OWN_RESEARCH, tokens["clerk"])
    twice = post(f"{base(code)}/records/research_results", OWN_RESEARCH, tokens["clerk"])
    assert twice.status_code == 422 and "R-1" in twice.json()["message"]


def test_the_findings_and_the_report_are_the_librarys_on_the_same_records(own_district: dict[str, Any]) -> None:
    from liaison.formats.documents import report_document, to_json
    from liaison.law.compliance import check
    from liaison.law.records import DocumentRecord, Records
    from liaison.year.state import year_calendar
    from liaison_web.store import DatabaseStore

    code, tokens = own_district["code"], own_district["tokens"]
    document = {"id": "区卫〔2027〕9号", "issuer": CLERK_OF, "date": f"{YEAR}-05-06", "copied_to": [OFFICER_OF],
                "title": "关于印发实施方案的通知"}
    create(code, "documents", document, tokens["clerk"])
    day = f"{YEAR}-06-30"
    report = client().get(f"{base(code)}/report?as_of={day}", **tokens["auditor"])
    assert report.status_code == 200
    district = own_district["district"]
    stored = DatabaseStore().load(district, YEAR)
    assert stored is not None
    from liaison.host.plugins import working_day_calendar

    calendar, _ = year_calendar(stored.state, YEAR, working_day_calendar())
    copied = DocumentRecord(id=document["id"], issuer=CLERK_OF, date=dt.date(YEAR, 5, 6), copied_to=(OFFICER_OF,),
                            title=document["title"])
    records = Records.from_plan(stored.state.plan, held_only=True).merged(Records(documents=(copied,)))
    wanted = report_document(check(district, records, YEAR, dt.date(YEAR, 6, 30), calendar=calendar), district)
    assert report.content.decode() == to_json(wanted)
    from liaison_web.api_records import FindingModel, ReportModel

    parsed = ReportModel.model_validate(report.json())  # the generated schema: nothing missing, nothing unknown
    assert utc(parsed.model_dump(mode="json", by_alias=True, exclude_unset=True)) == report.json()
    counted = [f for f in report.json()["findings"] if document["id"] in f["counted"]]
    assert counted, "the document recorded through the API is counted by a finding"

    # a body's findings: those charged to it or about it; the clerk reads its own, not the whole report
    own = client().get(f"{base(code)}/organisations/{CLERK_OF}/findings?as_of={day}", **tokens["clerk"])
    assert own.status_code == 200
    assert {json.dumps(f, sort_keys=True) for f in own.json()} == {
        json.dumps(f, sort_keys=True) for f in json.loads(to_json(wanted))["findings"]
        if f["responsible"] == CLERK_OF or CLERK_OF in f["affected"] or CLERK_OF in f["subject"]} != set()
    assert [FindingModel.model_validate(f).model_dump(mode="json", by_alias=True, exclude_unset=True)
            for f in own.json()] == own.json()
    assert client().get(f"{base(code)}/report?as_of={day}", **tokens["clerk"]).status_code == 403
    assert client().get(f"{base(code)}/organisations/finance/findings", **tokens["clerk"]).status_code == 403


@pytest.mark.parametrize(("path", "status"), [
    ("/records?kind=nope", 422), ("/records?organisation=nope", 404),
    ("/records/research_results/0123456789abcdef", 404),
    ("/records/research_results/nokey", 422),  # not a key the service makes: the address's schema refuses it
    ("/records/nope/0123456789abcdef", 422), ("/evidence?record=x&engagement=y", 422),
    ("/evidence?record=0123456789abcdef", 404), ("/evidence?record=nokey", 422),
    ("/organisations/nope/findings", 404), ("/report?as_of=not-a-day", 422)])
def test_odd_reads_are_answered_in_the_error_shape(own_district: dict[str, Any], path: str, status: int) -> None:
    code, tokens = own_district["code"], own_district["tokens"]
    response = client().get(f"{base(code)}{path}", **tokens["administrator"])
    assert response.status_code == status and response.json()["message_zh"]
    far = client().get(f"/api/v1/districts/{code}/years/1800/records", **tokens["administrator"])
    # a year outside the planner's is refused by the address's schema, before any reading
    assert far.status_code == 422 and far.json()["kind"] == "InvalidRequest" and "year" in far.json()["path"]


@pytest.mark.parametrize("body", [None, [1], {"id": "x"}, {"record": {}}, {"kind": "nope", "date": f"{YEAR}-01-01"},
                                  {"id": "d" * 5000, "issuer": CLERK_OF, "date": f"{YEAR}-01-02"}])
def test_odd_records_are_422_and_change_nothing(own_district: dict[str, Any], body: Any) -> None:
    from liaison_web import models

    code, tokens = own_district["code"], own_district["tokens"]
    before = models.Record.objects.count(), models.AuditEntry.objects.count()
    for kind in ("research_results", "engagements", "documents"):
        response = post(f"{base(code)}/records/{kind}", body, tokens["administrator"])
        assert response.status_code == 422 and response.json()["message_zh"], (kind, response.content)
    assert (models.Record.objects.count(), models.AuditEntry.objects.count()) == before


# -- who may record what ------------------------------------------------------------------------------
OPERATIONS = ("list", "read", "audit", "create", "correct", "withdraw")
READS = {"list", "read", "audit"}
WHOSE = ("own", "answered", "another body's", "another district's")


def expected(role: str, operation: str, whose: str) -> int:
    """From the roles as issue #25 describes them (not from the code's table): a department's clerk
    records its department's own facts (its visits, documents, feedback); a branch's or the ICF's
    liaison officer its body's own (the research it submits) — not a department's feedback on it: an
    answered research result the officer reads (a party to it) but neither writes, corrects nor
    withdraws; the administrator anything of its district; the auditors read only. Another
    district's is not shown to exist (404) to all but the city auditor, who reads it. A record
    created is 201."""
    ok = 201 if operation == "create" else 200
    if whose == "answered" and role == "liaison_officer":
        return 200 if operation in READS else 403
    if whose == "answered":
        whose = "own"
    if whose == "another district's":
        if role == "city_auditor":
            return 200 if operation in READS else 403
        return 404
    if role == "administrator":
        return ok
    if role in ("clerk", "liaison_officer"):
        return ok if whose == "own" else 403
    return 200 if operation in READS else 403


def _act(tokens: dict[str, dict[str, str]], role: str, operation: str, code: str, key: str,
         body: dict[str, Any]) -> Any:
    from liaison_web import models

    auth = tokens[role]
    path = f"{base(code)}/records/research_results/{key}"
    if operation == "list":
        response = client().get(f"{base(code)}/records", **auth)
        if response.status_code == 200:  # a list is filtered, not refused: the record is in it or not
            return 200 if key in [r["key"] for r in response.json()] else 403
        return response.status_code
    if operation == "read":
        return client().get(path, **auth).status_code
    if operation == "audit":
        return client().get(f"{path}/audit", **auth).status_code
    if operation == "create":
        return post(f"{base(code)}/records/research_results", {**body, "id": f"{body['id']}-{role}"}, auth).status_code
    version = models.Record.objects.filter(key=key).order_by("-version").values_list("version", flat=True)[0]
    if operation == "correct":
        return post(f"{path}/correction", {"record": {**body, "title": f"{role} 更正"}}, auth,
                    f"{key}.{version}").status_code
    return post(f"{path}/withdrawal", {"reason": role}, auth, f"{key}.{version}").status_code


@pytest.mark.parametrize("role", ROLES)
def test_the_records_authorisation_matrix(own_district: dict[str, Any], role: str) -> None:
    from liaison_web import models

    code, other, tokens = own_district["code"], own_district["other"], own_district["tokens"]
    objects = {"own": (code, OWN_RESEARCH), "answered": (code, ANSWERED_RESEARCH),
               "another body's": (code, OTHER_RESEARCH),
               "another district's": (other, {**OWN_RESEARCH, "id": f"X-{code}-{role}"})}
    keys = {whose: create(where, "research_results", body, tokens["superuser"])["key"]
            for whose, (where, body) in objects.items()}
    got = {}
    for whose, (where, body) in objects.items():
        for operation in OPERATIONS:
            entries = models.AuditEntry.objects.count()
            status = _act(tokens, role, operation, where, keys[whose], body)
            got[(operation, whose)] = status
            if status >= 400:
                assert models.AuditEntry.objects.count() == entries  # a refusal writes nothing
    assert got == {(o, w): expected(role, o, w) for w in WHOSE for o in OPERATIONS}


def test_the_openapi_document_has_a_schema_per_kind_from_the_library_types(own_district: dict[str, Any]) -> None:
    from liaison.law.records import SECTIONS
    from liaison_web.routes import openapi_json

    document = json.loads(openapi_json())
    paths = document["paths"]
    for section in SECTIONS:
        create = paths[f"/api/v1/districts/{{district}}/years/{{year}}/records/{section}"]["post"]
        schema = create["requestBody"]["content"]["application/json"]["schema"]
        assert schema["$ref"].rsplit("/", 1)[1] in document["components"]["schemas"]
        assert f"/api/v1/districts/{{district}}/years/{{year}}/records/{section}/{{key}}/correction" in paths
    assert "ResearchResult" in document["components"]["schemas"]
    assert {"/api/v1/districts/{district}/years/{year}/findings", "/api/v1/districts/{district}/years/{year}/report",
            "/api/v1/districts/{district}/years/{year}/organisations/{organisation}/findings",
            "/api/v1/districts/{district}/years/{year}/evidence",
            "/api/v1/districts/{district}/evidence/{key}"} <= set(paths)
