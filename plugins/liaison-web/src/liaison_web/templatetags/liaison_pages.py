"""``{% tr "中文" "English" %}``: the text in the page's language (``lang``, from
:func:`liaison_web.pages.lang.context`), both written side by side where the page uses them;
``{% size bytes %}``: a file's size in that language; ``{% punct "：" %}``: a Chinese mark of
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
