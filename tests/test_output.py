"""Readable output: formats, the one-line warnings, units in headers, the map's scale."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from autarky.report import html as rhtml

REPO = Path(__file__).resolve().parents[1]


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "autarky.cli", *args], capture_output=True,
                          text=True, cwd=REPO, check=False)


def test_fmt_num_by_size() -> None:
    assert rhtml.fmt_num(10_089_154.1037) == "10,089,154"
    assert rhtml.fmt_num(141_399.18, signed=True) == "+141,399"
    assert rhtml.fmt_num(-0.0001, signed=True) == "+0.000"  # no "-0.000"
    assert rhtml.fmt_num(-3.14159, signed=True) == "-3.142"
    assert rhtml.fmt_num(float("nan")) == ""


def test_column_names_carry_units() -> None:
    assert rhtml.pretty("welfare_pct") == "welfare, %"
    assert rhtml.pretty("tariff_revenue_after") == "tariff revenue after, million USD"
    assert rhtml.pretty("domestic_share_before") == "domestic share before, share"
    assert rhtml.pretty("value_added_pp") == "value added, pp"


def test_decisive_assumptions_rule() -> None:
    from autarky.cli_show import decisive

    keep, rest = decisive(["model: CP 2015", "numeraire: world value added",
                           "calibrated: x1.14", "Deficit rule 'fixed' ...", "bloc lists"])
    assert keep == ["model: CP 2015", "calibrated: x1.14", "Deficit rule 'fixed' ..."]
    assert rest == ["numeraire: world value added", "bloc lists"]


def test_map_scale_is_clipped_and_clipped_economies_listed() -> None:
    codes = ["USA", "CHN", "DEU", "FRA", "JPN", "GBR", "ITA", "CAN", "KOR", "IND", "BRA",
             "MEX", "AUS", "ESP", "IDN", "NLD", "TUR", "SAU", "CHE", "POL", "SGP", "KAZ"]
    vals = np.r_[np.linspace(-1, 1, len(codes) - 1), -40.0]  # one outlier (KAZ)
    fig = rhtml.value_map(codes, vals, "t", "sub", "src")
    data = next(t for t in fig.data if t.type == "choropleth" and t.showscale)
    assert data.zmax == -data.zmin and data.zmax < 2  # symmetric, not set by the outlier
    np.testing.assert_array_equal(np.asarray(data.z), vals)  # the values, unclipped
    note = fig.layout.annotations[0].text
    assert "clipped" in note and "KAZ -40.00" in note
    dots = next(t for t in fig.data if t.type == "scattergeo")
    assert "SGP" in " ".join(dots.text)  # too small to see: a dot
    nodata = fig.data[0]
    assert nodata.name == "no separate data" and "RUS" in nodata.locations


def test_figure_csv_carries_title_and_source(tmp_path: Path) -> None:
    from autarky.report.figures import figure_csv

    fig = rhtml.value_map(["USA", "CHN"], [1.0, -2.0], "Welfare", "two-blocs, icio2023",
                          "Source: OECD")
    p = figure_csv(fig, tmp_path / "map.csv")
    text = p.read_text()
    assert text.startswith("# Welfare - two-blocs, icio2023") and "Source: OECD" in text
    df = pd.read_csv(p, comment="#")
    assert dict(zip(df["country"], df["value"], strict=True)) == {"USA": 1.0, "CHN": -2.0}


@pytest.mark.slow
def test_run_formats_and_folded_members_line() -> None:
    r = _cli("run", "autarky:ARM", "--no-range", "--top", "2", "--format", "csv")
    assert r.returncode == 0, r.stderr
    df = pd.read_csv(io.StringIO(r.stdout))
    assert list(df.columns)[:3] == ["country", "name", "welfare, %"]
    assert "changes nothing on icio2023: ARM is folded into ROW; --world world194" in r.stderr
    assert "data repairs" in r.stderr and r.stderr.count("\n") <= 4  # no per-repair notes
    j = _cli("run", "autarky:RUS", "--no-range", "--top", "1", "--format", "json")
    rows = json.loads(j.stdout)
    from autarky.data.scenario_data import country_name

    assert len(rows) == 2 and all(r["name"] == country_name(r["country"]) for r in rows)
    assert rows[-1]["country"] == "BLR" and rows[-1]["name"] == "Belarus"  # largest loss
    m = _cli("run", "autarky:RUS", "--no-range", "--top", "1", "--format", "markdown")
    assert "| country | name | welfare, % |" in m.stdout
    t = _cli("run", "autarky:RUS", "--no-range", "--top", "1")
    assert "…" not in t.stdout and "Belarus" in t.stdout and "--details" in t.stdout
    assert _cli("run", "--format", "xml").returncode == 2


def test_own_data_without_catalog_names_the_elasticities_flag(tmp_path: Path) -> None:
    f = tmp_path / "my.csv"
    f.write_text("importer,exporter,value\nFRA,FRA,10\nFRA,DEU,1\nDEU,DEU,30\nDEU,FRA,2\n")
    r = _cli("run", "autarky:FRA", "--world", str(f))
    assert r.returncode == 2 and len(r.stderr.strip().splitlines()) == 1
    assert "--elasticities 4" in r.stderr


@pytest.mark.slow
def test_compare_out_follows_the_run_convention_and_writes_a_report(tmp_path: Path) -> None:
    out = tmp_path / "cmp"
    out.mkdir()
    (out / "old.txt").write_text("x")
    args = ("compare", "two-blocs", "three-blocs", "--no-range", "--top", "1", "--out", str(out))
    r = _cli(*args)
    assert r.returncode == 2 and "--overwrite" in r.stderr and (out / "old.txt").exists()
    r = _cli(*args, "--overwrite", "--report")
    assert r.returncode == 0, r.stderr
    assert not (out / "old.txt").exists() and (out / "comparison.csv").exists()
    html = (out / "report.html").read_text()
    assert "fig-difference" in html and "viewport" in html


def test_units_of_every_written_column() -> None:
    assert rhtml.pretty("before") == "before, million USD"
    import autarky as ak
    from autarky import service
    from autarky.report import outputs

    w = ak.load_world("wiod2013", year=2011)
    o = service.run(service.RunSpec("autarky:RUS", world=w, range=False))
    u = outputs.units_table(o).set_index(["table", "column"])["unit"]
    assert u[("headline", "gdp_before")] == "million USD"
    assert u[("headline", "welfare_pct")] == "%"
    assert u[("diversion", "before")] == "million USD"
    assert set(u.index.get_level_values("table")) == set(outputs.tables(o))


def test_app_serves_the_package_country_shapes() -> None:
    # the app's maps read the shapes from its static folder: the same file as the package's
    from pathlib import Path

    import autarky

    root = Path(autarky.__file__).parent
    assert (root / "app" / "static" / "countries.geojson").read_bytes() == (
        root / "data" / "embedded" / "countries.geojson").read_bytes()
