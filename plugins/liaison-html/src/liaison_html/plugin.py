"""The ``html`` exporter: the year at a glance as one self-contained page.

Artifact, in the year's output folder (``out/2027/``)::

    index.html   the 12-month grid, a timeline per body, (with records) the compliance heat map

One file with its CSS, SVG and a little script inline: it loads nothing (no fonts, no scripts, no
images from anywhere), so it opens from a USB stick or an intranet share and prints on A4 landscape.
Everything it says comes from the district's data, the plan, the working-day calendar and, given
records, :func:`liaison.law.compliance.check` as ``liaison check`` runs it.

Options (:data:`OPTIONS`; ``liaison export html --option KEY=VALUE``, checked by the host):

``lang``
    The language the page opens in: ``zh`` (default) or ``en``. Both are in the page; its switch
    changes which one shows.
``title``
    The page's title, in place of ``××区 2027年对口联系工作年历`` (used for both languages).
``as_of``
    With records: the check's date (YYYY-MM-DD), as ``liaison check --as-of``; default 31 December.

This module is what the plugin manager loads for every command, so it imports only the plugin API;
Jinja2 and the page's code load with the first page.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Final

from liaison.base.errors import ExportError, LiaisonError
from liaison.host.exporting import Artifact, Exporter, ExportRequest
from liaison.host.hookspecs import hookimpl
from liaison.host.options import Option

__all__ = ["MEDIA_TYPE", "OPTIONS", "PAGE", "export", "register_exporters"]

MEDIA_TYPE: Final = "text/html"
PAGE: Final = "index.html"

OPTIONS: Final = (
    Option(name="lang", type="text", default="zh",
           help="the language the page opens in: zh or en (both are in the page)",
           choices=("zh", "en"), help_zh="页面打开时的语言：zh（中文）或 en（英文）；页面中两种都有"),
    Option(name="title", type="text", default=None,
           help="the page's title (default: the district's name, the year and 对口联系工作年历)",
           help_zh="页面标题（默认：区名、年度和“对口联系工作年历”）"),
    Option(name="as_of", type="date", default=None,
           help="with records: check as of this date (YYYY-MM-DD; default 31 December)",
           help_zh="有记录时，按此日期检查（YYYY-MM-DD；默认 12 月 31 日）"),
)


def export(request: ExportRequest) -> Iterator[Artifact]:
    from liaison_html.pages import page

    try:
        data = page(request.district, request.plan, records=request.records, calendar=request.calendar,
                    lang=request.option("lang", "zh"), title=request.option("title"), as_of=request.option("as_of"),
                    duties=request.duties)
    except LiaisonError:
        raise
    except Exception as exc:  # something the data let through and the page cannot show: one sentence
        raise ExportError(f"the {request.plan.year} page could not be made: {type(exc).__name__}: {exc}",
                          fix="report this with the plan and the records that caused it",
                          message_zh=f"{request.plan.year}年的网页未能生成：{type(exc).__name__}: {exc}",
                          fix_zh="请连同所用的计划和记录报告此问题") from None
    yield Artifact(PAGE, MEDIA_TYPE, data)


@hookimpl
def register_exporters(register: Callable[[Exporter], None]) -> None:
    register(Exporter("html", "网页：全年一览、各单位时间轴、检查热图 the year at a glance (one HTML file)", export,
                      options=OPTIONS, reads_letters=False))
