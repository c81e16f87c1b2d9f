"""Reading a page back in the tests: a small tree of its elements (stdlib html.parser), the text a
reader sees in one language (the other language's spans hidden, as the page's CSS hides them)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from html.parser import HTMLParser

import attrs

VOID = {"meta", "link", "br", "img", "input", "hr", "use", "path", "circle", "rect", "line", "source", "wbr"}
CJK = re.compile(r"[\u3400-\u9fff\u3000-\u303f\uff00-\uffef]")


@attrs.define(eq=False)
class Element:
    tag: str
    attrs: dict[str, str]
    parent: Element | None
    children: list[Element | str] = attrs.field(factory=list)

    @property
    def classes(self) -> list[str]:
        return self.attrs.get("class", "").split()

    def has(self, cls: str) -> bool:
        return cls in self.classes

    def walk(self) -> Iterator[Element]:
        yield self
        for child in self.children:
            if isinstance(child, Element):
                yield from child.walk()

    def find_all(self, tag: str | None = None, cls: str | None = None) -> list[Element]:
        return [e for e in self.walk() if (tag is None or e.tag == tag) and (cls is None or e.has(cls))]

    def by_id(self, ident: str) -> Element:
        found = [e for e in self.walk() if e.attrs.get("id") == ident]
        assert len(found) == 1, (ident, len(found))
        return found[0]

    def text(self, hide: str | None = None) -> str:
        """The element's text; with ``hide`` (``zh`` or ``en``), without that language's spans."""
        parts: list[str] = []
        for child in self.children:
            if isinstance(child, str):
                parts.append(child)
            elif child.tag not in ("style", "script") and not (hide and child.has(hide)):
                parts.append(child.text(hide))
        return "".join(parts)

    def ancestors(self) -> Iterator[Element]:
        node = self.parent
        while node is not None:
            yield node
            node = node.parent


class _Builder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Element("#document", {}, None)
        self.current = self.root
        self.raw_tags: list[str] = []

    def handle_starttag(self, tag: str, attributes: list[tuple[str, str | None]]) -> None:
        self.raw_tags.append(tag)
        element = Element(tag, {k: v or "" for k, v in attributes}, self.current)
        self.current.children.append(element)
        if tag not in VOID:
            self.current = element

    def handle_startendtag(self, tag: str, attributes: list[tuple[str, str | None]]) -> None:
        self.raw_tags.append(tag)
        self.current.children.append(Element(tag, {k: v or "" for k, v in attributes}, self.current))

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID:  # a browser's serialisation closes SVG's <use></use>, <path></path> …
            return
        node: Element | None = self.current
        while node is not None and node.tag != tag:
            node = node.parent
        assert node is not None and node.parent is not None, f"unbalanced </{tag}>"
        self.current = node.parent

    def handle_data(self, data: str) -> None:
        self.current.children.append(data)


def parse(page: bytes) -> Element:
    builder = _Builder()
    builder.feed(page.decode("utf-8"))
    builder.close()
    assert builder.current is builder.root, f"unclosed <{builder.current.tag}>"
    return builder.root


def marks(tree: Element) -> list[Element]:
    """The engagement marks of the 12-month grid."""
    return [m for m in tree.by_id("year").find_all("button", "mark")]


def heat_cells(tree: Element) -> list[Element]:
    return tree.find_all("td", "hm-cell")


def quoted(source: str, rendered: str) -> bool:
    """Whether ``rendered`` holds ``source``'s words in order, as the page lays a provision out: line
    breaks and soft wraps are white space, and the translation's ``**`` marks are bold, not text."""
    def words(text: str) -> str:
        return " ".join(text.replace("**", "").split())

    return words(source) in words(rendered)
