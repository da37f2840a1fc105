"""One convention for every command (issue 32, item 1), checked over every command.

``--out`` with a flag ``--overwrite`` (an existing target refused in one line, exit 2);
the country given as ``--country`` in any case; ``--year`` a base year, never a column;
``--top`` honoured by every table; the library's default elasticities the commands' own;
boolean flags without a ``<bool>`` metavar.
"""

from __future__ import annotations

import inspect
import sys
from pathlib import Path
from typing import Any

import pytest
import typer
import typer._click as click  # typer's own click (its commands are not the click package's)

import autarky as ak
from autarky import run as run_
from autarky.cli import app

from .helpers import error_lines, run_cli


def _commands() -> list[tuple[str, Any]]:
    out: list[tuple[str, Any]] = []

    def walk(cmd: Any, path: list[str]) -> None:
        if hasattr(cmd, "commands"):
            for name, sub in cmd.commands.items():
                if not sub.hidden:
                    walk(sub, [*path, name])
        else:
            out.append((" ".join(path), cmd))

    walk(typer.main.get_command(app), [])
    return out


COMMANDS = _commands()
NAMES = [n for n, _ in COMMANDS]


_CLICK_TYPES = {"integer": int, "int": int, "boolean": bool, "bool": bool, "float": float,
                "text": str}


def _annotation(p: Any) -> Any:
    """The Python type an option converts to (typer 0.25-0.28: the click type's name)."""
    described = getattr(getattr(p, "type_descriptor", None), "annotation", None)
    if described is not None:
        return described
    return _CLICK_TYPES.get(getattr(p.type, "name", ""), p.type)


def _visible(cmd: Any) -> list[Any]:
    return [p for p in cmd.params if not getattr(p, "hidden", False)]


def test_the_command_tree_is_complete() -> None:
    """The parametrised tests below see every command (a walk that found none passes all)."""
    for name in ("run", "compare", "nash", "report", "deps", "shortage", "info", "query",
                 "gravity simulate", "claims"):
        assert name in NAMES


@pytest.mark.parametrize(("name", "cmd"), COMMANDS, ids=NAMES)
def test_out_is_out_with_an_overwrite_flag(name: str, cmd: Any) -> None:
    opts = {o for p in _visible(cmd) for o in p.opts}
    assert not opts & {"-o", "--output"}, f"{name}: the output option is --out"
    if "--out" in opts:
        ow = [p for p in cmd.params if "--overwrite" in p.opts]
        assert ow, f"{name}: --out without --overwrite"
        assert ow[0].is_flag and not ow[0].secondary_opts


@pytest.mark.parametrize(("name", "cmd"), COMMANDS, ids=NAMES)
def test_boolean_flags_have_no_metavar(name: str, cmd: Any) -> None:
    ctx = click.Context(cmd, info_name=name)
    assert "<bool>" not in cmd.get_help(ctx)
    for p in _visible(cmd):
        if p.param_type_name == "option" and _annotation(p) in (bool, bool | None):
            assert p.is_flag, f"{name} {p.opts}: a boolean option that takes a value"


@pytest.mark.parametrize(("name", "cmd"), COMMANDS, ids=NAMES)
def test_year_is_a_year(name: str, cmd: Any) -> None:
    for p in _visible(cmd):
        if "--year" in p.opts:
            assert _annotation(p) in (int, int | None), \
                f"{name}: --year is a base year, not {_annotation(p)}"


@pytest.mark.parametrize(("name", "cmd"), COMMANDS, ids=NAMES)
def test_a_country_is_given_as_country(name: str, cmd: Any) -> None:
    for p in _visible(cmd):
        assert not (p.param_type_name == "argument" and p.name in ("iso", "country")), \
            f"{name}: the country is --country, not an argument"
        if p.param_type_name == "option" and p.name in ("iso", "country", "code"):
            assert p.opts == ["--country"]


@pytest.mark.parametrize("name", ["deps", "shortage", "nash"])
def test_commands_of_one_country_take_country(name: str) -> None:
    cmd = dict(COMMANDS)[name]
    assert any(p.opts == ["--country"] for p in cmd.params)


@pytest.mark.parametrize("name", ["autarky.solve", "autarky.nash.nash",
                                  "autarky.nash.optimal_tariff",
                                  "autarky.nash.optimal_retaliation", "autarky.run.solve"])
def test_library_defaults_are_the_commands_elasticities(name: str) -> None:
    """Every solve of the library defaults to the elasticities of every command (Nash too:
    Lashkaripour's 4.0 is given explicitly where his setting is reproduced)."""
    import importlib

    mod, _, attr = name.rpartition(".")
    fn = getattr(importlib.import_module(mod), attr)
    default = inspect.signature(fn).parameters["elasticities"].default
    assert default == run_.DEFAULT_ELASTICITIES == "median"


def _w3(path: Path, lower: bool = False) -> Path:
    text = ("importer,exporter,value\nRUS,RUS,100\nRUS,KAZ,5\nRUS,DEU,7\n"
            "KAZ,KAZ,50\nKAZ,RUS,6\nKAZ,DEU,2\nDEU,DEU,300\nDEU,RUS,8\nDEU,KAZ,3\n")
    path.write_text(text.lower() if lower else text)
    return path


def _panel(tmp: Path) -> Path:
    from .test_gravity import _panel as make

    p = tmp / "panel.csv"
    make(6).to_csv(p, index=False)
    return p


# every command that writes --out: its argv with the target last
_OUT_ARGV = {
    "run": lambda t: ["run", "autarky:RUS", "--world", str(_w3(t / "w.csv")),
                      "--elasticities", "4", "--no-range"],
    "nash": lambda t: ["nash", "--world", str(_w3(t / "w.csv")), "--elasticities", "4"],
    "compare": lambda t: ["compare", "autarky:RUS", "autarky:KAZ", "--world",
                          str(_w3(t / "w.csv")), "--elasticities", "4", "--no-range"],
    "report": lambda t: ["report", str(t / "no-record")],
    "gravity simulate": lambda t: ["gravity", "simulate", str(_panel(t)), "--formula",
                                   "trade ~ ln_dist + fta + intl", "--year-column", "none",
                                   "--set", "fta=0"],
    "claims": lambda t: ["claims", "--only", "2"],
    "query": lambda t: ["query", "SELECT 1", "--store", str(t / "no-store")],
}


@pytest.mark.parametrize("name", sorted(_OUT_ARGV))
@pytest.mark.parametrize("kind", ["folder", "file"])
def test_an_existing_out_is_refused_in_one_line(name: str, kind: str, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    """Every --out: an existing target (a non-empty folder, or a file) is refused, exit 2,
    before any work, and is left as it was."""
    assert set(_OUT_ARGV) == {n for n, c in COMMANDS if any("--out" in p.opts
                                                              for p in c.params)}
    target = tmp_path / "target"
    if kind == "folder":
        target.mkdir()
        (target / "keep.txt").write_text("mine")
    else:
        target.write_text("mine")
    argv = [*_OUT_ARGV[name](tmp_path), "--out", str(target)]
    code, out, err = run_cli(monkeypatch, capsys, *argv)
    lines = error_lines(err)
    assert code == 2 and len(lines) == 1, err
    assert str(target) in lines[0] and ("--overwrite" in lines[0] or "folder" in lines[0])
    assert (target / "keep.txt" if kind == "folder" else target).read_text() == "mine"


def test_overwrite_replaces_a_file_whole(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    """gravity simulate --out FILE --overwrite: written beside, moved into place."""
    dest = tmp_path / "ge.csv"
    dest.write_text("old")
    code, _, err = run_cli(monkeypatch, capsys, *_OUT_ARGV["gravity simulate"](tmp_path),
                           "--out", str(dest), "--overwrite")
    assert code == 0, err
    assert dest.read_text().startswith("country") or "IMR" in dest.read_text()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".ge.csv")] == []


def test_old_spellings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                       capsys: pytest.CaptureFixture[str]) -> None:
    """report -o works with a one-line note; gravity --year (a column) says --year-column."""
    code, _, err = run_cli(monkeypatch, capsys, "report", str(tmp_path / "none"), "-o",
                           str(tmp_path / "r.html"))
    assert code == 2 and "deprecated; use --out" in err  # then the missing record, exit 2
    code, _, err = run_cli(monkeypatch, capsys, "gravity", "estimate", str(_panel(tmp_path)),
                           "--formula", "trade ~ ln_dist", "--year", "none")
    lines = error_lines(err)
    assert code == 2 and len(lines) == 1 and "--year-column none" in lines[0]


def test_deps_country_any_case_and_the_old_argument(monkeypatch: pytest.MonkeyPatch,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_cli(monkeypatch, capsys, "deps", "--country", "deu", "--top", "1")
    assert code == 0, err
    assert "DEU in wiod2013" in out and "deprecated" not in err
    code, out2, err = run_cli(monkeypatch, capsys, "deps", "DEU", "--top", "1")
    assert code == 0 and out2 == out
    assert "note: the country as an argument is deprecated; use --country DEU" in err


def test_lower_case_codes_in_nash_and_in_files(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    lower = _w3(tmp_path / "lower.csv", lower=True)
    upper = _w3(tmp_path / "upper.csv")
    assert ak.data.read_flows(lower).countries == ak.data.read_flows(upper).countries
    outs = []
    for world, country in ((lower, "kaz"), (upper, "KAZ")):
        code, out, err = run_cli(monkeypatch, capsys, "nash", "--world", str(world),
                                 "--elasticities", "4", "--country", country,
                                 "--format", "csv")
        assert code == 0, err
        outs.append(out)
    assert outs[0] == outs[1] and "KAZ" in outs[0]


def _bodies(text: str) -> list[list[str]]:
    """The body rows of every rich table in ``text`` (a wrapped row counts once)."""
    bodies: list[list[str]] = []
    cur: list[str] | None = None
    indent = 0
    for line in text.splitlines():
        s = line.strip()
        if s and set(s) <= set("─━┡┩╇┼ ") and ("─" in s or "━" in s):
            cur = []
            bodies.append(cur)
            continue
        if cur is None:
            continue
        if not s or s[0] in "└┗":
            cur = None
            continue
        first = len(line) - len(line.lstrip(" │┃"))
        if not cur:
            indent = first
        if first == indent and line.lstrip(" │┃")[:1] != "":
            cur.append(line)
    return bodies


@pytest.mark.parametrize("argv", [
    ["run", "two-blocs", "--no-range"],
    ["run", "two-blocs", "--no-range", "--show", "all"],
    pytest.param(["run", "bloc-choice", "--no-range"], marks=pytest.mark.slow),
    ["nash"],
    ["compare", "two-blocs", "three-blocs", "--no-range"],
    ["info"],
    ["deps", "--country", "DEU"],
    ["shortage", "--country", "RUS"],
], ids=lambda a: " ".join(a[:2]) + (" --show" if "--show" in a else ""))
def test_top_is_honoured_by_every_table(argv: list[str], monkeypatch: pytest.MonkeyPatch,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    """--top 5: no table of a command has more than 10 rows (the 5 largest and 5 smallest,
    or the first 5); without the cut each of these prints dozens."""
    from autarky.cli import main

    monkeypatch.setattr(sys, "argv", ["autarky", *argv, "--top", "5"])
    monkeypatch.setenv("COLUMNS", "1000")  # no wrapped cells
    with pytest.raises(SystemExit) as exc:
        main()
    out = capsys.readouterr()
    assert exc.value.code in (0, None), out.err
    bodies = _bodies(out.out)
    assert bodies and max(len(b) for b in bodies) >= 2
    assert max(len(b) for b in bodies) <= 10, [len(b) for b in bodies]


@pytest.mark.parametrize("what", ["--excel", "--figures", "--report"])
def test_every_other_target_follows_the_same_rule(what: str, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    """--excel FILE, --figures DIR and the report written beside (./NAME-report.html): an
    existing one is refused in one line, exit 2, unless --overwrite, which writes it."""
    monkeypatch.chdir(tmp_path)
    argv = _OUT_ARGV["run"](tmp_path)
    if what == "--excel":
        target, extra = tmp_path / "t.xlsx", [what, str(tmp_path / "t.xlsx")]
        target.write_text("mine")
    elif what == "--figures":
        target, extra = tmp_path / "figs", [what, str(tmp_path / "figs")]
        target.mkdir()
        (target / "keep.txt").write_text("mine")
    else:
        target, extra = tmp_path / "autarky-RUS-report.html", [what]
        target.write_text("mine")
    code, _, err = run_cli(monkeypatch, capsys, *argv, *extra)
    lines = error_lines(err)
    assert code == 2 and len(lines) == 1 and "--overwrite" in lines[0], err
    assert (target / "keep.txt" if target.is_dir() else target).read_text() == "mine"
    if what != "--figures":  # figures need kaleido and Chromium: not rendered here
        code, _, err = run_cli(monkeypatch, capsys, *argv, *extra, "--overwrite")
        assert code == 0, err
        assert target.read_bytes() != b"mine"
