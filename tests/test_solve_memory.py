"""The memory a solve holds at its peak, counted in N x N x J arrays (issue 31).

`autarky claims` stays under 400 MiB only if one solve at 194 x 29 (8.7 MB per N x N x J
array) peaks at about 17 such arrays with the deficit-removal stage. NumPy reports its
allocations to tracemalloc, so the count is the same on every machine.
"""

from __future__ import annotations

import tracemalloc

import pytest

from autarky import presets
from autarky.model.options import SolveOptions
from autarky.solve import solve
from tests.helpers import random_world


@pytest.mark.parametrize(("deficits", "bound"), [("zero", 18.5), ("fixed", 16.8)])
def test_a_solve_peaks_at_a_bounded_number_of_route_arrays(deficits: str, bound: float) -> None:
    """Before: 23.2 arrays with deficits 'zero' (both stages' arrays alive), 17.8 'fixed'."""
    world = random_world(3, n=60, j=12, io=True)
    scn = presets.get("world-autarky")
    options = SolveOptions(deficits=deficits)
    solve(world, scn, elasticities=4.0, options=options)  # module caches filled
    tracemalloc.start()
    try:
        res = solve(world, scn, elasticities=4.0, options=options)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert res.converged
    arrays = peak / (60 * 60 * 12 * 8)
    assert arrays <= bound, f"peak {arrays:.1f} N x N x J arrays (at most {bound})"
