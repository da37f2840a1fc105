"""Honest failure (issue 14): nothing half-written, interrupts, bounded inputs.

Each test names the failure mode of docs/reliability.md that it shows.
"""

from __future__ import annotations

import gzip
import sys
from pathlib import Path

import numpy as np
import pytest

import autarky as ak
from autarky.cli import main
from autarky.data.records import atomic_folder, write_record
from autarky.errors import DataError


def run_cli(monkeypatch, capsys, *argv: str) -> tuple[int, str, str]:
    """Run the command line in-process; return (exit code, stdout, stderr)."""
    monkeypatch.setattr(sys, "argv", ["autarky", *argv])
    monkeypatch.setenv("COLUMNS", "200")
    with pytest.raises(SystemExit) as exc:
        main()
    out = capsys.readouterr()
    code = exc.value.code
    return (code if isinstance(code, int) else 0), out.out, out.err


def error_lines(err: str) -> list[str]:
    return [line for line in err.splitlines() if line.strip()]


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
    import autarky.cli as cli

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, "load_world_cli", interrupted)
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
