"""A letter's PDF is converted alone, only for a caller allowed to read it, once per .docx bytes,
one conversion at a time: a reader can no longer make the server run LibreOffice on every letter
of the year (and, with a loop of days, keep it doing so)."""

from __future__ import annotations

import datetime as dt
import shutil
from typing import Any

import pytest
from web_db import YEAR

#: A day the notices (due 5 January) are due and no invitation is.
DAY = dt.date(YEAR, 1, 11)

pytestmark = pytest.mark.skipif(shutil.which("soffice") is None and shutil.which("libreoffice") is None,
                                reason="LibreOffice is not installed")


@pytest.fixture
def loaded_plugins() -> str:
    return "web,docx"


def _get(path: str, auth: dict[str, str], **more: str) -> Any:
    from django.test import Client

    return Client().get(path, {"day": DAY.isoformat()}, **auth, **more)


def test_a_letters_pdf_is_converted_alone_after_the_caller_is_authorised(own_district: dict[str, Any],
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    import liaison_docx.pdf

    from liaison_web import letters_pdf

    converted: list[int] = []
    real = liaison_docx.pdf.to_pdf

    def counted(documents: Any, **options: Any) -> list[bytes]:
        converted.append(len(documents))
        return real(documents, **options)

    monkeypatch.setattr(liaison_docx.pdf, "to_pdf", counted)
    code, tokens = own_district["code"], own_district["tokens"]
    base = f"/api/v1/districts/{code}/years/{YEAR}/letters"
    every = [item["pdf"] for item in _get(base, tokens["administrator"]).json()["letters"]]
    mine = [item["pdf"] for item in _get(base, tokens["clerk"]).json()["letters"]]
    theirs = next(path for path in every if path not in mine)
    assert mine and len(every) > len(mine)

    refused = _get(f"{base}/{theirs}", tokens["clerk"])
    assert refused.status_code == 403 and converted == []  # refused before anything is converted
    got = _get(f"{base}/{mine[0]}", tokens["clerk"])
    assert got.status_code == 200 and got.content.startswith(b"%PDF") and converted == [1]  # that letter alone
    # the same letter again, by another reader: the PDF of those bytes, not converted again
    again = _get(f"{base}/{mine[0]}", tokens["administrator"])
    assert again.content == got.content and converted == [1]

    # while a conversion runs, another request is told at once to come back (and converts nothing)
    monkeypatch.setattr(letters_pdf, "_CACHE", type(letters_pdf._CACHE)())
    assert letters_pdf._SLOTS.acquire(blocking=False)
    try:
        busy = _get(f"{base}/{mine[0]}", tokens["clerk"], HTTP_ACCEPT_LANGUAGE="en")
    finally:
        letters_pdf._SLOTS.release()
    assert busy.status_code == 503 and busy["Retry-After"] == str(letters_pdf.RETRY_AFTER)
    assert busy.json()["message_zh"] and "try again" in busy.json()["rendered"] and converted == [1]
    # the .docx needs no conversion at all
    assert _get(f"{base}/{mine[0].removesuffix('.pdf')}.docx", tokens["clerk"]).status_code == 200
    assert converted == [1]
