"""Render one letter of each kind the exporter writes for the seed district's 2027 as PNG images for
the documentation: every page side by side, as LibreOffice lays them out.

    python plugins/liaison-docx/scripts/render_letter_images.py [--out docs/letters] [--dpi 40]

Needs LibreOffice and poppler's pdftoppm.  The PDFs come from the exporter's ``pdf`` option; the PNG
files are written with zlib only (no imaging library).
"""

from __future__ import annotations

import argparse
import struct
import sys
import zlib
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from liaison_docx.plugin import export  # noqa: E402
from tests.docx_seed import changed_request  # noqa: E402 - the seed letters the tests check
from tests.pdf_pages import rasters  # noqa: E402

#: One letter of each kind: the notice with the longest table, the §3.1 work-meeting invitation, the
#: change letter of the health bureau's moved joint meeting, a cancellation of the plenary meeting, a
#: §1.1 consultation and the §1.3 feedback letter (the year of tests.docx_seed.changed_request).
PICKED = {"notice": "通知/01-dev-reform.pdf",
          "invitation": "邀请函/2027-06-21-work_meeting-district-gov-rcck.pdf",
          "change": "变更函/2027-03-30-joint_meeting-health-cpwdp-改期-区卫函5.pdf",
          "cancellation": "变更函/2027-03-05-plenary_meeting-district-gov-rcck-取消-区府办函25.pdf",
          "consultation": "征求意见函/2027-11-02-gwbg-2028-icf.pdf",
          "feedback": "反馈函/2027-05-06-yshj-2027.pdf"}


def _png(pages: list[tuple[int, int, bytes]], gap: int = 8) -> bytes:
    """The pages side by side on a grey ground, as an RGB PNG."""
    height = max(h for _, h, _ in pages)
    width = sum(w for w, _, _ in pages) + gap * (len(pages) + 1)
    rows = []
    for y in range(height):
        row = bytearray(b"\x00" + b"\x90" * 3 * gap)
        for w, h, data in pages:
            row += data[y * w * 3:(y + 1) * w * 3] if y < h else b"\x90" * 3 * w
            row += b"\x90" * 3 * gap
        rows.append(bytes(row))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"".join(rows), 9))
            + chunk(b"IEND", b""))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("docs/letters"))
    parser.add_argument("--dpi", type=int, default=40)
    args = parser.parse_args()
    artifacts = {a.path: a.data for a in export(changed_request({"pdf": True}))}
    args.out.mkdir(parents=True, exist_ok=True)
    for kind, path in PICKED.items():
        target = args.out / f"{kind}.png"
        target.write_bytes(_png(rasters(artifacts[path], args.dpi)))
        print(f"{target}: {path}")


if __name__ == "__main__":
    main()
