"""``{% tr "中文" "English" %}``: the text in the page's language (``lang``, from
:func:`liaison_web.pages.lang.context`), both written side by side where the page uses them."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def tr(context: Any, zh: str, en: str) -> str:
    return en if context.get("lang") == "en" else zh
