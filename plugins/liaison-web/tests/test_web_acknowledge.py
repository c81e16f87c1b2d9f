"""Issue #25: a party branch's or the ICF's liaison officer acknowledges what was sent to its body —
a document copied to it, an invitation (its 回执: attending, who), the feedback on its research —
through ``POST …/acknowledgements``: kept and audited, shown to the sender, closing the body's due
item "to acknowledge" and telling the webhooks; another body's item refused (403), another
district's not shown (404). Each test in a district of its own (own_district)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from web_db import CLERK_OF, OFFICER_OF, YEAR

#: Another counterpart of the district, with no officer in the tests.
OTHER_BODY = "rcck"
DAY = dt.date(YEAR, 2, 1)


def _api(own: dict[str, Any]) -> str:
    return f"/api/v1/districts/{own['code']}/years/{YEAR}"


def _post(url: str, body: Any, auth: dict[str, str]) -> Any:
    from django.test import Client

    return Client().post(url, json.dumps(body), content_type="application/json", **auth)


def _get(url: str, auth: dict[str, str], **query: Any) -> Any:
    from django.test import Client

    return Client().get(url, query, **auth)


def _document(own: dict[str, Any], number: str, copied_to: list[str]) -> dict[str, Any]:
    made = _post(f"{_api(own)}/records/documents", {"id": number, "issuer": CLERK_OF, "date": DAY.isoformat(),
                                                    "copied_to": copied_to, "title": "关于卫生工作的通知"},
                 own["tokens"]["clerk"])
    assert made.status_code == 201, made.content
    return dict(made.json())


def _due(own: dict[str, Any], as_of: dt.date, role: str = "liaison_officer") -> list[dict[str, Any]]:
    answer = _get(f"/api/v1/districts/{own['code']}/organisations/{OFFICER_OF}/due", own["tokens"][role],
                  as_of=as_of.isoformat())
    assert answer.status_code == 200, answer.content
    return [i for i in answer.json()["items"] if i["kind"] == "to_acknowledge"]


def _ack(of: str, item: str, day: dt.date = DAY, organisation: str = OFFICER_OF, **more: Any) -> dict[str, Any]:
    return {"of": of, "item": item, "organisation": organisation, "date": day.isoformat(), **more}


def test_an_officer_acknowledges_a_document_copied_to_its_body(own_district: dict[str, Any]) -> None:
    from liaison_web import models

    own = own_district
    number = f"区卫生局〔{YEAR}〕7号"
    _document(own, number, [OFFICER_OF, OTHER_BODY])
    later = DAY + dt.timedelta(days=3)
    listed = _due(own, later)
    assert [i["ref"] for i in listed] == [number]
    cc = own["district"].cc_list(CLERK_OF, DAY, "policy")  # the provision: the copying rule's, from the data
    assert listed[0]["provision"] in next(r.provisions for r in cc.recipients if r.organisation.id == OFFICER_OF)
    assert listed[0]["basis"] == "local" and listed[0]["due"] == DAY.isoformat()

    made = _post(f"{_api(own)}/acknowledgements", _ack("document", number, DAY + dt.timedelta(days=1)),
                 own["tokens"]["liaison_officer"])
    assert made.status_code == 201, made.content
    kept = made.json()
    assert kept["acknowledgement"]["record"]["organisation"] == OFFICER_OF
    assert kept["item"]["sender"] == CLERK_OF and kept["item"]["provision"] == listed[0]["provision"]
    key = kept["acknowledgement"]["key"]
    assert _due(own, later) == []  # the item is closed
    assert [i["ref"] for i in _due(own, DAY)] == [number]  # as of the day before it was acknowledged: still open
    # audited in the acknowledgement's transaction: who, from where, what
    entry = models.AuditEntry.objects.get(object_type="record", object_id=key)
    assert entry.action == "created" and entry.actor.startswith(f"liaison_officer-{own['code']}")
    assert entry.after["record"]["item"] == number and entry.before is None
    # the same answer again: nothing added
    again = _post(f"{_api(own)}/acknowledgements", _ack("document", number, DAY + dt.timedelta(days=1)),
                  own["tokens"]["liaison_officer"])
    assert again.status_code == 200 and again.json()["acknowledgement"]["version"] == 1
    assert models.Record.objects.filter(key=key).count() == 1
    # the sender's view: its clerk reads the acknowledgements of its document
    seen = _get(f"{_api(own)}/acknowledgements", own["tokens"]["clerk"], item=number)
    assert seen.status_code == 200 and [a["acknowledgement"]["key"] for a in seen.json()] == [key]
    # an acknowledgement is no record of the library's: the records list does not show it
    listed_records = _get(f"{_api(own)}/records", own["tokens"]["administrator"]).json()
    assert key not in {r["key"] for r in listed_records}


def test_another_bodys_item_is_refused_and_another_districts_not_shown(own_district: dict[str, Any]) -> None:
    from liaison_web import models

    own = own_district
    theirs, shared = f"区卫生局〔{YEAR}〕8号", f"区卫生局〔{YEAR}〕9号"
    _document(own, theirs, [OTHER_BODY])
    _document(own, shared, [OFFICER_OF, OTHER_BODY])
    officer = own["tokens"]["liaison_officer"]
    rows = models.Record.objects.count()
    # a document not sent to the officer's body
    refused = _post(f"{_api(own)}/acknowledgements", _ack("document", theirs, organisation=OTHER_BODY), officer)
    assert refused.status_code == 403, refused.content
    refused = _post(f"{_api(own)}/acknowledgements", _ack("document", theirs), officer)
    assert refused.status_code == 403, refused.content
    # sent to both: the officer answers for its own body, never for the other
    refused = _post(f"{_api(own)}/acknowledgements", _ack("document", shared, organisation=OTHER_BODY), officer)
    assert refused.status_code == 403, refused.content
    # a department's clerk acknowledges nothing; an auditor changes nothing
    for role in ("clerk", "auditor", "city_auditor"):
        answer = _post(f"{_api(own)}/acknowledgements", _ack("document", shared), own["tokens"][role])
        assert answer.status_code == 403, (role, answer.content)
    # another district's: not shown to exist
    hidden = _post(f"/api/v1/districts/{own['other']}/years/{YEAR}/acknowledgements", _ack("document", shared), officer)
    assert hidden.status_code == 404
    # an item the year did not send
    unknown = _post(f"{_api(own)}/acknowledgements", _ack("document", "区卫生局〔2027〕99号"), officer)
    assert unknown.status_code == 404
    # an administrator may answer for a body, only one it was sent to
    wrong = _post(f"{_api(own)}/acknowledgements", _ack("document", theirs), own["tokens"]["administrator"])
    assert wrong.status_code == 422 and wrong.json()["path"] == ["organisation"]
    assert models.Record.objects.count() == rows  # nothing kept
    assert _post(f"{_api(own)}/acknowledgements", _ack("document", theirs, organisation=OTHER_BODY),
                 own["tokens"]["administrator"]).status_code == 201
    # the officer does not read the other body's acknowledgement; the administrator does
    assert _get(f"{_api(own)}/acknowledgements", officer).json() == []
    assert len(_get(f"{_api(own)}/acknowledgements", own["tokens"]["administrator"]).json()) == 1


def test_an_invitations_reply_says_who_attends(own_district: dict[str, Any]) -> None:
    from liaison_web.store import DatabaseStore

    own = own_district
    stored = DatabaseStore().load(own["district"], YEAR)
    assert stored is not None
    invited = next(e for e in stored.state.plan.engagements
                   if OFFICER_OF in e.participants and e.host == CLERK_OF and e.date > DAY)
    before = _due(own, DAY)
    assert invited.id not in {i["ref"] for i in before}  # a proposed date is to agree first, not an invitation
    revision = DatabaseStore().current(own["district"], YEAR)
    confirmed = _post(f"{_api(own)}/engagements/{invited.id}/confirm", {},
                      {**own["tokens"]["clerk"], "HTTP_IF_MATCH": f'"{revision}"'})
    assert confirmed.status_code == 200, confirmed.content
    assert invited.id in {i["ref"] for i in _due(own, DAY)}
    officer = own["tokens"]["liaison_officer"]
    no_answer = _post(f"{_api(own)}/acknowledgements", _ack("invitation", invited.id), officer)
    assert no_answer.status_code == 422 and no_answer.json()["path"] == ["attending"]
    made = _post(f"{_api(own)}/acknowledgements", _ack("invitation", invited.id, attending=True, attendees=["张三"]),
                 officer)
    assert made.status_code == 201, made.content
    assert invited.id not in {i["ref"] for i in _due(own, DAY)}
    # another answer (two attend): the acknowledgement's next version, the first kept
    changed = _post(f"{_api(own)}/acknowledgements",
                    _ack("invitation", invited.id, attending=True, attendees=["张三", "李四"]), officer)
    assert changed.status_code == 200 and changed.json()["acknowledgement"]["version"] == 2
    assert changed.json()["acknowledgement"]["versions"][0]["record"]["attendees"] == ["张三"]
    # the host's clerk sees the reply on its engagement
    replies = _get(f"{_api(own)}/acknowledgements", own["tokens"]["clerk"], of="invitation", item=invited.id).json()
    assert [r["acknowledgement"]["record"]["attendees"] for r in replies] == [["张三", "李四"]]


def test_feedback_on_research_is_acknowledged_and_the_webhook_told(own_district: dict[str, Any],
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    from liaison_web import api_records, models
    from liaison_web.webhooks import make_webhook

    own = own_district
    today = dt.date(YEAR, 1, 25)  # the service's today, which the due lists the webhooks are told of are of
    monkeypatch.setattr(api_records, "_today", lambda district: today)
    hook, _ = make_webhook(own["district"], "https://oa.example.gov.cn/hook", organisation=OFFICER_OF)
    try:
        research = _post(f"{_api(own)}/records/research_results",
                         {"id": "R-ack-1", "title": "关于基层医疗的调研报告", "submitted_by": OFFICER_OF,
                          "department": CLERK_OF, "received": "2027-01-10"}, own["tokens"]["liaison_officer"])
        assert research.status_code == 201, research.content
        record = research.json()
        answered = _post(f"{_api(own)}/records/research_results/{record['key']}/correction",
                         {"record": {**record["record"], "feedback": "2027-01-20", "feedback_summary": "已研究采纳"}},
                         {**own["tokens"]["clerk"], "HTTP_IF_MATCH": f'"{record["key"]}.1"'})
        assert answered.status_code == 200, answered.content
        assert "R-ack-1" in {i["ref"] for i in _due(own, today)}
        told = [json.loads(d.body) for d in models.WebhookDelivery.objects.filter(webhook=hook).order_by("id")]
        assert [(p["type"], p["due"]["ref"]) for p in told if (p.get("due") or {}).get("kind") == "to_acknowledge"] == \
            [("due.opened", "R-ack-1")]  # the feedback given opened the item
        made = _post(f"{_api(own)}/acknowledgements", _ack("feedback", "R-ack-1", dt.date(YEAR, 1, 21)),
                     own["tokens"]["liaison_officer"])
        assert made.status_code == 201, made.content
        assert "R-ack-1" not in {i["ref"] for i in _due(own, today)}
        told = [json.loads(d.body) for d in models.WebhookDelivery.objects.filter(webhook=hook).order_by("id")]
        assert [(p["type"], p["due"]["ref"]) for p in told if (p.get("due") or {}).get("kind") == "to_acknowledge"] == \
            [("due.opened", "R-ack-1"), ("due.closed", "R-ack-1")]
        early = _post(f"{_api(own)}/acknowledgements", _ack("feedback", "R-ack-1", dt.date(YEAR, 1, 19)),
                      own["tokens"]["liaison_officer"])
        assert early.status_code == 422 and early.json()["path"] == ["date"]  # before the feedback came
    finally:
        models.Webhook.objects.filter(pk=hook.pk).update(active=False)


def _browser(own: dict[str, Any], role: str) -> Any:
    from django.contrib.auth import get_user_model
    from django.test import Client

    client = Client()
    client.force_login(get_user_model()._default_manager.get(username=f"{role}-{own['code']}"))
    return client


def test_the_pages_show_the_replies_to_the_sender_and_the_form_to_the_body_sent_it(
        own_district: dict[str, Any]) -> None:
    from liaison_web import models
    from liaison_web.store import DatabaseStore

    own = own_district
    stored = DatabaseStore().load(own["district"], YEAR)
    assert stored is not None
    invited = next(e for e in stored.state.plan.engagements
                   if OFFICER_OF in e.participants and e.host == CLERK_OF and e.date > DAY)
    page = f"/engagement/{own['code']}/{YEAR}/{invited.id}/"
    officer, clerk = _browser(own, "liaison_officer"), _browser(own, "clerk")
    assert b'id="ack-form-' not in officer.get(page).content  # its date is not agreed: no invitation yet
    revision = DatabaseStore().current(own["district"], YEAR)
    assert _post(f"{_api(own)}/engagements/{invited.id}/confirm", {},
                 {**own["tokens"]["clerk"], "HTTP_IF_MATCH": f'"{revision}"'}).status_code == 200
    shown = officer.get(page).content.decode()
    assert f'id="ack-form-{OFFICER_OF}"' in shown
    assert 'id="ack-form-' not in clerk.get(page).content.decode()  # the host sends, it does not reply
    sent = officer.post(f"/acknowledge/{own['code']}/{YEAR}/", {
        "of": "invitation", "item": invited.id, "organisation": OFFICER_OF, "attending": "yes",
        "attendees": "张三、李四", "back": page})
    assert sent.status_code == 302 and sent["Location"] == page
    row = models.Record.objects.get(district__code=own["code"], kind="acknowledgements")
    assert row.data["attendees"] == ["张三", "李四"] and row.data["attending"] is True
    for client in (officer, clerk):  # the body's own reply, and the sender's view of it
        replies = client.get(page).content.decode().split('id="acknowledgements"', 1)[1]
        assert "张三、李四" in replies
    # another body's item through the page: refused as through the API, nothing kept
    refused = officer.post(f"/acknowledge/{own['code']}/{YEAR}/", {
        "of": "invitation", "item": invited.id, "organisation": OTHER_BODY, "attending": "no", "back": page})
    assert refused.status_code == 403
    assert models.Record.objects.filter(district__code=own["code"], kind="acknowledgements").count() == 1
    # a document's record page: the form for the body it was copied to, the replies for its issuer
    number = f"区卫生局〔{YEAR}〕11号"
    document = _document(own, number, [OFFICER_OF])
    record_page = f"/records/{own['code']}/{YEAR}/documents/{document['key']}/"
    assert f'id="ack-form-{OFFICER_OF}"' in officer.get(record_page).content.decode()
    assert officer.post(f"/acknowledge/{own['code']}/{YEAR}/", {
        "of": "document", "item": number, "organisation": OFFICER_OF, "back": record_page}).status_code == 302
    issuer_view = clerk.get(record_page).content.decode().split('id="acknowledgements"', 1)[1]
    assert own["district"].organisation(OFFICER_OF).name in issuer_view
