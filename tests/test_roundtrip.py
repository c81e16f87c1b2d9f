"""unstructure → structure is the identity for every model class."""

from __future__ import annotations

import datetime as dt
import typing

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from liaison import model
from liaison.convert import converter
from liaison.district import District
from liaison.loader import DistrictDocument

names = st.text(st.characters(codec="utf-8", exclude_categories=("Cc", "Cs", "Zl", "Zp")),
                min_size=1, max_size=12).filter(lambda s: s.strip() != "")
dates = st.dates(dt.date(2000, 1, 1), dt.date(2100, 1, 1))

MODEL_CLASSES = [model.Designations, model.Organisation, model.Validity, model.Pairing, model.Cadence,
                 model.Routing, model.Invitation, model.Response, model.DesignationRule, model.RecordOnly,
                 model.Provision, model.DistrictInfo]


def strategy_for(cls: type) -> st.SearchStrategy[object]:
    """Valid instances: every text a clean name, every number within its validator's range."""
    by_type: dict[object, st.SearchStrategy[object]] = {
        str: names,
        str | None: st.none() | names,
        tuple[str, ...]: st.lists(names, max_size=3).map(tuple),
        dt.date: st.just(dt.date(2000, 1, 1)),
        dt.date | None: st.none() | dates.filter(lambda d: d > dt.date(2000, 1, 1)),
        int: st.integers(1, 50),
        int | None: st.none() | st.integers(50, 99),
        model.Designations: st.deferred(lambda: strategy_for(model.Designations)),
        tuple[model.Rule, ...]: st.deferred(lambda: st.lists(
            st.one_of([strategy_for(c) for c in model.RULE_TAGS]), max_size=3).map(tuple)),
    }
    hints = typing.get_type_hints(cls)
    overrides = {f.name: by_type[hints[f.name]] for f in attrs.fields(cls) if hints[f.name] in by_type}
    if cls is model.Response:  # exactly one deadline: calendar days or working days
        days = st.integers(1, 50)
        return st.one_of(st.builds(cls, **{**overrides, "due_days": days, "due_working_days": st.none()}),
                         st.builds(cls, **{**overrides, "due_days": st.none(), "due_working_days": days}))
    return st.builds(cls, **overrides)


@pytest.mark.parametrize("cls", MODEL_CLASSES, ids=lambda c: c.__name__)
@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_unstructure_then_structure_is_identity(cls: type, data: st.DataObject) -> None:
    obj = data.draw(strategy_for(cls))
    conv = converter()
    assert conv.structure(conv.unstructure(obj), cls) == obj


def test_the_whole_seed_district_round_trips(seed: District) -> None:
    doc = DistrictDocument(seed.info, seed.organisations, seed.pairings, seed.provisions)
    conv = converter()
    assert conv.structure(conv.unstructure(doc), DistrictDocument) == doc
