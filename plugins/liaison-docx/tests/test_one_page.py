"""The choice of line spacing for a short 函, without LibreOffice (test_layout.py checks the pages in
its PDF): the widest of PAGE_ONE_PITCHES whose count keeps the 落款 on page 1, the grid for a letter
that fits on it or does not fit even at the closest spacing, attachments always on the grid."""

from __future__ import annotations

import re

import attrs
import pytest
from docx_samples import grid_letter, invitation
from docx_seed import LONG_EVENTS, MORE_EVENTS, changed_request, long_named
from liaison.formats.district import seed_district

from liaison_docx.composition import PAGE_ONE_PITCHES, document_xml
from liaison_docx.geometry import LINE_PITCH
from liaison_docx.letter_model import FontSet, Letter, Paragraph
from liaison_docx.package import template
from liaison_docx.plugin import drafts

TPL = template(FontSet())


def _pitches(letter: Letter) -> set[int]:
    """The body line spacings the main part states, before any attachment (the grid's is in the
    styles, and states itself only with space before a paragraph)."""
    xml = document_xml(TPL, letter).decode().split('w:val="GwAttachmentLabel"')[0]
    found = {int(n) for n in re.findall(r'w:line="(\d+)" w:lineRule="exact"', xml)}
    return found & {LINE_PITCH, *PAGE_ONE_PITCHES}


def _need(letter: Letter, pitch: int) -> int:
    from liaison_docx import composition

    b, start, _, sig = composition._main_part(TPL, letter, pitch)
    return composition._page_one_need(b, start, sig)


def test_the_widest_spacing_that_keeps_the_signature_on_page_one() -> None:
    request = changed_request({"kinds": "invitation"}, *LONG_EVENTS, district=long_named(seed_district()))
    seen = set()
    for d in drafts(request):
        letter = d.letter
        body = _pitches(letter)
        chosen = min(body)
        seen.add(chosen)
        assert body <= {chosen, LINE_PITCH}  # one spacing for the main part (the grid's only in styles)
        if chosen == LINE_PITCH:
            assert _need(letter, LINE_PITCH) <= 12756
            continue
        assert chosen in PAGE_ONE_PITCHES and _need(letter, chosen) <= 12756, d.name
        wider = [p for p in (LINE_PITCH, *PAGE_ONE_PITCHES) if p > chosen]
        assert _need(letter, min(wider)) > 12756, d.name  # the widest that fits
        if letter.attachments:
            xml = document_xml(TPL, letter).decode()
            slip = xml[xml.index(">附件<"):]
            assert f'w:line="{chosen}"' not in slip  # the 回执 on the grid
    assert LINE_PITCH in seen and min(seen) <= 500 and len(seen) >= 4  # long names: closer than the seed


def test_letters_that_fit_on_the_grid_or_not_at_all_keep_it() -> None:
    assert _pitches(invitation()) <= {LINE_PITCH}  # fits page 1 as it is
    assert _pitches(grid_letter("letter")) <= {LINE_PITCH}  # three pages: breaks on the grid
    long_invitation = attrs.evolve(invitation(), body=(*invitation().body, Paragraph("区" * 600)))
    assert _pitches(long_invitation) <= {LINE_PITCH}
    assert _pitches(attrs.evolve(long_invitation, kind="document")) <= {LINE_PITCH}


def test_the_seeds_invitations_need_no_more_than_26_pt() -> None:
    chosen = {min(_pitches(d.letter))
              for d in drafts(changed_request({"kinds": "invitation"}, *MORE_EVENTS))}
    assert min(chosen) >= 520 and LINE_PITCH in chosen


@pytest.mark.parametrize("long", [False, True], ids=["seed", "long names"])
@pytest.mark.parametrize("office", ["办公室", "党政综合办公室秘书科"])
def test_invitations_with_contacts_filled_in_still_fit_page_one(office: str, long: bool) -> None:
    """As a clerk's ledger fills the 责任制 sheet (designation records: every department and the
    general office with a liaison officer and a telephone number), each invitation gains its contact;
    by the count every one still fits page 1, tightening its wording only where it must (the
    LibreOffice check: test_page_one_contacts.py)."""
    from liaison_docx import composition

    district = long_named(seed_district()) if long else seed_district()
    request = changed_request({"kinds": "invitation"}, *(LONG_EVENTS if long else MORE_EVENTS), district=district,
                              contacts=office)
    found = [d for d in drafts(request) if d.kind == "invitation"]
    assert all("联系人：" in "".join(p.text for p in d.letter.body if isinstance(p, Paragraph)) for d in found)
    for d in found:
        assert composition._on_one_page(TPL, d.letter)[1], d.name
        own_line = any(p.text.startswith("联系人：") for p in d.letter.body if isinstance(p, Paragraph))
        if not own_line:  # tightened: it would not have fit as worded
            assert not composition.fits_page_one(TPL, _as_worded(d.letter)), d.name


def _as_worded(letter: Letter) -> Letter:
    """A tightened invitation with its contact back on a line of its own and 特此函邀 after it."""
    body = [p.text for p in letter.body if isinstance(p, Paragraph)]
    reply = next(i for i, text in enumerate(body) if "联系人：" in text)
    head, contact = body[reply].split("联系人：")
    contact = contact.removesuffix("特此函邀。").removesuffix("。")
    rest = [*body[:reply], head, "联系人：" + contact, *body[reply + 1:]]
    if rest[-1] != "特此函邀。":
        rest.append("特此函邀。")
    return attrs.evolve(letter, body=tuple(Paragraph(t) for t in rest))
