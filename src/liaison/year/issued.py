"""What went out stays: the bytes of an issued letter, kept by their digest in its register entry.

A letter once sent never changes. Its record (:class:`~liaison.year.numbering.LetterRecord`) keeps the
sha256 of the bytes it went out as; every later export must give exactly those bytes for its number —
the store's copy, or a rendering that comes out byte for byte the same. Anything else (the file deleted
or edited and today's data rendering another text: contacts added, a program with a new template) is
refused here, naming the letter, rather than written under the old number. Pure: values in and out.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import attrs

from liaison.base.errors import ExportError
from liaison.year.numbering import LetterRecord
from liaison.year.state import Manifest

__all__ = ["IssuedLetterChanged", "expected_bytes", "with_issued_bytes"]


def with_issued_bytes(letters: Iterable[LetterRecord], manifest: Manifest) -> tuple[LetterRecord, ...]:
    """``letters`` with the digest of the bytes each went out as, where the record lacks it (a state
    from before the register kept it): the manifest's digest of its file when the export that issued
    the letter wrote that file (the same export number). A file a later export wrote instead is not
    known to be what went out, so the record stays without one."""
    files = manifest.by_path()
    out = []
    for r in letters:
        was = files.get(r.path)
        if not r.sha256 and was is not None and was.revision == r.revision:
            r = attrs.evolve(r, sha256=was.sha256)
        out.append(r)
    return tuple(out)


def expected_bytes(letters: Iterable[LetterRecord]) -> Mapping[str, LetterRecord]:
    """The letters issued so far by their 文号, with the digest each must be written as again."""
    return {r.doc_number: r for r in letters if r.sha256}


class IssuedLetterChanged(ExportError):
    """An issued letter would be written with other bytes than it went out as: its file deleted or
    edited, the copy the store keeps of it (:meth:`liaison.year.store.YearStore.issued_copy`) missing
    too, and rendered again from today's data it reads differently. Nothing is written."""

    def __init__(self, record: LetterRecord, *, file: str | None = None) -> None:
        day = record.date.isoformat()
        super().__init__(
            f"{record.path}: {record.doc_number} went out on {day}, and its file is no longer as issued "
            "(deleted or edited) while the copy kept with the year's state is missing too; written again "
            "from today's data it would say something else under the same number",
            file=file,
            fix=f"put the letter back at {record.path} exactly as it was issued (the office's filed copy "
                f"or a backup: sha256 {record.sha256}) and export again; a letter once sent is never "
                "rewritten — what changed goes out as a new letter",
            message_zh=f"{record.path}：{record.doc_number}已于{day}印发，其文件已不是印发时的样子（被删除或修改），"
                       "随年度状态保存的副本也不见了；按今天的数据重新生成会以同一文号写出不同的内容",
            fix_zh=f"请把印发时的原件放回 {record.path}（本单位存档的文件或备份，sha256 {record.sha256}），"
                   "再重新导出；已发出的公文不再改写，有变化的另行发文")
        self.record = record
