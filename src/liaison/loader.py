"""Load a district file (TOML) into a :class:`District`, strictly.

Reading the file is the only I/O here, and it is the caller's choice: :func:`load_district` takes a
path, :func:`parse_district` takes the text. Every problem becomes a :class:`DataError` that names
the file, the path inside it (``$.pairings[3].counterpart``) and the fix.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Iterable, Mapping
from importlib import resources
from typing import Any

import attrs

from liaison.district import District
from liaison.errors import DataError
from liaison.model import (
    COUNTERPART_KINDS,
    DistrictInfo,
    Organisation,
    OrgKind,
    Pairing,
    Provision,
)

SEED_RESOURCE = "seed.toml"


@attrs.frozen
class DistrictDocument:
    """The shape of a district file, one to one."""

    district: DistrictInfo
    organisations: tuple[Organisation, ...]
    pairings: tuple[Pairing, ...]
    provisions: tuple[Provision, ...]


def read_toml(text: str | bytes, *, file: str | None) -> dict[str, Any]:
    """Parse TOML text, turning every parser complaint into a :class:`DataError`."""
    import tomllib

    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise DataError(f"the file is not UTF-8 text ({exc.reason} at byte {exc.start})", file=file,
                            fix="save the file as UTF-8") from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise DataError(f"not valid TOML: {exc}", file=file,
                        fix="check the quoting and brackets near that line") from None
    except RecursionError:
        raise DataError("not valid TOML: nested too deeply", file=file) from None


def read_file(path: str | os.PathLike[str]) -> bytes:
    """Read a data file, turning OS errors into a :class:`DataError`."""
    name = os.fspath(path)
    try:
        with open(name, "rb") as handle:
            return handle.read()
    except FileNotFoundError:
        raise DataError("no such file", file=name, fix="check the path given to --data") from None
    except IsADirectoryError:
        raise DataError("is a folder, not a file", file=name, fix="give the path of a .toml file") from None
    except OSError as exc:
        raise DataError(f"cannot read the file: {exc.strerror}", file=name) from None


def load_district(path: str | os.PathLike[str]) -> District:
    """Load another district's data file (same format as the embedded seed)."""
    name = os.fspath(path)
    return parse_district(read_file(name), file=name)


@functools.cache
def seed_district() -> District:
    """The embedded default: the seed district of ``shared/seed/regulation.zh.md``."""
    text = resources.files("liaison").joinpath("data", SEED_RESOURCE).read_bytes()
    return parse_district(text, file=f"<liaison>/data/{SEED_RESOURCE}")


def parse_district(text: str | bytes, *, file: str | None = None) -> District:
    """Parse and check a district document given as TOML text."""
    from liaison.convert import structure

    raw = read_toml(text, file=file)
    doc = structure(raw, DistrictDocument, file=file)
    check_district(doc, file=file)
    return District(doc.district, doc.organisations, doc.pairings, doc.provisions)


def _duplicates(values: Iterable[tuple[str, str]]) -> Iterable[tuple[str, str, str]]:
    seen: dict[str, str] = {}
    for path, value in values:
        if value in seen:
            yield path, seen[value], value
        else:
            seen[value] = path


def check_district(doc: DistrictDocument, *, file: str | None) -> None:
    """Cross-object checks the per-field validators cannot make."""

    def fail(path: str, message: str, fix: str) -> DataError:
        return DataError(message, file=file, path=path, fix=fix)

    orgs: Mapping[str, Organisation] = {o.id: o for o in doc.organisations}
    for path, first, value in _duplicates((f"$.organisations[{i}].id", o.id)
                                          for i, o in enumerate(doc.organisations)):
        raise fail(path, f"duplicate organisation id {value!r} (first at {first})", "give each a unique id")
    for path, first, value in _duplicates(
        (f"$.organisations[{i}].{field}", v)
        for i, o in enumerate(doc.organisations)
        for field, v in (("name", o.name), ("short_name", o.short_name))
        if not (field == "short_name" and v == o.name)
    ):
        raise fail(path, f"the name {value!r} is already used (at {first})",
                   "give each organisation its own name and short name")
    for i, o in enumerate(doc.organisations):
        if o.kind == OrgKind.PARTY_BRANCH and o.party is None:
            raise fail(f"$.organisations[{i}].party", f"party branch {o.id!r} names no party",
                       "add party = \"rcck\" (or cdl, cndca, capd, cpwdp, czgp, jiusan, tdsl)")

    provision_ids = {p.id for p in doc.provisions}
    for path, first, value in _duplicates((f"$.provisions[{i}].id", p.id)
                                          for i, p in enumerate(doc.provisions)):
        raise fail(path, f"duplicate provision id {value!r} (first at {first})", "give each a unique id")

    for i, pairing in enumerate(doc.pairings):
        here = f"$.pairings[{i}]"
        dept = orgs.get(pairing.department)
        other = orgs.get(pairing.counterpart)
        if dept is None:
            raise fail(f"{here}.department", f"unknown organisation {pairing.department!r}",
                       "use an id from [[organisations]]")
        if other is None:
            raise fail(f"{here}.counterpart", f"unknown organisation {pairing.counterpart!r}",
                       "use an id from [[organisations]]")
        if pairing.department == pairing.counterpart:
            raise fail(here, f"{dept.name} is paired with itself", "pair a department with a branch or the ICF")
        if dept.kind != OrgKind.DEPARTMENT:
            raise fail(f"{here}.department", f"{dept.name} ({dept.kind.value}) is not a department",
                       "the department side must be an organisation of kind department")
        if other.kind not in COUNTERPART_KINDS:
            raise fail(f"{here}.counterpart",
                       f"{dept.name} is paired with {other.name} ({other.kind.value}), "
                       "which is not a party branch or the ICF",
                       "a counterpart must be of kind party_branch or icf")
        if pairing.clause not in provision_ids:
            raise fail(f"{here}.clause", f"no provision {pairing.clause!r}", "cite §2.1 or §2.2")

    versions: dict[tuple[str, str], list[int]] = {}
    for i, pairing in enumerate(doc.pairings):
        for j in versions.setdefault(pairing.key, []):
            if doc.pairings[j].validity.overlaps(pairing.validity):
                raise fail(f"$.pairings[{i}]",
                           f"overlapping versions of the pairing {pairing.department} ↔ {pairing.counterpart}"
                           f" (with $.pairings[{j}])",
                           "end the earlier version (valid_until) on or before the later one's valid_from")
        versions[pairing.key].append(i)

    for i, prov in enumerate(doc.provisions):
        seen: dict[str, list[int]] = {}
        for k, rule in enumerate(prov.rules):
            for j in seen.setdefault(rule.key, []):
                if type(prov.rules[j]) is not type(rule):
                    raise fail(f"$.provisions[{i}].rules[{k}]",
                               f"rule {rule.key!r} changes kind between versions", "use a new key")
                if prov.rules[j].validity.overlaps(rule.validity):
                    raise fail(f"$.provisions[{i}].rules[{k}]",
                               f"overlapping versions of rule {rule.key!r} (with rules[{j}])",
                               "end the earlier version (valid_until) before the later one starts")
            seen[rule.key].append(k)
