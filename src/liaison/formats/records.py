"""The records file: TOML into :class:`~liaison.law.records.Records`, every organisation it names
resolved against the district (a misspelt id is an error with its path, not a silently uncounted
meeting) and the records checked for consistency (:meth:`liaison.law.records.Records.checked`).
"""

from __future__ import annotations

import os

import attrs

from liaison.base.errors import DataError, LiaisonError, Path
from liaison.formats.convert import structure
from liaison.formats.syntax import DOC, current_body, read_file, read_toml
from liaison.law.district import District
from liaison.law.records import Records


def resolve_organisations(records: Records, district: District, file: str | None) -> Records:
    """Resolve every organisation reference (id or name) to an id, or fail with its path."""

    def ref(value: str, path: Path) -> str:
        try:
            return district.organisation(value).id
        except LiaisonError as exc:
            raise exc.located(file=file, path=path, cls=DataError) from None

    def refs(values: tuple[str, ...], path: Path) -> tuple[str, ...]:
        return tuple(ref(v, (*path, i)) for i, v in enumerate(values))

    return attrs.evolve(
        records,
        engagements=tuple(attrs.evolve(e, host=ref(e.host, ("engagements", i, "host")),
                                       attended=refs(e.attended, ("engagements", i, "attended")),
                                       invited=refs(e.invited, ("engagements", i, "invited")))
                          for i, e in enumerate(records.engagements)),
        documents=tuple(attrs.evolve(d, issuer=ref(d.issuer, ("documents", i, "issuer")),
                                     copied_to=refs(d.copied_to, ("documents", i, "copied_to")))
                        for i, d in enumerate(records.documents)),
        consultations=tuple(attrs.evolve(
            c, sent_to=refs(c.sent_to, ("consultations", i, "sent_to")),
            sender=None if c.sender is None else ref(c.sender, ("consultations", i, "sender")),
            replies=tuple(attrs.evolve(r, organisation=ref(r.organisation, ("consultations", i, "replies", k,
                                                                           "organisation")))
                          for k, r in enumerate(c.replies)))
            for i, c in enumerate(records.consultations)),
        research_results=tuple(attrs.evolve(
            r, submitted_by=ref(r.submitted_by, ("research_results", i, "submitted_by")),
            department=ref(r.department, ("research_results", i, "department")))
            for i, r in enumerate(records.research_results)),
        designations=tuple(attrs.evolve(d, organisation=ref(d.organisation, ("designations", i, "organisation")))
                           for i, d in enumerate(records.designations)),
        nominations=tuple(attrs.evolve(n, department=ref(n.department, ("nominations", i, "department")))
                          for i, n in enumerate(records.nominations)),
        town_activities=tuple(attrs.evolve(t, with_organisations=refs(
            t.with_organisations, ("town_activities", i, "with_organisations")))
            for i, t in enumerate(records.town_activities)),
        joint_research=tuple(attrs.evolve(
            j, department=ref(j.department, ("joint_research", i, "department")),
            with_organisations=refs(j.with_organisations, ("joint_research", i, "with_organisations")))
            for i, j in enumerate(records.joint_research)),
        briefings=tuple(attrs.evolve(
            b, department=ref(b.department, ("briefings", i, "department")),
            with_organisations=refs(b.with_organisations, ("briefings", i, "with_organisations")))
            for i, b in enumerate(records.briefings)),
        special_appointments=tuple(attrs.evolve(
            a, department=ref(a.department, ("special_appointments", i, "department")))
            for i, a in enumerate(records.special_appointments)),
        activities=tuple(attrs.evolve(
            a, by=_by(district, a.by),
            with_organisations=refs(a.with_organisations, ("activities", i, "with_organisations")))
            for i, a in enumerate(records.activities)),
    )


def _by(district: District, value: str) -> str:
    """Who did an activity: an organisation's id when the name is one, else the name as written (a town
    or an office the district file does not list)."""
    try:
        return district.organisation(value).id if value else value
    except LiaisonError:
        return value


def parse_records(text: str | bytes, district: District, *, file: str | None = None) -> Records:
    """Parse a records file (TOML), resolve its organisations against ``district`` and check the
    records (:meth:`Records.checked`)."""
    return read_records(text, district, file=file).checked(district, file=file)


def read_records(text: str | bytes, district: District, *, file: str | None = None) -> Records:
    """A records file (TOML) as read, its organisations resolved: the TOML reader's part, which
    :func:`liaison.load_records` then checks as it checks every reader's records."""
    raw = current_body(read_toml(text, file=file, expected="records"), "records", file=file)
    return resolve_organisations(structure(raw, Records, file=file, fix=f"correct the value (see {DOC['records']})"),
                       district, file)


def load_records_toml(path: str | os.PathLike[str], district: District) -> Records:
    """A TOML records file (any type: :func:`liaison.load_records`)."""
    name = os.fspath(path)
    return parse_records(read_file(name), district, file=name)
