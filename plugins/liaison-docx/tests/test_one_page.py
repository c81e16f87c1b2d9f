"""The choice of line spacing for a short 函, without LibreOffice (test_layout.py checks the pages in
its PDF): the widest of PAGE_ONE_PITCHES whose count keeps the 落款 on page 1, the grid for a letter
that fits on it or does not fit even at the closest spacing, attachments always on the grid."""

from __future__ import annotations

import functools
import re

import attrs
import pytest
from docx_samples import grid_letter, invitation
from docx_seed import LONG_EVENTS, MORE_EVENTS, changed_request, long_named
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from liaison.formats.district import seed_district
from liaison.host.exporting import ExportRequest
from liaison.year.engagements import Status

from liaison_docx.composition import PAGE_ONE_PITCHES, document_xml, title_lines
from liaison_docx.geometry import LINE_PITCH
from liaison_docx.issuing import draft_number
from liaison_docx.letter_model import FontSet, Letter, Paragraph, Table
from liaison_docx.letters import Draft
from liaison_docx.letters.invitation import invitation_letter, issuer_of, roles
from liaison_docx.measures import Measures
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

    measures = Measures()
    b, start, _, sig = composition._main_part(TPL, letter, pitch, measures, title_lines(letter, measures))
    return composition._page_one_need(b, start, sig)


def test_a_spacing_tried_lays_out_what_is_written() -> None:
    """The pitches are tried without their XML (a builder that does not write): the flow's pieces,
    where page 1 starts and the body's and the signature's places are those of the letter written
    at that pitch, for every letter of the seed's year and of a long-named district's, at every
    pitch a letter may be set at."""
    from liaison_docx import composition

    letters = [d.letter for request in (changed_request({}, *LONG_EVENTS, district=long_named(seed_district())),
                                        changed_request({}, *MORE_EVENTS))
               for d in drafts(request)]
    assert {letter.kind for letter in letters} == {"letter", "document"}
    assert any(letter.attachments for letter in letters) and any(
        isinstance(block, Table) for letter in letters for block in letter.body)
    for letter in letters:
        measures = Measures()  # shared by both, as an export's letters share one
        title = title_lines(letter, measures)
        for pitch in (LINE_PITCH, *PAGE_ONE_PITCHES):
            written = composition._main_part(TPL, letter, pitch, measures, title)
            tried = composition._main_part(TPL, letter, pitch, measures, title, writing=False)
            assert [piece for piece, _ in tried[0].flow] == [piece for piece, _ in written[0].flow]
            assert tried[1:] == written[1:] and not tried[0].out and written[0].out
            assert composition._need_at(TPL, letter, pitch, Measures(), title) == _need(letter, pitch)


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


@functools.cache
def _contacts_request() -> tuple[ExportRequest, tuple[Draft, ...]]:
    """The long-named district with the 责任制 filled in, and its invitations."""
    request = changed_request({"kinds": "invitation"}, *LONG_EVENTS, district=long_named(seed_district()),
                              contacts="党政综合办公室秘书科")
    return request, tuple(d for d in drafts(request) if d.kind == "invitation")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pick=st.integers(min_value=0), place=st.integers(min_value=0, max_value=110), proposed=st.booleans())
def test_an_invitation_words_itself_tighter_only_when_it_must(pick: int, place: int, proposed: bool) -> None:
    """Whatever the length of its place (from none to a paragraph of directions) and its status: an
    invitation fits page 1 by the count, or keeps its own wording (contact on its own lines,
    特此函邀 on its own) and breaks on the grid; a tighter one would not have fit as worded, and still
    says everything (the reply, the contact, 特此函邀, the request to call when the time is proposed)."""
    from liaison_docx import composition

    request, found = _contacts_request()
    draft = found[pick % len(found)]
    e = request.plan.get(draft.subject)
    e = attrs.evolve(e, location="区行政中心" + "东楼三层会议室" * (place // 7) if place else None,
                     status=Status.PROPOSED if proposed else Status.AGREED)
    district = request.district
    letter = invitation_letter(district, e, district.organisation(draft.recipient), issuer=issuer_of(district, e),
                               role=roles(district, e).get(draft.recipient, ""), records=request.records)
    numbered = attrs.evolve(letter, doc_number=draft_number(draft.series, e.date.year))  # as the exporter writes it
    paragraphs = [p.text for p in letter.body if isinstance(p, Paragraph)]
    text = "".join(paragraphs)
    assert "请填写回执（见附件）" in text and "联系人：" in text and text.endswith("特此函邀。")
    if proposed:
        assert "请与我" in text  # the request to call stays, however tight
    own_line = any(p.startswith("联系人：") for p in paragraphs)
    if own_line:
        assert paragraphs[-1] == "特此函邀。"
        fits = composition.fits_page_one(TPL, letter)
        assert fits == composition._on_one_page(TPL, numbered)[1]
        if not fits:  # kept its wording: not even the tightest would have fit
            assert not composition.fits_page_one(TPL, _tightest(letter))
    else:
        assert composition.fits_page_one(TPL, letter) and composition._on_one_page(TPL, numbered)[1]
        assert not composition.fits_page_one(TPL, _as_worded(letter))


def _tightest(letter: Letter) -> Letter:
    """An invitation as worded, in the tightest wording: the contact and 特此函邀 run on after the
    reply sentence, no “会议时间系拟定，” before the request to call."""
    body = [p.text for p in letter.body if isinstance(p, Paragraph)]
    contact = [t for t in body if t.replace("\u2060", "").startswith(("联系人：", "联系电话："))]
    reply = re.sub(r"(^|；)[^；。]*?时间系拟定，如需调整", r"\1如需调整时间", body[1])
    return attrs.evolve(letter, body=(Paragraph(body[0]), Paragraph(reply + "，".join(contact) + "。特此函邀。")))
