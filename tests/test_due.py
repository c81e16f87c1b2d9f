"""One body's to-do list (liaison.year.due): on the seed's 2027 at several days, and on generated districts."""

from __future__ import annotations

import datetime as dt

import attrs
import pytest
from builders import seed_text
from district_strategies import GeneratedDistrict, bounded, districts
from hypothesis import given, settings
from hypothesis import strategies as st

from liaison.base.errors import UnknownOrganisationError
from liaison.formats.district import parse_district
from liaison.law.compliance import FindingStatus, check
from liaison.law.district import District
from liaison.law.findings import MAY_MODALITIES
from liaison.law.records import HeldEngagement, Records, ResearchResult
from liaison.law.rules import EngagementKind, Response
from liaison.law.workdays import default_calendar
from liaison.year.due import DueKind, DueList, due_list, working_days_between
from liaison.year.engagements import Plan, Status
from liaison.year.planner import plan_year


@pytest.fixture(scope="module")
def plan(seed: District) -> Plan:
    return plan_year(seed, 2027)


def _meeting(seed: District, plan: Plan) -> tuple[str, str, tuple[str, ...]]:
    """A proposed joint meeting of the plan: id, host, participants."""
    e = next(e for e in plan.engagements if e.kind == EngagementKind.JOINT_MEETING and e.status == Status.PROPOSED)
    return e.id, e.host, e.participants


def _refs(found: DueList, kind: DueKind) -> set[str]:
    return {i.ref for i in found.items if i.kind == kind}


def _none(seed: District) -> Records:
    return Records(district_id=seed.info.id)


def test_a_planned_meeting_is_a_date_to_agree_for_its_host_and_attendees_only(seed: District, plan: Plan) -> None:
    meeting, host, participants = _meeting(seed, plan)
    day = plan.get(meeting).date - dt.timedelta(days=10)
    for org in seed.organisations:
        found = due_list(seed, plan, _none(seed), body=org.id, as_of=day)
        assert (meeting in _refs(found, DueKind.DATE_TO_AGREE)) == (org.id in participants), org.id
        assert all(i.body == org.id for i in found.items)
    item = next(i for i in due_list(seed, plan, _none(seed), body=host, as_of=day).items if i.ref == meeting)
    assert item.days_left == 10 and item.due == plan.get(meeting).date
    assert item.provision in plan.get(meeting).provisions


def test_after_its_day_without_a_held_record_it_is_a_record_missing_for_the_host(seed: District, plan: Plan) -> None:
    meeting, host, participants = _meeting(seed, plan)
    e = plan.get(meeting)
    after = e.date + dt.timedelta(days=3)
    found = due_list(seed, plan, _none(seed), body=host, as_of=after)
    assert meeting in _refs(found, DueKind.RECORD_MISSING)
    assert meeting not in _refs(found, DueKind.DATE_TO_AGREE)
    assert next(i for i in found.items if i.ref == meeting).days_left == -3
    other = next(p for p in participants if p != host)
    assert meeting not in _refs(due_list(seed, plan, _none(seed), body=other, as_of=after), DueKind.RECORD_MISSING)
    # a held record (by id, or by kind, day and host), or the plan's "held", closes it
    held = Records(district_id=seed.info.id, engagements=(HeldEngagement(
        kind=e.kind, date=e.date, host=e.host, attended=e.participants, id=e.id),))
    by_occasion = Records(district_id=seed.info.id, engagements=(HeldEngagement(
        kind=e.kind, date=e.date, host=e.host, attended=e.participants),))
    marked = attrs.evolve(plan, engagements=tuple(attrs.evolve(x, status=Status.HELD) if x.id == meeting else x
                                                  for x in plan.engagements))
    for records, year_plan in ((held, plan), (by_occasion, plan), (_none(seed), marked)):
        assert meeting not in _refs(due_list(seed, year_plan, records, body=host, as_of=after), DueKind.RECORD_MISSING)


def _research(seed: District, plan: Plan, feedback: dt.date | None = None) -> tuple[str, Records]:
    department = seed.departments()[0].id
    branch = seed.counterparts()[0].id
    return department, Records(district_id=seed.info.id, research_results=(ResearchResult(
        id="research-1", title="营商环境调研", submitted_by=branch, department=department,
        received=dt.date(2027, 3, 1), feedback=feedback),))


def test_research_without_feedback_shows_with_the_days_left_then_drops_once_answered(seed: District,
                                                                                    plan: Plan) -> None:
    department, records = _research(seed, plan)
    rule = next(r for _, r in seed.rules(Response, dt.date(2027, 3, 1)) if r.trigger == "research_result")
    due = rule.due(dt.date(2027, 3, 1), default_calendar())
    for day in (dt.date(2027, 3, 1), dt.date(2027, 3, 10), due, due + dt.timedelta(days=5)):
        items = [i for i in due_list(seed, plan, records, body=department, as_of=day).items if i.ref == "research-1"]
        assert [(i.kind, i.due, i.days_left) for i in items] == [(DueKind.FEEDBACK, due, (due - day).days)]
    assert not _refs(due_list(seed, plan, records, body=seed.counterparts()[0].id, as_of=dt.date(2027, 3, 10)),
                     DueKind.FEEDBACK)
    assert not _refs(due_list(seed, plan, records, body=department, as_of=dt.date(2027, 2, 27)), DueKind.FEEDBACK)
    _, answered = _research(seed, plan, feedback=dt.date(2027, 3, 12))
    assert "research-1" in _refs(due_list(seed, plan, answered, body=department, as_of=dt.date(2027, 3, 11)),
                                 DueKind.FEEDBACK)
    later = due_list(seed, plan, answered, body=department, as_of=dt.date(2027, 3, 12))
    assert not any(i.ref == "research-1" or "research-1" in i.todo_en for i in later.items)


def test_a_rule_in_working_days_counts_the_days_left_in_working_days(seed: District, plan: Plan) -> None:
    text = seed_text()
    assert text.count('responder = "department"\ndue_days = 30\n') == 1
    district = parse_district(text.replace('responder = "department"\ndue_days = 30\n',
                                           'responder = "department"\ndue_working_days = 10\n')
                              .replace("local = { due_days = \"反馈期限", "local = { due_working_days = \"反馈期限"),
                              file="working.toml")
    department, records = _research(district, plan)
    day = dt.date(2027, 3, 5)  # a Friday: the weekend does not count
    item = next(i for i in due_list(district, plan, records, body=department, as_of=day).items
                if i.kind == DueKind.FEEDBACK)
    assert item.working_days
    assert item.days_left == working_days_between(day, item.due, default_calendar()) < (item.due - day).days
    assert item.due == dt.date(2027, 3, 15)  # ten working days from Monday 1 March


def test_a_shortfall_at_year_end_is_charged_to_the_body_that_owed_it(seed: District, plan: Plan) -> None:
    end = dt.date(2027, 12, 31)
    report = check(seed, _none(seed), 2027, end)
    short = [f for f in report.findings if f.status == FindingStatus.SHORT and f.responsible]
    assert short
    for org in {f.responsible for f in short}:
        assert org is not None
        found = due_list(seed, plan, _none(seed), body=org, as_of=end)
        cited = {(i.ref, i.provision) for i in found.items if i.kind == DueKind.OBLIGATION}
        assert {("/".join(f.subject), f.provision) for f in short if f.responsible == org} <= cited
        assert all(i.body == org for i in found.items)
    owed = {f.responsible for f in short}
    free = next(o.id for o in seed.organisations if o.id not in owed and
                not any(f.responsible == o.id for f in report.findings if f.status == FindingStatus.OPEN))
    assert not _refs(due_list(seed, plan, _none(seed), body=free, as_of=end), DueKind.OBLIGATION)


def test_a_may_is_never_a_to_do(seed: District, plan: Plan) -> None:
    # a visit made a "may": the same plan, no visit held — no visit obligation, the dates still to agree
    text = seed_text()
    assert text.count('key = "leader-visit"\n') == 1
    district = parse_district(text.replace('key = "leader-visit"\n', 'key = "leader-visit"\nmodality = "may"\n'),
                              file="may.toml")
    department = seed.departments()[0].id
    for day in (dt.date(2027, 1, 4), dt.date(2027, 12, 31)):
        shall = due_list(seed, plan, _none(seed), body=department, as_of=day)
        may = due_list(district, plan, _none(district), body=department, as_of=day)
        assert any(i.provision == "§3.6" for i in shall.items if i.kind == DueKind.OBLIGATION)
        assert not any(i.provision == "§3.6" for i in may.items if i.kind == DueKind.OBLIGATION)
        assert _refs(may, DueKind.DATE_TO_AGREE) == _refs(shall, DueKind.DATE_TO_AGREE)
    # and no obligation item of the seed rests on a may sentence
    for org in seed.organisations:
        for i in due_list(seed, plan, _none(seed), body=org.id, as_of=dt.date(2027, 12, 31)).items:
            prov = seed.provision(i.provision)
            if i.kind == DueKind.OBLIGATION:
                assert any(prov.modality_of(r) not in MAY_MODALITIES for r in prov.rules)


def test_every_item_cites_the_wording_in_force_that_day(seed: District, plan: Plan) -> None:
    department = seed.departments()[0].id
    for day in (dt.date(2027, 1, 4), dt.date(2027, 6, 30), dt.date(2027, 12, 31)):
        for i in due_list(seed, plan, _none(seed), body=department, as_of=day).items:
            text = seed.provision(i.provision).text_at(day)
            assert (i.provision_text_zh, i.provision_text_en) == (text.text_zh, text.text_en)
            assert i.todo_zh and i.todo_en


def test_an_unknown_body_is_the_librarys_error(seed: District, plan: Plan) -> None:
    with pytest.raises(UnknownOrganisationError):
        due_list(seed, plan, _none(seed), body="no-such-body", as_of=dt.date(2027, 3, 1))


@bounded(25)
@given(generated=districts(), data=st.data())
def test_any_districts_items_cite_its_provisions_in_force_and_name_the_body(generated: GeneratedDistrict,
                                                                             data: st.DataObject) -> None:
    district, year = generated.district, generated.year
    year_plan = plan_year(district, year, generated.options)
    body = data.draw(st.sampled_from([o.id for o in district.organisations]))
    day = data.draw(st.dates(dt.date(year, 1, 1), dt.date(year, 12, 31)))
    found = due_list(district, year_plan, generated.records, body=body, as_of=day)
    ids = {p.id for p in district.provisions}
    planned = {e.id: e for e in year_plan.engagements}
    for i in found.items:
        if i.kind in (DueKind.DATE_TO_AGREE, DueKind.RECORD_MISSING):
            e = planned[i.ref]
            assert body == e.host if i.kind == DueKind.RECORD_MISSING else body in e.participants
            assert i.provision in e.provisions and i.due == e.date
        assert i.body == body
        assert i.provision in ids
        text = district.provision(i.provision).text_at(day)
        assert i.provision_text_zh == text.text_zh and i.provision_text_en == text.text_en
        if i.kind == DueKind.DATE_TO_AGREE:
            assert i.days_left >= 0
        if i.kind == DueKind.RECORD_MISSING:
            assert i.days_left < 0


def test_the_command_prints_the_list_in_the_outputs_language_and_the_document(seed: District, plan: Plan) -> None:
    import json

    from click.testing import CliRunner

    from liaison.formats.documents import due_document
    from liaison_cli.main import cli

    meeting, host, _ = _meeting(seed, plan)
    day = plan.get(meeting).date - dt.timedelta(days=1)
    runner = CliRunner()
    zh = runner.invoke(cli, ["due", "--body", host, "--as-of", day.isoformat(), "--lang", "zh"])
    en = runner.invoke(cli, ["due", "--body", host, "--as-of", day.isoformat(), "--lang", "en"])
    assert zh.exit_code == 0 and en.exit_code == 0, zh.output + en.output
    assert "待办事项" in zh.output and "商定日期" in zh.output and "date to agree" not in zh.output
    assert "To do for" in en.output and "date to agree" in en.output and "商定日期" not in en.output
    out = runner.invoke(cli, ["due", "--body", host, "--as-of", day.isoformat(), "--format", "json"])
    assert out.exit_code == 0, out.output
    expected = json.loads(json.dumps(due_document(due_list(seed, plan, _none(seed), body=host, as_of=day), seed),
                                     default=str))
    assert json.loads(out.output) == expected
    unknown = runner.invoke(cli, ["due", "--body", "no-such-body", "--as-of", day.isoformat(), "--lang", "en"])
    assert unknown.exit_code != 0 and "Traceback" not in unknown.output and "no-such-body" in unknown.output


@attrs.frozen(kw_only=True)
class _Letter:
    """A letter as the letters' exporter lists it (its ``LetterAbout``'s fields: the library's
    ``PendingLetter``), made here without the plugin."""

    path: str
    kind: str
    subject: str
    recipient: str
    issuer: str
    engagement: str = ""
    provisions: tuple[str, ...] = ()
    draft: bool = True
    title: str = ""
    date: dt.date | None = None


@settings(max_examples=25)  # each example checks the year four times (the obligations of each body)
@given(st.integers(min_value=0, max_value=40), st.booleans())
def test_the_letters_to_issue_are_the_issuers_drafts_due_before_their_meeting_or_by_the_rule(
        seed: District, plan: Plan, shift: int, issued: bool) -> None:
    e = next(e for e in plan.engagements if e.kind == EngagementKind.JOINT_MEETING)
    department, records = _research(seed, plan, feedback=dt.date(2027, 3, 12))
    rule_prov, rule = next(pr for pr in seed.rules(Response, dt.date(2027, 3, 1)) if pr[1].trigger == "research_result")
    day = dt.date(2027, 1, 4) + dt.timedelta(days=shift)
    letters = (
        _Letter(path="草稿/邀请函/x.docx", kind="invitation", subject=e.id, recipient=e.participants[0], issuer=e.host,
                engagement=e.id, provisions=e.provisions[:1], title="关于邀请出席联席会议的函", date=e.date,
                draft=not issued),
        _Letter(path="草稿/反馈函/y.docx", kind="feedback", subject="research-1", recipient=seed.counterparts()[0].id,
                issuer=department, provisions=(rule_prov.id,), title="关于调研报告反馈意见的函",
                date=dt.date(2027, 3, 12)),
        _Letter(path="草稿/通知/z.docx", kind="notice", subject=department, recipient=department,
                issuer=seed.general_office().id, provisions=e.provisions[:1], title="关于做好联系工作的通知",
                date=dt.date(2027, 1, 5)),
        _Letter(path="草稿/通知/none.docx", kind="notice", subject=department, recipient=department,
                issuer=seed.general_office().id, title="未引条款的通知", date=dt.date(2027, 1, 5)))
    for body in {e.host, department, seed.general_office().id, seed.counterparts()[0].id}:
        found = [i for i in due_list(seed, plan, records, body=body, as_of=day, letters=letters).items
                 if i.kind == DueKind.LETTER_TO_ISSUE]
        # its own drafts citing a provision, and nothing of another body's or already issued
        wanted = {f"{x.kind}/{x.subject}/{x.recipient}": x for x in letters
                  if x.issuer == body and x.draft and x.provisions}
        assert {i.ref for i in found} == set(wanted)
        for item in found:
            letter = wanted[item.ref]
            assert letter.title in item.todo_zh and letter.title in item.todo_en and item.provision_text_zh
            if letter.kind == "invitation":  # out before the meeting
                assert item.due == e.date - dt.timedelta(days=1) and item.provision == e.provisions[0]
            elif letter.kind == "feedback":  # by the response rule, from the day the research came
                assert item.due == rule.due(dt.date(2027, 3, 1), default_calendar()) and item.provision == rule_prov.id
            else:
                assert item.due == letter.date
            assert item.days_left == (item.due - day).days
