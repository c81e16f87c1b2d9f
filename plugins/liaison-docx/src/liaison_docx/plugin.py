"""The ``docx`` exporter: the year's liaison letters as GB/T 9704-2012 Word files.

Pure: it builds :class:`~liaison_docx.letter.Letter` objects with :mod:`liaison_docx.letters`, renders
them with :func:`liaison_docx.render.render` and returns :class:`liaison.exporting.Artifact` objects;
the edge writes them.  Paths::

    {year}/通知/{nn}-{department}.docx
    {year}/邀请函/{date}-{kind}-{host}-{invitee}.docx
    {year}/征求意见函/{sent}-{record}-{recipient}.docx
    {year}/反馈函/{feedback date}-{result}.docx

Options (``ExportRequest.options``):

``kinds``
    which letters: any of ``notice``, ``invitation``, ``consultation``, ``feedback`` (a sequence or a
    comma-separated string); default all four.  Consultation and feedback letters need ``records``.
``fonts``
    a :class:`~liaison_docx.letter.FontSet`; default ``FontSet()`` (仿宋_GB2312, 方正小标宋简体 …).
``date``
    the notices' date (``datetime.date`` or ``YYYY-MM-DD``); default the first Monday-to-Friday day on
    or after 5 January of each plan year.  The clock is never read.
``number_prefix``
    the notices' 发文字号 prefix; default the general office's shortest alias ending in 办 (区府办).
``first_number``
    the first notice's serial number in each year; default 1.
``issuer``
    who issues the notices (an organisation id or name); default the district government's general office.
``signature``
    the notices' signature (发文机关署名); default the issuer's name.
``pdf``
    ``true`` to add a PDF beside every .docx (same path, ``.pdf``), converted by LibreOffice headless
    in one batch (:mod:`liaison_docx.pdf`); without LibreOffice an :class:`ExportError` says what to
    install.  The conversion uses a private temporary folder, never the output folder.

Other options are ignored (the command line may pass options meant for other exporters).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any

from liaison.district import District
from liaison.errors import ExportError, LiaisonError
from liaison.exporting import Artifact, Exporter, ExportRequest, safe_name
from liaison.hookspecs import hookimpl
from liaison.model import Organisation

from liaison_docx.letter import FontSet
from liaison_docx.letters import (
    LETTER_KINDS,
    Draft,
    LetterKind,
    consultations,
    feedback_letters,
    invitations,
    notices,
)
from liaison_docx.pdf import PDF, to_pdf
from liaison_docx.render import render

__all__ = ["DOCX", "OPTIONS", "drafts", "export", "register_exporters"]

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
OPTIONS = ("kinds", "fonts", "date", "number_prefix", "first_number", "issuer", "signature", "pdf")


def _kinds(value: Any) -> tuple[LetterKind, ...]:
    if value is None:
        return LETTER_KINDS
    items = [v.strip() for v in value.split(",")] if isinstance(value, str) else list(value)
    wanted: list[LetterKind] = []
    for item in items:
        kind = next((k for k in LETTER_KINDS if k == item), None)
        if kind is None:
            raise ExportError(f"unknown letter kind {item!r}", path="options.kinds",
                              fix=f"use any of {', '.join(LETTER_KINDS)}")
        if kind not in wanted:
            wanted.append(kind)
    return tuple(k for k in LETTER_KINDS if k in wanted)


def _date(value: Any) -> dt.date | None:
    if value is None or (isinstance(value, dt.date) and not isinstance(value, dt.datetime)):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise ExportError(f"{value!r} is not a date", path="options.date", fix="give a datetime.date or YYYY-MM-DD")


def _first_number(value: Any) -> int:
    if value is None:
        return 1
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ExportError(f"{value!r} is not a serial number", path="options.first_number",
                          fix="give a whole number of 1 or more")
    return value


def _flag(value: Any, name: str) -> bool:
    if value is None or isinstance(value, bool):
        return bool(value)
    if isinstance(value, str) and value.strip().lower() in ("true", "yes", "1", "on", "false", "no", "0", "off", ""):
        return value.strip().lower() in ("true", "yes", "1", "on")
    raise ExportError(f"{value!r} is not true or false", path=f"options.{name}", fix="give true or false")


def _fonts(value: Any) -> FontSet:
    if value is None:
        return FontSet()
    if not isinstance(value, FontSet):
        raise ExportError(f"expected a liaison_docx.FontSet, got {type(value).__name__}", path="options.fonts")
    return value


def _prefix(value: Any) -> str | None:
    if value is None or isinstance(value, str):
        return value
    raise ExportError(f"expected text, got {type(value).__name__}", path="options.number_prefix")


def _issuer(district: District, value: Any) -> Organisation | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise ExportError(f"expected an organisation id or name, got {type(value).__name__}", path="options.issuer")
    try:
        return district.organisation(value)
    except LiaisonError as exc:
        raise ExportError(exc.message, path="options.issuer", fix=exc.fix) from None


def _text(value: Any, name: str) -> str | None:
    if value is None or (isinstance(value, str) and value.strip()):
        return value
    raise ExportError(f"expected non-empty text, got {value!r}", path=f"options.{name}")


def drafts(request: ExportRequest) -> tuple[Draft, ...]:
    """Every letter the request asks for, in a fixed order: notices, invitations, consultations,
    feedback letters."""
    kinds = _kinds(request.option("kinds"))
    district, plan, records = request.district, request.plan, request.records
    found: list[Draft] = []
    if "notice" in kinds:
        found += notices(district, plan, records=records, date=_date(request.option("date")),
                         number_prefix=_prefix(request.option("number_prefix")),
                         first_number=_first_number(request.option("first_number")),
                         issuer=_issuer(district, request.option("issuer")),
                         signature=_text(request.option("signature"), "signature"))
    if "invitation" in kinds:
        found += invitations(district, plan, records=records)
    if "consultation" in kinds:
        found += consultations(district, plan, records)
    if "feedback" in kinds:
        found += feedback_letters(district, plan, records)
    return tuple(found)


def _paths(found: Iterable[Draft]) -> list[str]:
    """Safe, unique paths; a name that collides after ``safe_name`` gets -2, -3, … in order."""
    paths: list[str] = []
    taken: set[str] = set()
    for d in found:
        folder = f"{safe_name(str(d.year))}/{safe_name(d.folder)}"
        stem = safe_name(d.name)[:110]
        path, n = f"{folder}/{stem}.docx", 1
        while path in taken:
            n += 1
            path = f"{folder}/{stem}-{n}.docx"
        taken.add(path)
        paths.append(path)
    if len(taken) != len(paths):  # pragma: no cover - guaranteed by the loop above
        raise ExportError("two letters would share a file name")
    return paths


def export(request: ExportRequest) -> list[Artifact]:
    """The letters as artifacts; raises :class:`ExportError` (naming the letter and the field) for
    text a Word file cannot hold, before any artifact is returned."""
    fonts = _fonts(request.option("fonts"))
    pdf = _flag(request.option("pdf"), "pdf")
    found = drafts(request)
    artifacts: list[Artifact] = []
    for path, draft in zip(_paths(found), found, strict=True):
        try:
            data = render(draft.letter, fonts)
        except ExportError as exc:
            raise ExportError(f"{path}: {exc.message}", path=exc.path, fix=exc.fix) from None
        artifacts.append(Artifact(path, DOCX, data))
    if not pdf:
        return artifacts
    pdfs = to_pdf([(a.data, d.letter.date) for a, d in zip(artifacts, found, strict=True)])
    return [each for a, data in zip(artifacts, pdfs, strict=True)
            for each in (a, Artifact(a.path.removesuffix(".docx") + ".pdf", PDF, data))]


@hookimpl
def register_exporters(register: Callable[[Exporter], None]) -> None:
    register(Exporter("docx", "公文（GB/T 9704-2012）：通知、邀请函、征求意见函、反馈函 Word letters", export))
