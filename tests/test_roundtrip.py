"""unstructure → structure is the identity for every model class."""

from __future__ import annotations

import datetime as dt
import typing

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from liaison.formats.convert import converter
from liaison.formats.district_checks import DistrictDocument
from liaison.law import model, rules
from liaison.law.district import District

names = st.text(st.characters(codec="utf-8", exclude_categories=("Cc", "Cs", "Zl", "Zp")),
                min_size=1, max_size=12).filter(lambda s: s.strip() != "" and "\ufeff" not in s)
ids = st.from_regex(r"[a-z0-9][a-z0-9-]{0,15}", fullmatch=True)
dates = st.dates(dt.date(2000, 1, 1), dt.date(2100, 1, 1))

MODEL_CLASSES = [model.Designations, model.Register, model.Organisation, rules.Validity, model.Pairing, rules.Cadence,
                 rules.Routing, rules.Invitation, rules.Response, rules.DesignationRule, rules.RecordOnly,
                 rules.Provision, model.DistrictInfo]

#: Fields whose values have a narrower range than their type.
BY_NAME: dict[str, st.SearchStrategy[object]] = {
    "id": ids, "key": ids, "department": ids, "counterpart": ids,
    "valid_from": st.just(dt.date(2000, 1, 1)),
    "min_per_period": st.integers(0, 20), "max_per_period": st.none() | st.integers(21, 52),
    "period_years": st.none() | st.integers(1, 10), "period_months": st.none(),
    "cycle_anchor_year": st.integers(1950, 2199), "duration_minutes": st.integers(15, 720),
    "sentence_zh": st.just(""), "note": st.just("本区设定"), "text_en": st.just(""),  # a local value says why
    "local": st.just(rules.LocalSettings()), "readings": st.just(()),
    "part_period": st.just(model.PartPeriod()), "aliases": st.just(()),
    "record_kind": st.sampled_from(rules.RECORD_KINDS) | st.from_regex(r"[a-z][a-z0-9_]{0,39}", fullmatch=True),
    "label_zh": st.just(""), "label_en": st.just(""), "implemented_by": st.just(""),
    "amendments": st.lists(st.builds(rules.ProvisionText, valid_from=dates, text_zh=names, text_en=st.just(""),
                                     source=st.just("")), max_size=2).map(lambda a: tuple(sorted(
                                         {v.valid_from: v for v in a}.values(), key=lambda v: v.valid_from))),
    "sentences": st.lists(st.builds(rules.SentenceNote, sentence_zh=names, note_zh=names, note_en=st.just(""),
                                    implemented_by=st.just("")), max_size=2).map(tuple),
    "regulation_short_title": st.sampled_from(["意见", "办法"]),
    "series": st.sampled_from(["区府办", "区府办函", "区卫函"]), "year": st.integers(1950, 2199),
    "first_number": st.integers(1, 1_000_000),
}


def strategy_for(cls: type) -> st.SearchStrategy[object]:
    """Valid instances: every text a clean name, every number within its validator's range."""
    by_type: dict[object, st.SearchStrategy[object]] = {
        str: names,
        str | None: st.none() | names,
        tuple[str, ...]: st.lists(names, max_size=3).map(tuple),
        dt.date: st.just(dt.date(2000, 1, 1)),
        dt.date | None: st.none() | dates.filter(lambda d: d > dt.date(2000, 1, 1)),
        int: st.integers(1, 50),
        model.Designations: st.deferred(lambda: strategy_for(model.Designations)),
        # at most one register (two for one series and year are refused), with a series a 文号 can start with
        tuple[model.Register, ...]: st.deferred(lambda: st.lists(strategy_for(model.Register), max_size=1).map(tuple)),
        tuple[rules.Rule, ...]: st.deferred(lambda: st.lists(
            st.one_of([strategy_for(c) for c in rules.RULE_TAGS]), max_size=3).map(tuple)),
    }
    hints = typing.get_type_hints(cls)
    def pick(name: str) -> st.SearchStrategy[object]:
        if name in BY_NAME:
            return BY_NAME[name]
        found = by_type.get(hints[name])
        return found if found is not None else st.from_type(hints[name])

    overrides = {f.name: pick(f.name) for f in attrs.fields(cls) if f.init}
    if cls is rules.Response:  # exactly one deadline: calendar days or working days
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
