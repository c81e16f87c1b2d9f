"""liaison-html: the year at a glance as one self-contained HTML page.

``page(district, plan, records=..., lang="zh")`` gives the page's bytes (Jinja2, autoescaped, fixed
templates; byte-identical on rerun); ``page_view`` is what the template shows. The liaison plugin
(``liaison_html.plugin``) registers it as the exporter ``html``, writing ``index.html`` into the
year's folder. Names load on first use, so loading the plugin never imports Jinja2.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from liaison.lazy import lazy_exports

if TYPE_CHECKING:
    from liaison_html.pages import PageView, page, page_view, render_page

_LAZY = {"PageView": "liaison_html.pages", "page": "liaison_html.pages", "page_view": "liaison_html.pages",
         "render_page": "liaison_html.pages"}

__all__ = ["PageView", "page", "page_view", "render_page"]


__getattr__, __dir__ = lazy_exports(__name__, _LAZY, __all__)
