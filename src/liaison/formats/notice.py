"""The holiday notice file (holiday-cn JSON) into a checked
:class:`~liaison.law.notices.HolidayNotice`: parsed strictly, then checked against the law's days
(:func:`liaison.law.notices.check_notice`)."""

from __future__ import annotations

import os
from collections.abc import Iterable

from liaison.base.errors import DataError, LiaisonError
from liaison.formats.convert import structure
from liaison.formats.syntax import read_file, read_json
from liaison.law.notices import FIX, FIX_ZH, HolidayNotice, check_distinct, check_notice

#: The notice's own keys for the attributes they are read into (holiday-cn's names).
_FILE_KEYS = {"is_off_day": "isOffDay", "schema": "$schema"}


def parse_holiday_notice(text: str | bytes, *, file: str | None = None) -> HolidayNotice:
    """Read a notice strictly: an unknown key, a bad date or a day far outside the year is a
    :class:`DataError` naming the file and the path (``$.days[3].date``)."""
    raw = read_json(text, file=file, expected="notice")
    if "days" not in raw or "year" not in raw:
        raise DataError("not a holiday notice: expected an object with \"year\" and \"days\"", file=file,
                        path=(), fix=FIX, fix_zh=FIX_ZH, message_zh="不是节假日安排：应有 \"year\" 和 \"days\"")
    try:
        notice = structure(raw, HolidayNotice, file=file, fix=FIX)
    except DataError as exc:  # name the file's own key, not the attribute it is read into
        def file_keys(error: LiaisonError) -> LiaisonError:
            keys = tuple(_FILE_KEYS.get(k, k) if isinstance(k, str) else k for k in error.location.path or ())
            return error.located(path=keys)

        if len(exc.problems) > 1:
            raise DataError.several([file_keys(p) for p in exc.problems]) from None
        raise file_keys(exc) from None
    check_notice(notice, file=file)
    return notice




def load_holiday_notice(path: str | os.PathLike[str]) -> HolidayNotice:
    name = os.fspath(path)
    return parse_holiday_notice(read_file(name), file=name)


def load_holiday_notices(paths: Iterable[str | os.PathLike[str]]) -> tuple[HolidayNotice, ...]:
    """Several notice files, one per year (two for the same year are refused)."""
    names = [os.fspath(p) for p in paths]
    notices = tuple(load_holiday_notice(n) for n in names)
    check_distinct(notices, names)
    return notices
