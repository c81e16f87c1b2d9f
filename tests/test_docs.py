"""The docs stay true: the provision table is complete and the data-format example loads."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from builders import resolve

from liaison.formats.district import parse_district
from liaison.law.district import District

ROOT = Path(__file__).parents[1]


def all_test_names() -> set[str]:
    names: set[str] = set()
    for path in ROOT.rglob("test_*.py"):
        if ".venv" in path.parts or "node_modules" in path.parts:
            continue
        names.update(re.findall(r"^\s*def (test_\w+)", path.read_text(encoding="utf-8"), flags=re.M))
    return names




def test_the_provision_table_is_generated_from_the_data_and_up_to_date() -> None:
    import subprocess
    import sys

    done = subprocess.run([sys.executable, str(ROOT / "docs" / "make_provisions.py"), "--check"], capture_output=True)
    assert done.returncode == 0, "docs/provisions.md is out of date: run python docs/make_provisions.py"


def test_the_provision_table_covers_every_provision_with_real_code_and_tests(seed: District) -> None:
    rows = [line for line in (ROOT / "docs" / "provisions.md").read_text(encoding="utf-8").splitlines()
            if line.startswith("| §")]
    table = {row.split("|")[1].strip(): row.split("|") for row in rows}
    assert list(table) == [p.id for p in seed.provisions]
    tests = all_test_names()
    for pid, cells in table.items():
        code_refs = re.findall(r"`([\w.]+)`", cells[5])
        test_refs = re.findall(r"`(test_\w+)`", cells[6])
        assert code_refs and test_refs, pid
        for ref in code_refs:
            resolve(ref)
        missing = [t for t in test_refs if t not in tests]
        assert not missing, (pid, missing)


def test_the_annotated_example_in_the_data_format_reference_loads() -> None:
    text = (ROOT / "docs" / "data-format.md").read_text(encoding="utf-8")
    example = re.search(r"```toml\n(.*?)```", text, flags=re.S)
    assert example is not None
    district = parse_district(example.group(1), file="docs/data-format.md")
    assert len(district.pairings) >= 3


def test_the_package_docstring_example_runs() -> None:
    import doctest

    import liaison

    result = doctest.testmod(liaison, raise_on_error=False)
    assert result.attempted >= 4 and result.failed == 0


def test_the_plugin_guide_names_every_plugin_of_the_repository() -> None:
    guide = (ROOT / "docs" / "plugins.md").read_text(encoding="utf-8")
    plugins = sorted(p.name for p in (ROOT / "plugins").iterdir() if (p / "pyproject.toml").exists())
    assert plugins and [p for p in plugins if f"`{p}`" not in guide] == []


def test_the_readme_names_every_example() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    examples = sorted(p.name + ("/" if p.is_dir() else "") for p in (ROOT / "examples").iterdir()
                      if p.suffix == ".py" or (p / "pyproject.toml").exists())
    assert examples and [e for e in examples if f"`examples/{e}`" not in readme] == []


def test_the_error_lines_in_the_command_guide_are_what_the_command_prints(tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """docs/cli.md quotes errors as the command prints them: each is produced here and compared."""
    import importlib.resources

    from click.testing import CliRunner

    from liaison.host import plugins
    from liaison_cli.main import cli

    monkeypatch.setenv("LIAISON_PLUGINS", "ical")
    monkeypatch.chdir(tmp_path)
    plugins.reset()

    guide = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    seed = importlib.resources.files("liaison.data").joinpath("seed.toml").read_text(encoding="utf-8")
    fifth = [m.start() for m in re.finditer(r"^\[\[pairings\]\]", seed, flags=re.M)][4]
    (tmp_path / "district.toml").write_text(seed[:fifth] + seed[fifth:].replace("clause =", "clasue =", 1),
                                            encoding="utf-8")
    visits = [f'[[engagements]]\nkind = "visit"\ndate = 2027-03-0{i + 1}\nhost = "health"\nattended = ["health"{x}]\n'
              for i, x in enumerate(("", ', "农工总支"'))]
    (tmp_path / "records.toml").write_text('district = "seed"\n' + "".join(visits), encoding="utf-8")
    runs = (["pairings", "--data", "district.toml"], ["pairings", "--org", "卫生"],
            ["check", "--year", "2027", "--records", "records.toml", "--lang", "en"],
            ["export", "ical", "--year", "2027", "--out", "out", "--option", "alarm_minutes=soon", "--lang", "en"],
            ["invitees", "--event", "plenary_meeting", "--host", "民革支部", "--date", "2027-03-01"])
    try:
        for args in runs:
            result = CliRunner().invoke(cli, args)
            assert result.exit_code == 1, (args, result.output)
            line = result.stderr.strip().splitlines()[-1]
            assert line in guide, (args, line)
    finally:
        plugins.reset()


def _shape(value: object) -> object:
    """The keys of a JSON value, all the way down (the first item of a list standing for all)."""
    if isinstance(value, dict):
        return {k: _shape(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_shape(value[0])] if value else []
    return None


def test_the_json_examples_in_the_command_guide_have_the_shape_the_command_prints() -> None:
    """The route and invitees examples of docs/cli.md, run as they say: the same keys at every level."""
    import json

    from click.testing import CliRunner

    from liaison_cli.main import cli

    guide = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    examples = re.findall(r"### `liaison (route|invitees)`.*?JSON \(`([^`]*)`\):\n\n```json\n(.*?)```", guide, re.S)
    assert len(examples) == 2
    for command, args, shown in examples:
        result = CliRunner().invoke(cli, [command, *args.split(), "--format", "json"])
        assert result.exit_code == 0, result.output
        assert _shape(json.loads(shown)) == _shape(json.loads(result.stdout)), command
