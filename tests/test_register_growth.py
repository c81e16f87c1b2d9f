"""The letters' register answers a re-export's questions in time linear in the letters issued (issue
#23's review): the change letters ask, for each engagement and each recipient, what was issued about
it, and the register scanned (and sorted) every letter it holds for each question — 20× the time for
3.3× the letters at 100 seed-sized districts. Counted in Python calls (cProfile), not timed."""

from __future__ import annotations

import cProfile
import datetime as dt
import pstats

from hypothesis import given, settings
from hypothesis import strategies as st

from liaison.year.numbering import LetterRecord, LetterRegistry

RECIPIENTS = ("甲", "乙", "丙")


def register(k: int, *, moved_every: int = 3) -> list[LetterRecord]:
    """Invitations to ``k`` meetings, three recipients each; every ``moved_every``-th meeting moved
    once (a new invitation under a new number, and a change letter naming the old one)."""
    letters: list[LetterRecord] = []
    serial = 0

    def issue(kind: str, engagement: str, recipient: str, revision: int, refers_to: str = "") -> LetterRecord:
        nonlocal serial
        serial += 1
        record = LetterRecord(key=f"{kind}/{engagement}/{recipient}" + (f"/{refers_to}" if refers_to else ""),
                              kind=kind, series="区府办函", year=2027, serial=serial,
                              doc_number=f"区府办函〔2027〕{serial}号", date=dt.date(2027, 1, 11),
                              digest=f"d{serial}", path=f"邀请函/{serial}.docx", recipient=recipient,
                              engagement=engagement, refers_to=refers_to, revision=revision)
        letters.append(record)
        return record

    for m in range(k):
        for r in RECIPIENTS:
            first = issue("invitation", f"meeting-{m}", r, 1)
            if m % moved_every == 0:
                letters[letters.index(first)] = first = attrs_evolve(first, active=False)
                issue("invitation", f"meeting-{m}", r, 2)
                issue("change", f"meeting-{m}", r, 2, refers_to=first.doc_number)
    return letters


def attrs_evolve(record: LetterRecord, **changes: object) -> LetterRecord:
    import attrs

    return attrs.evolve(record, **changes)  # type: ignore[arg-type]


def questions(registry: LetterRegistry, k: int) -> list[object]:
    """What the change letters and the 补充通知 ask of the register in one re-export, and the register as
    the export leaves it."""
    answers: list[object] = []
    for m in range(k):
        engagement = f"meeting-{m}"
        for recipient in registry.recipients(engagement):
            answers.append(registry.history(engagement, recipient))
            answers.append(registry.latest(f"invitation/{engagement}/{recipient}"))
        answers.append(registry.sent_for(engagement))
    for r in registry.previous:
        answers.append(registry.referring(r.doc_number, "change"))
    answers.append(registry.records(lambda path: True))
    return answers


def calls(k: int) -> int:
    letters = register(k)
    registry = LetterRegistry(letters, year=2027, revision=3)
    registry.issued = [r for r in letters if r.active]
    profile = cProfile.Profile()
    profile.enable()
    questions(registry, k)
    profile.disable()
    return int(pstats.Stats(profile).total_calls)  # type: ignore[attr-defined]


def test_a_reexport_asks_the_register_in_linear_time() -> None:
    small, large = calls(40), calls(160)
    # linear, and n log n for the one sort: 4× the letters, at most 4× the calls and a margin (the
    # scans asked the whole register for every engagement and recipient: 16×)
    assert large <= 5 * small, (small, large)


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 12), st.integers(1, 4))
def test_the_indexes_answer_as_the_scans_did(k: int, moved_every: int) -> None:
    """The indexed answers equal the plain scans over the register, whatever was moved."""
    letters = register(k, moved_every=moved_every)
    registry = LetterRegistry(letters, year=2027, revision=3)
    ordered = sorted(letters, key=lambda r: (r.revision, r.serial))
    for m in range(k):
        engagement = f"meeting-{m}"
        assert registry.recipients(engagement) == tuple(dict.fromkeys(
            r.recipient for r in ordered if r.engagement == engagement and r.kind == "invitation"))
        for recipient in RECIPIENTS:
            assert registry.history(engagement, recipient) == tuple(
                r for r in ordered if (r.engagement, r.recipient, r.kind) == (engagement, recipient, "invitation"))
            key = f"invitation/{engagement}/{recipient}"
            found = [r for r in letters if r.key == key]
            assert registry.latest(key) == max(found, key=lambda r: (r.revision, r.serial))
    for r in letters:
        assert registry.referring(r.doc_number, "change") == tuple(
            sorted((x for x in letters if x.refers_to == r.doc_number and x.kind == "change"),
                   key=lambda x: (x.year, x.serial)))
        assert registry.withdrawn(r) == any(x.refers_to == r.doc_number for x in letters if x.kind == "change")
