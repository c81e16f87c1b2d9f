"""Organisations are referred to by id, and accepted by full or short Chinese name."""

from __future__ import annotations

import attrs
import pytest

from liaison.base.errors import DataError, LiaisonError, UnknownOrganisationError
from liaison.formats.district import parse_district
from liaison.law.district import District


@pytest.mark.parametrize(("ref", "org_id"), [
    ("区卫生局", "health"), ("卫生局", "health"), ("health", "health"), ("Health Bureau", "health"),
    ("农工党总支部", "cpwdp"), ("农工党", "cpwdp"), ("区工商联", "icf"), ("工商联", "icf"),
    ("区府办", "gov-office"), (" 区发改局 ", "dev-reform"),
])
def test_names_and_ids_resolve(seed: District, ref: str, org_id: str) -> None:
    assert seed.organisation(ref).id == org_id


def test_an_unknown_name_lists_near_matches(seed: District) -> None:
    with pytest.raises(UnknownOrganisationError) as caught:
        seed.organisation("区卫生")
    assert "区卫生局" in str(caught.value)
    assert isinstance(caught.value, LiaisonError)


def test_a_name_two_organisations_share_is_refused_when_the_file_is_loaded(seed_text: str) -> None:
    text = seed_text.replace('aliases = ["区发展和改革局"]', 'aliases = ["区发展和改革局", "经济部门"]')
    text = text.replace('name = "区财政局"\nshort_name = "财政局"',
                        'name = "区财政局"\nshort_name = "财政局"\naliases = ["经济部门"]')
    with pytest.raises(DataError) as caught:
        parse_district(text, file="d.toml")
    assert str(caught.value).startswith("d.toml: $.organisations[4].aliases[0]: the name '经济部门' is already used")


def test_an_ambiguous_name_in_a_district_built_in_code_lists_every_match(seed: District) -> None:
    twins = tuple(attrs.evolve(o, aliases=(*o.aliases, "经济部门")) if o.id in ("dev-reform", "finance") else o
                  for o in seed.organisations)
    district = attrs.evolve(seed, organisations=twins)
    with pytest.raises(UnknownOrganisationError) as caught:
        district.organisation("经济部门")
    assert "区发改局" in str(caught.value) and "区财政局" in str(caught.value)
