"""District versions kept parsed in the database (liaison_web.versions_kept, ``ParsedVersion``): a
process that has not parsed a version reads it from its row, equal to the text's parse, without
parsing; a row of other code, a damaged or forged one is parsed afresh and replaced; a city's
survey keeps the versions it parsed in one statement; a row that cannot be written changes nothing
but the speed; and the city's page is the same whether its versions were read kept or parsed."""

from __future__ import annotations

import pickle
import re
from typing import Any

import pytest
from web_db import YEAR

PAGE = f"/city/?year={YEAR}&on={YEAR}-11-30"
#: PostgreSQL too (.ci/with-postgres): its bytea payloads and its INSERT … ON CONFLICT on the primary key
ON_POSTGRES_TOO = True


def version_pk(code: str) -> int:
    from liaison_web import models

    return int(models.DistrictVersion.objects.filter(district__code=code).order_by("-valid_from")
               .values_list("pk", flat=True).first())


def read_afresh(code: str) -> Any:
    """The district as a process that has parsed nothing reads it."""
    from liaison_web import bootstrap
    from liaison_web.city import forget

    forget()
    found = bootstrap.district(code)
    assert found is not None
    return found


def no_parsing(monkeypatch: pytest.MonkeyPatch) -> None:
    import liaison.formats.district

    def refused(*_: Any, **__: Any) -> Any:
        raise AssertionError("a version was parsed, not read as kept")

    monkeypatch.setattr(liaison.formats.district, "parse_district", refused)


def text_of(code: str) -> Any:
    from liaison.formats.district import parse_district
    from liaison_web import models

    return parse_district(models.DistrictVersion.objects.get(pk=version_pk(code)).text)


def test_a_version_parsed_once_is_read_back_equal_without_parsing(own_district: dict[str, Any],
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    from liaison_web import models

    code = own_district["code"]
    models.ParsedVersion.objects.filter(version_id=version_pk(code)).delete()
    parsed = read_afresh(code)  # parsed, and kept
    assert models.ParsedVersion.objects.filter(version_id=version_pk(code)).count() == 1
    no_parsing(monkeypatch)
    kept = read_afresh(code)
    assert kept is not parsed and kept == parsed
    monkeypatch.undo()
    assert kept == text_of(code)


@pytest.mark.parametrize("spoil", ["another key", "damaged", "forged", "not a district"])
def test_a_row_that_is_not_this_codes_district_is_parsed_afresh_and_replaced(own_district: dict[str, Any],
                                                                            spoil: str) -> None:
    from liaison_web import models
    from liaison_workspace.districts import kept_key

    code = own_district["code"]
    read_afresh(code)
    row = models.ParsedVersion.objects.get(version_id=version_pk(code))
    good = (row.key, bytes(row.payload))
    if spoil == "another key":
        row.key = "0" * 64  # as the code before an upgrade kept it
    elif spoil == "damaged":
        row.payload = good[1][: len(good[1]) // 2]
    elif spoil == "forged":
        row.payload = pickle.dumps(print)  # a callable that is not a class of the law
    else:
        row.payload = pickle.dumps({"info": "a dict"})
    row.save()
    found = read_afresh(code)
    assert found == text_of(code)
    row.refresh_from_db()
    version = models.DistrictVersion.objects.get(pk=version_pk(code))
    assert row.key == kept_key(version.sha256) == good[0]
    assert pickle.loads(bytes(row.payload)) == found


def test_a_survey_keeps_the_versions_it_parsed_in_one_statement(own_district: dict[str, Any],
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from liaison_web import models
    from liaison_web.city import forget, survey

    models.ParsedVersion.objects.all().delete()
    models.CityStanding.objects.all().delete()
    forget()
    with CaptureQueriesContext(connection) as seen:
        listed = survey(YEAR)
    writes = [q["sql"] for q in seen.captured_queries if "parsedversion" in q["sql"].lower()
              and not q["sql"].lstrip().upper().startswith("SELECT")]
    # one statement, or as many as the database's limit on a statement's parameters makes of it (SQLite:
    # 999, a third of that in rows; the whole suite leaves hundreds of districts), never one a version
    rows = list(models.ParsedVersion.objects.all())
    fields = [models.ParsedVersion._meta.get_field(name) for name in ("version", "key", "payload")]
    batch = max(1, connection.ops.bulk_batch_size(fields, rows))
    assert len(writes) == -(-len(rows) // batch), (len(rows), batch, writes)
    codes = {d.district for d in listed.districts}
    assert own_district["code"] in codes
    kept = set(models.ParsedVersion.objects.values_list("version__district__code", flat=True))
    assert kept == codes
    # and read back by the next process without a parse
    models.CityStanding.objects.all().delete()
    forget()
    no_parsing(monkeypatch)
    assert survey(YEAR) == listed


def test_a_row_that_cannot_be_written_changes_nothing_but_the_speed(own_district: dict[str, Any],
                                                                   monkeypatch: pytest.MonkeyPatch,
                                                                   caplog: pytest.LogCaptureFixture) -> None:
    from django.db import DatabaseError

    from liaison_web import models

    code = own_district["code"]
    models.ParsedVersion.objects.filter(version_id=version_pk(code)).delete()

    from django.db.models.query import QuerySet

    written = QuerySet.bulk_create

    def busy(self: Any, *args: Any, **kwargs: Any) -> Any:
        if self.model is models.ParsedVersion:
            raise DatabaseError("database is locked")
        return written(self, *args, **kwargs)

    monkeypatch.setattr(QuerySet, "bulk_create", busy)
    assert read_afresh(code) == text_of(code)
    assert not models.ParsedVersion.objects.filter(version_id=version_pk(code)).exists()
    assert "not kept" in caplog.text


def test_the_city_page_is_the_same_from_kept_versions_and_from_parsed_ones(city: dict[str, Any]) -> None:
    from django.test import Client

    from liaison_web import models
    from liaison_web.city import forget
    from liaison_web.tokens import caller_of

    found = caller_of(city["city_auditor"]["HTTP_AUTHORIZATION"].removeprefix("Bearer "))
    assert found is not None
    client = Client()
    client.force_login(found.user)

    def page(parsed: bool) -> str:
        models.CityStanding.objects.all().delete()
        if parsed:
            models.ParsedVersion.objects.all().delete()
        forget()
        answer = client.get(PAGE)
        assert answer.status_code == 200
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", answer.content.decode())

    from_text = page(parsed=True)
    assert models.ParsedVersion.objects.exists()
    from_kept = page(parsed=False)
    assert from_kept == from_text
    assert from_text.count("<tr data-district=") == len(city["districts"])
