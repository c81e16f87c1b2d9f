"""The words for the values a data file uses (recipient sets, response triggers, issuers, record
kinds, scopes, local settings), in Chinese and in English: one place, read by the checker's sentences,
``liaison provisions`` and the page. A value not listed shows as it is (:func:`term`)."""

from __future__ import annotations

RECIPIENTS_ZH: dict[str, str] = {"all_counterparts": "各民主党派、工商联",
                                 "paired_counterparts": "对口联系的民主党派、工商联",
                                 "relevant_counterparts": "有关民主党派、工商联",
                                 "government": "区政府"}
RECIPIENTS_EN: dict[str, str] = {"all_counterparts": "every party and the ICF",
                                 "paired_counterparts": "the paired parties and ICF",
                                 "relevant_counterparts": "the parties and ICF concerned",
                                 "government": "the district government"}
HOST_ZH: dict[str, str] = {"district_government": "区政府", "department": "区直部门", "town_government": "镇政府",
                           "counterpart": "民主党派、工商联", "either_side": "对口联系双方",
                           "government_or_department": "区政府或区直部门"}
HOST_EN: dict[str, str] = {"district_government": "the district government", "department": "a department",
                           "town_government": "a town government", "counterpart": "a party branch or the ICF",
                           "either_side": "either side of the pairing",
                           "government_or_department": "the government or a department"}
#: §3.1's roles (``roles`` of a designation rule, the fields of ``Designations``).
DESIGNATION_ZH: dict[str, str] = {"leader_in_charge": "分管领导", "liaison_office": "负责处室",
                                  "liaison_officer": "联络人员"}
DESIGNATION_EN: dict[str, str] = {"leader_in_charge": "leader in charge", "liaison_office": "liaison office",
                                  "liaison_officer": "liaison officer"}
#: What a copying rule is about, by its issuer, and a response rule, by its trigger (a rule's label).
COPYING_ZH: dict[str, str] = {"government": "区政府文件抄送", "department": "部门文件抄送"}
COPYING_EN: dict[str, str] = {"government": "government documents copied", "department": "department documents copied"}
ANSWER_ZH: dict[str, str] = {"consultation": "征求意见答复", "research_result": "调研成果反馈"}
ANSWER_EN: dict[str, str] = {"consultation": "replies to consultations",
                             "research_result": "feedback on research results"}
TRIGGER_ZH: dict[str, str] = {"consultation": "征求意见", "research_result": "调研成果"}
TRIGGER_EN: dict[str, str] = {"consultation": "consultation", "research_result": "research result"}
ISSUER_ZH: dict[str, str] = {"government": "区政府和政府办公室", "department": "区直部门"}
ISSUER_EN: dict[str, str] = {"government": "the government and its office", "department": "a department"}
DOCUMENT_KIND_ZH: dict[str, str] = {"policy": "政策性文件", "material": "资料"}
DOCUMENT_KIND_EN: dict[str, str] = {"policy": "policy documents", "material": "materials"}
RECORD_KIND_ZH: dict[str, str] = {"joint_research": "联合调研", "cadre_nomination": "后备干部推荐",
                                  "town_activity": "镇联系活动", "briefing": "通报政情",
                                  "special_personnel": "特约人员聘任"}
RECORD_KIND_EN: dict[str, str] = {"joint_research": "joint research", "cadre_nomination": "cadre nominations",
                                  "town_activity": "town activities", "briefing": "briefings",
                                  "special_personnel": "special personnel appointed"}
SCOPE_ZH: dict[str, str] = {"government": "全区", "department": "每个部门", "pairing": "每对关系"}
SCOPE_EN: dict[str, str] = {"government": "the district", "department": "each department", "pairing": "each pairing"}
#: The settings a district may choose (``local = {…}``) and a finding, a letter or a sheet may rest on:
#: the one wording of each (the Word notice's 其中最多次数为本区设定 reads it too).
SETTING_ZH: dict[str, str] = {
    "scope": "承担方式（每个部门或每对关系）",
    "min_per_period": "最少次数",
    "max_per_period": "最多次数",
    "period_years": "周期长度",
    "period_months": "周期长度",
    "cycle_anchor_year": "周期起算年",
    "due_days": "答复期限",
    "due_working_days": "答复期限",
    "duration_minutes": "时长",
    "part_period": "不满一个周期时的要求",
    "valid_from": "生效日期",
    "valid_until": "失效日期",
    "role_zh": "参加方式",
    "host": "主办方",
}
SETTING_EN: dict[str, str] = {
    "scope": "who owes it (per pairing, per department)",
    "min_per_period": "the minimum number",
    "max_per_period": "the maximum number",
    "period_years": "the length of the period",
    "period_months": "the length of the period",
    "cycle_anchor_year": "the first year of the cycle",
    "due_days": "the reply deadline",
    "due_working_days": "the reply deadline",
    "duration_minutes": "the duration",
    "part_period": "what a part period owes",
    "valid_from": "the date the rule takes effect",
    "valid_until": "the date the rule ends",
    "role_zh": "the way they take part",
    "host": "the host",
}


def term(table: dict[str, str], value: str) -> str:
    """``value``'s word in ``table`` (one of the tables above), or ``value`` itself."""
    return table.get(value, value)


#: What a finding adds when a may / as-needed sentence was not (fully) done: the text asks nothing, so
#: it is no breach. One place for the checker's every such finding.
NOT_A_BREACH_ZH = "不属违反，仅作提示"
NOT_A_BREACH_EN = "not a breach, information only"
