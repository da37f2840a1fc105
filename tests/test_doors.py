"""One question, one answer: every door gives the same numbers for every preset.

The doors: the library call (:func:`autarky.solve`, or the run service for kinds that
are not one equilibrium), ``autarky run --out`` (results.parquet, blocs.csv), the report's
embedded map data, the Excel workbook, the app's solve function and, where a claim uses
the preset, :func:`autarky.claims`. Every preset ``autarky presets`` lists (templates with a
sample parameter) is run on its default world and on icio2023 2022; welfare by country
and the world and group aggregates must agree to 1e-9. A second test checks that every
flag either acts or is refused in one line, for every kind.
"""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
from typer.testing import CliRunner

import autarky as ak
from autarky.cli import app as cli_app

from .helpers import SHARED

TOL = 1e-9
FAST = ("two-blocs", "union-state", "eurasian-macro-state", "autarky:RUS")


def _names() -> list[str]:
    return [n.replace(":ISO", ":RUS") for n in ak.presets.listing()]


def _cases() -> list[tuple[str, str | None, int | None]]:
    out = []
    for name in _names():
        kind = ak.presets.kind(name)
        if kind == "ilms":
            out.append((name, None, None))
            continue
        own = ak.presets.default_world(name)[0]
        worlds = [(own, None)] if own not in (None, "icio2023") else []
        worlds.append(("icio2023", 2022))
        out += [(name, w, y) for w, y in worlds]
    return out


def _param(case: tuple[str, str | None, int | None]) -> object:
    name, world, year = case
    marks = [] if (name in FAST and world == "icio2023") else [pytest.mark.slow]
    if ak.presets.kind(name) == "ilms":
        marks.append(pytest.mark.shared)
    return pytest.param(*case, marks=marks, id=f"{name}-{world or 'own'}-{year or 'latest'}")


def _cli(*args: str) -> str:
    r = CliRunner().invoke(cli_app, list(args), catch_exceptions=False)
    assert r.exit_code == 0, r.output
    return r.output


def _report_map(path: Path) -> pd.Series:
    doc = path.read_text(encoding="utf-8")
    m = re.search(r'Plotly.newPlot\(\s*"fig-(?:map|welfare)",\s*(\[.*?\]),\s*\{', doc, re.S)
    assert m, "no map in the report"
    traces = json.loads(m.group(1))
    main = next(t for t in traces if t.get("type") == "choropleth" and t.get("showscale"))
    z = main["z"]
    if isinstance(z, dict):  # plotly >= 6: base64 typed arrays
        z = np.frombuffer(base64.b64decode(z["bdata"]), dtype=z["dtype"])
    return pd.Series(np.asarray(z, float), index=main["locations"])


def _sheet(path: Path, name: str) -> pd.DataFrame:
    wb = openpyxl.load_workbook(path, read_only=True)
    rows = list(wb[name].values)
    return pd.DataFrame(rows[1:], columns=rows[0])


@pytest.mark.parametrize(("name", "world", "year"), [_param(c) for c in _cases()])
def test_every_door_gives_the_same_numbers(name: str, world: str | None, year: int | None,
                                           tmp_path: Path) -> None:
    kind = ak.presets.kind(name)
    if kind == "ilms":
        folder = SHARED / "us-tariff-2025"
        if not folder.is_dir():
            pytest.skip(f"the ILMS (2025) data are not in {folder}")
        world = str(folder)
    spec = ak.RunSpec(name, world=world, year=year, range=False)
    outcome = ak.service.run(spec)
    # the library call
    if kind == "equilibrium":
        w = outcome.world
        lib = ak.solve(w, ak.presets.get(name))
        np.testing.assert_allclose(lib.welfare.to_numpy(), outcome.welfare.to_numpy(),
                                   atol=TOL, rtol=0)
        agg = lib.aggregate({**ak.presets.get(name).blocs(w), "world": w.countries})
        np.testing.assert_allclose(agg["welfare"], outcome.aggregates["welfare"], atol=TOL)
        by_name = ak.solve(w, name)  # the preset by its name, as `autarky run NAME`
        np.testing.assert_allclose(by_name.welfare.to_numpy(), outcome.welfare.to_numpy(),
                                   atol=TOL, rtol=0)
    else:
        with pytest.raises(ak.errors.ScenarioError, match=f"autarky run {name}"):
            ak.solve(outcome.world, name)
    welfare = outcome.welfare
    # the command line, its record, report and workbook
    out, xlsx = tmp_path / "out", tmp_path / "book.xlsx"
    # the report and the workbook are compared for every preset on icio2023 2022; on a
    # preset's own default world the record, the library and the app (time: the report's
    # dependency heatmap and the workbook of a 194-economy world take seconds each)
    full = world == "icio2023" or kind not in ("equilibrium",)
    args = ["run", name, "--no-range", "--out", str(out)]
    if full:
        args += ["--report", "--excel", str(xlsx)]
    if world is not None:
        args += ["--world", world]
    if year is not None:
        args += ["--year", str(year)]
    _cli(*args)
    stored = pd.read_parquet(out / "results.parquet")
    book_name = {"equilibrium": "headline", "bloc-choice": "bloc_choice", "nash": "nash",
                 "ilms": "liberation_day"}[kind]
    book = _sheet(xlsx, book_name) if full else None
    if kind == "equilibrium":
        sw = stored[stored["variable"] == "welfare"].set_index("country")["value"]
        np.testing.assert_allclose(sw.reindex(welfare.index), welfare, atol=TOL, rtol=0)
        blocs = pd.read_csv(out / "blocs.csv").set_index("group")["welfare"]
        np.testing.assert_allclose(blocs.reindex(outcome.aggregates.index),
                                   outcome.aggregates["welfare"], atol=TOL)
        if book is not None:
            bw = book.set_index("country")["welfare_pct"].astype(float)
            np.testing.assert_allclose(bw.reindex(welfare.index), welfare, atol=TOL, rtol=0)
            bb = _sheet(xlsx, "blocs").set_index("group")["welfare"].astype(float)
            np.testing.assert_allclose(bb.reindex(outcome.aggregates.index),
                                       outcome.aggregates["welfare"], atol=TOL)
            shown = _report_map(out / "report.html")
            np.testing.assert_allclose(shown, welfare.reindex(shown.index), atol=TOL, rtol=0)
    else:
        col = "welfare_pct" if kind == "nash" else "welfare"
        keys = list(welfare.index.names)
        got = (stored.reset_index().set_index(keys)[col] if kind == "bloc-choice"
               else stored[col])
        np.testing.assert_allclose(got.reindex(welfare.index), welfare, atol=TOL, rtol=0)
        bw = book.set_index(keys)[col].astype(float)
        np.testing.assert_allclose(bw.reindex(welfare.index), welfare, atol=TOL, rtol=0)
        assert (out / "report.html").stat().st_size > 1000
    # the app's solve function
    if kind != "ilms":
        from autarky.app import solve as app_solve

        ds = world or ak.presets.default_world(name)[0] or "icio2023"
        app = app_solve(ds, year, "median", name, with_range=False)  # range: not compared
        np.testing.assert_allclose(app.welfare.to_numpy(), welfare.to_numpy(), atol=TOL,
                                   rtol=0)
        if app.aggregates is not None:
            np.testing.assert_allclose(app.aggregates["welfare"],
                                       outcome.aggregates["welfare"], atol=TOL)


def test_library_call_by_preset_name_refuses_unknown_names_in_one_line() -> None:
    w = ak.load_world("wiod2016")
    with pytest.raises(ak.errors.ScenarioError) as err:
        ak.solve(w, "two-bloc")
    assert "unknown preset 'two-bloc'; available:" in str(err.value)
    assert "\n" not in str(err.value)


@pytest.mark.slow
def test_claims_equal_the_runs() -> None:
    """Claim 6 (eurasian-macro-state) and claim 5 (bloc choice) are the runs' numbers."""
    import importlib

    claims = importlib.import_module("autarky.claims")  # ak.claims is the function
    ctx = claims.Context()
    c6 = claims.eurasian_sovereignty(ctx)
    members = c6.tables["eurasian_members"].set_index("country")["welfare"]
    run = ak.service.run(ak.RunSpec("eurasian-macro-state", range=False))
    np.testing.assert_allclose(members, run.welfare.reindex(members.index), atol=TOL, rtol=0)


_FLAGS = {
    "--show": ["--show", "gdp"], "--draws": ["--draws", "2"], "--deficits": ["--deficits",
                                                                             "zero"],
    "--year": ["--year", "2014"], "--unavailable": ["--unavailable", "floor"],
}


@pytest.mark.parametrize("name", ["nash", "liberation-day", "bloc-choice", "two-blocs"])
def test_every_flag_acts_or_is_refused_in_one_line(name: str, monkeypatch, capsys) -> None:
    """A flag a kind cannot honour: exit 2, one line naming the flag; before any solve."""
    import sys

    from autarky.cli import main

    kind = ak.presets.kind(name)
    allowed = ak.service.OUTPUTS[kind] + ak.service._OPTIONS_OF[kind]
    refused = 0
    for flag, args in _FLAGS.items():
        if flag[2:] in allowed:
            continue
        monkeypatch.setattr(sys, "argv", ["autarky", "run", name, *args])
        monkeypatch.setattr(ak.run, "load", _no_load)  # refused before any world is loaded
        with pytest.raises(SystemExit) as exc:
            main()
        err = [x for x in capsys.readouterr().err.splitlines() if x.strip()]
        assert exc.value.code == 2, (flag, err)
        assert len(err) == 1 and flag in err[0] and "does not apply" in err[0], (flag, err)
        refused += 1
    assert refused == len(_FLAGS) - len([f for f in _FLAGS if f[2:] in allowed])


def _no_load(*args: object, **kwargs: object) -> None:
    raise AssertionError("a refused flag must be refused before the world is loaded")
