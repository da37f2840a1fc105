from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import autarky as ak
from autarky.errors import DataError, RepairWarning

from .helpers import REPO, cli, shared_path


def test_datasets_table() -> None:
    df = ak.datasets()
    assert set(df.index) == {"icio2023", "icio194", "wiod2013", "wiod2016", "world194"}
    assert df.loc["icio194", ["countries", "sectors", "io_links"]].tolist() == [194, 29, True]
    assert df.loc["icio2023", ["countries", "sectors"]].tolist() == [81, 29]
    assert df.loc["wiod2013", ["countries", "sectors"]].tolist() == [41, 35]
    assert df.loc["wiod2016", ["countries", "sectors"]].tolist() == [44, 16]
    assert df["license"].str.len().min() > 10 and df["citation"].str.len().min() > 10


def test_embedded_data_within_budget() -> None:
    folder = REPO / "src" / "autarky" / "data" / "embedded"
    total = sum(f.stat().st_size for f in folder.iterdir())
    assert total < 40e6
    assert not any("cp2015" in f.name.lower() for f in folder.iterdir())


def test_icio2023_2022_matches_source() -> None:
    w = ak.load_world("icio2023", year=2022)
    assert w.shape == (81, 29)
    assert {"RUS", "BLR", "KAZ", "UKR", "ROW"} <= set(w.countries)
    assert w.has_io and w.mrio is None  # IO links from ICIO 2020 (tests/test_icio_data.py)
    src = np.load(shared_path("icio2023-tradecube", "icio_trade_cube_2011_2022.npz"))
    X = src["X"][-1]  # [exporter, importer, sector]
    assert int(src["years"][-1]) == 2022
    assert float(w.flows.sum()) == pytest.approx(X.sum(), rel=1e-6)
    # orientation: importer DEU, exporter CHN
    i, e = list(src["countries"]).index("DEU"), list(src["countries"]).index("CHN")
    # the services aggregate is split into other services (SERV) and TRAVEL (issue 15)
    merged = w.aggregate(sectors={"SERV": ["SERV", "TRAVEL"]})
    assert np.allclose(merged.flows.sel(importer="DEU", exporter="CHN").values, X[e, i])
    assert np.allclose(merged.flows.sum(("importer", "exporter")).values,
                       X.sum(axis=(0, 1)), rtol=1e-6)
    assert np.allclose(merged.gross_output.values, X.sum(axis=1), rtol=1e-6)
    T = src["tariff"][-1]
    w = ak.load_world("icio2023", year=2022, tariffs="as-published")
    t_src = T[list(src["countries"]).index("CHN"), list(src["countries"]).index("USA")]
    t = w.tariffs.sel(importer="USA", exporter="CHN").values
    assert np.allclose(t[:28], t_src) and t[28] == t_src[27]  # travel: the services rate


@pytest.mark.parametrize("year", [2011, 2016, 2022])
def test_icio2023_years(year: int) -> None:
    w = ak.load_world("icio2023", year=year)
    assert w.year == year
    a = w.arrays()
    # 41 country-sector pairs with no home production in 2022, reported not hidden
    assert np.allclose(a["trade_shares"].sum(axis=1), 1.0)


def test_wiod2013_2011_io_tables() -> None:
    with pytest.warns(RepairWarning):
        w = ak.load_world("wiod2013", year=2011)
    assert w.shape == (41, 35) and w.has_io and w.mrio is not None
    a = w.arrays()
    assert (a["io"] >= 0).all() and (a["io"] <= 1).all()
    assert (a["value_added_share"] >= 0).all() and (a["value_added_share"] <= 1).all()
    assert np.allclose(a["io"].sum(axis=1) + a["value_added_share"], 1.0, atol=1e-12)
    assert np.allclose(a["final_share"].sum(axis=1), 1.0)
    assert (a["final_share"] >= 0).all()
    assert "ROU" in w.countries and "ROW" in w.countries
    assert w.dataset.attrs["sector_names"][0].startswith("Agriculture")


def test_wiod2013_totals_match_source() -> None:
    src = np.load(shared_path("wiod2013-mrio", "wiod2013_release_1995_2011.npz"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RepairWarning)
        w = ak.load_world("wiod2013", year=2011)
    Z, F = src["Z"][-1].astype(float), src["F"][-1].astype(float)
    assert np.array_equal(w.mrio.Z, Z) and np.array_equal(w.mrio.Y, F)
    # flows = Z + F by (supplier, buyer country), up to rule R1 (negative cells set to zero)
    raw = (Z.reshape(41, 35, 41, 35).sum(3) + F.reshape(41, 35, 41, 5).sum(3))
    assert float(w.flows.sum()) == pytest.approx(raw.clip(min=0).sum(), rel=1e-12)
    assert float(w.flows.sum()) == pytest.approx(raw.sum(), rel=1e-4)


def test_wiod2016_loads() -> None:
    w = ak.load_world("wiod2016", year=2014)
    assert w.shape == (44, 16) and "SERV" in w.sectors


def test_bad_year_and_name() -> None:
    with pytest.raises(DataError, match="year 1990 not available"):
        ak.load_world("icio2023", year=1990)
    with pytest.raises(DataError, match="unknown world 'nowhere'"):
        ak.load_world("nowhere")


@pytest.mark.parametrize("dataset", ["icio2023", "wiod2013", "wiod2016"])
def test_elasticity_catalog_covers_every_sector(dataset: str) -> None:
    w_sectors = ak.datasets().loc[dataset, "sectors"]
    sources = ak.data.elasticity_sources().index
    assert {"cp2015", "uniform4", "shapiro2016", "bsy2021", "gyy2021", "fgo2022", "ll2023",
            "in-sample"} <= set(sources)
    for src in sources:
        th = ak.elasticities(dataset, src)
        assert len(th) == w_sectors and (th > 0).all()
    with pytest.raises(DataError, match="unknown source 'nope'"):
        ak.elasticities(dataset, "nope")


def test_elasticities_cp2015_values() -> None:
    th = ak.elasticities("icio2023", "cp2015")
    assert th["A01"] == 9.11 and th["B05"] == 13.53  # CP (2015) Table 1: agriculture, mining


def test_elasticities_computed_once_and_handed_out_as_copies(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from autarky.data import embedded_data as ed

    first = ak.elasticities("icio2023")
    want = first.copy(deep=True)
    first.iloc[0] = -1.0  # a caller changing its Series (values and attrs) ...
    first.attrs["count"].iloc[0] = 99
    again = ak.elasticities("icio2023")  # ... changes nothing for the next one
    pd.testing.assert_series_equal(again, want)
    assert again.attrs.keys() == want.attrs.keys()
    assert again.attrs["count"].equals(want.attrs["count"])
    assert all(again.attrs[k] == v for k, v in want.attrs.items() if k != "count")
    # a swapped catalog table is read, not the Series computed from the old one
    tab = ed._elasticity_table().copy()
    tab.loc[(tab["dataset"] == "icio2023") & (tab["source"] == "cp2015"), "theta"] *= 2.0
    monkeypatch.setattr(ed, "_elasticity_table", lambda: tab)
    assert ak.elasticities("icio2023", "cp2015")["A01"] == pytest.approx(2 * 9.11)
    monkeypatch.undo()
    assert ak.elasticities("icio2023", "cp2015")["A01"] == 9.11


def test_pymrio_conversion() -> None:
    pymrio = pytest.importorskip("pymrio")
    io = pymrio.load_test()
    w = ak.load_world(io)
    assert w.shape == (6, 8) and w.has_io
    assert float(w.flows.sum()) == pytest.approx(io.Z.values.sum() + io.Y.values.sum(), rel=1e-12)
    a = w.arrays()
    assert np.allclose(a["io"].sum(axis=1) + a["value_added_share"], 1.0)
    # the input coefficients are purchases per unit of output (Miller-Blair A, summed over origins)
    x = io.Z.values.sum(1) + io.Y.values.sum(1)
    A = io.Z.values / x[None, :]
    A_by_country = A.reshape(6, 8, 6, 8).sum(axis=0)  # [k, n, j]
    assert np.allclose(a["io"], A_by_country.transpose(1, 0, 2), atol=1e-12)


# ---------------------------------------------------------------- long format
def _write(tmp_path: Path, rows: list[tuple[str, str, str, object]]) -> Path:
    p = tmp_path / "flows.csv"
    pd.DataFrame(rows, columns=["importer", "exporter", "sector", "value"]).to_csv(p, index=False)
    return p


GOOD = [("FRA", "FRA", "agri", 100.0), ("FRA", "DEU", "agri", 10.0), ("DEU", "DEU", "agri", 90.0),
        ("DEU", "FRA", "agri", 5.0), ("FRA", "FRA", "manu", 50.0), ("DEU", "DEU", "manu", 70.0),
        ("DEU", "FRA", "manu", 7.0)]


def test_read_long_csv(tmp_path: Path) -> None:
    w = ak.load_world(_write(tmp_path, GOOD))
    assert w.countries == ("DEU", "FRA") and w.sectors == ("agri", "manu")
    assert float(w.flows.sel(importer="DEU", exporter="FRA", sector="manu")) == 7.0
    tar = tmp_path / "tariffs.csv"
    pd.DataFrame({"importer": ["DEU"], "exporter": ["FRA"], "sector": ["agri"],
                  "tariff": [0.05]}).to_csv(tar, index=False)
    w2 = ak.load_world(_write(tmp_path, GOOD), tariffs=tar)
    assert float(w2.tariffs.sel(importer="DEU", exporter="FRA", sector="agri")) == 0.05
    pq = tmp_path / "flows.parquet"
    pd.read_csv(_write(tmp_path, GOOD)).to_parquet(pq)
    assert ak.load_world(pq).flows.equals(w.flows)


BAD = {
    "negative": (GOOD[:1] + [("FRA", "DEU", "agri", -3.0)] + GOOD[2:],
                 r"flows\.csv: line 3: field 'value': negative flow -3"),
    "nan": (GOOD[:3] + [("DEU", "FRA", "agri", "")] + GOOD[4:],
            r"flows\.csv: line 5: field 'value': missing flow"),
    "missing domestic": ([r for r in GOOD if not (r[0] == r[1] == "DEU")],
                         r"flows\.csv: field 'value': country 'DEU' has no domestic flow"),
    "unknown code": (GOOD[:2] + [("XXX", "DEU", "agri", 1.0)] + GOOD[2:],
                     r"flows\.csv: line 4: field 'importer': unknown country code 'XXX'"),
    "duplicate": (GOOD + [GOOD[1]], r"flows\.csv: line 3 and line 9: duplicate flow"),
}


@pytest.mark.parametrize("case", list(BAD))
def test_long_csv_refused_with_one_line(tmp_path: Path, case: str) -> None:
    rows, message = BAD[case]
    with pytest.raises(DataError, match=message):
        ak.load_world(_write(tmp_path, rows))


@pytest.mark.parametrize("case", ["negative", "nan", "missing domestic", "unknown code"])
def test_cli_refuses_bad_csv_with_exit_2(tmp_path: Path, case: str) -> None:
    rows, message = BAD[case]
    path = _write(tmp_path, rows)
    proc = cli("info", str(path))
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ")
    assert "Traceback" not in proc.stderr + proc.stdout


def test_cli_datasets_and_info() -> None:
    res = cli("datasets")
    assert res.returncode == 0 and "icio2023" in res.stdout
    res = cli("info", "icio2023", "--year", "2022", "--top", "5")
    assert res.returncode == 0, res.stderr
    assert "81 countries x 29 sectors" in res.stdout and "USA" in res.stdout


@pytest.mark.parametrize("args", [["nonsense"], ["info", "--year", "abc"], ["run", "nope"],
                                  ["info", "icio2023", "--year", "1990"]])
def test_cli_usage_errors_one_line_exit_2(args: list[str]) -> None:
    proc = cli(*args)
    assert proc.returncode == 2, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), proc.stderr
    assert "Traceback" not in proc.stderr
