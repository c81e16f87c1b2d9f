"""Screenshots of the year's page for the documentation, taken by headless Chromium off the network.

    python docs/screenshots/make_screenshots.py [--out docs/screenshots]

Writes ``page-2027.png`` (the seed district's 2027 as ``liaison export html --year 2027`` makes it:
the months, the legend and the timeline) and ``page-2026-heatmap-en.png`` (2026 with
examples/records-2026.toml, in English, the heat map with one cell's findings open — the first
shortfall that rests on a setting of the district's own). Needs Chromium (``CHROMIUM`` or
/usr/bin/chromium) and liaison-html; with Pillow installed the PNGs are re-encoded smaller (losslessly).
The browser runs with the flags of the plugin's browser tests (plugins/liaison-html/tests/chromium.py).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "plugins" / "liaison-html" / "tests"))

from chromium import find_chromium, screenshot  # noqa: E402 - the tests' browser, same flags
from liaison_html.heatmap import CellState  # noqa: E402
from liaison_html.pages import page_view, render_page  # noqa: E402

import liaison  # noqa: E402


def _smaller(path: Path) -> None:
    """Re-encode losslessly (Pillow's optimised deflate); a colour reduction would mix up the small
    legend swatches, so none."""
    try:
        from PIL import Image
    except ImportError:
        return
    with Image.open(path) as image:
        rgb = image.convert("RGB")
    rgb.save(path, optimize=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    args = parser.parse_args()
    browser = find_chromium()
    if browser is None:
        print("Chromium is not installed (apt-get install chromium, or set CHROMIUM)", file=sys.stderr)
        return 1
    district = liaison.seed_district()
    calendar = liaison.working_day_calendar()
    records = liaison.load_records(ROOT / "examples" / "records-2026.toml", district)
    plan_2026 = liaison.plan_year(district, 2026, calendar=calendar)
    heat = page_view(district, plan_2026, records=records, calendar=calendar).heat
    assert heat is not None
    opened = next(c for row in heat.rows for c in row.cells if c.state == CellState.SHORT and c.local)
    shots = [
        ("page-2027.png", page_view(district, liaison.plan_year(district, 2027, calendar=calendar), calendar=calendar),
         "", (1300, 1900)),
        ("page-2026-heatmap-en.png", page_view(district, plan_2026, records=records, calendar=calendar),
         f"#lang=en&show={opened.key}", (1300, 2250)),
    ]
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="liaison-html-shots-") as folder:
        for name, view, fragment, (width, height) in shots:
            html = Path(folder) / name.replace(".png", ".html")
            html.write_bytes(render_page(view))
            target = screenshot(browser, html, args.out / name, width, height, fragment=fragment)
            _smaller(target)
            print(f"{target} ({target.stat().st_size:,} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
