"""liaison-html: the year at a glance as one self-contained HTML page.

``page(district, plan, records=..., lang="zh")`` gives the page's bytes (Jinja2, autoescaped, fixed
templates; byte-identical on rerun); ``page_view`` is what the template shows. The liaison plugin
(``liaison_html.plugin``) registers it as the exporter ``html``, writing ``index.html`` into the
year's folder. Names load on first use, so loading the plugin never imports Jinja2.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from liaison.lazy import lazy_exports

# Each name once: a type checker reads these imports, and `lazy_exports` reads them to import a module
# on the first use of one of its names.
if TYPE_CHECKING:
    from liaison_html.pages import PageView as PageView
    from liaison_html.pages import page as page
    from liaison_html.pages import page_view as page_view
    from liaison_html.pages import render_page as render_page

__getattr__, __dir__ = lazy_exports(__name__)
