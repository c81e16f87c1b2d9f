"""The page in a real browser (headless Chromium, off the network): it renders (a screenshot that is
not blank and shows the kinds' and holidays' colours), its scripts count one mark per engagement and
one heat-map cell per body × obligation, a link opens a detail in English, it prints on A4 landscape
pages, and it asks the network for nothing. Skipped only where no Chromium is installed."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from chromium import dump_dom, find_chromium, page_requests, print_pdf, screenshot
from html_samples import heat_cells, marks, parse, quoted

from liaison.law.district import District
from liaison.year.engagements import Plan


@pytest.fixture(scope="module")
def chromium() -> str:
    found = find_chromium()
    if found is None:
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    return found


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory, page_2026: bytes, page_2027: bytes) -> dict[int, Path]:
    folder = tmp_path_factory.mktemp("pages")
    found = {}
    for year, data in ((2026, page_2026), (2027, page_2027)):
        found[year] = folder / f"{year}" / "index.html"
        found[year].parent.mkdir()
        found[year].write_bytes(data)
    return found


def _colours(path: Path) -> tuple[set[tuple[int, int, int]], float]:
    from PIL import Image

    with Image.open(path) as image:
        rgb = image.convert("RGB")
        counts = rgb.getcolors(maxcolors=rgb.width * rgb.height) or []
    by_colour = {colour: n for n, colour in counts}
    return set(by_colour), 1 - by_colour.get((255, 255, 255), 0) / (rgb.width * rgb.height)


def test_a_screenshot_of_the_page_is_not_blank(chromium: str, files: dict[int, Path], tmp_path: Path) -> None:
    shot = screenshot(chromium, files[2026], tmp_path / "page.png", 1400, 1800)
    colours, inked = _colours(shot)
    assert len(colours) > 200 and inked > 0.15, (len(colours), inked)
    # the visits' colour (marks), a day off's pink and a make-up day's blue (the month grid), as the CSS has them
    assert {(0x00, 0x9E, 0x73), (0xF7, 0xCF, 0xCF), (0xCF, 0xE2, 0xF6)} <= colours


def test_the_english_page_renders_differently(chromium: str, files: dict[int, Path], tmp_path: Path) -> None:
    zh = screenshot(chromium, files[2027], tmp_path / "zh.png", 1000, 700)
    en = screenshot(chromium, files[2027], tmp_path / "en.png", 1000, 700, fragment="#lang=en")
    assert zh.read_bytes() != en.read_bytes()


def test_the_dom_after_scripts_has_a_mark_per_engagement_and_a_cell_per_obligation(
        chromium: str, files: dict[int, Path], plan_2026: Plan, page_2026: bytes) -> None:
    dom = dump_dom(chromium, files[2026])
    root = re.search(r"<html[^>]*>", dom)
    assert root is not None and 'data-ready="1"' in root.group()
    expected_cells = len(heat_cells(parse(page_2026)))
    assert f'data-marks="{len(plan_2026.engagements)}"' in root.group()
    assert f'data-cells="{expected_cells}"' in root.group() and expected_cells == 17 * 22
    tree = parse(dom.encode())
    assert len(marks(tree)) == len(plan_2026.engagements) and len(heat_cells(tree)) == expected_cells
    assert tree.by_id("panel").attrs.get("hidden") is not None


def test_a_link_opens_an_engagement_in_english_with_its_provision(chromium: str, files: dict[int, Path],
                                                                  seed: District, plan_2027: Plan) -> None:
    e = plan_2027.engagements[5]
    dom = dump_dom(chromium, files[2027], "#lang=en&show=d-5")
    tree = parse(dom.encode())
    html = tree.find_all("html")[0]
    assert html.attrs["data-lang"] == "en" and html.attrs["lang"] == "en" and html.attrs["data-shown"] == "d-5"
    assert tree.find_all("title")[0].text() == f"{seed.info.name_en}: liaison year 2027"
    panel = tree.by_id("panel")
    assert "hidden" not in panel.attrs
    shown = tree.by_id("panel-body").text("zh")
    assert e.title_en in shown and f"{e.start:%H:%M}" in shown
    for pid in e.provisions:
        assert quoted(seed.provision(pid).text_en, shown) and seed.provision(pid).cite_en() in shown


def test_a_heat_map_cell_opens_its_findings(chromium: str, files: dict[int, Path], page_2026: bytes) -> None:
    short = next(c for c in heat_cells(parse(page_2026)) if c.has("state-short") and not c.has("local"))
    key = short.find_all("button")[0].attrs["data-show"]
    tree = parse(dump_dom(chromium, files[2026], f"#show={key}").encode())
    shown = tree.by_id("panel-body").text("en")
    assert "违反" in shown and "依据原文规定" in shown and "§" in shown


def test_it_prints_on_a4_landscape_pages(chromium: str, files: dict[int, Path], tmp_path: Path) -> None:
    pdf = print_pdf(chromium, files[2026], tmp_path / "page.pdf").read_bytes()
    boxes = re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf)
    assert boxes and all(abs(float(w) - 841.9) < 1.5 and abs(float(h) - 595.3) < 1.5 for w, h in boxes), boxes[:3]
    assert 3 <= len(boxes) <= 10  # the year on one page, then the timeline, the heat map and the lists


def test_the_page_asks_the_network_for_nothing(chromium: str, files: dict[int, Path], tmp_path: Path) -> None:
    assert page_requests(chromium, files[2026], tmp_path / "net.json") == []


def test_the_network_check_would_see_a_page_that_fetches(chromium: str, tmp_path: Path) -> None:
    """The control: a page with a remote image, stylesheet and fetch is caught by the same check."""
    bad = tmp_path / "bad.html"
    bad.write_text('<!doctype html><img src="http://example.org/x.png"><link rel=stylesheet '
                   'href="https://example.org/a.css"><script>fetch("http://example.org/y")</script>', encoding="utf-8")
    asked = page_requests(chromium, bad, tmp_path / "net.json")
    assert sorted(asked) == ["http://example.org/x.png", "http://example.org/y", "https://example.org/a.css"]
