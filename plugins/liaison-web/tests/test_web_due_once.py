"""Every body's to-do list in one pass (issue #23's review): the bodies-behind page and a sweep for a
webhook that names no organisation (every body watched) check the year once, not once per body —
counted in checks run by the due lists, not timed; the lists themselves are the library's
(tests/test_due_lists.py: each the one made body by body)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from web_db import YEAR

#: Each test on SQLite and, under .ci/with-postgres, on PostgreSQL (conftest.pytest_generate_tests).
ON_POSTGRES_TOO = True


def counting_checks(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The districts of the checks the due lists run, one entry a check, from now on."""
    import liaison.year.due as made

    checked: list[str] = []
    check = made.check

    def counting(district: Any, *args: Any, **kwargs: Any) -> Any:
        checked.append(district.info.id)
        return check(district, *args, **kwargs)

    monkeypatch.setattr(made, "check", counting)
    return checked


def test_the_bodies_behind_check_the_year_once(own_district: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    from django.contrib.auth import get_user_model
    from django.test import Client

    code, district = own_district["code"], own_district["district"]
    browser = Client()
    browser.force_login(get_user_model()._default_manager.get(username=f"auditor-{code}"))
    checked = counting_checks(monkeypatch)
    page = browser.get(f"/office/{code}/{YEAR}/behind/?on={YEAR}-12-31")
    assert page.status_code == 200
    assert re.findall(r'<section class="body-behind" data-org="([^"]+)"', page.content.decode())  # lists were made
    # one list a body: as many checks as bodies (25 for the seed's)
    assert checked == [code] and len(district.organisations) > 1


def test_a_sweep_for_every_body_checks_the_year_once(own_district: dict[str, Any],
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    from liaison_web import due, models

    code = own_district["code"]
    hook = models.Webhook.objects.create(district=models.District.objects.get(code=code), url="http://127.0.0.1:9/",
                                         salt="s", events=["due.opened", "due.closed"])
    try:
        checked = counting_checks(monkeypatch)
        due.sweep(today=dt.date(YEAR, 6, 1))
        kept = models.DueSnapshot.objects.filter(year__district__code=code)
        # every body's list was kept, from one check of the year
        assert kept.count() == len(own_district["district"].organisations)
        assert checked.count(code) == 1
    finally:
        hook.delete()
