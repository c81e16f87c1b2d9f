"""The district file: its text into a checked :class:`~liaison.law.district.District`, and the
embedded seed district.

:func:`load_district` takes a path, :func:`parse_district` the text; the file is read and parsed by
:mod:`liaison.formats.syntax`, structured by the strict converter and checked across the document by
:mod:`liaison.formats.district_checks` (every problem at once, each with its path).
"""

from __future__ import annotations

import functools
import os
from importlib import resources

from liaison.formats.convert import structure
from liaison.formats.district_checks import DistrictDocument, check_district
from liaison.formats.syntax import DOC, current_body, read_file, read_toml
from liaison.law.district import District

SEED_RESOURCE = "seed.toml"
#: The embedded seed's name in messages (it is a package resource, not a file the user has).
SEED_FILE = f"<liaison>/data/{SEED_RESOURCE}"


def seed_bytes() -> bytes:
    """The embedded seed district's data file, as shipped in the package."""
    return resources.files("liaison").joinpath("data", SEED_RESOURCE).read_bytes()


def load_district(path: str | os.PathLike[str]) -> District:
    """Load another district's data file (same format as the embedded seed)."""
    name = os.fspath(path)
    return parse_district(read_file(name), file=name)


@functools.cache
def seed_district() -> District:
    """The embedded default: the seed district of ``shared/seed/regulation.zh.md``."""
    return parse_district(seed_bytes(), file=SEED_FILE)


def parse_district(text: str | bytes, *, file: str | None = None) -> District:
    """Parse and check a district document given as TOML text."""
    raw = current_body(read_toml(text, file=file, expected="district"), "district", file=file)
    doc = structure(raw, DistrictDocument, file=file, fix=f"correct the value (see {DOC['district']})")
    check_district(doc, file=file)
    return District(doc.district, doc.organisations, doc.pairings, doc.provisions)
