"""The districts of a deployment, as the command line manages them (``liaison serve --data FILE``,
``liaison web district add | list | remove``, ``liaison web import-year --data FILE``) and a
superuser in Django's admin (a district added from its data file: :func:`liaison_web.admin.DistrictAdmin`,
through the command's :func:`liaison_web.bootstrap.add_district`).

A district data file given to a command is **added** when its ``[district] id`` is new (its text
stored as the district's version valid from the day: :func:`given`), and **is** the district when its
text is one of the district's stored versions (nothing stored). Any other text of a district the
database holds is refused (:class:`DistrictChanged`): changing a district's data is an amendment —
a new version from a day, previewed, its years brought up to it and audited
(:mod:`liaison_web.amend`, the office's amendment page) — and a command handing a different file is
no amendment (it would store a version with no preview and no audit entry, or fail on the day's
version already held).

A district added or removed is audited (``add`` / ``remove`` on ``district``): an entry of the
deployment (under no district) and the same under the district itself, so its own log — and its
auditors — show how it came to be (as a token's change goes under each district of its user). A
district is **removed** (:func:`remove`) only while nothing has been done in it: no entry of the
audit log is under it but its own coming and going, it has
no record, evidence file, webhook, calendar feed, publication or member but superusers, and it is
not the deployment's last district. What was done in a district is what the append-only audit
log and the records point to; removing it would take their district from under them. What remains
removable is what a start made by itself — the seed district a first ``liaison serve`` without
``--data`` stored and planned — so a deployment can drop it once its real districts are added.
A removed district's row stays while entries of its log point to it (the log is append-only: its
``add`` and ``remove`` entries are kept), holding nothing — no version, year or member — so no list
shows it; adding its id again fills it anew, its log going on.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

import attrs

from liaison.base.errors import LiaisonError
from liaison.law.district import District

__all__ = ["DistrictChanged", "DistrictInUse", "Listed", "given", "listed", "remove"]


class DistrictChanged(LiaisonError):
    """A data file of a district the database holds, whose text is none of its versions."""


class DistrictInUse(LiaisonError):
    """A district that cannot be removed: something was done in it, or it is the last."""


def load_version(text: str, *, valid_from: dt.date, file: str, using: str = "default") -> District:
    """Store ``text`` (a district data file) as the version of its district valid from ``valid_from``
    (the district made if new); the same text again changes nothing. The district, parsed."""
    from liaison.formats.district import parse_district
    from liaison_web import models

    value = parse_district(text, file=file)  # refused here, before anything is stored
    owner, made = models.District.objects.using(using).get_or_create(code=value.info.id,
                                                                      defaults={"name": value.info.name})
    held = models.DistrictVersion.objects.using(using).filter(district=owner)
    if not made and owner.name != value.info.name and not held.exists():  # a removed one, added again
        owner.name = value.info.name
        owner.save(update_fields=["name"])
    digest = hashlib.sha256(text.encode()).hexdigest()
    if not models.DistrictVersion.objects.using(using).filter(district=owner, sha256=digest).exists():
        models.DistrictVersion.objects.using(using).create(district=owner, valid_from=valid_from, text=text,
                                                           sha256=digest)
    return value


def given(text: str, *, file: str, today: dt.date, using: str = "default", user: Any = None,
          actor: str | None = None, remote_address: str = "") -> tuple[District, bool]:
    """The district of the data file ``text`` (parsed: a problem is refused with its path): stored
    as a new district valid from ``today`` when its id is new (True), or the district's stored
    version it is (False). A text none of the district's versions has is :class:`DistrictChanged`.
    ``user``, ``actor``, ``remote_address``: who adds it, for the audit entry (none: the command line)."""
    from django.db import IntegrityError, transaction

    from liaison.formats.district import parse_district
    from liaison_web import models
    from liaison_web.audit import record

    value = parse_district(text, file=file)  # refused here, before anything is stored
    digest = hashlib.sha256(text.encode()).hexdigest()
    held = models.DistrictVersion.objects.using(using).filter(district__code=value.info.id)
    if held.exists():
        if not held.filter(sha256=digest).exists():
            raise _changed(value.info.id, file, held.order_by("-valid_from").values_list("valid_from", flat=True)[0])
        return value, False
    try:
        with transaction.atomic(using=using):
            load_version(text, valid_from=today, file=file, using=using)
            # the deployment's entry and the district's own: its log (and its auditors) see how it came to be
            after = {"name": value.info.name, "valid_from": today.isoformat(), "sha256": digest, "file": file}
            for code in (None, value.info.id):
                record("add", "district", value.info.id, using=using, user=user, actor=actor,
                       remote_address=remote_address, district=code, after=after)
    except IntegrityError:  # another process added the district meanwhile: its version decides
        return given(text, file=file, today=today, using=using, user=user, actor=actor,
                     remote_address=remote_address)
    return value, True


def _changed(code: str, file: str, since: dt.date) -> DistrictChanged:
    return DistrictChanged(
        f"the database holds the district {code} (its data in force from {since.isoformat()}) and this file is none "
        "of its versions: changing a district's data is an amendment, not a new file", file=file,
        fix=f"amend {code} from a day on the office's amendment page (/office/{code}/YEAR/amend/: previewed, its years "
            "brought up to it, audited); or give the file of its version in force "
            f"(liaison web district list shows its digest)",
        message_zh=f"数据库中已有区 {code}（现行数据自 {since.isoformat()} 起）：该文件与其任何版本都不同；修改区数据"
                   "须通过修订，而不是另给一个文件",
        fix_zh=f"请在办公室的修订页面（/office/{code}/年度/amend/）从某日起修订 {code}"
               "（先预览，年度随之更新，记入审计日志）；或给出其现行版本的文件（liaison web district list 列出其摘要）")


@attrs.frozen
class Listed:
    """A district as ``liaison web district list`` shows it: its id and name, its version in force
    (from which day, the sha256 of its text), how many versions, the years it holds."""

    code: str
    name: str
    valid_from: dt.date
    sha256: str
    versions: int
    years: tuple[int, ...]


def listed(*, using: str = "default") -> tuple[Listed, ...]:
    """Every district holding data, by id."""
    from liaison_web import models

    found: list[Listed] = []
    for owner in models.District.objects.using(using).filter(versions__isnull=False).distinct().order_by("code"):
        versions = list(models.DistrictVersion.objects.using(using).filter(district=owner)
                        .order_by("-valid_from").values_list("valid_from", "sha256"))
        years = tuple(models.Year.objects.using(using).filter(district=owner).exclude(revision="")
                      .order_by("year").values_list("year", flat=True))
        found.append(Listed(owner.code, owner.name, versions[0][0], versions[0][1], len(versions), years))
    return tuple(found)


def remove(code: str, *, using: str = "default") -> dict[str, Any]:
    """Remove the district ``code`` nothing has been done in (see the module), with its versions,
    its planned years and its memberships; what it was (for the audit entry the caller writes)."""
    from django.db import transaction

    from liaison_web import models

    with transaction.atomic(using=using):
        owner = models.District.objects.using(using).select_for_update().filter(code=code).first()
        if owner is None or not models.DistrictVersion.objects.using(using).filter(district=owner).exists():
            codes = [d.code for d in listed(using=using)]
            raise DistrictInUse(f"the database holds no district {code!r}", fix=f"one of: {', '.join(codes)}",
                                message_zh=f"数据库中没有区 {code!r}", fix_zh=f"可选：{'、'.join(codes)}")
        used = _used(owner, using)
        if used is not None:
            en, zh = used
            raise DistrictInUse(
                f"{code} cannot be removed: {en}", fix="a district something was done in stays: what the audit log "
                "and the records point to is kept (its users' memberships can be ended at /admin/)",
                message_zh=f"{code} 不能移除：{zh}",
                fix_zh="有过操作的区会保留：审计日志和记录所指向的内容不能删除（可在 /admin/ 中结束其用户的成员资格）")
        what = {"name": owner.name, "versions": [
            {"valid_from": day.isoformat(), "sha256": digest}
            for day, digest in models.DistrictVersion.objects.using(using).filter(district=owner)
            .order_by("valid_from").values_list("valid_from", "sha256")],
            "years": list(models.Year.objects.using(using).filter(district=owner).exclude(revision="")
                          .order_by("year").values_list("year", flat=True))}
        models.Membership.objects.using(using).filter(district=owner).delete()
        models.CityStanding.objects.using(using).filter(district=owner).delete()
        models.Year.objects.using(using).filter(district=owner).delete()
        models.ParsedVersion.objects.using(using).filter(version__district=owner).delete()
        models.DistrictVersion.objects.using(using).filter(district=owner).delete()
        if not models.AuditEntry.objects.using(using).filter(district=owner).exists():
            owner.delete()  # else kept, empty, for its log's entries (see the module)
    return what


def _own_log(owner: Any, using: str) -> Any:
    from liaison_web import models

    return models.AuditEntry.objects.using(using).filter(district=owner)


def _used(owner: Any, using: str) -> tuple[str, str] | None:
    """Why the district cannot be removed (English, Chinese), or None."""
    from liaison_web import models

    checks: tuple[tuple[Any, str, str], ...] = (
        (_own_log(owner, using).exclude(action__in=("add", "remove"), object_type="district",
                                        object_id=owner.code), "the audit log has entries of it",
         "审计日志中有该区的条目"),
        (models.Record.objects.using(using).filter(district=owner), "it has records", "该区有记录"),
        (models.Evidence.objects.using(using).filter(district=owner), "it has evidence files", "该区有佐证材料"),
        (models.Webhook.objects.using(using).filter(district=owner), "it has webhooks", "该区有 Webhook"),
        (models.FeedToken.objects.using(using).filter(district=owner), "it has calendar feeds", "该区有日历订阅地址"),
        (models.PublishJob.objects.using(using).filter(district=owner), "it was published to CalDAV",
         "该区曾发布到 CalDAV"),
        (models.Membership.objects.using(using).filter(district=owner, user__is_superuser=False),
         "users other than the superusers are members of it", "除超级用户外还有用户是该区成员"),
    )
    for found, en, zh in checks:
        if found.exists():
            return en, zh
    if not models.District.objects.using(using).filter(versions__isnull=False).exclude(pk=owner.pk).exists():
        return ("it is the deployment's only district (add the real one first: liaison web district add FILE)",
                "它是本部署中唯一的区（请先添加实际的区：liaison web district add 文件）")
    return None
