"""The pages' language: Chinese unless the caller chose English with the switch (``/lang/en/``, kept
in the ``liaison_lang`` cookie for a year). The pages are written for the district's clerks, so a
browser's own language (often English on an office machine) does not decide it; the API, read by
programs, follows ``Accept-Language`` instead (:mod:`liaison_web.callers`)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from django.http import HttpRequest

from liaison.base.errors import LiaisonError

__all__ = ["COOKIE", "HTML_LANG", "context", "language", "message", "pick"]

COOKIE = "liaison_lang"
HTML_LANG = {"zh": "zh-CN", "en": "en"}


def language(request: HttpRequest) -> str:
    return "en" if request.COOKIES.get(COOKIE) == "en" else "zh"


def pick(lang: str, zh: str, en: str) -> str:
    return en if lang == "en" else zh


def message(error: LiaisonError, lang: str) -> tuple[str, str]:
    """An error's message and its fix in ``lang`` (a page shows them apart; the file of the store
    the command's line would name means nothing to a browser's user). A fix written for the API's
    callers (an address under /api/, a request, a header) is said in the pages' own words."""
    fix = error.fix or "" if lang == "en" else error.fix_zh or error.fix or ""
    if API_WORDS.search(fix):
        fix = pick(lang, *PAGE_FIXES.get(type(error).__name__, PAGE_FIX))
    if lang == "en":
        return error.message, fix
    return error.message_zh or error.message, fix


#: What marks a fix as the API's: an address of it, a request, a header of HTTP.
API_WORDS = re.compile(r"/api/|\bGET\b|\bPOST\b|If-Match|ETag")
#: The pages' words for such a fix: by the error's kind, else the one a page always can give.
PAGE_FIXES: Mapping[str, tuple[str, str]] = {
    "StaleRecord": ("请刷新页面，查看变化后重新提交表单",
                    "reload the page, look at what changed and send the form again"),
}
PAGE_FIX = ("请返回，从页面上的列表中选择（首页列出您所在的区和年度）",
            "go back and choose it from the page's lists (the home page lists your districts and years)")


def context(request: HttpRequest) -> dict[str, Any]:
    """The context processor: the language of every template the service renders."""
    lang = language(request)
    return {"lang": lang, "html_lang": HTML_LANG[lang], "other_lang": "zh" if lang == "en" else "en"}
