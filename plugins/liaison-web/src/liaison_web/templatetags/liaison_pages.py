"""``{% tr "中文" "English" %}``: the text in the page's language (``lang``, from
:func:`liaison_web.pages.lang.context`), both written side by side where the page uses them;
``{% size bytes %}``: a file's size in that language; ``{% when moment %}``: a moment in the
district's own time zone; ``{% punct "：" %}``: a Chinese mark of
punctuation in that language (an English page's colon is ": ", never the full-width "：")."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def tr(context: Any, zh: str, en: str) -> str:
    return en if context.get("lang") == "en" else zh


@register.simple_tag(takes_context=True)
def size(context: Any, count: int) -> str:
    """``{% size bytes %}``: Django's ``filesizeformat`` in the page's language (the filter alone
    speaks the site's default, Chinese, on an English page too)."""
    from django.template.defaultfilters import filesizeformat
    from django.utils import translation

    with translation.override("en" if context.get("lang") == "en" else "zh-hans"):
        return str(filesizeformat(count))


#: The full-width marks the templates write beside data, and what an English page writes instead.
PUNCTUATION_EN = {"：": ": ", "（": " (", "）": ")", "。": ". ", "；": "; ", "、": ", ", "，": ", "}


@register.simple_tag(takes_context=True)
def punct(context: Any, mark: str) -> str:
    return PUNCTUATION_EN.get(mark, mark) if context.get("lang") == "en" else mark


@register.simple_tag(takes_context=True)
def when(context: Any, moment: Any, seconds: bool = False) -> str:
    """A moment (a datetime, or the API's ISO text of one, kept in UTC) as every page shows one: in the
    time zone of the page's district (``district``; the service's own without one), to the minute,
    in a ``<time>`` giving the moment itself — never UTC unlabelled beside local times."""
    import datetime as dt
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    from django.conf import settings
    from django.utils.html import format_html

    if not moment:
        return ""
    at = dt.datetime.fromisoformat(moment) if isinstance(moment, str) else moment
    if at.tzinfo is None:
        at = at.replace(tzinfo=dt.UTC)
    try:
        zone = ZoneInfo(_zone_of(context.get("district")) or settings.TIME_ZONE)
    except ZoneInfoNotFoundError:
        zone = ZoneInfo(settings.TIME_ZONE)
    local = at.astimezone(zone)
    return format_html('<time datetime="{}">{}</time>', at.isoformat(),
                       local.strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M"))


def _zone_of(code: Any) -> str:
    from liaison_web.bootstrap import district

    found = district(code) if isinstance(code, str) and code else None
    return found.info.timezone if found is not None else ""
