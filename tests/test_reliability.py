"""Honest failure (issue 14): nothing half-written, interrupts, bounded inputs.

Each test names the failure mode of docs/reliability.md that it shows.
"""

from __future__ import annotations

import gzip
from pathlib import Path

import numpy as np
import pytest

import autarky as ak
from autarky.data.records import atomic_folder, write_record
from autarky.errors import DataError

from .helpers import error_lines, run_cli


def two_country_csv(path: Path, value: str = "10") -> Path:
    path.write_text("importer,exporter,value\n"
                    f"FRA,FRA,{value}\nFRA,DEU,1\nDEU,DEU,30\nDEU,FRA,2\n")
    return path


def test_failed_write_leaves_folder_as_before(tmp_path):
    """1. A write that fails half-way (disk full) changes nothing and names the path."""
    world = ak.World.from_flows(np.array([[10.0, 1.0], [2.0, 30.0]]), countries=["FRA", "DEU"])
    scn = ak.Scenario.autarky(["FRA"])
    res = ak.solve(world, scn, elasticities=4.0)
    target = tmp_path / "r"
    write_record(target, res, scn, {"dataset": "first"})
    before = {p.name: p.read_bytes() for p in target.iterdir()}

    class DiskFull:
        """A result whose netCDF write fails after the Parquet file was written."""

        def __getattr__(self, name):
            return getattr(res, name)

        def to_netcdf(self, path):
            Path(path).write_bytes(b"CDF\x01 truncated")
            raise OSError(28, "No space left on device")

    with pytest.raises(DataError, match=r"r/results.nc: cannot write \(No space left on "
                                        r"device\); .* was left as it was"):
        write_record(target, DiskFull(), scn, {"dataset": "second"}, overwrite=True)
    after = {p.name: p.read_bytes() for p in target.iterdir()}
    assert after == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r"]  # no temporary left behind


def test_interrupt_inside_atomic_folder_leaves_nothing(tmp_path):
    """2. Ctrl-C while writing: no file, no temporary folder."""
    with pytest.raises(KeyboardInterrupt), atomic_folder(tmp_path / "r") as tmp:
        (tmp / "results.parquet").write_bytes(b"x")
        raise KeyboardInterrupt
    assert list(tmp_path.iterdir()) == []


def test_out_refuses_non_empty_folder_and_empty_path(monkeypatch, capsys, tmp_path):
    """1. --out onto a non-empty folder needs --overwrite; --out '' is an error."""
    target = tmp_path / "r"
    target.mkdir()
    (target / "keep.txt").write_text("mine")
    code, _, err = run_cli(monkeypatch, capsys, "run", "world-autarky", "--world", "wiod2016",
                           "--out", str(target))
    assert code == 2
    assert len(error_lines(err)) == 1 and "not empty (use --overwrite" in err
    assert (target / "keep.txt").read_text() == "mine"
    code, _, err = run_cli(monkeypatch, capsys, "run", "world-autarky", "--world", "wiod2016",
                           "--out", "")
    assert code == 2 and "empty path" in err


def test_out_overwrite_replaces_whole_folder(monkeypatch, capsys, tmp_path):
    target = tmp_path / "r"
    target.mkdir()
    (target / "old.txt").write_text("old")
    code, out, err = run_cli(monkeypatch, capsys, "run", "world-autarky", "--world",
                             "wiod2016", "--out", str(target), "--overwrite")
    assert code == 0, err
    names = {p.name for p in target.iterdir()}
    assert {"record.json", "results.nc", "results.parquet", "scenario.toml",
            "headline.csv"} <= names and "old.txt" not in names


def test_ctrl_c_exits_130_with_one_line(monkeypatch, capsys):
    """2. Ctrl-C: exit 130 and 'interrupted' (typer returns 130; it used to exit 0)."""

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(ak.run, "load", interrupted)
    code, _, err = run_cli(monkeypatch, capsys, "run", "world-autarky", "--world", "wiod2016")
    assert code == 130
    assert error_lines(err) == ["interrupted"]


def test_domestic_tariff_refused(tmp_path):
    """4. A tariff on a country's own sales is refused, naming the cell."""
    flows = two_country_csv(tmp_path / "f.csv")
    (tmp_path / "t.csv").write_text("importer,exporter,tariff\nFRA,FRA,0.5\n")
    with pytest.raises(DataError, match="domestic tariff 0.5 at importer == exporter 'FRA'"):
        ak.load_world(flows, tariffs=tmp_path / "t.csv")


def test_absurd_tariff_refused(tmp_path):
    """4. A baseline tariff of 1e9 is refused (it used to fail later, unnamed)."""
    flows = two_country_csv(tmp_path / "f.csv")
    (tmp_path / "t.csv").write_text("importer,exporter,tariff\nFRA,DEU,1e9\n")
    with pytest.raises(DataError, match="tariffs: value 1e\\+09 above 10 at importer 'FRA', "
                                        "exporter 'DEU'"):
        ak.load_world(flows, tariffs=tmp_path / "t.csv")


def test_huge_flow_is_one_line_exit_2(monkeypatch, capsys, tmp_path):
    """6. Flows of 1e308 used to print inf totals and a nan deficit with exit 0."""
    path = two_country_csv(tmp_path / "f.csv", value="1e308")
    code, out, err = run_cli(monkeypatch, capsys, "info", str(path))
    assert code == 2
    assert len(error_lines(err)) == 1 and "above 1e+09" in err and "'FRA'" in err
    assert "inf" not in out and "nan" not in out


def test_truncated_gzip_is_one_line_exit_2(monkeypatch, capsys, tmp_path):
    """6. A truncated .csv.gz used to exit 130 with no message."""
    rows = "".join(f"FRA,DEU,{k}\n" for k in range(20000))
    blob = gzip.compress(("importer,exporter,value\n" + rows).encode())
    path = tmp_path / "f.csv.gz"
    path.write_bytes(blob[: len(blob) // 2])
    code, _, err = run_cli(monkeypatch, capsys, "info", str(path))
    assert code == 2
    assert len(error_lines(err)) == 1 and "f.csv.gz: cannot be read" in err


# --- item 3: "converged" only when every equilibrium equation holds

TINY_HAT = """name = "tiny"
[[shock]]
kind = "trade-cost"
hat = 1e-6
"""


def test_false_convergence_is_refused_with_residual_history():
    # hat = 1e-6 on every route with the cp2015 elasticities (petroleum 64.85: exponents
    # beyond the engine's clip): the price index of the solution was off by 3 log units
    # while the labour market held, and the old check called it converged
    w = ak.load_world("wiod2016")
    scn = ak.Scenario.from_toml(text=TINY_HAT)
    with pytest.raises(ak.ConvergenceError, match="price index") as exc:
        ak.solve(w, scn, elasticities="cp2015")
    diag = exc.value.diagnostics
    assert diag["residual"]["price_index"] > 1.0 and len(diag["history"]) > 1
    res = ak.solve(w, scn, elasticities="cp2015",
                   options=ak.SolveOptions(return_unconverged=True))
    assert not res.converged and res.residual["price_index"] > 1.0


def test_every_residual_below_tolerance_when_converged():
    from autarky.model.solver import CHECK_FACTOR

    w = ak.load_world("wiod2016")
    res = ak.solve(w, ak.presets.get("two-blocs"))
    assert res.converged
    assert set(res.residual) == {"price_index", "trade_shares", "expenditure",
                                 "labour_market", "trade_balance", "numeraire"}
    assert max(res.residual.values()) <= CHECK_FACTOR * ak.SolveOptions().tol


def test_batched_draws_report_their_residuals():
    w = ak.load_world("wiod2016")
    theta = ak.data.elasticities("wiod2016", "cp2015").reindex(list(w.sectors)).to_numpy()
    from autarky.solve import solve_batch

    res = solve_batch(w, ak.presets.get("two-blocs"), np.stack([theta, 0.5 * theta + 2]),
                         options=ak.SolveOptions())
    assert res.converged and res.converged_draws.all()
    assert res.residual and max(res.residual.values()) <= 1e-9


def test_cli_non_convergence_is_one_line_exit_3(monkeypatch, capsys, tmp_path):
    toml = tmp_path / "tiny.toml"
    toml.write_text(TINY_HAT)
    code, out, err = run_cli(monkeypatch, capsys, "run", str(toml), "--world", "wiod2016",
                             "--elasticities", "cp2015")
    assert code == 3, err
    assert error_lines(err) == [error_lines(err)[0]]
    assert "did not converge" in err and "price index" in err
    assert "converged in" not in out


@pytest.mark.parametrize("theta", ["1e-9", "1e12", "0.05", "150"])
def test_implausible_elasticity_refused(monkeypatch, capsys, theta):
    code, _, err = run_cli(monkeypatch, capsys, "run", "--world", "wiod2016",
                           "--elasticities", theta)
    assert code == 2 and len(error_lines(err)) == 1
    assert "plausible range 0.1 to 100" in err


def test_extreme_elasticity_only_on_request_and_noted():
    w = ak.load_world("wiod2016")
    with pytest.raises(DataError, match="plausible range"):
        ak.run.solve_plain(w, ak.presets.get("two-blocs"), elasticities=200.0)
    res = ak.run.solve_plain(w, ak.presets.get("two-blocs"), elasticities=0.09,
                   options=ak.SolveOptions(extreme_elasticities=True,
                                           return_unconverged=True))
    assert any("WARNING" in n and "0.09" in n for n in res.notes)
    # the residual check now also catches what the extreme values did to the solution
    with pytest.raises(ak.ConvergenceError):
        ak.run.solve_plain(w, ak.presets.get("two-blocs"), elasticities=1e12,
                 options=ak.SolveOptions(extreme_elasticities=True))


# --- item 5: absurd inputs refused in one line; compositions say what stays in force

@pytest.mark.parametrize("body", [
    '[[shock]]\nkind = "sanction"\nimposers = ["USA"]\ntarget = "USA"\n',
    '[[shock]]\nkind = "sanction"\nimposers = ["DEU"]\ntarget = ["EU27"]\n',
    '[[shock]]\nkind = "free-trade-area"\nmembers = ["USA"]\n',
    '[[shock]]\nkind = "customs-union"\nmembers = ["RUS", "RUS"]\nexternal_tariff = 0.1\n',
    "",
    'name = "nothing"\n',
])
def test_absurd_scenario_is_one_line_exit_2(monkeypatch, capsys, tmp_path, body):
    toml = tmp_path / "absurd.toml"
    toml.write_text(body)
    code, out, err = run_cli(monkeypatch, capsys, "run", str(toml), "--world", "wiod2016")
    assert code == 2, out
    assert len(error_lines(err)) == 1
    assert any(w in err for w in ("sanction itself", "at least two members", "no [[shock]]"))


def test_baseline_toml_still_solves():
    # 'shock = []' is the explicit baseline (what a status-quo record writes)
    scn = ak.Scenario.from_toml(text=ak.presets.get("status-quo").to_toml())
    assert scn.components == ()
    assert ak.Scenario.bloc(["EAEU"]).components  # a group of several is a bloc


@pytest.mark.parametrize("command", [["run", "--world", "wiod2016"],
                                     ["compare", "status-quo", "two-blocs"],
                                     ["info", "wiod2016"], ["nash", "--world", "wiod2016"]])
def test_negative_top_refused(monkeypatch, capsys, command):
    code, out, err = run_cli(monkeypatch, capsys, *command, "--top", "-5")
    assert code == 2 and out == ""
    assert error_lines(err) == ["error: --top -5: must be 0 (all) or a positive number of rows"]


def test_top_shows_largest_gains_and_losses(monkeypatch, capsys):
    code, out, _ = run_cli(monkeypatch, capsys, "run", "two-blocs", "--world", "wiod2016",
                           "--top", "2")
    assert code == 0
    res = ak.solve(ak.load_world("wiod2016"), ak.presets.get("two-blocs"))
    ordered = res.welfare.sort_values()
    # plain columns when piped: the code is the first word of a row
    rows = [line.split()[0] for line in out.splitlines()
            if line.split() and line.split()[0] in res.welfare.index]
    assert set(rows[:4]) == {*ordered.index[-2:], *ordered.index[:2]}
    assert "welfare change by country (2 largest and 2 smallest of 44)" in " ".join(out.split())


def test_embargo_left_in_force_under_later_tariff_is_noted():
    w = ak.load_world("wiod2016")
    scn = (ak.Scenario.bloc(["USA", "CHN", "DEU"]) + ak.Scenario.sanction("USA", "CHN")
           + ak.Scenario.tariff("USA", "CHN", 0.3))
    res = ak.solve(w, scn)
    note = [n for n in res.notes if n.startswith("conflict:") and "embargo stays" in n]
    assert len(note) == 1 and "#3 (tariff)" in note[0] and "#2 (sanction)" in note[0]
    assert "importer USA, exporter CHN" in note[0]
    usa, chn = w.countries.index("USA"), w.countries.index("CHN")
    assert np.all(res.pi[usa, chn] == 0.0)  # the flows stay at zero, as the note says
    # an embargo after a tariff is the plain "later wins" case: no such note
    later = ak.Scenario.tariff("USA", "CHN", 0.3) + ak.Scenario.sanction("USA", "CHN")
    assert not any("embargo stays" in n for n in later.apply(w).notes)


# --- the "also" items: messages follow the options used; elasticity sources listed

def test_assumptions_follow_the_deficit_option_used(monkeypatch, capsys):
    code, out, _ = run_cli(monkeypatch, capsys, "run", "world-autarky", "--world", "wiod2016",
                           "--deficits", "fixed", "--top", "1")
    assert code == 0
    assert "removed first" not in out
    assert "solver setting deficits = 'fixed' as chosen" in out
    code, out, _ = run_cli(monkeypatch, capsys, "run", "world-autarky", "--world", "wiod2016",
                           "--top", "1")
    assert code == 0 and "solved with trade deficits removed first" in out


def test_unavailable_raise_advises_the_cli_flag(monkeypatch, capsys):
    code, _, err = run_cli(monkeypatch, capsys, "run", "world-autarky", "--world", "wiod2016",
                           "--unavailable", "raise")
    assert code == 2 and len(error_lines(err)) == 1
    assert "--unavailable floor" in err


def test_elasticities_command_lists_sources_and_values(monkeypatch, capsys):
    code, out, _ = run_cli(monkeypatch, capsys, "elasticities", "wiod2016")
    assert code == 0
    for source in ak.data.elasticity_sources().index:
        assert source in out
    assert "64.85" in out  # CP (2015) petroleum, C19
    code, out, _ = run_cli(monkeypatch, capsys, "run", "--help")
    assert "autarky elasticities" in out and "autarky datasets" not in out
