"""What the page must never do: run or break on hostile text from the data, fetch anything, change
between runs or hash seeds, leave text untranslated in English mode, or hold the seed in its code."""

from __future__ import annotations

import ast
import hashlib
import os
import re
import subprocess
import sys
from pathlib import Path

import attrs
from html_samples import CJK, marks, parse, quoted

from liaison.law.district import District
from liaison.law.records import Records
from liaison.year.engagements import Plan
from liaison_html import page

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "liaison_html"
HOSTILE = '<script>alert("x")</script></style><img src=x onerror=alert(1)> " \' & </textarea>'
REMOTE = re.compile(r"(?i)\b(?:src|href|action|formaction|srcset|poster|data|xlink:href|background|ping)\s*=\s*"
                    r"[\"']?\s*(?:[a-z][a-z0-9+.-]*:|//)")


def _hostile(seed: District, plan: Plan) -> tuple[District, Plan]:
    first, second = plan.engagements[:2]
    hostile = [first.with_changes(title_zh="区发改局" + HOSTILE[:100], title_en=HOSTILE, note=HOSTILE + "\n第二行",
                                  location=HOSTILE[:120]),
               second.with_changes(title_zh="</style><style>*{display:none}</style>", location='"><b>x</b>')]
    org = seed.organisation(first.host)
    district = attrs.evolve(seed, organisations=tuple(
        attrs.evolve(o, name_en="Bureau <i>" + HOSTILE[:40]) if o.id == org.id else o for o in seed.organisations))
    return district, attrs.evolve(plan, engagements=(*hostile, *plan.engagements[2:]))


def test_hostile_text_in_titles_notes_locations_and_names_is_text(seed: District, plan_2027: Plan) -> None:
    district, plan = _hostile(seed, plan_2027)
    data = page(district, plan)
    text = data.decode()
    assert text.count("<script") == 1 and text.count("</script>") == 1  # the page's own, at the end
    assert text.count("<style") == 1 and text.count("</style>") == 1
    assert "<img" not in text and "<b>x" not in text and "<i>" not in text  # as text: &lt;img …
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;&lt;/style&gt;" in text
    tree = parse(data)
    detail = tree.by_id("d-0")
    assert HOSTILE in detail.text("zh") and HOSTILE + "\n第二行" in detail.text()
    assert "</style><style>*{display:none}</style>" in tree.by_id("d-1").text()
    assert len(marks(tree)) == len(plan.engagements)


def test_hostile_text_in_records_reaches_the_findings_as_text(seed: District, plan_2026: Plan,
                                                              records_2026: Records) -> None:
    document = records_2026.documents[0]
    records = attrs.evolve(records_2026, documents=(attrs.evolve(document, title=HOSTILE[:100]),
                                                    *records_2026.documents[1:]))
    text = page(seed, plan_2026, records=records).decode()
    assert text.count("<script") == 1 and "<img" not in text and "&lt;script&gt;alert" in text


def test_the_page_fetches_nothing(page_2026: bytes, page_2027: bytes) -> None:
    for data in (page_2026, page_2027):
        text = data.decode()
        assert "http://" not in text and "https://" not in text and not REMOTE.search(text)
        assert not re.search(r"(?i)<(?:link|img|iframe|object|embed|audio|video|source|base|meta http-equiv)\b", text)
        style = text.split("<style>", 1)[1].split("</style>", 1)[0]
        assert "url(" not in style and "@import" not in style and "@font-face" not in style
        script = text.split("<script>", 1)[1].split("</script>", 1)[0]
        for call in ("fetch(", "XMLHttpRequest", "import(", "WebSocket", "sendBeacon", "src", "href"):
            assert call not in script
        hrefs = re.findall(r'href="([^"]*)"', text)
        assert hrefs and all(h.startswith("#g-") for h in hrefs)  # the mark shapes, inside the page


def test_the_page_prints_on_a4_landscape(page_2027: bytes) -> None:
    style = page_2027.decode().split("<style>", 1)[1].split("</style>", 1)[0]
    assert re.search(r"@page\s*\{\s*size:\s*A4 landscape;", style) and "@media print" in style


def test_a_rerun_is_byte_identical(seed: District, plan_2026: Plan, records_2026: Records, page_2026: bytes) -> None:
    assert page(seed, plan_2026, records=records_2026) == page_2026


def test_the_bytes_do_not_depend_on_the_hash_seed_or_the_process(page_2026: bytes, tmp_path: Path) -> None:
    root = Path(__file__).resolve().parents[3]
    code = ("import hashlib, sys, liaison; from liaison.host.plugins import load_records; "
            "from liaison_html import page; "
            "d = liaison.seed_district(); r = load_records(sys.argv[1], d); "
            "print(hashlib.sha256(page(d, liaison.plan_year(d, 2026), records=r)).hexdigest())")
    digests = set()
    for seed_value in ("0", "1", "4242"):
        env = {**os.environ, "PYTHONHASHSEED": seed_value}
        done = subprocess.run([sys.executable, "-c", code, str(root / "examples" / "records-2026.toml")], env=env,
                              capture_output=True, text=True, check=True, cwd=tmp_path)
        digests.add(done.stdout.strip())
    assert digests == {hashlib.sha256(page_2026).hexdigest()}


def test_no_clock_or_randomness_in_the_package() -> None:
    forbidden = {"now", "today", "utcnow", "time", "perf_counter", "monotonic", "random", "uuid4", "token_hex",
                 "getrandbits", "urandom"}
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                assert node.func.attr not in forbidden, (path.name, node.lineno)
            if isinstance(node, ast.Import | ast.ImportFrom):
                names = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
                assert not {"random", "uuid", "secrets", "time"} & {n.split(".")[0] for n in names}, path.name
    script = (PACKAGE / "templates" / "page.js").read_text(encoding="utf-8")
    assert "Date" not in script and "Math.random" not in script


def test_english_mode_shows_only_english(seed: District, plan_2027: Plan, page_2027: bytes) -> None:
    """With the Chinese spans hidden (as the switch hides them) no Chinese is left but the switch back
    (中文, a language's own name) and the data's source note, which the data has in Chinese only."""
    tree = parse(page(seed, plan_2027, lang="en"))
    body = tree.find_all("body")[0]
    visible = body.text("zh").replace(seed.info.source, "").replace(tree.by_id("lang-switch").text("zh"), "")
    assert not CJK.findall(visible), sorted(set(CJK.findall(visible)))[:20]
    for english in ("The year", "Timeline by body", "Compliance heat map", "All engagements", "Provisions cited",
                    "make-up working day", "customary break", seed.info.name_en, "Development and Reform Bureau"):
        assert english in visible
    assert quoted(seed.provision(plan_2027.engagements[0].provisions[0]).text_en, visible)
    assert tree.by_id("lang-switch").text("zh") == "中文"
    chinese = parse(page_2027).find_all("body")[0].text("en")
    assert "Timeline by body" not in chinese and "各单位时间轴" in chinese


def test_every_text_of_the_page_is_in_both_languages(page_2026: bytes) -> None:
    tree = parse(page_2026)
    pairs = [(e, e.parent) for e in tree.walk() if e.has("zh")]
    assert len(pairs) > 500
    for zh, parent in pairs:
        assert parent is not None
        siblings = [c for c in parent.children if not isinstance(c, str)]
        after = siblings[siblings.index(zh) + 1]
        assert after.has("en"), parent.tag


def _string_literals(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                  if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef) and node.body
                  and isinstance(node.body[0], ast.Expr) and isinstance(node.body[0].value, ast.Constant)}
    return [node.value for node in ast.walk(tree) if isinstance(node, ast.Constant) and isinstance(node.value, str)
            and id(node) not in docstrings]


def test_the_code_and_templates_hold_nothing_of_the_seed(seed: District) -> None:
    """As the core's test asks of every plugin: no provision id, rule key, organisation id or Chinese
    citation of the seed in the code; here the templates too."""
    from liaison.law.model import OrgKind, Party
    from liaison.law.records import SECTIONS
    from liaison.law.rules import RECORD_KINDS, EngagementKind

    vocabulary = {*(k.value for k in OrgKind), *(p.value for p in Party), *(k.value for k in EngagementKind),
                  *RECORD_KINDS, *SECTIONS}
    ids = ({p.id for p in seed.provisions} | {r.key for p in seed.provisions for r in p.rules}
           | {o.id for o in seed.organisations}) - vocabulary
    citations = [p.citation_zh for p in seed.provisions if "（" in p.citation_zh]
    found = []
    for path in PACKAGE.rglob("*.py"):
        for text in _string_literals(path):
            found += [(path.name, text) for i in ids if text == i or (i.startswith("§") and i in text)]
            found += [(path.name, text) for c in citations if c in text]
    for path in (PACKAGE / "templates").iterdir():
        text = path.read_text(encoding="utf-8")
        found += [(path.name, i) for i in ids if re.search(rf"(?<![\w-]){re.escape(i)}(?![\w-])", text)]
        found += [(path.name, c) for c in citations if c in text]
        found += [(path.name, m) for m in re.findall(r"§\d", text)]
    assert found == []


def test_english_mode_with_records_leaves_chinese_only_in_the_data_it_quotes(seed: District, plan_2026: Plan,
                                                                            records_2026: Records) -> None:
    """The checker's English sentences quote the records' Chinese titles and numbers (区卫〔2026〕15号),
    the translation of a provision quotes its Chinese terms (列席); apart from those, the district's
    notes on its own settings (zh only in the data) and the source line, nothing Chinese shows."""
    from liaison.law.compliance import check

    tree = parse(page(seed, plan_2026, records=records_2026, lang="en"))
    visible = tree.find_all("body")[0].text("zh")
    quoted_data = [f.message_en for f in check(seed, records_2026, 2026).findings]
    quoted_data += [n for p in seed.provisions for r in p.rules for _, n in r.local.notes]
    quoted_data += [seed.info.part_period.note, seed.info.source, "中文"]
    quoted_data += [a.text("zh") for a in tree.find_all("article", "provision")]
    for text in sorted(quoted_data, key=len, reverse=True):
        visible = visible.replace(text, "")
    assert not CJK.findall(visible), sorted(set(CJK.findall(visible)))[:20]


def test_a_plan_citing_a_provision_the_data_lacks_is_an_export_error(seed: District, plan_2027: Plan) -> None:
    import pytest

    from liaison.base.errors import ExportError
    from liaison.host import plugins

    odd = attrs.evolve(plan_2027, engagements=(plan_2027.engagements[0].with_changes(provisions=("§99",)),))
    with pytest.raises(ExportError) as caught:
        plugins.exporter("html").run(seed, odd)
    assert "§99" in str(caught.value) and plan_2027.engagements[0].id in str(caught.value)
    assert caught.value.message_zh and "§99" in caught.value.message_zh
