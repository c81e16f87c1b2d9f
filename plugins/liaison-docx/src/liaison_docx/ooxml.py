"""WordprocessingML names shared by the package and the document builder."""

from __future__ import annotations

import functools

from lxml import etree

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
XML_NS = "http://www.w3.org/XML/1998/namespace"
NSMAP = {"w": W_NS, "r": R_NS}
DECL = b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'


@functools.cache
def q(tag: str) -> str:
    return f"{{{W_NS}}}{tag}"


P, PPR, RUN, RPR, T, BR, TAB = (q(t) for t in ("p", "pPr", "r", "rPr", "t", "br", "tab"))
PSTYLE, VAL, SPACE = q("pStyle"), q("val"), f"{{{XML_NS}}}space"



def el(parent: etree._Element, tag: str, **attrs: str) -> etree._Element:
    return etree.SubElement(parent, q(tag), {q(k): v for k, v in attrs.items()})

