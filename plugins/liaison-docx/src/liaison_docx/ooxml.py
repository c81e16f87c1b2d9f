"""WordprocessingML text shared by the package and the document builder.

The parts are written as strings, not element trees: a letter's ``document.xml`` is a few hundred
elements whose order and attributes are fixed by the schema, and building them as lxml elements,
copying run prototypes and serialising cost more than the rest of a render together.  Data text
reaches the XML only through :func:`text` (element text) and :func:`attr` (attribute values), which
escape exactly as lxml's serialiser did, so the bytes did not change with the switch.
"""

from __future__ import annotations

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
DECL = b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
ROOT_NS = f'xmlns:w="{W_NS}" xmlns:r="{R_NS}"'
"""The namespace declarations of a part's root element (document, header)."""

# Content and relationship types of the package's parts (ECMA-376 part 2), spelled here rather than
# imported from python-docx's constants: importing those loads python-docx and lxml, ~40 ms a
# process that only renders letters.
_OOXML = "application/vnd.openxmlformats-officedocument"
CT_DOCUMENT = f"{_OOXML}.wordprocessingml.document.main+xml"
CT_STYLES = f"{_OOXML}.wordprocessingml.styles+xml"
CT_SETTINGS = f"{_OOXML}.wordprocessingml.settings+xml"
CT_FONT_TABLE = f"{_OOXML}.wordprocessingml.fontTable+xml"
CT_FOOTER = f"{_OOXML}.wordprocessingml.footer+xml"
CT_HEADER = f"{_OOXML}.wordprocessingml.header+xml"
CT_EXTENDED_PROPERTIES = f"{_OOXML}.extended-properties+xml"
CT_CORE_PROPERTIES = "application/vnd.openxmlformats-package.core-properties+xml"
CT_RELATIONSHIPS = "application/vnd.openxmlformats-package.relationships+xml"
CT_XML = "application/xml"
RT_OFFICE_DOCUMENT = f"{R_NS}/officeDocument"
RT_CORE_PROPERTIES = "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties"
RT_EXTENDED_PROPERTIES = f"{R_NS}/extended-properties"
RT_STYLES = f"{R_NS}/styles"
RT_SETTINGS = f"{R_NS}/settings"
RT_FONT_TABLE = f"{R_NS}/fontTable"
RT_FOOTER = f"{R_NS}/footer"
RT_HEADER = f"{R_NS}/header"


def text(value: str) -> str:
    """``value`` escaped as element text (the letter has been validated: no character XML cannot hold)."""
    if "&" in value:
        value = value.replace("&", "&amp;")
    if "<" in value:
        value = value.replace("<", "&lt;")
    if ">" in value:
        value = value.replace(">", "&gt;")
    return value


def attr(value: str) -> str:
    """``value`` escaped as a double-quoted attribute value, whitespace kept as character references."""
    return (text(value).replace('"', "&quot;").replace("\t", "&#9;").replace("\n", "&#10;")
            .replace("\r", "&#13;"))


def run_content(value: str) -> str:
    """The inside of a run after its properties: ``\\n`` a line break, ``\\t`` a tab, the rest as
    ``w:t`` elements (``xml:space="preserve"`` where a segment starts or ends with a space)."""
    if "\n" not in value and "\t" not in value:
        if not value:
            return ""
        if value[0] == " " or value[-1] == " ":
            return f'<w:t xml:space="preserve">{text(value)}</w:t>'
        return f"<w:t>{text(value)}</w:t>"
    out = []
    for n, line in enumerate(value.split("\n")):
        if n:
            out.append("<w:br/>")
        for m, seg in enumerate(line.split("\t")):
            if m:
                out.append("<w:tab/>")
            if seg:
                out.append(run_content(seg))
    return "".join(out)
