"""An engagement's own ETag, so that writers of different engagements of one year do not refuse
each other.

The year's revision changes with every save of the year, whoever made it; as an engagement's ETag it
made every change of any engagement a 412 for every other client (96 % of the writes of 50 clients
in ``bench_api.py``). An engagement's tag is a digest of its JSON as ``GET …/engagements/{id}``
sends it, so it changes exactly when what that read shows changes — its status, date, time, a
re-placement by another engagement's move, a new version's title — and stays when another
engagement changes. ``If-Match`` takes that tag, or a revision of the year (the plan's ETag, a
page's form): a revision is taken when the engagement as it was at that revision is the engagement
as it is now, so a client that read the whole plan is refused only when the engagement it changes
was changed since. Content-named, a tag may come back (moved away and back): the client then saw
exactly what is there, and nothing is lost by taking its change.
"""

from __future__ import annotations

import hashlib
import re

from liaison.year.store import RevisionConflict

__all__ = ["ANY", "engagement_conflict", "engagement_tag", "if_match_tags", "matches", "names_revision"]

#: ``If-Match: *``: whatever the current version is (RFC 9110 13.1.1).
ANY = "*"

#: A revision's tag as :class:`liaison_web.store.DatabaseStore` makes it (``<n>-<16 hex digits>``).
_REVISION = re.compile(r"[0-9]+-[0-9a-f]{16}")


def engagement_tag(shown: bytes) -> str:
    """The ETag of an engagement whose read sends ``shown`` (its JSON, UTF-8): ``e-`` and 24 hex
    digits of its sha256 — never of a revision's form, so :func:`names_revision` tells them apart."""
    return f"e-{hashlib.sha256(shown).hexdigest()[:24]}"


def names_revision(tag: str) -> bool:
    """``tag`` has the form of a revision of the year (not of an engagement's tag)."""
    return _REVISION.fullmatch(tag) is not None


def engagement_conflict(place: str, *, current: str, expected: str) -> RevisionConflict:
    """The 412 of a change made on an engagement as it no longer is: ``current`` its tag now (the
    412's ETag, to make the change again on)."""
    return RevisionConflict(
        "the engagement was changed by another writer since it was read; nothing was saved", file=place,
        fix="read the engagement again (its ETag) and make the change on what it is now",
        message_zh="读取之后该活动已被其他人修改，未作保存",
        fix_zh="请重新读取该活动（及其 ETag），在其最新内容上再做修改",
        current=current, expected=expected)


def if_match_tags(header: str) -> str:
    """An ``If-Match`` header as the service compares it: :data:`ANY`, or its entity tags (a list
    per RFC 9110 13.1.1, ``"a", "b"``) without quotes, weakness marks or a filtered view's part
    (``<revision>+<view>``), joined by commas (no tag holds one)."""
    if header.strip() == ANY:
        return ANY
    tags = []
    for part in header.split(","):
        tag = part.strip()
        tag = tag[2:] if tag.startswith("W/") else tag
        tag = tag.strip('"').partition("+")[0]
        if tag:
            tags.append(tag)
    return ",".join(dict.fromkeys(tags))


def matches(expected: str, tag: str) -> bool:
    """``expected`` (:func:`if_match_tags`) names ``tag``: it is ``*`` or lists it."""
    return expected == ANY or tag in expected.split(",")
