"""§3.2 — the document exchange system: who is copied (抄送) on a policy document."""

from __future__ import annotations

from builders import NEW_YEAR_2027

from liaison.law.district import District


def names(cc_ids: tuple[str, ...], seed: District) -> list[str]:
    return [seed.organisation(i).name for i in cc_ids]


def test_a_health_bureau_policy_document_is_copied_to_its_two_paired_branches(seed: District) -> None:
    cc = seed.cc_list("区卫生局", NEW_YEAR_2027)
    assert names(cc.ids(), seed) == ["农工党总支部", "九三学社综合支社"]
    assert all(r.provisions == ("§3.2", "§2.2") for r in cc.recipients)
    assert cc.provisions == ("§3.2",)


def test_a_common_liaison_unit_copies_all_seven_branches_and_the_icf(seed: District) -> None:
    cc = seed.cc_list("区发改局", NEW_YEAR_2027)
    assert cc.ids() == tuple(o.id for o in seed.counterparts())
    assert len(cc.recipients) == 8
    assert all(r.provisions == ("§3.2", "§2.1") for r in cc.recipients)


def test_documents_of_the_government_and_its_general_office_go_to_all_eight(seed: District) -> None:
    for issuer in ("区政府办公室", "区人民政府", "区府办", "gov-office"):
        cc = seed.cc_list(issuer, NEW_YEAR_2027)
        assert len(cc.recipients) == 8, issuer
        assert all(r.provisions == ("§3.2",) for r in cc.recipients)


def test_a_branch_issuing_a_document_is_not_covered_by_the_rule(seed: District) -> None:
    cc = seed.cc_list("民革支部", NEW_YEAR_2027)
    assert cc.recipients == ()
    assert "§3.2" in cc.note_zh and "民革支部" in cc.note_zh and "RCCK" in cc.note_en


def test_a_document_that_is_not_a_policy_document_is_not_routed(seed: District) -> None:
    assert seed.cc_list("区卫生局", NEW_YEAR_2027, document_kind="notice").recipients == ()


def test_a_document_issued_before_the_adjustment_routes_to_no_department_counterpart(seed: District) -> None:
    import datetime as dt

    assert seed.cc_list("区卫生局", dt.date(2021, 1, 1)).recipients == ()
