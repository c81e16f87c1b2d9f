"""The service's tables (Django models; migrations in :mod:`liaison_web.migrations`, from the first
release on).

- :class:`District` and :class:`DistrictVersion` — a district of the deployment and each dated
  version of its data file, kept as the text that was loaded (TOML) with the day it applies from;
- :class:`Year`, :class:`YearRevision`, :class:`YearFile` — the year store's rows
  (:class:`liaison_web.store.DatabaseStore`): the year's current revision, every state it has had
  (the current one among them), and the files the exports wrote (bytes and sha256), ``已作废/…`` included;
- :class:`Membership` — a user's role in a district, bound to one of its organisations;
- :class:`ApiToken` — tokens for integrations: only a hash is kept, scoped, revocable;
- :class:`AuditEntry` — the append-only audit log (no update or delete through the model, and a
  trigger in the database refusing both, added by the migration ``0002_audit_append_only``).

- :class:`Webhook`, :class:`WebhookDelivery`, :class:`DeliveryAttempt` — the OA systems' webhooks,
  the outbox of their deliveries (written in the change's own transaction) and every attempt to send
  one (:mod:`liaison_web.webhooks`);
- :class:`FeedToken` — the secret of an organisation's calendar feed URL, kept as a sha256
  (:mod:`liaison_web.feeds`);
- :class:`Record` — the year's records (visits, documents copied, research and its feedback …), one
  row per version: a correction or a withdrawal is a new version, the old ones stay (append-only,
  as the audit log, in the model and in the database: ``0004_records_evidence``);
- :class:`Evidence` — files attached to a record or an engagement: the bytes under the media root
  by their sha256 (:mod:`liaison_web.evidence`), the row what was uploaded, by whom, named how.
- :class:`PublishJob`, :class:`PublishAttempt` — a publication of a year to CalDAV asked for through
  the API, performed in the background with retries, and each attempt (:mod:`liaison_web.jobs`).
- :class:`CityStanding` — each district's standing in a year as of a day as the city's view counts
  it (:mod:`liaison_web.city`), with what it was made from: made once, read by every process.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, ClassVar

from django.conf import settings
from django.db import models

from liaison.base.errors import LiaisonError

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractUser

__all__ = ["ROLES", "ApiToken", "AppendOnlyError", "AuditEntry", "AuditLogError", "CityStanding", "DeliveryAttempt",
           "District", "DistrictVersion", "Evidence", "EvidenceWithdrawal", "FeedToken", "IdempotencyKey", "Membership",
           "PublishAttempt",
           "PublishJob", "Record", "Webhook", "WebhookDelivery", "Year", "YearFile", "YearRevision"]


class District(models.Model):
    """A district of the deployment, by the id its data file gives (``[district] id``)."""

    code: models.CharField[str, str] = models.CharField(max_length=64, unique=True)
    name: models.CharField[str, str] = models.CharField(max_length=200, default="")
    created: models.DateTimeField[dt.datetime, dt.datetime] = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering: ClassVar = ["code"]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})" if self.name else self.code


class DistrictVersion(models.Model):
    """One version of a district's data file: the text as loaded and the day it applies from."""

    district: models.ForeignKey[District, District] = models.ForeignKey(
        District, on_delete=models.PROTECT, related_name="versions")
    valid_from: models.DateField[dt.date, dt.date] = models.DateField()
    text: models.TextField[str, str] = models.TextField()
    sha256: models.CharField[str, str] = models.CharField(max_length=64)
    loaded: models.DateTimeField[dt.datetime, dt.datetime] = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering: ClassVar = ["district", "valid_from"]
        constraints: ClassVar = [models.UniqueConstraint(fields=["district", "valid_from"], name="one_version_a_day")]

    def __str__(self) -> str:
        return f"{self.district.code} from {self.valid_from}"


class Year(models.Model):
    """A district's year in the store: its current revision (the :class:`YearRevision` holding its
    state); the row a writer locks (``SELECT … FOR UPDATE``). ``revision`` empty: no state yet."""

    district: models.ForeignKey[District, District] = models.ForeignKey(
        District, on_delete=models.PROTECT, related_name="years")
    year: models.IntegerField[int, int] = models.IntegerField()
    revision: models.CharField[str, str] = models.CharField(max_length=80, default="", blank=True)
    seq: models.IntegerField[int, int] = models.IntegerField(default=0)  # the number of the last revision saved

    class Meta:
        ordering: ClassVar = ["district", "year"]
        constraints: ClassVar = [models.UniqueConstraint(fields=["district", "year"], name="one_row_a_year")]

    def __str__(self) -> str:
        return f"{self.district.code} {self.year}"


KINDS = [("export", "export"), ("update", "update"), ("publication", "publication")]


class YearRevision(models.Model):
    """Every state the year has had (the state file's JSON, the current one's too: written once, here):
    its tag, the kind of change, the export's number, when."""

    year: models.ForeignKey[Year, Year] = models.ForeignKey(Year, on_delete=models.CASCADE, related_name="revisions")
    seq: models.IntegerField[int, int] = models.IntegerField()
    tag: models.CharField[str, str] = models.CharField(max_length=80)
    kind: models.CharField[str | None, str | None] = models.CharField(
        max_length=16, choices=KINDS, null=True, blank=True)
    export: models.IntegerField[int | None, int | None] = models.IntegerField(null=True, blank=True)
    at: models.DateTimeField[dt.datetime, dt.datetime] = models.DateTimeField()
    state: models.TextField[str, str] = models.TextField()

    class Meta:
        ordering: ClassVar = ["year", "seq"]
        constraints: ClassVar = [models.UniqueConstraint(fields=["year", "seq"], name="one_revision_a_seq"),
                                 models.UniqueConstraint(fields=["year", "tag"], name="one_revision_a_tag")]


class YearFile(models.Model):
    """A file of the year as an export wrote it (``ical/全部.ics``, ``已作废/3/通知/01-….docx``)."""

    year: models.ForeignKey[Year, Year] = models.ForeignKey(Year, on_delete=models.CASCADE, related_name="files")
    path: models.CharField[str, str] = models.CharField(max_length=500)
    data: models.BinaryField[bytes, bytes] = models.BinaryField()
    sha256: models.CharField[str, str] = models.CharField(max_length=64)
    size: models.BigIntegerField[int, int] = models.BigIntegerField()

    class Meta:
        ordering: ClassVar = ["year", "path"]
        constraints: ClassVar = [models.UniqueConstraint(fields=["year", "path"], name="one_file_a_path")]


#: The roles of a membership (docs/service.md): who may do what is decided per role and organisation.
ROLES = [
    ("administrator", "管理员 administrator"),
    ("clerk", "部门联络员 department clerk"),
    ("liaison_officer", "党派、工商联联络员 party or ICF liaison officer"),
    ("auditor", "审计（只读）auditor"),
    ("city_auditor", "市级审计（各区只读）city auditor"),
]


class Membership(models.Model):
    """A user's role in a district, bound to one of its organisations (its id in the district's data;
    empty for the district-wide roles: administrator, auditor; a city auditor's district is empty too)."""

    user: models.ForeignKey[AbstractUser, AbstractUser] = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    district: models.ForeignKey[District | None, District | None] = models.ForeignKey(
        District, on_delete=models.PROTECT, related_name="memberships", null=True, blank=True)
    organisation: models.CharField[str, str] = models.CharField(max_length=64, blank=True, default="")
    role: models.CharField[str, str] = models.CharField(max_length=32, choices=ROLES)

    class Meta:
        constraints: ClassVar = [models.UniqueConstraint(fields=["user", "district", "organisation", "role"],
                                                         name="one_membership")]

    def __str__(self) -> str:
        return f"{self.user} {self.role} {self.district or '*'}/{self.organisation or '*'}"


class ApiToken(models.Model):
    """A bearer token for an integration. The token is shown once when made; only its sha256 is kept
    (``prefix``: its first characters, to tell tokens apart in a list). ``scopes``: ``read``,
    ``write``. Revoked tokens stay, with when; ``expires``, if set, ends it at that time."""

    user: models.ForeignKey[AbstractUser, AbstractUser] = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name: models.CharField[str, str] = models.CharField(max_length=100)
    prefix: models.CharField[str, str] = models.CharField(max_length=16)
    sha256: models.CharField[str, str] = models.CharField(max_length=64, unique=True)
    scopes: models.JSONField[Any, Any] = models.JSONField(default=list)
    created: models.DateTimeField[dt.datetime, dt.datetime] = models.DateTimeField(auto_now_add=True)
    last_used: models.DateTimeField[dt.datetime | None, dt.datetime | None] = models.DateTimeField(
        null=True, blank=True)
    revoked: models.DateTimeField[dt.datetime | None, dt.datetime | None] = models.DateTimeField(null=True, blank=True)
    #: After this time the token is no token (401), as a revoked one; None: until revoked.
    expires: models.DateTimeField[dt.datetime | None, dt.datetime | None] = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class AuditLogError(LiaisonError):
    """A change or removal of an audit entry: the log is append-only."""

    def __init__(self) -> None:
        super().__init__("the audit log is append-only: an entry is never changed or removed",
                         fix="record a new entry instead", message_zh="审计日志只能追加：已记录的条目不能修改或删除",
                         fix_zh="请另记一条新条目")


class AuditQuerySet(models.QuerySet["AuditEntry"]):
    def update(self, **kwargs: Any) -> int:
        raise AuditLogError()

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AuditLogError()


class AuditEntry(models.Model):
    """One change: who (the user, or the token's name), when, from where, what was done to which
    object, and the object before and after (JSON, in the library's shape)."""

    at: models.DateTimeField[dt.datetime, dt.datetime] = models.DateTimeField(auto_now_add=True, db_index=True)
    user: models.ForeignKey[AbstractUser | None, AbstractUser | None] = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    actor: models.CharField[str, str] = models.CharField(max_length=200)
    remote_address: models.CharField[str, str] = models.CharField(max_length=64, blank=True, default="")
    district: models.ForeignKey[District | None, District | None] = models.ForeignKey(
        District, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    action: models.CharField[str, str] = models.CharField(max_length=64)
    object_type: models.CharField[str, str] = models.CharField(max_length=64)
    object_id: models.CharField[str, str] = models.CharField(max_length=200, blank=True, default="")
    before: models.JSONField[Any | None, Any | None] = models.JSONField(null=True, blank=True)
    after: models.JSONField[Any | None, Any | None] = models.JSONField(null=True, blank=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering: ClassVar = ["at", "id"]

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise AuditLogError()
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AuditLogError()


class Webhook(models.Model):
    """An OA system's webhook: where to send the district's events (those of one organisation's
    engagements when ``organisation`` is set), which events, whether it is active. The signing
    secret is not kept: it is derived from the service's secret key and ``salt``
    (:func:`liaison_web.webhooks.secret_of`), shown once when the webhook is made."""

    district: models.ForeignKey[District, District] = models.ForeignKey(
        District, on_delete=models.PROTECT, related_name="webhooks")
    organisation: models.CharField[str, str] = models.CharField(max_length=64, blank=True, default="")
    name: models.CharField[str, str] = models.CharField(max_length=100, blank=True, default="")
    url: models.URLField[str, str] = models.URLField(max_length=1000)
    salt: models.CharField[str, str] = models.CharField(max_length=64)
    events: models.JSONField[Any, Any] = models.JSONField(default=list)
    active: models.BooleanField[bool, bool] = models.BooleanField(default=True)
    created: models.DateTimeField[dt.datetime, dt.datetime] = models.DateTimeField(auto_now_add=True)
    #: The API token the webhook was registered through (:mod:`liaison_web.owned`: it is paused when the
    #: token ends) and that token's prefix, kept should its row go; none (and "") when a session, the
    #: command line or an adoption made it no token's.
    token: models.ForeignKey[ApiToken | None, ApiToken | None] = models.ForeignKey(
        ApiToken, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    token_prefix: models.CharField[str, str] = models.CharField(max_length=16, blank=True, default="")
    #: When its token's end paused it (nothing is sent, deliveries are queued) and why; none: not paused.
    paused: models.DateTimeField[dt.datetime | None, dt.datetime | None] = models.DateTimeField(null=True, blank=True)
    pause_reason: models.CharField[str, str] = models.CharField(max_length=32, blank=True, default="")
    # the worker sending this webhook's deliveries (one at a time, in order) and until when it may
    lease_owner: models.CharField[str, str] = models.CharField(max_length=100, blank=True, default="")
    lease_until: models.DateTimeField[dt.datetime | None, dt.datetime | None] = models.DateTimeField(
        null=True, blank=True)

    class Meta:
        ordering: ClassVar = ["district", "id"]

    def __str__(self) -> str:
        return f"{self.district.code} #{self.pk} {self.url}"


DELIVERY_STATUSES = [("pending", "pending"), ("delivered", "delivered"), ("failed", "failed")]


class WebhookDelivery(models.Model):
    """One event for one webhook: the outbox row, written in the transaction of the change it tells
    of. ``body``: the exact JSON text sent (every attempt sends the same bytes). Sent in ``id``
    order per webhook."""

    webhook: models.ForeignKey[Webhook, Webhook] = models.ForeignKey(
        Webhook, on_delete=models.CASCADE, related_name="deliveries")
    event_id: models.CharField[str, str] = models.CharField(max_length=64, db_index=True)
    event_type: models.CharField[str, str] = models.CharField(max_length=64)
    body: models.TextField[str, str] = models.TextField()
    status: models.CharField[str, str] = models.CharField(max_length=16, choices=DELIVERY_STATUSES,
                                                          default="pending")
    attempts: models.IntegerField[int, int] = models.IntegerField(default=0)  # since made or replayed
    next_attempt: models.DateTimeField[dt.datetime, dt.datetime] = models.DateTimeField()
    created: models.DateTimeField[dt.datetime, dt.datetime] = models.DateTimeField(auto_now_add=True)
    delivered: models.DateTimeField[dt.datetime | None, dt.datetime | None] = models.DateTimeField(
        null=True, blank=True)

    class Meta:
        ordering: ClassVar = ["webhook", "id"]
        indexes: ClassVar = [models.Index(fields=["webhook", "status", "id"], name="delivery_queue")]


class DeliveryAttempt(models.Model):
    """The delivery log: one attempt to send a delivery — when, the HTTP status (none: no answer),
    a digest of the answer (never the answer: the log is read by the auditors) or the error, how long it took."""

    delivery: models.ForeignKey[WebhookDelivery, WebhookDelivery] = models.ForeignKey(
        WebhookDelivery, on_delete=models.CASCADE, related_name="log")
    at: models.DateTimeField[dt.datetime, dt.datetime] = models.DateTimeField()
    status_code: models.IntegerField[int | None, int | None] = models.IntegerField(null=True, blank=True)
    response: models.TextField[str, str] = models.TextField(blank=True, default="")
    error: models.CharField[str, str] = models.CharField(max_length=500, blank=True, default="")
    milliseconds: models.IntegerField[int, int] = models.IntegerField(default=0)

    class Meta:
        ordering: ClassVar = ["delivery", "id"]


class FeedToken(models.Model):
    """The secret of an organisation's calendar feed (``/feeds/<token>.ics``): only its sha256 is
    kept, ``prefix`` tells tokens apart; rotating revokes the old one and makes another."""

    district: models.ForeignKey[District, District] = models.ForeignKey(
        District, on_delete=models.PROTECT, related_name="feed_tokens")
    organisation: models.CharField[str, str] = models.CharField(max_length=64)
    prefix: models.CharField[str, str] = models.CharField(max_length=16)
    sha256: models.CharField[str, str] = models.CharField(max_length=64, unique=True)
    created: models.DateTimeField[dt.datetime, dt.datetime] = models.DateTimeField(auto_now_add=True)
    revoked: models.DateTimeField[dt.datetime | None, dt.datetime | None] = models.DateTimeField(null=True, blank=True)
    #: The API token the feed URL was made through (:mod:`liaison_web.owned`: the feed ends with it) and
    #: that token's prefix, kept should its row go; none (and "") when a session made it.
    token: models.ForeignKey[ApiToken | None, ApiToken | None] = models.ForeignKey(
        ApiToken, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    token_prefix: models.CharField[str, str] = models.CharField(max_length=16, blank=True, default="")
    #: Why it ended, when its token's end revoked it (``revoked`` then says when); "": rotated or revoked itself.
    end_reason: models.CharField[str, str] = models.CharField(max_length=32, blank=True, default="")

    class Meta:
        ordering: ClassVar = ["district", "organisation", "id"]

    def __str__(self) -> str:
        return f"{self.district.code}/{self.organisation} ({self.prefix}…)"
class AppendOnlyError(LiaisonError):
    """A change or removal of a record's version or of an evidence file's row: both are facts kept
    as they were written; a correction or a withdrawal is a new version."""

    def __init__(self) -> None:
        super().__init__("records and evidence are append-only: a version is never changed or removed",
                         fix="correct or withdraw the record: that adds a new version",
                         message_zh="记录和佐证材料只能追加：已保存的版本不能修改或删除",
                         fix_zh="请更正或撤回该记录：这会新增一个版本")


class AppendOnlyQuerySet(models.QuerySet[Any]):
    def update(self, **kwargs: Any) -> int:
        raise AppendOnlyError()

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError()


class AppendOnly(models.Model):
    """A table whose rows are only ever added (the database's triggers refuse the rest too)."""

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise AppendOnlyError()
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError()


#: What a version of a record did: the first, a correction (it supersedes the version before), a withdrawal.
RECORD_ACTIONS = [("created", "created"), ("corrected", "corrected"), ("withdrawn", "withdrawn")]


class Record(AppendOnly):
    """One version of one record of a district's year: ``key`` names the record across its versions
    (``version`` 1, 2, …); ``kind`` is its section of the library's records (``research_results`` …),
    ``data`` the record as the library writes it. The latest version is the record; a ``withdrawn``
    one means it no longer counts. ``responsible`` and ``parties`` are the bodies it is about
    (:mod:`liaison_web.records`), kept for the access checks and the filters. Two writers correcting
    the same version both ask for the next number: the database keeps one (one_version_a_number)."""

    district: models.ForeignKey[District, District] = models.ForeignKey(
        District, on_delete=models.PROTECT, related_name="records")
    year: models.IntegerField[int, int] = models.IntegerField()
    key: models.CharField[str, str] = models.CharField(max_length=32, db_index=True)
    version: models.IntegerField[int, int] = models.IntegerField()
    kind: models.CharField[str, str] = models.CharField(max_length=32)
    action: models.CharField[str, str] = models.CharField(max_length=16, choices=RECORD_ACTIONS)
    data: models.JSONField[Any, Any] = models.JSONField()
    responsible: models.CharField[str, str] = models.CharField(max_length=200, blank=True, default="")
    parties: models.JSONField[Any, Any] = models.JSONField(default=list)
    reason: models.TextField[str, str] = models.TextField(blank=True, default="")
    at: models.DateTimeField[dt.datetime, dt.datetime] = models.DateTimeField(auto_now_add=True)
    actor: models.CharField[str, str] = models.CharField(max_length=200)

    class Meta:
        ordering: ClassVar = ["district", "year", "key", "version"]
        constraints: ClassVar = [models.UniqueConstraint(fields=["key", "version"], name="one_version_a_number")]
        indexes: ClassVar = [models.Index(fields=["district", "year"], name="records_of_a_year")]

    def __str__(self) -> str:
        return f"{self.kind} {self.key} v{self.version}"


class Evidence(AppendOnly):
    """A file attached to a record (``record`` its key) or an engagement (its id): stored under the
    media root by its sha256 (never by the name it was uploaded with), with the name kept only to
    show, cleaned (:func:`liaison_web.evidence.display_name`), its type as its content shows it."""

    key: models.CharField[str, str] = models.CharField(max_length=32, unique=True)
    district: models.ForeignKey[District, District] = models.ForeignKey(
        District, on_delete=models.PROTECT, related_name="evidence")
    year: models.IntegerField[int, int] = models.IntegerField()
    object_type: models.CharField[str, str] = models.CharField(max_length=16)  # record, engagement
    object_id: models.CharField[str, str] = models.CharField(max_length=200)
    name: models.CharField[str, str] = models.CharField(max_length=200)
    file_type: models.CharField[str, str] = models.CharField(max_length=16)  # pdf, docx, … (sniffed)
    size: models.BigIntegerField[int, int] = models.BigIntegerField()
    sha256: models.CharField[str, str] = models.CharField(max_length=64)
    at: models.DateTimeField[dt.datetime, dt.datetime] = models.DateTimeField(auto_now_add=True)
    actor: models.CharField[str, str] = models.CharField(max_length=200)

    class Meta:
        ordering: ClassVar = ["district", "at", "id"]
        indexes: ClassVar = [models.Index(fields=["district", "object_type", "object_id"],
                                          name="evidence_of_an_object")]

    def __str__(self) -> str:
        return f"{self.name} ({self.object_type} {self.object_id})"


class EvidenceWithdrawal(AppendOnly):
    """An evidence file attached by mistake, withdrawn: who, when and why, beside the file's row (which
    stays, as its bytes in the media root do — a withdrawal is a fact added, nothing is removed). One
    per file: a second asks for the same row and is told the first (one_withdrawal_a_file)."""

    evidence: models.OneToOneField[Evidence, Evidence] = models.OneToOneField(
        Evidence, on_delete=models.PROTECT, related_name="withdrawal")
    reason: models.TextField[str, str] = models.TextField()
    at: models.DateTimeField[dt.datetime, dt.datetime] = models.DateTimeField(auto_now_add=True)
    actor: models.CharField[str, str] = models.CharField(max_length=200)

    class Meta:
        ordering: ClassVar = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.evidence} withdrawn"


JOB_STATUSES = [("pending", "pending"), ("done", "done"), ("failed", "failed")]


class PublishJob(models.Model):
    """A publication of a district's year to the configured CalDAV server, asked for through the API
    and performed by the service's worker (:mod:`liaison_web.jobs`): ``options`` what was asked
    (``calendars``, ``overwrite``), ``result`` the summary when done, ``error`` the library's error
    document of the last failed attempt. Worked by one worker at a time (the lease, as a webhook's)."""

    district: models.ForeignKey[District, District] = models.ForeignKey(
        District, on_delete=models.CASCADE, related_name="publish_jobs")
    year: models.IntegerField[int, int] = models.IntegerField()
    target: models.CharField[str, str] = models.CharField(max_length=500)  # the server's address, no credentials
    options: models.JSONField[Any, Any] = models.JSONField(default=dict)
    status: models.CharField[str, str] = models.CharField(max_length=16, choices=JOB_STATUSES, default="pending")
    attempts: models.IntegerField[int, int] = models.IntegerField(default=0)
    next_attempt: models.DateTimeField[dt.datetime, dt.datetime] = models.DateTimeField()
    created: models.DateTimeField[dt.datetime, dt.datetime] = models.DateTimeField(auto_now_add=True)
    finished: models.DateTimeField[dt.datetime | None, dt.datetime | None] = models.DateTimeField(
        null=True, blank=True)
    user: models.ForeignKey[AbstractUser | None, AbstractUser | None] = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    actor: models.CharField[str, str] = models.CharField(max_length=200)
    remote_address: models.CharField[str, str] = models.CharField(max_length=64, blank=True, default="")
    result: models.JSONField[Any, Any] = models.JSONField(null=True, blank=True)
    error: models.JSONField[Any, Any] = models.JSONField(null=True, blank=True)
    lease_owner: models.CharField[str, str] = models.CharField(max_length=100, blank=True, default="")
    lease_until: models.DateTimeField[dt.datetime | None, dt.datetime | None] = models.DateTimeField(
        null=True, blank=True)

    class Meta:
        ordering: ClassVar = ["id"]
        indexes: ClassVar = [models.Index(fields=["status", "next_attempt"], name="publish_queue")]


class PublishAttempt(models.Model):
    """One attempt of a publication job: when, how long, and the error (empty: it succeeded)."""

    job: models.ForeignKey[PublishJob, PublishJob] = models.ForeignKey(
        PublishJob, on_delete=models.CASCADE, related_name="log")
    at: models.DateTimeField[dt.datetime, dt.datetime] = models.DateTimeField()
    error: models.TextField[str, str] = models.TextField(blank=True, default="")
    milliseconds: models.IntegerField[int, int] = models.IntegerField(default=0)

    class Meta:
        ordering: ClassVar = ["job", "id"]


class DueSnapshot(models.Model):
    """The to-do list of one body for one year as the webhooks last told it (``items``: the list's
    items as ``liaison due --format json`` writes them, as of ``day``): what a change, or a day
    passing, is compared with to tell ``due.opened`` and ``due.closed`` once each
    (:mod:`liaison_web.due`). It goes with its year (a year replaced starts afresh)."""

    year: models.ForeignKey[Year, Year] = models.ForeignKey(Year, on_delete=models.CASCADE,
                                                            related_name="due_snapshots")
    organisation: models.CharField[str, str] = models.CharField(max_length=64)
    day: models.DateField[dt.date, dt.date] = models.DateField()
    items: models.JSONField[Any, Any] = models.JSONField(default=list)

    class Meta:
        constraints: ClassVar = [models.UniqueConstraint(fields=["year", "organisation"], name="one_due_snapshot")]
class CityStanding(models.Model):
    """A district's standing in a year as of a day (:class:`liaison_web.city.DistrictStanding` as the
    strict converter writes it), keyed by what it was made from — the version's sha256, the year's
    revision (empty: no plan), the state of its records, the code that made it (``made_by``). Derived,
    never the truth: a row whose key is not the district's current one is made again, not shown
    (:mod:`liaison_web.city`); ``zone`` is the version's time zone, so a fresh process knows which day
    it is in the district without parsing its text."""

    district: models.ForeignKey[District, District] = models.ForeignKey(
        District, on_delete=models.CASCADE, related_name="city_standings")
    year: models.IntegerField[int, int] = models.IntegerField()
    as_of: models.DateField[dt.date, dt.date] = models.DateField()
    version: models.CharField[str, str] = models.CharField(max_length=64)
    revision: models.CharField[str, str] = models.CharField(max_length=80, blank=True, default="")
    records_last: models.BigIntegerField[int, int] = models.BigIntegerField(default=0)
    records_count: models.BigIntegerField[int, int] = models.BigIntegerField(default=0)
    made_by: models.CharField[str, str] = models.CharField(max_length=200)
    zone: models.CharField[str, str] = models.CharField(max_length=64)
    standing: models.JSONField[Any, Any] = models.JSONField()
    made: models.DateTimeField[dt.datetime, dt.datetime] = models.DateTimeField(auto_now=True)

    class Meta:
        ordering: ClassVar = ["district", "year", "as_of"]
        constraints: ClassVar = [models.UniqueConstraint(fields=["district", "year", "as_of"],
                                                         name="one_city_standing_a_day")]
        indexes: ClassVar = [models.Index(fields=["year", "as_of"], name="city_standings_of_a_day")]

    def __str__(self) -> str:
        return f"{self.district.code} {self.year} as of {self.as_of}"


class ParsedVersion(models.Model):
    """A district's version as parsed and checked (:func:`liaison_workspace.districts.dump`: the
    district with the law's classes only), keyed by the version's text and the code that parsed it
    (:func:`liaison_workspace.districts.kept_key`). Derived, never the truth: a process that has not
    parsed the version reads it here instead of parsing the text (:mod:`liaison_web.versions_kept`);
    a row of another key or that does not read back is parsed afresh and replaced."""

    version: models.OneToOneField[DistrictVersion, DistrictVersion] = models.OneToOneField(
        DistrictVersion, on_delete=models.CASCADE, primary_key=True, related_name="parsed")
    key: models.CharField[str, str] = models.CharField(max_length=64)
    payload: models.BinaryField[bytes, bytes] = models.BinaryField()

    def __str__(self) -> str:
        return f"{self.version} parsed"


class IdempotencyKey(models.Model):
    """A request sent with an ``Idempotency-Key`` (:mod:`liaison_web.idempotency`): the caller that
    sent it (``user:<id>`` for a session, ``token:<sha256 of the token>…`` for a bearer token), the
    key, the digest of what was asked (method, address, body) and — once answered — the answer to
    send again (``status`` 0 while the first request runs). Kept :data:`liaison_web.idempotency.KEPT`;
    a body that shows a secret once (a token, a webhook's secret, a feed's URL) is never kept
    (``shown_once``: a retry is told it was done, and where)."""

    caller: models.CharField[str, str] = models.CharField(max_length=80)
    key: models.CharField[str, str] = models.CharField(max_length=255)
    digest: models.CharField[str, str] = models.CharField(max_length=64)
    created: models.DateTimeField[dt.datetime, dt.datetime] = models.DateTimeField(db_index=True)
    status: models.IntegerField[int, int] = models.IntegerField(default=0)
    headers: models.JSONField[Any, Any] = models.JSONField(default=dict)
    body: models.BinaryField[bytes, bytes] = models.BinaryField(default=b"")
    shown_once: models.BooleanField[bool, bool] = models.BooleanField(default=False)

    class Meta:
        constraints: ClassVar = [models.UniqueConstraint(fields=["caller", "key"], name="one_answer_a_key")]

    def __str__(self) -> str:
        return f"{self.key} of {self.caller}"
