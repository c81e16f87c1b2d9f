"""Every sentence of a provision and what implements it, so a reader sees each one accounted for.

A sentence (a clause between 。 and ；) is implemented by the rules that quote it (their
``sentence_zh`` lies within it, or it within theirs), by the pairings (a provision with a
``pairing_role``), or in a way the data notes (``[[provisions.sentences]]``: a rule that implements
it otherwise, or "not modelled" and why). A sentence none of these covers is shown as such: the data
has not said what becomes of it. Headings (the provision's own title, 一、…) are not sentences.
"""

from __future__ import annotations

import datetime as dt
import re

import attrs

from liaison.law.rules import Provision, SentenceNote, normal_text, quote_zh

_MARKER = re.compile(r"^(?:[(（][一二三四五六七八九十]+[)）]|第[一二三四五六七八九十百零〇0-9]+条\s*|[-•·]\s*)")
_HEADING = re.compile(r"^[一二三四五六七八九十]+、")


@attrs.frozen
class Sentence:
    """One sentence of a provision's text, what implements it, and the parts nothing covers."""

    text_zh: str
    rules: tuple[str, ...] = ()  # keys of the rules that quote it, or a part of it
    pairings: bool = False  # the provision's pairings implement it
    notes: tuple[SentenceNote, ...] = ()  # what the data says of it, or of a part of it
    uncovered: tuple[str, ...] = ()  # parts (between commas) no rule quotes and no note covers

    @property
    def not_modelled(self) -> tuple[SentenceNote, ...]:
        return tuple(n for n in self.notes if not n.implemented_by)

    @property
    def accounted(self) -> bool:
        """Every part implemented, or noted as not modelled with a reason."""
        return not self.uncovered


def _clauses(provision: Provision, day: dt.date) -> list[str]:
    """The clauses of the wording in force; the provision's own title among them only when a rule
    quotes it (§3.5's 重大活动互相邀请制度 is the heading a rule reads both ways)."""
    quoted = {normal_text(r.sentence_zh) for r in provision.rules}
    title = "" if normal_text(provision.title_zh) in quoted else normal_text(provision.title_zh)
    found = []
    for line in provision.text_at(day).text_zh.splitlines():
        if _HEADING.match(line.strip()):
            continue  # 一、努力为……创造条件: the part's heading
        line = _MARKER.sub("", line.strip())
        for clause in re.split(r"[。；;]", line):
            clause = clause.strip().rstrip(":：")
            if clause and normal_text(clause) not in (title, normal_text(provision.citation_zh)):
                found.append(clause)
    return found


def _covers(quoted: str, piece: str) -> bool:
    return bool(quoted) and (piece in quoted or quoted in piece)


def sentences(provision: Provision, day: dt.date) -> tuple[Sentence, ...]:
    """The sentences of ``provision`` as worded on ``day``, each with what implements it (the rule
    versions in force that day; all versions when none is). A part of two characters or fewer (同时)
    is a connective, not a part to account for."""
    rules = [r for r in provision.rules if r.validity.contains(day)] or list(provision.rules)
    quoted = [(r.key, normal_text(r.sentence_zh)) for r in rules]
    noted = [(n, normal_text(n.sentence_zh)) for n in provision.sentences]
    paired = provision.pairing_role is not None
    found = []
    for clause in _clauses(provision, day):
        keys: dict[str, None] = {}
        notes: dict[int, SentenceNote] = {}
        uncovered = []
        for piece in re.split(r"[,，]", clause):
            text = normal_text(piece)
            if len(text) <= 2:
                continue
            by_rules = [k for k, q in quoted if _covers(q, text)]
            by_notes = [n for n, q in noted if _covers(q, text)]
            keys.update(dict.fromkeys(by_rules))
            notes.update((id(n), n) for n in by_notes)
            if not by_rules and not by_notes and not paired:
                uncovered.append(piece.strip())
        found.append(Sentence(clause, tuple(keys), paired and not keys, tuple(notes.values()), tuple(uncovered)))
    return tuple(found)


def original_zh(sentence_zh: str) -> str:
    """How a finding quotes the sentence it rests on, where it needs the words themselves (原文为“…”)."""
    return f"原文为“{quote_zh(sentence_zh)}”"
