"""Write docs/provisions.md from the seed data: provision → code → tests; for every provision each
rule's sentence with its modality and each number or reading with its basis (text or local); and every
sentence of the text with what implements it, or "not modelled" and why.

    python docs/make_provisions.py          # rewrite docs/provisions.md
    python docs/make_provisions.py --check  # exit 1 if it is out of date (tests/test_docs.py runs this)
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

import attrs

import liaison
from liaison.law.rules import BASIS_ZH, MODALITY_EN, MODALITY_ZH, RULE_TAGS, Cadence, Provision, Rule
from liaison.law.sentences import sentences

HERE = Path(__file__).parent

#: Where each provision lives in the code and which tests would fail if it broke.
CODE_AND_TESTS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "§0": (("liaison.law.district.District.provision",),
           ("test_every_provision_of_the_regulation_is_in_the_data_with_its_verbatim_text",)),
    "§1": (("liaison.law.district.District.provision",),
           ("test_every_provision_of_the_regulation_is_in_the_data_with_its_verbatim_text",)),
    "§1.1": (("liaison.law.rules.Response", "liaison.law.compliance.documents.consultations",
              "liaison.law.records.ConsultationRecord"),
             ("test_consultations_need_all_eight_and_their_replies", "test_the_parties_owe_no_reply_to_a_consultation",
              "test_a_late_reply_is_reported_as_late_with_its_date_not_as_missing")),
    "§1.2": (("liaison.law.district.District.invitees", "liaison.year.engagements.KnownEvent",
              "liaison.year.engagements.Guest", "liaison.law.compliance.documents.invitations"),
             ("test_party_and_icf_leaders_attend_every_plenary_meeting_of_the_government",
              "test_a_symposium_before_an_important_policy_invites_all_eight_as_circumstances_require",
              "test_a_shall_shortfall_is_a_violation", "test_a_may_shortfall_is_information_and_never_a_problem",
              "test_an_important_meeting_invites_whom_it_names_and_its_guests",
              "test_an_event_the_text_gives_the_government_cannot_be_recorded_as_a_departments")),
    "§1.3": (("liaison.law.district.District.invitees", "liaison.law.rules.Response",
              "liaison.law.records.ResearchResult",
              "liaison.law.records.Briefing", "liaison.law.compliance.documents.research_feedback"),
             ("test_a_department_professional_meeting_may_invite_its_paired_organisations",
              "test_a_late_feedback_is_measured_against_the_district_setting_not_the_text",
              "test_research_received_before_a_rule_took_effect_is_judged_by_the_rule_then",
              "test_briefings_and_special_appointments_are_recorded")),
    "§1.4": (("liaison.law.district.District.invitees", "liaison.law.records.SpecialAppointment"),
             ("test_inspections_invite_all_eight_as_needed", "test_briefings_and_special_appointments_are_recorded")),
    "§2": (("liaison.law.district.District.pairings_as_of", "liaison.law.district.District.pairing_spans"),
           ("test_the_adjusted_arrangement_takes_effect_on_the_only_date_in_the_source",
            "test_a_pairing_dated_out_of_force_is_absent_from_an_as_of_query",
            "test_no_day_has_two_versions_of_one_pairing_in_force")),
    "§2.1": (("liaison.law.district.District.common_liaison_units",),
             ("test_the_development_and_finance_bureaus_are_common_liaison_units_of_all_eight",
              "test_a_common_liaison_unit_copies_all_seven_branches_and_the_icf")),
    "§2.2": (("liaison.law.district.District.counterparts_of", "liaison.law.district.District.departments_of"),
             ("test_thirty_three_pairings_are_in_force_on_new_year_2027",
              "test_the_health_bureau_is_paired_with_the_cpwdp_and_jiusan")),
    "§3": (("liaison.law.district.District.provision",),
           ("test_every_provision_of_the_regulation_is_in_the_data_with_its_verbatim_text",)),
    "§3.1": (("liaison.law.duties.obligations", "liaison.law.duties.designations_in_force",
              "liaison.year.planner.plan_year",
              "liaison.law.compliance.cadences.designations"),
             ("test_the_work_meeting_appears_in_alternate_years_only",
              "test_the_work_meeting_is_judged_over_its_two_year_period",
              "test_a_missing_designation_is_reported_per_department",
              "test_another_districts_plan_treated_as_held_meets_its_own_numbers")),
    "§3.2": (("liaison.law.district.District.cc_list", "liaison.law.compliance.documents.routing"),
             ("test_a_health_bureau_policy_document_is_copied_to_its_two_paired_branches",
              "test_materials_are_routed_as_the_text_says",
              "test_documents_of_the_government_and_its_general_office_go_to_all_eight",
              "test_a_policy_document_not_copied_to_a_paired_branch_is_a_finding")),
    "§3.3": (("liaison.law.duties.obligations", "liaison.law.duties.Obligation.counts",
              "liaison.year.planner.plan_year",
              "liaison.year.engagements.Plan.move", "liaison.law.compliance.cadences.cadences"),
             ("test_every_pairing_meets_at_least_once_in_every_planned_year",
              "test_a_department_met_only_as_the_district_reads_it_says_so",
              "test_a_joint_meeting_called_by_the_party_counts",
              "test_a_common_liaison_unit_meets_all_eight_together_by_default",
              "test_a_departments_meeting_counts_when_it_met_its_paired_organisations",
              "test_plans_for_generated_districts_keep_every_obligation_or_say_why")),
    "§3.4": (("liaison.law.records.JointResearch", "liaison.law.compliance.cadences.record_only"),
             ("test_record_only_duties_are_recorded_and_never_a_problem",)),
    "§3.5": (("liaison.law.district.District.invitees", "liaison.law.compliance.documents.invitations"),
             ("test_major_government_events_generally_invite_all_party_and_icf_leaders",
              "test_a_partys_major_event_inviting_the_government_is_recorded_not_charged",
              "test_a_generally_shall_shortfall_is_a_deviation_that_a_reason_explains")),
    "§3.6": (("liaison.law.duties.obligations", "liaison.year.planner.plan_year",
              "liaison.law.compliance.cadences.cadences"),
             ("test_leaders_visit_each_paired_organisation_once_or_twice_a_year",
              "test_the_per_pairing_reading_is_data_and_a_shortfall_under_it_alone_says_so",
              "test_an_amendment_mid_year_is_planned_and_checked_by_the_version_in_force_each_day",
              "test_a_third_visit_is_beyond_guidance")),
    "§3.7": (("liaison.law.records.Nomination", "liaison.law.compliance.cadences.record_only"),
             ("test_record_only_duties_are_recorded_and_never_a_problem",)),
    "§3.8": (("liaison.law.records.TownActivity", "liaison.law.compliance.cadences.record_only"),
             ("test_record_only_duties_are_recorded_and_never_a_problem",)),
}

AS_OF = dt.date(2027, 1, 1)  # the wording listed (the seed's texts have no amendments)
NUMBERS = ("min_per_period", "max_per_period", "period_years", "period_months", "cycle_anchor_year", "duration_minutes",
           "due_days", "due_working_days", "scope", "valid_from")


def rule_lines(rule: Rule, modality: str) -> list[str]:
    lines = [f"- `{rule.key}` ({RULE_TAGS[type(rule)]}), **{modality}**"
             + (f": “{rule.sentence_zh}”" if rule.sentence_zh else "")
             + (f" — the whole rule is {BASIS_ZH['local']}" if rule.basis == "local" else "")]
    fields = {f.name for f in attrs.fields(type(rule))}
    for name in NUMBERS:
        if name not in fields:
            continue
        value = getattr(rule, name)
        if value is None or (name == "cycle_anchor_year" and isinstance(rule, Cadence) and rule.months == 12):
            continue
        note = rule.local.note(name) or (rule.note if rule.basis == "local" else None)
        basis = f"{BASIS_ZH['local']} — {note}" if note else BASIS_ZH["text"]
        lines.append(f"  - `{name} = {value}`: {basis}")
    if rule.note:
        lines.append(f"  - 说明：{rule.note}")
    return lines


def render() -> str:
    district = liaison.seed_district()
    out = ["# Provision → code → test", "",
           "Generated from the seed data by `docs/make_provisions.py` (do not edit by hand). For every provision of",
           "the regulation: the code that implements it and the tests that would fail if it broke; then each rule",
           "with the sentence it implements and that sentence's modality, and each number or reading with its",
           f"basis — {BASIS_ZH['text']} (the regulation states it) or {BASIS_ZH['local']} (the district chose it;",
           "the note says why).",
           "", "| ID | 条 | Title | Modality | Code | Tests |", "|---|---|---|---|---|---|"]
    for prov in district.provisions:
        code, tests = CODE_AND_TESTS[prov.id]
        modalities = sorted({MODALITY_EN[prov.modality_of(r)] for r in prov.rules} or {MODALITY_EN[prov.modality]})
        out.append(f"| {prov.id} | {prov.citation_zh} | {prov.title_en} | {' / '.join(modalities)} | "
                   + ", ".join(f"`{c}`" for c in code) + " | " + ", ".join(f"`{t}`" for t in tests) + " |")
    out += ["", "## Sentences and numbers", ""]
    for prov in district.provisions:
        out += [f"### {prov.id} {prov.citation_zh} {prov.title_zh} ({prov.title_en})", "",
                f"Provision modality: {MODALITY_ZH[prov.modality]} ({MODALITY_EN[prov.modality]})."]
        if prov.pairing_role:
            out.append(f"Creates pairings: `{prov.pairing_role}`.")
        for reading in prov.readings:
            out.append(f"Reading of “{reading.phrase_zh}”: {BASIS_ZH[reading.basis]} — {reading.reading_zh}")
        out.append("")
        for rule in prov.rules:
            modality = prov.modality_of(rule)
            out += rule_lines(rule, f"{MODALITY_ZH[modality]} ({MODALITY_EN[modality]})")
        if prov.rules:
            out.append("")
        out += sentence_lines(prov)
    return "\n".join(out).rstrip() + "\n"


def sentence_lines(prov: Provision) -> list[str]:
    """Every sentence of the text (as in force on ``AS_OF``) and what implements it."""
    lines = ["Sentence by sentence (逐句):", ""]
    for s in sentences(prov, AS_OF):
        how = []
        if s.rules:
            how.append("rules " + ", ".join(f"`{k}`" for k in s.rules))
        if s.pairings:
            how.append("the pairings")
        for n in s.notes:
            how.append(f"`{n.implemented_by}` — {n.note_zh}" if n.implemented_by else f"**not modelled** — {n.note_zh}")
        how += [f"**not accounted for**: {part}" for part in s.uncovered]
        lines.append(f"- “{s.text_zh}” → " + "; ".join(how))
    return [*lines, ""]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()
    target = HERE / "provisions.md"
    text = render()
    if args.check:
        return 0 if target.read_text(encoding="utf-8") == text else 1
    target.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
