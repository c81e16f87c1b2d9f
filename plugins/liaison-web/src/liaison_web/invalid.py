"""A request the operation's schema refuses (422), said per field in both languages: the field's
path (``$.body.date``, ``$.query.as_of``) and what is wrong in plain words — "a day is written
YYYY-MM-DD", "一天写作 YYYY-MM-DD" —, not the validator's own English ("String should match
pattern …"). :func:`problem` reads one of pydantic's errors (its ``type`` and ``ctx``); a pattern is
told by what it is for (:func:`_patterns`), a validator's :class:`~liaison.base.errors.Refused` by
its own words."""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from typing import Any

from liaison.base.errors import Refused
from liaison_web.errors import InvalidRequest

__all__ = ["problem"]

FIX = ("check the request against /api/v1/docs", "请对照 /api/v1/docs 核对请求")

#: What is wrong, by pydantic's error type: English and Chinese, formatted with the error's ``ctx``.
SAID: dict[str, tuple[str, str]] = {
    "missing": ("is required and missing", "为必填项，未给出"),
    "extra_forbidden": ("is no field of this request (a misspelt name?)", "不是该请求的字段（名称有误？）"),
    "string_type": ("must be text", "应为文本"),
    "string_too_short": ("must have at least {min_length} character(s)", "至少应有 {min_length} 个字符"),
    "string_too_long": ("must have at most {max_length} characters", "最多 {max_length} 个字符"),
    "int_type": ("must be a whole number", "应为整数"),
    "int_parsing": ("must be a whole number", "应为整数"),
    "int_from_float": ("must be a whole number", "应为整数"),
    "greater_than_equal": ("must be at least {ge}", "不得小于 {ge}"),
    "greater_than": ("must be more than {gt}", "应大于 {gt}"),
    "less_than_equal": ("must be at most {le}", "不得大于 {le}"),
    "less_than": ("must be less than {lt}", "应小于 {lt}"),
    "bool_type": ("must be true or false (JSON's, not text)", "应为 true 或 false（JSON 的布尔值，不是文本）"),
    "bool_parsing": ("must be true or false", "应为 true 或 false"),
    "literal_error": ("must be one of {expected}", "应为以下之一：{expected}"),
    "enum": ("must be one of {expected}", "应为以下之一：{expected}"),
    "list_type": ("must be a list", "应为列表"),
    "too_short": ("must have at least {min_length} item(s)", "至少应有 {min_length} 项"),
    "too_long": ("must have at most {max_length} items", "最多 {max_length} 项"),
    "dict_type": ("must be an object (in braces)", "应为对象（花括号括起）"),
    "model_type": ("must be an object (in braces)", "应为对象（花括号括起）"),
    "model_attributes_type": ("must be an object (in braces)", "应为对象（花括号括起）"),
    "date_type": ("must be a day, written YYYY-MM-DD", "应为日期，写作 YYYY-MM-DD"),
    "date_parsing": ("must be a day, written YYYY-MM-DD", "应为日期，写作 YYYY-MM-DD"),
    "date_from_datetime_parsing": ("must be a day, written YYYY-MM-DD", "应为日期，写作 YYYY-MM-DD"),
    "date_from_datetime_inexact": ("must be a day, written YYYY-MM-DD", "应为日期，写作 YYYY-MM-DD"),
    "datetime_type": ("must be a date and time (ISO 8601)", "应为日期时间（ISO 8601）"),
    "datetime_parsing": ("must be a date and time (ISO 8601)", "应为日期时间（ISO 8601）"),
    "json_invalid": ("is not valid JSON", "不是有效的 JSON"),
    "union_tag_invalid": ("names no kind this field takes (it takes {expected_tags})",
                          "所给类型不在该字段可取的类型之中（可取：{expected_tags}）"),
}
#: A pattern the document does not know (a new field's): said as such, with the pattern.
UNKNOWN_PATTERN = ("does not have the form this field takes ({pattern})", "不符合该字段规定的格式（{pattern}）")
#: An error of a type :data:`SAID` lacks: the validator's words in English, a general line in Chinese.
OTHER = ("is not valid here: {msg}", "取值无效：不符合该操作规定的类型或格式")


@functools.cache
def _patterns() -> dict[str, tuple[str, str]]:
    """What each pattern of the API's schemas asks for, in words."""
    from liaison.base.text import FIRST_YEAR, ID_MAX, ID_PATTERN, LAST_YEAR
    from liaison_web import records, schemas, webhooks
    from liaison_web.tokens import SHOWN_PATTERN

    an_id = (f"must be an id: lowercase letters, digits and -, starting with a letter or digit, at most {ID_MAX}",
             f"应为标识：小写字母、数字和连字符，以字母或数字开头，最多 {ID_MAX} 个字符")
    return {
        schemas.DAY_PATTERN: (f"must be a day, written YYYY-MM-DD, in {FIRST_YEAR}–{LAST_YEAR}",
                              f"应为日期，写作 YYYY-MM-DD，年份在 {FIRST_YEAR}—{LAST_YEAR} 之间"),
        schemas.TIME_PATTERN: ("must be a time of day, written HH:MM (00:00–23:59)",
                               "应为时刻，写作 HH:MM（00:00—23:59）"),
        f"^{ID_PATTERN.pattern}$": an_id,
        f"^({ID_PATTERN.pattern})?$": (an_id[0] + ", or empty", an_id[1] + "，或留空"),
        webhooks.URL_PATTERN: ("must be an http:// or https:// address naming a host (a name, an IPv4 address or an "
                               "IPv6 address in brackets)",
                               "应为 http:// 或 https:// 地址，并写明主机（域名、IPv4 地址或方括号中的 IPv6 地址）"),
        schemas.ENGAGEMENT_ID: ("must be an engagement's id as the plan shows it (no spaces, at most 200 characters)",
                       "应为计划中所示的活动标识（不含空格，最多 200 个字符）"),
        records.KEY_PATTERN: ("must be a key the service gave (16 hexadecimal digits)",
                              "应为服务给出的键（16 位十六进制数字）"),
        SHOWN_PATTERN: ("must be a token's first 12 characters as the list shows them (lsn_ and 8 more)",
                         "应为令牌列表所示的前 12 个字符（lsn_ 及其后 8 个字符）"),
        r"\S": ("must not be blank", "不能为空"),
        r"^.+\.(docx|pdf)$": ("must be a letter's file name as the list shows it, ending .docx or .pdf",
                              "应为列表所示的公文文件名，以 .docx 或 .pdf 结尾"),
    }


def _text_pattern(pattern: str) -> tuple[str, str] | None:
    """The words of a bounded text's pattern (:func:`liaison_web.schemas._text_schema`), or None."""
    from liaison_web import schemas

    if not pattern.startswith(f"^[^{schemas._CONTROL}"):
        return None
    one_line = schemas._BREAKS in pattern
    required = pattern.count("[^") > 2
    en = "must not hold a control character" + (" or a line break" if one_line else "")
    zh = "不得含控制字符" + ("或换行" if one_line else "")
    if required:
        en, zh = en + ", nor be blank", zh + "，且不能为空白"
    return en, zh


def _said(error: Mapping[str, Any]) -> tuple[str, str]:
    kind = str(error.get("type", ""))
    context = dict(error.get("ctx") or {})
    if kind == "value_error" and isinstance(context.get("refused"), Refused):
        refused: Refused = context["refused"]
        return refused.message, refused.message_zh or refused.message
    if kind == "string_pattern_mismatch":
        pattern = str(context.get("pattern", ""))
        found = _patterns().get(pattern) or _text_pattern(pattern)
        en, zh = found or UNKNOWN_PATTERN
    else:
        en, zh = SAID.get(kind, OTHER)
    values = {"msg": str(error.get("msg", "invalid")), **{k: str(v) for k, v in context.items()}}
    if kind == "value_error":  # a validator's own words, without pydantic's "Value error, "
        values["msg"] = str(context.get("error", values["msg"]))
    try:
        return en.format_map(values), zh.format_map(values)
    except (KeyError, IndexError, ValueError):  # a context without the key a line names: the line as it is
        return en, zh


def problem(error: Mapping[str, Any], path: Sequence[str]) -> InvalidRequest:
    """One refused value of a request as an :class:`InvalidRequest` at ``path``, in both languages."""
    en, zh = _said(error)
    where = "the request" if not path else path[-1]
    return InvalidRequest(f"{where} {en}", path=tuple(path), fix=FIX[0], message_zh=f"{where} {zh}", fix_zh=FIX[1])
