"""Loading and bad input: every problem is a LiaisonError naming file, path and fix."""

from __future__ import annotations

import contextlib
import string
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from liaison.base.errors import DataError, LiaisonError
from liaison.formats.district import load_district, parse_district

HEALTH_PAIRING = 'department = "health"\ncounterpart = "cpwdp"\nclause = "§2.2"\nvalid_from = 2022-05-22\n'


def broken(seed_text: str, old: str, new: str) -> str:
    assert old in seed_text, old
    return seed_text.replace(old, new, 1)


CASES = [
    ("unknown organisation in a pairing", HEALTH_PAIRING,
     HEALTH_PAIRING.replace('"cpwdp"', '"nogongdang"'), r"\$\.pairings\[\d+\]\.counterpart.*unknown organisation"),
    ("department paired with itself", HEALTH_PAIRING, HEALTH_PAIRING.replace('"cpwdp"', '"health"'),
     r"counterpart: 区卫生局 is paired with 区卫生局 \(department\), which is not a party branch"),
    ("department paired with another department", HEALTH_PAIRING,
     HEALTH_PAIRING.replace('"cpwdp"', '"education"'), r"counterpart.*not a party branch or the ICF"),
    ("a branch on the department side", HEALTH_PAIRING, HEALTH_PAIRING.replace('"health"', '"rcck"'),
     r"\.department.*not a department"),
    ("duplicate ids", 'id = "finance"', 'id = "health"', r"\$\.organisations\[\d+\]\.id: duplicate id 'health'"),
    ("min above max", "min_per_period = 1\nmax_per_period = 2", "min_per_period = 3\nmax_per_period = 2",
     r"min_per_period 3 is above max_per_period 2"),
    ("zero period", "period_years = 2", "period_years = 0",
     r"\$\.provisions\[\d+\]\.rules\[0\]\.period_years: period_years must be between 1 and 10, not 0"),
    ("negative period", "period_years = 2", "period_years = -2",
     r"\$\.provisions\[\d+\]\.rules\[0\]\.period_years: period_years must be between 1 and 10, not -2"),
    ("overlapping versions", HEALTH_PAIRING, HEALTH_PAIRING + "\n[[pairings]]\n" +
     HEALTH_PAIRING.replace("2022-05-22", "2025-01-01"), r"overlapping versions of the pairing health"),
    ("a date that does not parse", HEALTH_PAIRING, HEALTH_PAIRING.replace("2022-05-22", '"2022-13-45"'),
     r"\$\.pairings\[\d+\]\.valid_from: '2022-13-45' is not a date"),
    ("control characters in a name", 'name = "区卫生局"', 'name = "区卫生\\u0007局"',
     r"name contains the control character"),
    ("an empty name", 'name = "区卫生局"', 'name = "  "', r"name must not be empty"),
    ("a misspelt key", 'clause = "§2.2"', 'clasue = "§2.2"', r"extra fields found \(clasue\)"),
    ("an unknown organisation kind", 'kind = "icf"', 'kind = "federation"', r"'federation' is not one of"),
    ("an unknown rule kind", 'kind = "cadence"', 'kind = "cadense"', r"unknown kind 'cadense'"),
    ("until before from", HEALTH_PAIRING, HEALTH_PAIRING + "valid_until = 2020-01-01\n",
     r"valid_until 2020-01-01 must be after valid_from 2022-05-22"),
]


@pytest.mark.parametrize(("label", "old", "new", "expected"), CASES, ids=[c[0] for c in CASES])
def test_bad_data_is_reported_with_file_path_and_fix(seed_text: str, label: str, old: str, new: str,
                                                     expected: str) -> None:
    with pytest.raises(DataError, match=expected) as caught:
        parse_district(broken(seed_text, old, new), file="district.toml")
    message = str(caught.value)
    assert message.startswith("district.toml: "), message
    assert "$" in message and "fix:" in message, message


def test_a_file_that_is_not_toml(tmp_path: Path) -> None:
    path = tmp_path / "district.toml"
    path.write_text("[district\nname = ", encoding="utf-8")
    with pytest.raises(DataError, match=r"district\.toml: not valid TOML"):
        load_district(path)


def test_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="no such file"):
        load_district(tmp_path / "nowhere.toml")


def test_a_file_that_is_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "district.toml"
    path.write_bytes("name = '区卫生局'".encode("gb18030"))
    with pytest.raises(DataError, match="not UTF-8"):
        load_district(path)


def test_the_seed_file_loads_from_disk_as_another_district_would(tmp_path: Path, seed_text: str) -> None:
    path = tmp_path / "other.toml"
    path.write_text(seed_text.replace('id = "seed"', 'id = "other"'), encoding="utf-8")
    assert load_district(path).info.id == "other"


# -- property: random documents raise nothing but LiaisonError ----------------------------------------------
scalars = st.one_of(st.none(), st.booleans(), st.integers(-5, 3000), st.text(max_size=8),
                    st.dates().map(lambda d: d), st.sampled_from(["§2.2", "health", "cadence", "2022-05-22"]))
values = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=3), st.dictionaries(st.sampled_from([*string.ascii_lowercase[:6],
        "id", "name", "kind", "department", "counterpart", "clause", "valid_from", "rules", "key"]), inner,
        max_size=4)), max_leaves=12)


def toml_value(value: object) -> str:
    import datetime as dt
    import json

    if value is None:
        return '""'
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | dt.date):
        return str(value) if not isinstance(value, dt.date) else value.isoformat()
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    assert isinstance(value, dict)
    return "{" + ", ".join(f"{json.dumps(k)} = {toml_value(v)}" for k, v in value.items()) + "}"


@st.composite
def district_documents(draw: st.DrawFn) -> str:
    sections = draw(st.dictionaries(
        st.sampled_from(["district", "organisations", "pairings", "provisions", "extra"]), values, max_size=4))
    return "\n".join(f"{key} = {toml_value(value)}" for key, value in sections.items())


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(district_documents())
def test_random_documents_raise_only_liaison_errors(document: str) -> None:
    with contextlib.suppress(LiaisonError):
        parse_district(document, file="random.toml")


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_mutated_seed_documents_raise_only_liaison_errors(seed_text: str, data: st.DataObject) -> None:
    lines = seed_text.splitlines()
    index = data.draw(st.integers(0, len(lines) - 1))
    replacement = data.draw(st.one_of(st.text(max_size=20), st.sampled_from([
        'kind = "party_branch"', 'valid_until = 2023-01-01', 'max_per_period = 0', 'counterpart = "dev-reform"',
        "[[pairings]]", 'department = "icf"', "due_days = 0", 'clause = "§9"', 'roles = []'])))
    lines[index] = replacement
    with contextlib.suppress(LiaisonError):
        parse_district("\n".join(lines), file="mutated.toml")


@pytest.mark.parametrize(("old", "new", "message"), [
    ("min_per_period = 1\nmax_per_period = 2", "min_per_period = 1.9\nmax_per_period = 2", "expected a whole number"),
    ("min_per_period = 1\nmax_per_period = 2", 'min_per_period = "1"\nmax_per_period = 2', "expected a whole number"),
    ('aliases = ["区人事劳动局"]', 'aliases = "区人事劳动局"', "expected a list"),
    ('name = "区卫生局"', "name = 12345", "expected text"),
])
def test_scalars_are_never_coerced(seed_text: str, old: str, new: str, message: str) -> None:
    with pytest.raises(DataError, match=message):
        parse_district(seed_text.replace(old, new, 1), file="d.toml")


def test_a_missing_key_is_reported_as_missing(seed_text: str) -> None:
    with pytest.raises(DataError, match=r"empty.toml: \$\.district: required field missing"):
        parse_district("", file="empty.toml")
