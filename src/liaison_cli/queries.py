"""The queries of ``liaison``: provisions, pairings, route, invitees and plugins. Every query takes
``--data FILE`` (another district's file; default: the embedded seed district) and ``--format
text|json``; text is Chinese tables, JSON is stable and documented in docs/cli.md."""

from __future__ import annotations

import datetime as dt

import click

from liaison.host.language import lang_option, option
from liaison_cli.app import DATE, cli, emit_json, format_option, handle_errors, load, query_options, today


# ---------------------------------------------------------------------------------------- provisions
@cli.command(help_zh="""
    列出全部条款，或按编号显示一条：该日有效的原文、规则和本区设定，以及逐句由什么实施。
    """)
@click.argument("provision_id", required=False)
@option("--as-of", "as_of", type=DATE, default=None,
        help="Show the text in force on this date (a provision may be amended). Default: today.",
        help_zh="显示该日有效的条文（条款可能修订过）。默认：今天。")
@query_options
@lang_option
@handle_errors
def provisions(provision_id: str | None, as_of: dt.date | None, data_file: str | None, fmt: str, lang: str) -> None:
    """List the provisions, or show one (by its id, e.g. §3.6 in the seed) with its verbatim text as in
    force on a date, its rules and local settings, and every sentence with what implements it."""
    from liaison.formats import documents  # the JSON answers' types: not loaded by the year's commands
    from liaison_cli import views

    district = load(data_file)
    day = as_of or today()
    if provision_id:
        prov = district.provision(provision_id)
        if fmt == "json":
            emit_json(documents.provision_document(prov, day))
        else:
            views.print_provision(prov, day, lang=lang)
        return
    if fmt == "json":
        emit_json(documents.provisions_document(district, day))
    else:
        views.print_provisions(district, lang=lang)


# ------------------------------------------------------------------------------------------ pairings
@cli.command(help_zh="某日有效的对口联系安排（共同联系单位和各对口关系）。")
@option("--as-of", "as_of", type=DATE, default=None, help="The date to answer for. Default: today.",
        help_zh="按哪一天回答。默认：今天。")
@option("--org", default=None, help="Only this organisation's pairings (id or name).",
        help_zh="只列该单位的对口关系（编号或名称）。")
@query_options
@lang_option
@handle_errors
def pairings(as_of: dt.date | None, org: str | None, data_file: str | None, fmt: str, lang: str) -> None:
    """The pairings in force on a date (common liaison units and listed pairings)."""
    from liaison.formats import documents
    from liaison_cli import views

    district = load(data_file)
    day = as_of or today()
    found = district.pairings_as_of(day)
    if org is not None:
        chosen = district.organisation(org)
        found = tuple(p for p in found if chosen.id in (p.department, p.counterpart))
    if fmt == "json":
        emit_json(documents.pairings_document(district, day, found))
    else:
        views.print_pairings(district, day, found, lang=lang)


# --------------------------------------------------------------------------------------------- route
@cli.command(help_zh="一份文件应抄送哪些单位，依据哪一条。")
@option("--issuer", required=True, help="Who issues the document (id or name, e.g. health).",
        help_zh="发文单位（编号或名称，如 区卫生局）。")
@option("--date", "on", type=DATE, default=None, help="Issue date. Default: today.", help_zh="发文日期。默认：今天。")
@option("--kind", "document_kind", default="policy", show_default=True,
        help="Document kind, as the routing rules name it (the seed: policy).",
        help_zh="文件类型，按抄送规则的写法（示例区：policy，政策性文件）。")
@query_options
@lang_option
@handle_errors
def route(issuer: str, on: dt.date | None, document_kind: str, data_file: str | None, fmt: str, lang: str) -> None:
    """Who a document must be copied to, under which provision."""
    # route and invitees are alike in shape (load, ask the district, print or emit JSON): each is a
    # few lines of click glue around its own District question.
    from liaison.formats import documents
    from liaison_cli import views

    district = load(data_file)
    cc = district.cc_list(issuer, on or today(), document_kind)
    if fmt == "json":
        emit_json(documents.cc_document(cc))
    else:
        views.print_cc(district, cc, lang=lang)


# ------------------------------------------------------------------------------------------ invitees
class EventKinds(click.Choice):  # type: ignore[type-arg]
    """The kinds an event file may give, in the core's order (the planner places the others itself):
    read from the law when ``--event`` is checked or its help shown, not when the command is put
    together — every command builds the group, and the rules are a large module of the law."""

    def __init__(self) -> None:
        self.case_sensitive = True

    @property
    def choices(self) -> tuple[str, ...]:  # type: ignore[override]
        from liaison.law.rules import EVENT_KINDS, EngagementKind

        return tuple(k.value for k in EngagementKind if k in EVENT_KINDS)


@cli.command(help_zh="一项会议活动邀请哪些单位，以什么身份，依据哪一条。")
@option("--event", "event_kind", required=True, type=EventKinds(),
        help="The kind of event (`liaison provisions` shows which provision invites to each).",
        help_zh="会议活动的类型（`liaison provisions` 列出每种由哪一条规定邀请）。")
@option("--date", "on", type=DATE, default=None, help="Event date. Default: today.", help_zh="活动日期。默认：今天。")
@option("--host", default=None, help="The host, for a department's professional meeting.",
        help_zh="主办单位，部门召开的专业性会议须写。")
@query_options
@lang_option
@handle_errors
def invitees(event_kind: str, on: dt.date | None, host: str | None, data_file: str | None, fmt: str,
             lang: str) -> None:
    """Who an event invites, in which role, under which provision."""
    from liaison.formats import documents
    from liaison_cli import views

    district = load(data_file)
    found = district.invitees(event_kind, on or today(), host)
    if fmt == "json":
        emit_json(documents.invitees_document(found))
    else:
        views.print_invitees(district, found, lang=lang)


# ------------------------------------------------------------------------------------------- plugins
@cli.command(help_zh="已加载的插件、它们实现的钩子，以及它们提供的导出、发布插件和读取器及其选项。")
@format_option
@lang_option
@handle_errors
def plugins(fmt: str, lang: str) -> None:
    """The plugins loaded, their hooks, and the exporters, publishers and readers they provide, with
    their options."""
    from liaison.host.plugins import plugins_document
    from liaison_cli import views

    found = plugins_document()
    if fmt == "json":
        emit_json(found)
    else:
        views.print_plugins(found.plugins, lang=lang)
