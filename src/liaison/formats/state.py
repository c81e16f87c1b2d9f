"""The year's state file (JSON): :class:`~liaison.year.state.YearState` into stable text and back,
read as strictly as a data file and checked against the district and the year (an unknown
organisation, a duplicate id or 文号, a date outside the year, another district's or another year's
state, a newer format is a ``FILE: $.path: …`` error)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from liaison.base.errors import DataError, LiaisonError, Path, render_path
from liaison.formats.syntax import FormatError
from liaison.formats.writer import document, to_json
from liaison.law.district import District
from liaison.law.duties import year_duties
from liaison.law.notices import check_distinct, check_notice
from liaison.law.terms import SETTING_EN, SETTING_ZH, term
from liaison.year.settings import planned_settings
from liaison.year.state import YearState

if TYPE_CHECKING:
    from liaison.law.duties import YearDuties
    from liaison.year.engagements import Engagement

FORMAT = "liaison-state/1"


def state_document(state: YearState) -> dict[str, Any]:
    body: dict[str, Any] = document(state)
    return {"format": FORMAT, **body}


def state_to_json(state: YearState) -> str:
    """Stable JSON: the same state, the same text."""
    return to_json(state_document(state))


def plan_document(district: District, state: YearState, engagements: tuple[Engagement, ...] | None = None
                  ) -> dict[str, Any]:
    """The year's state as `plan --format json` prints it: the state document with each engagement's
    ``local_settings`` (the district's own settings it rests on). Not part of the state file: they
    follow from the data."""
    body = state_document(state)
    by_id = {e.id: e for e in (state.engagements if engagements is None else engagements)}
    duties = year_duties(district, state.year)  # once, for every engagement
    for item in body.get("engagements", []):
        e = by_id.get(item.get("id", ""))
        if e is not None:
            item["local_settings"] = _local_settings(district, e, duties)
    return body


def engagement_entry(district: District, engagement: Engagement, duties: YearDuties) -> dict[str, Any]:
    """One engagement's entry of :func:`plan_document` (``duties``: ``year_duties(district, year)``
    of its year), made from the engagement alone — not the whole state's document, of which a reader
    of one engagement (a service's) keeps one entry: the state document's entry of an engagement is
    its own document."""
    item: dict[str, Any] = document(engagement)
    item["local_settings"] = _local_settings(district, engagement, duties)
    return item


def _local_settings(district: District, engagement: Engagement, duties: YearDuties) -> list[Any]:
    from liaison.formats.documents import SettingDocument

    return [document(SettingDocument(f, term(SETTING_ZH, f), term(SETTING_EN, f), note))
            for f, note in planned_settings(district, engagement, duties)]


#: The fix of a state error that has no more particular one; the edge may name its own way of
#: rewriting the state (the command line's ``liaison plan --out``).
FIX = "correct the value, or have the state written again (docs/cli.md)"
FIX_ZH = "请改正该值，或重新生成年度状态（见 docs/cli.md）"


class StateError(DataError):
    """A year's state file is malformed or does not fit the district or the year."""


class NewerStateError(StateError, FormatError):
    """A state file written by a newer liaison: a :class:`~liaison.formats.syntax.FormatError` (``newer``) as a
    newer district, records or events file is, and a :class:`StateError`."""


def _check_events(state: YearState, file: str | None, fail: Any) -> None:
    """The events of the options and as last seen are events (not what the planner places) and end
    after they start."""
    from liaison.law.rules import EVENT_KINDS

    for where, events in ((("options", "events"), state.options.events), (("events_seen",), state.events_seen or ())):
        for i, event in enumerate(events):
            if event.kind not in EVENT_KINDS:
                raise fail((*where, i, "kind"), f"{event.kind.value} is planned by liaison itself, not an event",
                           f"{event.kind.value} 由 liaison 自行安排，不是活动")
            if event.start and event.end and event.end <= event.start:
                raise fail((*where, i, "end"), "the event ends before it starts", "活动的结束时间早于开始时间")


def _check_notices(state: YearState, file: str | None, fail: Any) -> None:
    """A stored notice is read as strictly as a notice file, and arranges days of the state's year."""
    for i, notice in enumerate(state.notices):
        here = ("notices", i)
        try:
            check_notice(notice, file=file)
        except DataError as exc:  # the notice's own path, below it in the state
            raise exc.located(path=(*here, *(exc.location.path or ()))) from None
        if not notice.covers(state.year):
            raise fail((*here, "year"), f"the notice of {notice.year} arranges no day of {state.year}",
                       f"{notice.year}年的节假日安排不涉及{state.year}年",
                       f"remove it, or give it when planning {notice.year}",
                       f"请删除，或在安排{notice.year}年时给出")
    check_distinct(state.notices, file=file, where=lambda i: ("notices", i, "year"))


def _check_manifest(state: YearState, fail: Any) -> None:
    """What an export wrote lies inside the year's folder: a manifest or letter path is relative,
    made of plain parts (an export moves and archives these files)."""
    paths: list[tuple[Path, str]] = [(("manifest", "files", i, "path"), f.path)
                                     for i, f in enumerate(state.manifest.files)]
    paths += [(("letters", i, "path"), r.path) for i, r in enumerate(state.letters)]
    for where, path in paths:
        parts = path.split("/")
        if path.startswith("/") or "\\" in path or any(p in ("", ".", "..") for p in parts):
            raise fail(where, f"{path!r} is not a path inside the year's folder",
                       f"“{path}”不是年度文件夹内的路径")


def _format_version(value: object) -> int | None:
    """The N of ``liaison-state/N``, or None for anything else."""
    prefix = FORMAT.rsplit("/", 1)[0] + "/"
    if isinstance(value, str) and value.startswith(prefix) and value[len(prefix):].isdigit() \
            and value[len(prefix):].isascii() and len(value) <= len(prefix) + 6:
        return int(value[len(prefix):])
    return None


def _check_format(value: object, file: str | None) -> None:
    """This version's format; a later one is named as written by a newer liaison — its fix is to
    upgrade, never to rewrite the year with this version (which would drop what it does not know)."""
    if value == FORMAT:
        return
    version, ours = _format_version(value), _format_version(FORMAT)
    if version is not None and ours is not None and version > ours:
        raise NewerStateError(f"this state was written by a newer liaison (\"format\": \"{value}\"; this version "
                              f"reads {FORMAT})", kind="state", version=None, newer=True, file=file, path=("format",),
                              fix="upgrade liaison (`pip install -U liaison` and its plugins) to work on this year; "
                                  "do not rewrite the state with this version",
                              message_zh=f"该年度状态由更新版本的 liaison 写入（\"format\": \"{value}\"；"
                                         f"本版本读取 {FORMAT}）",
                              fix_zh="请升级 liaison（`pip install -U liaison` 及其插件）后再处理该年度；"
                                     "不要用本版本重写年度状态")
    raise DataError(f"not a state file of this version (expected \"format\": \"{FORMAT}\")", file=file,
                    path=("format",), fix=FIX, fix_zh=FIX_ZH,
                    message_zh=f"不是本版本的年度状态文件（应为 \"format\": \"{FORMAT}\"）")


def _check_letter_numbers(state: YearState, fail: Any) -> None:
    """One 文号 is one letter: two letters with the same number (a hand edit, a copied record) would
    both be printed with it, so the state is refused, naming both."""
    first: dict[str, int] = {}
    for i, letter in enumerate(state.letters):
        if letter.doc_number in first:
            other = render_path(("letters", first[letter.doc_number], "doc_number"))
            raise fail(("letters", i, "doc_number"), f"the number {letter.doc_number} is also the number of {other}",
                       f"文号 {letter.doc_number} 与 {other} 重复",
                       "give each letter its own number (the next free one of its series), or remove the copied record",
                       "请给每封函件不同的文号（该文号序列的下一个空号），或删除重复的记录")
        first[letter.doc_number] = i


def parse_state(text: str | bytes, district: District, *, year: int | None = None,
                file: str | None = None) -> YearState:
    """Read a state file strictly and check it against ``district`` (and ``year`` when given)."""
    from liaison.formats.convert import structure
    from liaison.formats.syntax import WrongFileError, read_json

    try:
        raw = read_json(text, file=file, expected="state")
        _check_format(raw.get("format"), file)
        body = {k: v for k, v in raw.items() if k != "format"}
        _check_references(body, district, file)
        state = structure(body, YearState, file=file, fix=FIX)
        check_state(state, district, year=year, file=file)
    except (StateError, WrongFileError):
        raise  # a file of another kind stays one: the edge names the option that takes it
    except DataError as exc:
        raise exc.located(cls=StateError) from None
    return state


def _check_references(body: dict[str, Any], district: District, file: str | None) -> None:
    """The organisations an engagement names are the district's, checked before the engagement is
    built (which would only say that its host is not among its participants)."""
    engagements = body.get("engagements")
    if not isinstance(engagements, list):
        return  # its shape is for :func:`structure` to report
    for i, e in enumerate(engagements):
        if not isinstance(e, dict):
            continue
        participants = e.get("participants")
        named: list[tuple[Path, Any]] = [(("host",), e.get("host"))]
        named += [(("participants", k), org) for k, org in
                  enumerate(participants if isinstance(participants, list) else ())]
        for field, org in named:
            if not isinstance(org, str):
                continue
            try:
                district.organisation(org)
            except LiaisonError as exc:
                raise exc.located(file=file, path=("engagements", i, *field), cls=DataError) from None


def check_state(state: YearState, district: District, *, year: int | None, file: str | None) -> None:
    """What the types cannot say: the right district and year, unique ids, dates inside the year,
    known provisions (the organisations are checked on the document, before the engagements are
    built: :func:`_check_references`)."""
    def fail(path: Path, message: str, message_zh: str, fix: str = FIX,
             fix_zh: str = FIX_ZH) -> DataError:
        return DataError(message, file=file, path=path, fix=fix, message_zh=message_zh, fix_zh=fix_zh)

    if state.district != district.info.id:
        raise fail(("district",), f"this is the state of the district {state.district!r}, not {district.info.id!r}",
                   f"这是“{state.district}”的年度状态，不是“{district.info.id}”的", "load the district it belongs to",
                   "请载入它所属的区数据")
    if year is not None and state.year != year:
        raise fail(("year",), f"this is the state of {state.year}, not {year}",
                   f"这是{state.year}年的年度状态，不是{year}年的",
                   f"use the file of {year} (out/{year}/…), or ask for {state.year}",
                   f"请使用{year}年的文件（out/{year}/…），或改查{state.year}年")
    _check_events(state, file, fail)
    _check_notices(state, file, fail)
    _check_manifest(state, fail)
    _check_letter_numbers(state, fail)
    seen: dict[str, int] = {}
    for i, e in enumerate(state.engagements):
        here: Path = ("engagements", i)
        if e.id in seen:
            also = render_path(("engagements", seen[e.id]))
            raise fail((*here, "id"), f"duplicate engagement id {e.id!r} (also {also})",
                       f"活动编号“{e.id}”重复（另见 {also}）", "give each engagement its own id",
                       "请给每项活动不同的编号")
        seen[e.id] = i
        if e.date.year != state.year:
            raise fail((*here, "date"), f"{e.date.isoformat()} is not in {state.year}",
                       f"{e.date.isoformat()} 不在{state.year}年", "keep the engagement in its year",
                       "活动应在本年度内")
        twice = next((p for k, p in enumerate(e.participants) if p in e.participants[:k]), None)
        if twice is not None:
            k = e.participants.index(twice, e.participants.index(twice) + 1)
            raise fail((*here, "participants", k), f"{twice!r} takes part twice", f"“{twice}”重复列出",
                       "list each participant once", "每个参加单位只列一次")
        for k, pid in enumerate(e.provisions):
            try:
                district.provision(pid)
            except LiaisonError as exc:
                raise exc.located(file=file, path=(*here, "provisions", k), cls=DataError) from None
