"""The commands liaison-web adds to ``liaison`` (the ``register_commands`` hook):

``liaison serve``
    Make the database ready (migrations, the seed district, an administrator) and serve the web
    service and its API on ``--host``/``--port`` (127.0.0.1:8000) with waitress. ``DATABASE_URL``
    (or ``--database``) picks the database; none: ``./liaison.sqlite3``. ``--init-only``: make it
    ready and stop.
``liaison web import-year --from out/2027`` / ``liaison web export-year --year 2027 --to DIR``
    Hand a year from the output folder to the database and back (:mod:`liaison_web.transfer`).
``liaison web district add FILE`` / ``list`` / ``remove CODE``
    The deployment's districts (:mod:`liaison_web.districts`); ``liaison serve --data FILE`` adds
    the deployment's own at its start, instead of the seed.
``liaison web token --user NAME --name NAME``
    Make an API token for an integration; it is printed once.
``liaison web audit-export --to audit.csv [--format jsonl]``
    Export the audit log (:func:`liaison_web.audit.export`).
``liaison web webhook add/list/remove``, ``liaison web deliver``, ``liaison web replay``
    The OA systems' webhooks: manage them, send what is due once, send deliveries again
    (:mod:`liaison_web.webhooks`; ``liaison serve`` sends them all the time).

The plugin manager loads this module for every ``liaison`` command, so it imports click and the
plugin API only; Django loads when one of these commands runs.
"""

from __future__ import annotations

import datetime as dt
import functools
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from liaison.base.errors import LiaisonError
from liaison.host.hookspecs import hookimpl
from liaison.host.language import Command, Group, error_line, lang_option, option

__all__ = ["register_commands"]

F = TypeVar("F", bound=Callable[..., Any])

database_option = option("--database", "database", envvar="DATABASE_URL", default=None,
                         help_zh="postgresql://… 或 sqlite:///路径（默认：DATABASE_URL，未设置时为当前文件夹中的 "
                                 "liaison.sqlite3）。",
                         help="postgresql://… or sqlite:///path (default: DATABASE_URL, else "
                                    "sqlite:///liaison.sqlite3 in the current folder).")


def _say(lang: str, en: str, zh: str) -> None:
    click.echo(zh if lang == "zh" else en)


def _errors(func: F) -> F:
    """An error is one line in the command's language and exit 1, as the command's own are."""
    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        lang = kwargs.get("lang") or "zh"
        try:
            return func(*args, **kwargs)
        except LiaisonError as exc:
            click.echo(error_line(exc.render(lang), lang), err=True)
            sys.exit(1)
        except Exception as exc:  # the system or the database refused: the one error shape all the same
            error = _refusal(exc, kwargs.get("database"))
            if error is None:
                raise
            click.echo(error_line(error.render(lang), lang), err=True)
            sys.exit(1)
    return wrapper  # type: ignore[return-value]


def _refusal(exc: Exception, database: str | None) -> LiaisonError | None:
    """A failure of the system (an :class:`OSError`) or of the database as the one error, naming what
    failed and what to do; None for anything else (a bug: its traceback is wanted)."""
    if isinstance(exc, FileNotFoundError) and exc.filename:
        from liaison.base.errors import StorageError

        return StorageError(f"cannot start the service: {exc.filename} cannot be made there (no such file or folder)",
                            file=str(exc.filename),
                            fix="give the database a folder this user can write in (--database sqlite:///PATH)",
                            message_zh=f"无法启动服务：无法在该位置建立 {exc.filename}（没有该文件或文件夹）",
                            fix_zh="请把数据库放在当前用户可写的文件夹中（--database sqlite:///路径）")
    if isinstance(exc, OSError):
        from liaison_workspace.folder import system_error

        return system_error(exc, unchanged=False, doing=("cannot start the service", "无法启动服务"))
    if "django.db" not in sys.modules:
        return None
    from django.db import DatabaseError

    if not isinstance(exc, DatabaseError):
        return None
    from liaison.base.errors import StorageError
    from liaison_web.settings import DEFAULT_DATABASE, shown_url
    from liaison_web.store import database_reason

    url = shown_url(database or DEFAULT_DATABASE)
    reason = database_reason(exc)
    return StorageError(f"the database refused the service: {reason}", file=url,
                        fix="check that the database server is running and reachable at that address, and that "
                            "the user, password and database name are right (docs/service.md)",
                        message_zh=f"数据库拒绝了服务：{reason}",
                        fix_zh="请检查数据库服务器是否在运行、能否通过该地址连接，以及用户名、密码和库名是否正确"
                               "（见 docs/service.md）")


def _ready(database: str | None, lang: str, hosts: tuple[str, ...] = (), *, serving: bool = False,
           data: tuple[str, str] | None = None) -> str:
    """Configure Django, make the database ready, say what was done; the database's URL. ``hosts``:
    host names the service answers to besides the local ones (the address it listens on).
    ``serving``: the process is the service's own (``liaison serve``), so its batches may pause
    Python's collector (:mod:`liaison_web.batch`). ``data``: a district data file's text and name,
    the deployment's district (:func:`liaison_web.districts.given`), the seed's place taken."""
    from liaison_web.bootstrap import ADMIN_ENV, prepare
    from liaison_web.settings import DEFAULT_DATABASE, configure, shown_url

    url = database or DEFAULT_DATABASE
    configure(url, hosts=hosts, pause_collector=serving)
    ready = prepare(shown_url(url), today=dt.date.today(), data=data)
    if ready.migrated:
        _say(lang, f"{ready.database}: {len(ready.migrated)} migrations applied; "
                   f"districts: {', '.join(ready.districts)}",
             f"{ready.database}：已执行 {len(ready.migrated)} 个迁移；区：{'、'.join(ready.districts)}")
    for code in ready.added:
        _say(lang, f"{code}: the district added from {data[1] if data else ''}",
             f"{code}：已从 {data[1] if data else ''} 添加该区")
    for code, year in ready.planned:
        _say(lang, f"{code}: the {year} planned", f"{code}：已编排{year}年")
    if ready.admin is not None and ready.password is not None:
        _say(lang, f"An administrator was created: user {ready.admin}, password {ready.password}\n"
                   "  (shown this once: keep it, or change it after logging in)",
             f"已创建管理员：用户名 {ready.admin}，密码 {ready.password}\n  （只显示这一次：请记下，或登录后修改）")
    elif ready.admin is not None:
        _say(lang, f"An administrator was created: user {ready.admin}, the password given in {ADMIN_ENV}",
             f"已创建管理员：用户名 {ready.admin}，密码为 {ADMIN_ENV} 中给出的密码")
    return url


@click.command(cls=Command, help_zh="运行单位间共用的系统：网页服务及其接口（docs/service.md）。")
@option("--host", default="127.0.0.1", show_default=True, help="The address to listen on.", help_zh="监听的地址。")
@option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535), help="The port.",
        help_zh="端口。")
@option("--threads", default=8, show_default=True, type=click.IntRange(1, 256),
        help="Requests served at once.", help_zh="同时处理的请求数。")
@option("--workers", default=1, show_default=True, type=click.IntRange(1, 64),
        help="Processes serving (each with --threads threads); more than 1 uses more than one core.",
        help_zh="处理请求的进程数（每个进程 --threads 个线程）；大于 1 时可使用多个处理器核心。")
@option("--init-only", is_flag=True,
        help="Make the database ready (migrations, seed, administrator); do not serve.",
        help_zh="只准备数据库（迁移、示例区、管理员），不启动服务。")
@option("--no-webhooks", is_flag=True,
        help="Do not send webhook deliveries from this process (another runs `liaison web deliver`).",
        help_zh="本进程不发送 Webhook（由其他进程运行 liaison web deliver 发送）。")
@option("--data", "data_file", type=click.Path(dir_okay=False), default=None,
        help="The deployment's district data file: added (and planned) if the database does not hold its "
             "district, instead of the seed; a changed text of a district held is refused (amend it instead).",
        help_zh="本部署的区数据文件：数据库中没有该区时添加（并编排），不再载入示例区；已有的区的不同文本会被拒绝"
                "（请改用修订）。")
@database_option
@lang_option
@_errors
def serve(host: str, port: int, threads: int, workers: int, init_only: bool, no_webhooks: bool, data_file: str | None,
          database: str | None, lang: str) -> None:
    """Serve the office's shared system: a web service and its API (docs/service.md)."""
    from liaison_web.serving import listening_socket

    data = _data(data_file)  # read before the port or the database: a file that is not there changes nothing
    # the address first: a port taken or an address not this machine's is said before the database changes
    bound = None if init_only else listening_socket(host, port)
    try:
        _ready(database, lang, hosts=(host,) if host not in ("0.0.0.0", "::") else (), serving=True, data=data)
    except BaseException:
        if bound is not None:
            bound.close()
        raise
    if bound is None:
        return
    from liaison_web.evidence import max_body_bytes
    from liaison_web.handler import application
    from liaison_web.serving import serve as run

    def announce(port: int) -> None:
        url = f"http://{host if ':' not in host else f'[{host}]'}:{port}"
        _say(lang, f"Serving on {url}/ — log in at {url}/login/ (administration: {url}/admin/); the API: {url}/api/v1/ "
                   f"(docs: {url}/api/v1/docs). Ctrl-C stops it.",
             f"服务地址 {url}/ —— 在 {url}/login/ 登录（管理：{url}/admin/）；接口：{url}/api/v1/"
             f"（文档：{url}/api/v1/docs）。按 Ctrl-C 停止。")

    # a body beyond the most any form or API call may carry is not read further by waitress, and is
    # answered by the service (liaison_web.oversize) as one it refuses by its length (middleware.UploadLimit)
    from liaison_web.city import warm

    # each serving process keeps the city's standings before its first view (liaison_web.city)
    run(application(), host=host, port=port, workers=workers, webhooks=not no_webhooks, announce=announce,
        on_start=warm,
        threads=threads, ident="liaison", max_request_body_size=max_body_bytes() + 1, bound=bound)


@click.group(cls=Group, help_zh="网页服务的数据库：在输出文件夹与数据库之间交接年度，生成接口令牌，导出审计日志。")
def web() -> None:
    """The web service's database: hand years to and from output folders, make API tokens."""


@web.command("import-year", help_zh="把输出文件夹中的一个年度导入数据库（全部版本和文件）。")
@option("--from", "source", required=True, type=click.Path(file_okay=False, exists=True, path_type=Path),
        help="The year's folder of an output folder (out/2027).", help_zh="输出文件夹中的年度文件夹（如 out/2027）。")
@option("--data", "data_file", type=click.Path(dir_okay=False), default=None,
        help="The district data file the year was planned on. Default: the embedded seed district.",
        help_zh="编排该年度所用的区数据文件。默认：内置的示例区。")
@option("--replace", is_flag=True, help="Replace the database's year (its revisions and files) if it has one.",
        help_zh="数据库中已有该年度时，替换它（全部版本和文件）。")
@database_option
@lang_option
@_errors
def import_year(source: Path, data_file: str | None, replace: bool, database: str | None, lang: str) -> None:
    """Import a year from an output folder into the database (every revision and file)."""
    year = _year_of(source)
    data = _data(data_file)
    _ready(database, lang, data=data)  # a fresh database gets the district of the file, not the seed
    from liaison_web.audit import record
    from liaison_web.bootstrap import seed_text
    from liaison_web.districts import given
    from liaison_web.store import DatabaseStore
    from liaison_web.transfer import copy_year
    from liaison_workspace import FolderStore

    if data is None:
        from liaison.formats.district import seed_district
        from liaison_web import models

        seed = seed_district().info.id
        if not models.DistrictVersion.objects.filter(district__code=seed).exists():  # a deployment of its own
            raise LiaisonError(f"{source}: no --data given, and the database holds no seed district",
                               file=str(source), fix="give the district's data file the year was planned on: "
                               "--data FILE", message_zh=f"{source}：未给出 --data，且数据库中没有示例区",
                               fix_zh="请用 --data 文件 给出编排该年度所用的区数据文件")
    # the file's district as the database holds it; a text none of its versions has is refused (an amendment's)
    text, file = data or (seed_text(), "<liaison>/data/seed.toml")
    district, _ = given(text, file=file, today=dt.date.today())
    store = DatabaseStore()
    held = store.load(district, year)
    revision = copy_year(FolderStore(source.parent), store, district, year, replace=replace)
    record("import-year", "year", f"{district.info.id}/{year}", district=district.info.id,
           before={"revision": held.revision} if held else None,
           after={"revision": revision, "from": str(source.resolve())})
    _say(lang, f"{source}: the {year} of {district.info.id} imported (revision {revision})",
         f"{source}：{district.info.id} 的{year}年已导入（版本 {revision}）")


@web.command("export-year", help_zh="把数据库中的一个年度导出到输出文件夹（全部版本和文件）。")
@option("--year", required=True, type=int, help="The year.", help_zh="年度。")
@option("--to", "target", required=True, type=click.Path(file_okay=False, path_type=Path),
        help="An output folder: the year is written to DIR/<year>/.", help_zh="输出文件夹：年度写入 DIR/<年度>/。")
@option("--district", "code", default=None, help="The district's id (default: the only one).",
        help_zh="区的编号（默认：数据库中唯一的区）。")
@database_option
@lang_option
@_errors
def export_year(year: int, target: Path, code: str | None, database: str | None, lang: str) -> None:
    """Export a year from the database into an output folder (every revision and file)."""
    _ready(database, lang)
    from liaison_web.audit import record
    from liaison_web.store import DatabaseStore
    from liaison_web.transfer import copy_year
    from liaison_workspace import FolderStore

    district = _stored_district(code)
    revision = copy_year(DatabaseStore(), FolderStore(target), district, year)
    record("export-year", "year", f"{district.info.id}/{year}", district=district.info.id,
           after={"revision": revision, "to": str((target / str(year)).resolve())})
    _say(lang, f"{target / str(year)}: the {year} of {district.info.id} exported (revision {revision})",
         f"{target / str(year)}：{district.info.id} 的{year}年已导出（版本 {revision}）")


@web.command("token", help_zh="生成接口令牌；只显示这一次（只保存其散列值）。")
@option("--user", "username", required=True, help="The user the token acts as.", help_zh="令牌代表的用户。")
@option("--name", required=True, help="What the token is for (the OA system's name).",
        help_zh="令牌的用途（如办公系统的名称）。")
@option("--scope", "scopes", multiple=True, type=click.Choice(["read", "write", "tokens"]), default=("read",),
        show_default=True, help="What it may do (repeat for more): tokens — make and revoke tokens through the API.",
        help_zh="权限范围（要多项时重复给出）：tokens 为通过接口生成、吊销令牌。")
@option("--expires", default=None, metavar="TIME",
        help="When it ends: 2027-06-30T18:00+08:00 (no offset: the server's time zone), or the last day it works, "
        "2027-06-30; at most ten years ahead. Default: until revoked.",
        help_zh="失效时间：如 2027-06-30T18:00+08:00（不带时区时为服务器所在时区），或最后有效日 2027-06-30；"
                "最多十年之后。默认：直到被吊销。")
@database_option
@lang_option
@_errors
def token(username: str, name: str, scopes: tuple[str, ...], expires: str | None, database: str | None,
          lang: str) -> None:
    """Make an API token; it is printed once (only its hash is kept)."""
    _ready(database, lang)
    from liaison_web.tokens import Actor, districts_of, issue, user_named

    ends = _expiry(expires)
    user = user_named(username)
    # the API's and the tokens page's one place: the entry (the token as listed) under the user's districts
    _, secret = issue(user, name, scopes, expires=ends, by=Actor(), districts=districts_of(user))
    _say(lang, f"The token for {name} (shown this once; send it as 'Authorization: Bearer …'):",
         f"{name} 的令牌（只显示这一次；以 “Authorization: Bearer …” 发送）：")
    click.echo(secret)


@web.command("revoke", help_zh="吊销以 PREFIX 开头的接口令牌（前12个字符，与管理页面所列一致）。")
@click.argument("prefix")
@database_option
@lang_option
@_errors
def revoke_token(prefix: str, database: str | None, lang: str) -> None:
    """Revoke the API token that begins with PREFIX (its first 12 characters, as the administration lists them)."""
    _ready(database, lang)
    from liaison_web.tokens import revoke

    if len(prefix) < 12:
        from liaison_web import models

        begin = models.ApiToken.objects.filter(prefix__startswith=prefix, revoked__isnull=True).count()
        raise LiaisonError(f"{prefix!r} is shorter than a token's prefix (its first 12 characters); {begin} token(s) "
                           "in use begin with it", fix="give the first 12 characters of the token to revoke, as the "
                           "office's tokens page lists them (/office/DISTRICT/tokens/, or Api tokens at /admin/)",
                           message_zh=f"{prefix!r} 短于令牌前缀（前 12 个字符）；有 {begin} 个仍在使用的令牌以它开头",
                           fix_zh="请给出要撤销的令牌的前 12 个字符（办公室的接口令牌页 /office/区/tokens/ 或"
                                  "管理页面 /admin/ 的 Api tokens 中列出）")
    if not revoke(prefix[:12]):
        raise LiaisonError(f"no token in use begins with {prefix!r}", fix="give the first 12 characters of a token "
                           "that is not revoked (the administration lists them)",
                           message_zh=f"没有以 {prefix!r} 开头且仍在使用的令牌",
                           fix_zh="请给出一个未撤销令牌的前 12 个字符（管理页面中列出）")
    _say(lang, f"{prefix[:12]}…: revoked", f"{prefix[:12]}…：已撤销")


@web.group("district", cls=Group, help_zh="本部署的区：添加（数据文件）、列出、移除（仅限尚无任何操作的区）。")
def district_group() -> None:
    """The deployment's districts: add one from its data file, list them, remove one nothing was done in."""


@district_group.command("add", help_zh="从数据文件添加一个区（自当天起有效），并编排其今明两年；已有的区不变"
                                   "（文本不同则拒绝：请改用修订）。")
@click.argument("data_file", metavar="FILE", type=click.Path(dir_okay=False))
@database_option
@lang_option
@_errors
def district_add(data_file: str, database: str | None, lang: str) -> None:
    """Add the district of the data FILE (valid from today) and plan its current and next year; a
    district held already with this text is left as it is, with another text refused (amend it)."""
    data = _data(data_file)
    assert data is not None
    _ready(database, lang, data=data)  # stores (and plans) it, or refuses the changed text; a fresh database no seed
    from liaison_web.districts import given

    value, _ = given(data[0], file=data[1], today=dt.date.today())
    _say(lang, f"{data_file}: the district {value.info.id} ({value.info.name}) is in the database",
         f"{data_file}：区 {value.info.id}（{value.info.name}）已在数据库中")


@district_group.command("list", help_zh="列出本部署的区：编号、名称、现行版本（起始日、摘要）、版本数、年度。")
@database_option
@lang_option
@_errors
def district_list(database: str | None, lang: str) -> None:
    """List the deployment's districts: id, name, the version in force (from, sha256), versions, years."""
    _ready(database, lang)
    from liaison_web.districts import listed

    for row in listed():
        years = ", ".join(str(y) for y in row.years) or "-"
        _say(lang, f"{row.code}\t{row.name}\tin force from {row.valid_from.isoformat()} (sha256 {row.sha256[:12]}…, "
                   f"{row.versions} versions)\tyears: {years}",
             f"{row.code}\t{row.name}\t现行版本自 {row.valid_from.isoformat()} 起（sha256 {row.sha256[:12]}…，"
             f"共 {row.versions} 个版本）\t年度：{years}")


@district_group.command("remove", help_zh="移除一个尚无任何操作的区（如首次启动时载入的示例区）；"
                                      "有审计条目、记录、Webhook 等的区会保留。")
@click.argument("code")
@database_option
@lang_option
@_errors
def district_remove(code: str, database: str | None, lang: str) -> None:
    """Remove district CODE if nothing was done in it (the seed a first start stored, say): one with
    audit entries, records, evidence, webhooks, feeds, publications or members stays."""
    _ready(database, lang)
    from django.db import transaction

    from liaison_web import models
    from liaison_web.audit import record
    from liaison_web.districts import remove

    with transaction.atomic():  # removed with its entry, or not at all
        was = remove(code)
        kept = models.District.objects.filter(code=code).exists()  # its log's row, kept (districts.remove)
        for under in (None, code) if kept else (None,):
            record("remove", "district", code, district=under, before=was)
    _say(lang, f"{code}: removed", f"{code}：已移除")


@web.command("audit-export", help_zh="导出审计日志，最早的记录在前。")
@option("--to", "target", required=True, type=click.Path(dir_okay=False, path_type=Path),
        help="The file to write (replaced whole, never half written).", help_zh="写入的文件（整体替换，不会写一半）。")
@option("--format", "fmt", type=click.Choice(["csv", "jsonl"]), default="csv", show_default=True,
        help="CSV (before and after as JSON in their cells) or JSON lines.",
        help_zh="CSV（变更前后以 JSON 写在单元格中）或 JSON Lines。")
@option("--district", "code", default=None, help="Only this district's entries (default: all).",
        help_zh="只导出该区的记录（默认：全部）。")
@database_option
@lang_option
@_errors
def audit_export(target: Path, fmt: str, code: str | None, database: str | None, lang: str) -> None:
    """Export the audit log, oldest entry first."""
    _ready(database, lang)
    from liaison_web.audit import export

    if code is not None:
        _stored_district(code)  # a district the database does not hold is said, not exported as nothing
    try:
        count = export(target, fmt, code)
    except OSError as exc:
        raise LiaisonError(f"cannot write {target}: {exc.strerror or exc}", file=str(target),
                           fix="choose a folder you may write to",
                           message_zh=f"无法写入 {target}：{exc.strerror or exc}",
                           fix_zh="请选择有写入权限的文件夹") from None
    _say(lang, f"{target}: {count} audit entries ({fmt})", f"{target}：{count} 条审计记录（{fmt}）")


@web.group("webhook", cls=Group, help_zh="办公系统的 Webhook：添加、列出、移除。")
def webhook() -> None:
    """The OA systems' webhooks: add, list, remove."""


@webhook.command("add", help_zh="添加 Webhook；签名密钥只显示这一次。")
@option("--url", required=True, help="Where to POST the events (http:// or https://).",
        help_zh="接收事件的地址（http:// 或 https://）。")
@option("--event", "events", multiple=True, default=(), help="An event to send (repeat; default: all).",
        help_zh="要发送的事件（可重复；默认：全部）。")
@option("--organisation", default="", help="Only this organisation's engagements (default: all).",
        help_zh="只发送该单位的活动（默认：全部）。")
@option("--name", default="", help="What it is (the OA system's name).", help_zh="用途（如办公系统的名称）。")
@option("--district", "code", default=None, help="The district's id (default: the only one).",
        help_zh="区的编号（默认：数据库中唯一的区）。")
@database_option
@lang_option
@_errors
def webhook_add(url: str, events: tuple[str, ...], organisation: str, name: str, code: str | None,
                database: str | None, lang: str) -> None:
    """Add a webhook; its signing secret is printed once."""
    _ready(database, lang)
    from django.db import transaction

    from liaison_web.audit import record
    from liaison_web.webhooks import EVENTS, described, make_webhook

    district = _stored_district(code)
    with transaction.atomic():
        row, secret = make_webhook(district, url, events or EVENTS, organisation=organisation, name=name)
        record("create", "webhook", str(row.pk), district=district.info.id, after=described(row))
    _say(lang, f"Webhook {row.pk}: {url} ({', '.join(row.events)}). Its signing secret (shown this once):",
         f"Webhook {row.pk}：{url}（{'、'.join(row.events)}）。签名密钥（只显示这一次）：")
    click.echo(secret)


@webhook.command("list", help_zh="列出 Webhook 及其各状态的投递数。")
@option("--district", "code", default=None, help="Only this district's (default: all).",
        help_zh="只列出该区的（默认：全部）。")
@database_option
@lang_option
@_errors
def webhook_list(code: str | None, database: str | None, lang: str) -> None:
    """List the webhooks and their deliveries by status."""
    _ready(database, lang)
    from liaison_web import models
    from liaison_web.webhooks import described

    rows = models.Webhook.objects.select_related("district").order_by("district__code", "id")
    for row in rows.filter(district__code=code) if code else rows:
        shown = described(row)
        counts = shown["deliveries"]
        state = ("active" if row.active else "removed") if lang == "en" else ("启用" if row.active else "已移除")
        click.echo(f"{row.pk}\t{row.district.code}\t{row.organisation or '*'}\t{row.url}\t{state}\t"
                   f"pending={counts['pending']} delivered={counts['delivered']} failed={counts['failed']}")


@webhook.command("remove", help_zh="移除 Webhook：不再为它排队或发送（投递记录保留）。")
@click.argument("number", type=int)
@database_option
@lang_option
@_errors
def webhook_remove(number: int, database: str | None, lang: str) -> None:
    """Remove webhook NUMBER: nothing more is queued or sent for it (its log stays)."""
    _ready(database, lang)
    from django.db import transaction

    from liaison_web import models
    from liaison_web.audit import record
    from liaison_web.webhooks import described, remove_webhook

    row = models.Webhook.objects.select_related("district").filter(pk=number, active=True).first()
    if row is None:
        raise LiaisonError(f"there is no active webhook {number}", fix="liaison web webhook list shows them",
                           message_zh=f"没有启用中的 Webhook {number}", fix_zh="用 liaison web webhook list 查看")
    with transaction.atomic():
        before = described(row)
        remove_webhook(row)
        record("remove", "webhook", str(row.pk), district=row.district.code, before=before, after=described(row))
    _say(lang, f"webhook {number}: removed", f"Webhook {number}：已移除")


@web.command("deliver", help_zh="按当天核对待办事项，发送一次到期的 Webhook 投递，执行到期的发布任务"
                            "（liaison serve 会持续执行）。")
@database_option
@lang_option
@_errors
def deliver(database: str | None, lang: str) -> None:
    """Compare the to-do lists the webhooks listen to with the day, send the webhook deliveries that
    are due, and perform the CalDAV publications queued, once (liaison serve does all three all the time)."""
    _ready(database, lang)
    from liaison_web.due import sweep
    from liaison_web.webhooks import deliver_pending

    opened = sweep()  # what a day passing opened or closed (a meeting's day gone unrecorded, feedback overdue)
    if opened:
        _say(lang, f"to-do lists: {opened} deliveries queued for what the day changed",
             f"待办事项：因日期推移排队 {opened} 个投递")
    report = deliver_pending()
    later = (f"; the next retry in {report.next_in:.0f} s" if report.next_in is not None else "",
             f"；下一次重试在 {report.next_in:.0f} 秒后" if report.next_in is not None else "")
    _say(lang, f"{report.attempts} attempts: {report.delivered} delivered, {report.failed} failed{later[0]}",
         f"尝试 {report.attempts} 次：送达 {report.delivered} 个，失败 {report.failed} 个{later[1]}")
    from liaison_web.jobs import perform_pending

    jobs = perform_pending()  # the CalDAV publications queued through the API, as liaison serve performs them
    if jobs.attempts:
        _say(lang, f"publications: {jobs.attempts} attempts, {jobs.done} done, {jobs.failed} failed",
             f"发布：尝试 {jobs.attempts} 次，完成 {jobs.done} 个，失败 {jobs.failed} 个")


@web.command("replay", help_zh="重新发送一个投递（编号），或用 --failed 重新发送全部失败的投递。")
@click.argument("number", type=int, required=False)
@option("--failed", is_flag=True, help="Every failed delivery (of --webhook, or of all).",
        help_zh="全部失败的投递（--webhook 指定的，或全部）。")
@option("--webhook", "hook", type=int, default=None, help="Only this webhook's.", help_zh="只限该 Webhook。")
@database_option
@lang_option
@_errors
def replay(number: int | None, failed: bool, hook: int | None, database: str | None, lang: str) -> None:
    """Send delivery NUMBER again, or with --failed every failed delivery; sent by the next pass."""
    if (number is None) == (not failed):
        raise LiaisonError("give a delivery's number or --failed (not both)", fix="liaison web replay 12, or "
                           "liaison web replay --failed", message_zh="请给出投递编号或 --failed（二者选一）",
                           fix_zh="如 liaison web replay 12，或 liaison web replay --failed")
    _ready(database, lang)
    from django.db import transaction

    from liaison_web import models
    from liaison_web.audit import record
    from liaison_web.webhooks import replay as send_again

    found = models.WebhookDelivery.objects.select_related("webhook__district").order_by("id")
    found = found.filter(pk=number) if number is not None else found.filter(status="failed")
    if hook is not None:
        found = found.filter(webhook_id=hook)
    chosen = list(found)
    if number is not None and not chosen:
        raise LiaisonError(f"there is no delivery {number}", fix="the API lists a webhook's deliveries",
                           message_zh=f"没有投递 {number}", fix_zh="可通过接口查看 Webhook 的投递列表")
    with transaction.atomic():
        count = send_again(chosen)
        for delivery in chosen:
            record("replay", "webhook-delivery", str(delivery.pk), district=delivery.webhook.district.code,
                   after={"status": "pending", "event_id": delivery.event_id})
    _say(lang, f"{count} deliveries queued again (liaison serve, or liaison web deliver, sends them)",
         f"已重新排队 {count} 个投递（由 liaison serve 或 liaison web deliver 发送）")


def _expiry(text: str | None) -> dt.datetime | None:
    """``--expires``: a time in the future (no offset: the server's time zone) or a date, the last day
    the token works (to the midnight after it, the server's time zone), at most ten years ahead
    (:func:`liaison_web.tokens.future`, the API's and the tokens page's rule); or None."""
    if text is None:
        return None
    from liaison_web.errors import InvalidRequest
    from liaison_web.tokens import future

    asked: dt.datetime | dt.date | None
    try:
        asked = dt.date.fromisoformat(text) if len(text) == 10 else dt.datetime.fromisoformat(text)
    except ValueError:
        asked = None
    try:
        ends = future(asked) if asked is not None else None
    except InvalidRequest as refused:  # too far ahead: its words; past: as one that is no time
        if "ten years" in refused.message:
            raise LiaisonError(f"--expires {text}: {refused.message.removeprefix('expires: ')}", fix=refused.fix,
                               message_zh=f"--expires {text}：{(refused.message_zh or '').removeprefix('expires：')}",
                               fix_zh=refused.fix_zh) from None
        ends = None
    if ends is None:
        raise LiaisonError(f"--expires {text}: not a time in the future",
                           fix="give one such as 2027-06-30T18:00+08:00, or the last day it works: 2027-06-30",
                           message_zh=f"--expires {text}：不是将来的时间",
                           fix_zh="请给出如 2027-06-30T18:00+08:00 的时间，或最后有效日：2027-06-30")
    return ends


def _year_of(folder: Path) -> int:
    name = folder.resolve().name
    if not (name.isdigit() and len(name) == 4):
        raise LiaisonError(f"{folder} is not a year's folder (out/2027)", file=str(folder),
                           fix="give the year's folder inside the output folder, e.g. --from out/2027",
                           message_zh=f"{folder} 不是年度文件夹（如 out/2027）",
                           fix_zh="请给出输出文件夹中的年度文件夹，例如 --from out/2027")
    return int(name)


def _data(data_file: str | None) -> tuple[str, str] | None:
    """A district data file's text and its name (None: none given)."""
    if data_file is None:
        return None
    from liaison.formats.syntax import decode, read_file

    return decode(read_file(data_file), file=data_file), data_file  # not UTF-8: refused with the file's name


def _stored_district(code: str | None) -> Any:
    from liaison_web import models
    from liaison_web.bootstrap import district

    codes = list(models.District.objects.filter(versions__isnull=False).distinct().values_list("code", flat=True))
    chosen = code if code is not None else (codes[0] if len(codes) == 1 else None)
    found = district(chosen) if chosen is not None else None
    if found is None:
        raise LiaisonError(f"the database holds no district {code!r}" if code else
                           f"the database holds {len(codes)} districts: name one with --district",
                           fix=f"one of: {', '.join(codes)}", message_zh=f"数据库中没有区 {code!r}" if code else
                           f"数据库中有 {len(codes)} 个区：请用 --district 指定", fix_zh=f"可选：{'、'.join(codes)}")
    return found


@hookimpl
def register_commands(cli: click.Group) -> None:
    cli.add_command(serve)
    cli.add_command(web)
