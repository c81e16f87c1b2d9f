"""The queries of ``liaison``: provisions, pairings, route, invitees and plugins. Every query takes
``--data FILE`` (another district's file; default: the embedded seed district) and ``--format
text|json``; text is Chinese tables, JSON is stable and documented in docs/cli.md."""

from __future__ import annotations

import datetime as dt

import click

from liaison.formats import documents
from liaison.law.rules import EVENT_KINDS, EngagementKind
from liaison_cli.app import DATE, cli, emit_json, handle_errors, lang_option, load, query_options, today


# ---------------------------------------------------------------------------------------- provisions
@cli.command()
@click.argument("provision_id", required=False)
@click.option("--as-of", "as_of", type=DATE, default=None,
              help="Show the text in force on this date (a provision may be amended). Default: today.")
@query_options
@lang_option
@handle_errors
def provisions(provision_id: str | None, as_of: dt.date | None, data_file: str | None, fmt: str, lang: str) -> None:
    """List the provisions, or show one (by its id, e.g. §3.6 in the seed) with its verbatim text as in
    force on a date, its rules and local settings, and every sentence with what implements it."""
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
@cli.command()
@click.option("--as-of", "as_of", type=DATE, default=None, help="The date to answer for. Default: today.")
@click.option("--org", default=None, help="Only this organisation's pairings (id or name).")
@query_options
@handle_errors
def pairings(as_of: dt.date | None, org: str | None, data_file: str | None, fmt: str) -> None:
    """The pairings in force on a date (common liaison units and listed pairings)."""
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
        views.print_pairings(district, day, found)


# --------------------------------------------------------------------------------------------- route
@cli.command()
@click.option("--issuer", required=True, help="Who issues the document (id or name, e.g. 区卫生局).")
@click.option("--date", "on", type=DATE, default=None, help="Issue date. Default: today.")
@click.option("--kind", "document_kind", default="policy", show_default=True,
              help="Document kind, as the routing rules name it (the seed: policy).")
@query_options
@handle_errors
def route(issuer: str, on: dt.date | None, document_kind: str, data_file: str | None, fmt: str) -> None:
    """Who a document must be copied to (抄送), under which provision."""
    # route and invitees are alike in shape (load, ask the district, print or emit JSON): each is a
    # few lines of click glue around its own District question.
    from liaison_cli import views

    district = load(data_file)
    cc = district.cc_list(issuer, on or today(), document_kind)
    if fmt == "json":
        emit_json(documents.cc_document(cc))
    else:
        views.print_cc(district, cc)


# ------------------------------------------------------------------------------------------ invitees
#: The kinds an event file may give, in the core's order (the planner places the others itself).
EVENT_KIND_NAMES = [k.value for k in EngagementKind if k in EVENT_KINDS]


@cli.command()
@click.option("--event", "event_kind", required=True,
              type=click.Choice(EVENT_KIND_NAMES),
              help="The kind of event (`liaison provisions` shows which provision invites to each).")
@click.option("--date", "on", type=DATE, default=None, help="Event date. Default: today.")
@click.option("--host", default=None, help="The host, for a department's professional meeting.")
@query_options
@handle_errors
def invitees(event_kind: str, on: dt.date | None, host: str | None, data_file: str | None, fmt: str) -> None:
    """Who an event invites, in which role, under which provision."""
    from liaison_cli import views

    district = load(data_file)
    found = district.invitees(event_kind, on or today(), host)
    if fmt == "json":
        emit_json(documents.invitees_document(found))
    else:
        views.print_invitees(district, found)


# ------------------------------------------------------------------------------------------- plugins
@cli.command()
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@handle_errors
def plugins(fmt: str) -> None:
    """The plugins loaded, their hooks, and the exporters, publishers and readers they provide, with
    their options."""
    from liaison.host.plugins import plugins_document
    from liaison_cli import views

    found = plugins_document()
    if fmt == "json":
        emit_json(found)
    else:
        views.print_plugins(found.plugins)
