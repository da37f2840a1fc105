"""world194: the one-sector world of every economy in IMF DOTS, with WDI GDP (issue 16, 27)."""

from __future__ import annotations

import csv
import warnings

import numpy as np
import pytest

import autarky as ak
from autarky.errors import RepairWarning

from .helpers import shared_path

POST_SOVIET = ("ARM", "AZE", "BLR", "GEO", "KAZ", "KGZ", "MDA", "RUS", "TJK", "TKM", "UKR",
               "UZB")
CHECK_PAIRS = (("RUS", "BLR"), ("RUS", "KAZ"), ("RUS", "GEO"), ("RUS", "ARM"), ("RUS", "UZB"),
               ("UKR", "MDA"))


def _load(year: int) -> tuple[ak.World, list[str]]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", RepairWarning)
        w = ak.load_world("world194", year=year)
    # each repair's sentence and the cells it changed (rule W3 names every economy there)
    return w, [" ".join((str(c.message), *c.message.cells)) for c in caught
               if isinstance(c.message, RepairWarning)]


@pytest.mark.parametrize("year", [2019, 2020])
def test_world194_covers_every_post_soviet_economy(year: int) -> None:
    w, _ = _load(year)
    assert len(w.countries) >= 192
    assert w.shape[1] == 1
    assert set(POST_SOVIET) <= set(w.countries)
    assert "ROW" not in w.countries
    f = w.arrays()["flows"]
    assert np.all(np.isfinite(f)) and np.all(f >= 0)
    assert np.all(np.diagonal(f[:, :, 0]) > 0)


def test_world194_russia_belarus_flow() -> None:
    w, _ = _load(2019)
    i = w.countries.index
    assert w.arrays()["flows"][i("BLR"), i("RUS"), 0] > 15_000  # importer BLR, exporter RUS


@pytest.mark.parametrize("year", [2019, 2020])
def test_world194_repairs_name_each_economy(year: int) -> None:
    w, repairs = _load(year)
    text = " ".join(repairs)
    for c in ("CYM", "TCA", "ERI", "SSD", "VEN", "YEM", "HKG"):
        assert c in text, c
    # domestic sales from accounts (rule W3) for every economy not repaired otherwise
    assert all(f"world194 {year}" in r for r in repairs)
    w3 = next(r for r in repairs if "(rule W3)" in r)
    assert all(f"{c} domestic share" in w3 for c in ("HKG", "SGP", "USA", "TWN"))


@pytest.mark.shared
@pytest.mark.parametrize("year", [2019, 2020])
def test_world194_post_soviet_pairs_match_exporter_reported_dots(year: int) -> None:
    path = shared_path("imf-dots", f"dots{year}_X_fob_194.csv")
    with path.open() as fh:
        rows = list(csv.reader(fh))
    cols = rows[0][1:]
    dots = {(r[0], cols[k]): float(v) for r in rows[1:] for k, v in enumerate(r[1:])}
    w, _ = _load(year)
    f = w.arrays()["flows"][:, :, 0]
    i = w.countries.index
    for a, b in CHECK_PAIRS:
        for exp, imp in ((a, b), (b, a)):
            ref = dots[(exp, imp)]
            got = f[i(imp), i(exp)]
            assert ref > 0 and got > 0, (exp, imp)
            assert abs(got / ref - 1) <= 0.20, (exp, imp, got, ref)


def test_world194_elasticities_one_sector_default() -> None:
    s = ak.elasticities("world194", "cp2015")
    assert list(s) == [4.0] and s.attrs["source"] == "uniform4"
    assert "cp2015" in s.attrs["note"]
    assert float(ak.elasticities("world194", "uniform4").iloc[0]) == 4.0
    with pytest.raises(ak.DataError):
        ak.elasticities("world194", "no-such-source")


def test_world194_in_datasets() -> None:
    row = ak.datasets().loc["world194"]
    assert int(row["countries"]) >= 192
    assert "Direction of Trade" in row["source"] and row["license"] and row["citation"]


def test_world194_eurasian_macro_state_every_member_separate() -> None:
    w, _ = _load(2019)
    scn = ak.presets.get("eurasian-macro-state")
    res = ak.solve(w, scn)
    assert res.converged
    members = scn.blocs(w)["Eurasian macro-state"]
    assert set(members) == set(POST_SOVIET)
    assert np.all(np.isfinite(res.welfare.loc[list(members)].to_numpy()))


def test_presets_declare_default_world_that_separates_members() -> None:
    from autarky.data.scenario_data import group_members

    for name in ("eurasian-macro-state", "three-blocs", "union-state", "eaeu-deep-integration"):
        world, why = ak.presets.default_world(name)
        assert world == "icio194" and why
    world, why = ak.presets.default_world("bloc-choice")
    assert world == "world194" and why
    # tariff-only presets say what their tariffs are on icio194
    for name in ("cis-fta", "eaeu-customs-union"):
        world, why = ak.presets.default_world(name)
        assert world == "icio194" and "tariff" in why
    assert ak.presets.default_world("status-quo") == (None, "")
    w, _ = _load(2019)
    members = group_members("EURASIAN-MACRO")
    assert members is not None and set(members) <= set(w.countries)


def test_bloc_choice_swing_states_on_world194_are_every_non_core_economy() -> None:
    w, _ = _load(2019)
    states = ak.presets.swing_states(w)
    core = {c for m in ak.presets.get("two-blocs").blocs(w).values() for c in m}
    assert set(states) == set(w.countries) - core
    # East follows the ES-11/3 vote: KAZ and UZB voted against it and are East members
    assert len(states) > 120 and {"GEO", "ARM", "AZE", "UKR"} <= set(states)
    assert not {"KAZ", "UZB"} & set(states)
    icio = ak.load_world("icio2023", year=2019)
    assert set(ak.presets.swing_states(icio)) <= set(ak.presets.SWING_STATES)


def test_cli_run_says_which_world_and_why(tmp_path: object) -> None:
    from typer.testing import CliRunner

    from autarky.cli import app

    r = CliRunner().invoke(app, ["run", "eurasian-macro-state", "--year", "2019"])
    assert r.exit_code == 0, r.output
    assert "world: icio194 2019 (the preset's default world" in r.output
    for c in POST_SOVIET:
        assert f" {c} " in r.output
    r = CliRunner().invoke(app, ["run", "eurasian-macro-state", "--world", "icio2023",
                                 "--year", "2019"])
    assert r.exit_code == 0 and "named with --world" in r.output


def test_cli_info_world194_lists_every_economy() -> None:
    from typer.testing import CliRunner

    from autarky.cli import app

    r = CliRunner().invoke(app, ["info", "world194", "--year", "2019"], env={"COLUMNS": "200"})
    assert r.exit_code == 0, r.output
    w, _ = _load(2019)
    rows = [ln for ln in r.output.splitlines() if ln.startswith("│ ")]
    assert {ln.split()[1] for ln in rows} >= set(w.countries)


def test_world194_results_show_the_importers_record_beside() -> None:
    """Issue 27 item 4: a world194 result prints the same preset on the importers' record."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ak.RepairWarning)
        o = ak.service.run(ak.RunSpec("eurasian-macro-state-lower", world="world194",
                                      range=False))
        alt = ak.load_world("world194", year=o.world.year, flows="importer")
    tab = o.extras["record_sensitivity"]
    res = ak.solve(alt, ak.presets.get("eurasian-macro-state-lower"))
    c = tab.index[0]
    assert tab.at[c, "importers' record, %"] == pytest.approx(res.welfare[c], abs=1e-9)
    assert tab.at[c, "exporters' record (headline), %"] == pytest.approx(o.welfare[c], abs=1e-9)
