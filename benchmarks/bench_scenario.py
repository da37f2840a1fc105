"""Time the two slow paths of issue 13 on icio2023 2022 (81 x 28), medians over repeats.

Run from the repository root::

    PYTHONPATH=src python benchmarks/bench_scenario.py [--repeats N]

Cases:

* ``trade_cost`` with a different iceberg hat in every (importer, exporter, sector) cell
  (a DataArray, as a PPML-estimated cost change would give): build the scenario, apply it
  to the World, and solve it (``ak.solve``, elasticities cp2015);
* ``world.aggregate(countries={"EU3": ["DEU", "FRA", "ITA"]})``.

Each case is shown beside a reference measured in the same process (a uniform
``trade_cost(1.05)`` applied and solved; ``world.aggregate()`` with nothing merged), with
the ratio. Target (issue 13): each case under 1 s.
"""

from __future__ import annotations

import argparse
import warnings

import numpy as np
import xarray as xr
from _timing import median_time  # noqa: E402

import autarky as ak


def every_cell_hat(world: ak.World, seed: int = 0) -> xr.DataArray:
    """A different hat in every international cell (domestic cells 1)."""
    n, j = world.shape
    rng = np.random.default_rng(seed)
    hat = rng.uniform(0.9, 1.1, (n, n, j))
    hat[np.arange(n), np.arange(n), :] = 1.0
    c = list(world.countries)
    return xr.DataArray(hat, dims=("importer", "exporter", "sector"),
                        coords={"importer": c, "exporter": c, "sector": list(world.sectors)})


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeats", type=int, default=5)
    args = ap.parse_args()
    world = ak.load_world("icio2023", year=2022)
    hat = every_cell_hat(world)
    opts = ak.SolveOptions()

    def cells_build_apply() -> ak.Shock:
        return ak.Scenario.trade_cost(hat).apply(world)

    def cells_all() -> ak.Result:
        return ak.solve(world, ak.Scenario.trade_cost(hat), options=opts)

    def uniform_all() -> ak.Result:
        return ak.solve(world, ak.Scenario.trade_cost(1.05), options=opts)

    rows = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        r = args.repeats
        t_apply, _ = median_time(cells_build_apply, r)
        t_cells, res = median_time(cells_all, r)
        t_uni, _ = median_time(uniform_all, r)
        rows.append(("trade_cost, a hat per cell: build + apply", t_apply, None))
        rows.append(("trade_cost, a hat per cell: build + apply + solve", t_cells, t_uni))
        rows.append(("  reference: uniform trade_cost(1.05) apply + solve", t_uni, None))
        t_agg, agg = median_time(
            lambda: world.aggregate(countries={"EU3": ["DEU", "FRA", "ITA"]}), r)
        t_none, _ = median_time(lambda: world.aggregate(), r)
        rows.append(("world.aggregate(countries={'EU3': [DEU, FRA, ITA]})", t_agg, t_none))
        rows.append(("  reference: world.aggregate() (nothing merged)", t_none, None))
    print(f"icio2023 2022, {world.shape[0]} x {world.shape[1]}, medians of {r} runs")
    for name, t, ref in rows:
        ratio = f"  (x{t / ref:.2f} the reference)" if ref else ""
        print(f"  {name:58s} {t:8.3f} s{ratio}")
    assert isinstance(res, ak.Result) and res.converged
    shock = ak.Scenario.trade_cost(hat).apply(world)
    np.testing.assert_array_equal(shock.tau_hat, hat.values)  # every cell as given
    assert agg.shape == (world.shape[0] - 2, world.shape[1])


if __name__ == "__main__":
    main()
