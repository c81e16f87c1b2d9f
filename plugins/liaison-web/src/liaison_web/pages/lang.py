"""The pages' language: Chinese unless the caller chose English with the switch (``/lang/en/``, kept
in the ``liaison_lang`` cookie for a year). The pages are written for the district's clerks, so a
browser's own language (often English on an office machine) does not decide it; the API, read by
programs, follows ``Accept-Language`` instead (:mod:`liaison_web.callers`)."""

from __future__ import annotations

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
    the command's line would name means nothing to a browser's user)."""
    if lang == "en":
        return error.message, error.fix or ""
    return error.message_zh or error.message, error.fix_zh or error.fix or ""


def context(request: HttpRequest) -> dict[str, Any]:
    """The context processor: the language of every template the service renders."""
    lang = language(request)
    return {"lang": lang, "html_lang": HTML_LANG[lang], "other_lang": "zh" if lang == "en" else "en"}
