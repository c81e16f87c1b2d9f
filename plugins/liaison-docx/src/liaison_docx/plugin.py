"""The ``docx`` exporter: the year's liaison letters as GB/T 9704-2012 Word files.

Pure: it builds :class:`~liaison_docx.letter_model.Letter` objects with :mod:`liaison_docx.letters`, numbers
and dates them from the year's letters (:mod:`liaison_docx.issuing`), renders them with
:func:`liaison_docx.renderer.render` and returns :class:`liaison.host.exporting.Artifact` objects (policy
``archive``, each with its :class:`~liaison.year.numbering.LetterRecord`); the edge writes them.  Paths,
inside the year's folder::

    通知/{nn}-{department}.docx
    通知/{date}-{department}-补充通知-{own number}.docx   (a change to an issued notice's part of the year)
    邀请函/{date}-{kind}-{host}-{invitee}.docx
    变更函/{original date}-{kind}-{host}-{invitee}-改期|取消-{own number}.docx
    征求意见函/{sent}-{record}-{recipient}.docx
    反馈函/{feedback date}-{result}.docx
    草稿/{one of the folders above}/…  (letters not yet issued: no number, they follow the data)
    公文清单.json  (what each letter is, to whom, from whom, on which provisions: liaison_docx.about)

Options (:data:`OPTIONS`, declared and checked by the host; ``--option KEY=VALUE``):

``kinds``
    which letters: any of ``notice``, ``invitation`` (with the change and cancellation letters),
    ``consultation``, ``feedback`` (a sequence or a comma-separated string); default all four.
    Consultation and feedback letters need ``records``.
``fonts``
    a :class:`~liaison_docx.letter_model.FontSet`; default ``FontSet()`` (仿宋_GB2312, 方正小标宋简体 …).
``date``
    the notices' date (``datetime.date`` or ``YYYY-MM-DD``); default the first Monday-to-Friday day on
    or after 5 January of the plan year, or the day of issue when later.  The clock is never read.
``number_prefix``
    the notices' 发文字号 series; default the issuer's 机关代字 (``doc_prefix``: 区府办).
``first_number``
    the first notice's serial number in the year; default 1.
``issuer``
    who issues the notices (an organisation id or name); default the district government's general office.
``signature``
    removed: the 发文机关署名 is always the issuer's full name, the same as the 发文机关标志 and the
    印发机关, so the three never disagree.  Giving it is an error that says what to use instead: the
    export's ``district_name`` (``--district-name``) for the district's name, ``issuer`` for the body.
``preview``
    ``True`` (API only; the command refuses it) to number nothing: a letter due by the day of issue
    is written as the draft it still is (a blank 〔year〕　　号 line, its own date) at the path issuing
    would give it, with no record — what the service downloads of a letter not issued yet
    (``liaison_web``), so no number reaches a letter before the register gives it.  Its run is thrown
    away: an output folder exported so would keep drafts at the paths issuing claims.
``pdf``
    ``true`` to add a PDF beside every .docx (same path, ``.pdf``), converted by LibreOffice headless
    in one batch (:mod:`liaison_docx.pdf`); without LibreOffice an :class:`ExportError` says what to
    install.  The conversion runs in a private temporary folder, never the output folder: the one
    exception to the exporter's purity, since only LibreOffice lays a letter out.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from liaison.base.errors import ExportError, LiaisonError, Location, Refused
from liaison.host.exporting import Artifact, Exporter, ExportRequest
from liaison.host.hookspecs import hookimpl
from liaison.host.options import Option
from liaison.law.district import District
from liaison.law.model import Organisation
from liaison.year.engagements import Engagement
from liaison.year.numbering import LetterRecord
from liaison.year.state import Policy
from liaison.year.store import Note

from liaison_docx.about import ABOUT, about_artifact
from liaison_docx.issuing import Issuer, missed_notes
from liaison_docx.letter_model import FontSet
from liaison_docx.letters import (
    DRAFTS,
    FOLDERS,
    LETTER_KINDS,
    Draft,
    LetterKind,
    change_letters,
    consultations,
    feedback_letters,
    invitations,
    notices,
    past_notes,
    supplements,
)
from liaison_docx.measures import Measures

__all__ = ["DOCX", "OPTIONS", "drafts", "export", "export_year", "register_exporters"]

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _fonts(value: Any) -> FontSet:
    if not isinstance(value, FontSet):
        raise Refused(f"expected a liaison_docx.FontSet, got {type(value).__name__}",
                      f"应为 liaison_docx.FontSet 对象，而不是 {type(value).__name__}")
    return value


def _api_flag(value: Any) -> bool:
    # not from the command line: a folder exported so would keep drafts at the paths issuing claims,
    # and the issue would file them under 已作废/ as if they had gone out
    if not isinstance(value, bool):
        raise Refused(f"expected True or False from the API (not on the command line), got {value!r}",
                      f"应为接口调用给出的 True 或 False（命令行不可用），而不是 {value!r}")
    return value


def _prefix(value: str) -> str:
    if not value.strip() or any(c in value for c in "〔〕 \t\n"):
        raise Refused(f"{value!r} is not a 发文字号 prefix such as 区府办",
                      f"{value!r} 不是发文字号的机关代字（如 区府办）")
    return value


def _removed_signature(value: str) -> str:
    raise Refused("was removed: the 署名 is the issuer's full name, like the letterhead and the 印发机关; "
                  "name the district with `liaison export … --district-name 厦门市海沧区` (or [district].name "
                  "in the data) and the issuing body with --option issuer=…",
                  "已取消：署名即发文机关全称，与发文机关标志和印发机关一致；区名请用 "
                  "`liaison export … --district-name 厦门市海沧区`（或数据中的 [district].name）给出，"
                  "发文机关请用 --option issuer=… 给出")


OPTIONS = (
    Option(name="kinds", type="list", default=LETTER_KINDS,
           help="which letters: notice, invitation (with change letters), consultation, "
           "feedback",
           choices=LETTER_KINDS,
           help_zh="生成哪些函件：notice（通知）、invitation（邀请函，连同改期、取消的函）、"
                   "consultation（征求意见函）、feedback（反馈函）"),
    Option(name="fonts", type="object", default=None, help="a liaison_docx.FontSet (API only; default FontSet())",
           check=_fonts,
           help_zh="字体，一个 liaison_docx.FontSet 对象（仅限接口调用；默认 FontSet()）"),
    Option(name="date", type="date", default=None,
           help="the notices' date (default: the first weekday on or after 5 January)",
           help_zh="通知的成文日期（默认：1 月 5 日当天或之后的第一个周一至周五）"),
    Option(name="number_prefix", type="text", default=None,
           help="the notices' 发文字号 series (default: the issuer's 机关代字, 区府办)",
           check=_prefix, help_zh="通知的发文字号代字（默认：发文机关的机关代字，如 区府办）"),
    Option(name="first_number", type="int", default=1, help="the first notice's serial number in the year", minimum=1,
           help_zh="本年第一份通知的发文顺序号"),
    Option(name="issuer", type="text", default=None,
           help="who issues the notices: an organisation id or name (default: the general "
           "office)", help_zh="通知的发文机关：单位的 id 或名称（默认：区政府办公室）"),
    Option(name="signature", type="text", default=None, help="removed: the 署名 follows the issuer and --district-name",
           check=_removed_signature, help_zh="已取消：署名随发文机关和 --district-name 而定"),
    Option(name="preview", type="object", default=False, check=_api_flag,
           help="True (API only): number nothing — the letters due by the day of issue are written as their drafts "
                "(no number, their own date) at the paths issuing would give them, with no record",
           help_zh="True（仅限接口调用）：不编号——到期的函件按草稿（无文号、原定日期）写在印发后应在的路径，不登记"),
    Option(name="pdf", type="bool", default=False,
           help="also write a PDF of every letter, converted by LibreOffice in one batch",
           help_zh="同时为每份函件生成 PDF，由 LibreOffice 一次批量转换"),
)


def _issuer(district: District, value: str | None) -> Organisation | None:
    if value is None:
        return None
    try:
        return district.organisation(value)
    except LiaisonError as exc:
        raise exc.located(path=Location.option("issuer"), cls=ExportError) from None


def drafts(request: ExportRequest, measures: Measures | None = None) -> tuple[Draft, ...]:
    """Every letter the request asks for, in a fixed order (notices, invitations, change and
    cancellation letters, consultations, feedback letters): those issued with their records (kept
    from earlier exports, or numbered now, :class:`~liaison_docx.issuing.Issuer`), the drafts not yet
    due without one. ``measures``: the export's, with which an invitation asks whether it fits page 1.

    Numbers within a series follow the days of issue across kinds: where the kinds, numbered one
    after the other, leave a series out of that order (a preview dates each letter on its due date),
    the letters are made again with the serials in order (:meth:`Issuer.by_day`), so every text that
    names a number names the right one."""
    found, issuer, told = _drafts(request, measures)
    serials = issuer.by_day()
    if serials:
        found, _, told = _drafts(request, measures, serials)
    for note in told:
        request.tell(note)
    return found


def _drafts(request: ExportRequest, measures: Measures | None,
            serials: Mapping[str, int] | None = None) -> tuple[tuple[Draft, ...], Issuer, tuple[Note, ...]]:
    """:func:`drafts` once, with these serials: the letters, the issuer, and the notes to tell."""
    kinds = request.option("kinds", LETTER_KINDS)
    district, plan, records = request.district, request.plan, request.records
    issuer = Issuer(request.registry(), request.issued_on, district.register_start,
                    serials, preview=request.option("preview", False))
    found: list[Draft] = []
    told: tuple[Note, ...] = ()
    if "notice" in kinds:
        office = _issuer(district, request.option("issuer")) or district.general_office()
        sent = issuer.issue_all(notices(
            district, plan, records=records, date=request.option("date"),
            number_prefix=request.option("number_prefix"), first_number=request.option("first_number", 1),
            issuer=office, duties=request.duties))
        found += sent
        found += issuer.issue_all(supplements(district, issuer.registry, sent, request.issued_on, office=office))
    if "invitation" in kinds:
        invited = issuer.issue_all(invitations(district, plan, records=records, calendar=request.calendar,
                                                  measures=measures))
        known = None if request.exported is None else frozenset(p.id for p in request.exported)
        told = missed_notes(issuer.missed, lambda path: request.issued_bytes(path) is not None, known)
        current = {(d.subject, d.recipient): d.record for d in invited if d.record is not None}
        found += invited
        past: list[tuple[Engagement, LetterRecord]] = []
        found += issuer.issue_all(change_letters(district, plan, issuer.registry, current, request.issued_on, past))
        told += past_notes(district, plan.year, past)
    if "consultation" in kinds:
        found += issuer.issue_all(consultations(district, plan, records, request.calendar))
    if "feedback" in kinds:
        found += issuer.issue_all(feedback_letters(district, plan, records))
    return tuple(found), issuer, told


def export_year(request: ExportRequest) -> list[Artifact]:
    """What the ``docx`` exporter writes: the letters (:func:`export`) and, after them, the list of
    what each one is (:data:`liaison_docx.about.ABOUT`)."""
    artifacts, found = _letters(request)
    return [*artifacts, about_artifact(found, preview=request.option("preview", False))]


def export(request: ExportRequest) -> list[Artifact]:
    """The letters as artifacts; raises :class:`ExportError` (naming the letter and the field) for
    text a Word file cannot hold, before any artifact is returned."""
    return _letters(request)[0]


def _letters(request: ExportRequest) -> tuple[list[Artifact], tuple[Draft, ...]]:
    """:func:`export`'s letters, and the drafts they were made from (in the same order)."""
    from liaison_docx.renderer import render  # python-docx and lxml: loaded by an export, not by every command

    fonts: FontSet = request.option("fonts") or FontSet()
    measures = Measures()  # this export's texts measured once for all its letters, dropped with it
    artifacts: list[Artifact] = []
    found = drafts(request, measures)
    dates = [draft.letter.date for draft in found]  # stamped into each PDF
    kept = [draft.kept for draft in found]
    for draft in found:
        path = draft.path
        # an issued letter's bytes stand: those the store holds, rendered again only if it lost them
        data = request.issued_bytes(path) if draft.kept else None
        if data is None:
            try:
                data = render(draft.letter, fonts, measures)
            except ExportError as exc:
                raise ExportError(f"{path}: {exc.message}", path=exc.location, fix=exc.fix,
                                  message_zh=exc.message_zh and f"{path}：{exc.message_zh}",
                                  fix_zh=exc.fix_zh) from None
        # a draft follows the data (replaced in place); an issued letter is archived, never overwritten;
        # a preview's letter due is a draft: its record numbered nothing for good, so it is not returned
        record = draft.record if draft.kept or not request.option("preview", False) else None
        policy: Policy = "archive" if record is not None else "replace"
        artifacts.append(Artifact(path, DOCX, data, policy=policy, letter=record,
                                  supersedes=(draft.draft_path,) if record is not None and draft.draft_path else ()))
    if request.option("preview", False):  # issuing nothing, it withdraws nothing: each letter in force stands
        from liaison_docx.preview import in_force

        for letter, data, date in in_force(request, {a.path for a in artifacts}, scope(request.options)):
            artifacts.append(Artifact(letter.path, DOCX, data, policy="archive", letter=letter))
            dates.append(date)
            kept.append(True)
    if not request.option("pdf", False):
        return artifacts, found
    from liaison_docx.pdf import PDF, to_pdf

    pdf_paths = [a.path.removesuffix(".docx") + ".pdf" for a in artifacts]
    held = [request.issued_bytes(p) if k else None for p, k in zip(pdf_paths, kept, strict=True)]
    missing = [i for i, data in enumerate(held) if data is None]
    converted = iter(to_pdf([(artifacts[i].data, dates[i]) for i in missing]) if missing else ())
    pdfs = [data if data is not None else next(converted) for data in held]
    return [each for a, p, data in zip(artifacts, pdf_paths, pdfs, strict=True)
            for each in (a, Artifact(p, PDF, data, policy=a.policy))], found


#: The letters each value of ``kinds`` brings (an invitation brings its change and cancellation letters).
BROUGHT: dict[str, tuple[LetterKind, ...]] = {
    "notice": ("notice", "supplement"), "invitation": ("invitation", "change", "cancellation"),
    "consultation": ("consultation",), "feedback": ("feedback",)}


def scope(options: Mapping[str, Any]) -> Callable[[str], bool]:
    """The letters a run answers for: the folders of the kinds it writes (a run with ``kinds=feedback``
    leaves the notices and invitations, and their numbers, as they are)."""
    folders = {f"{prefix}{FOLDERS[k]}/" for kind in options.get("kinds") or LETTER_KINDS for k in BROUGHT[kind]
               for prefix in ("", f"{DRAFTS}/")}
    return lambda path: path == ABOUT or path.startswith(tuple(folders))


@hookimpl
def register_exporters(register: Callable[[Exporter], None]) -> None:
    register(Exporter("docx", "公文（GB/T 9704-2012）：通知、邀请函、变更函、征求意见函、反馈函 Word letters",
                      export_year, options=OPTIONS, scope=scope, issues_letters=True))
