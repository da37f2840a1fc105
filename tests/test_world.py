from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import autarky as ak
from autarky.errors import DataError, RepairWarning

from .helpers import random_world


def _identity_residual(w: ak.World) -> float:
    """Largest relative gap in X_nj = sum_k io[n,j,k] Y_nk + alpha_nj I_n (CP 2015 eq. 9)."""
    a = w.arrays()
    rhs = np.einsum("njk,nk->nj", a["io"], a["gross_output"]) + a["final_share"] * a["income"][:, None]
    return float(np.abs(rhs - a["expenditure"]).max() / a["expenditure"].max())


def test_from_flows_long_frame() -> None:
    df = pd.DataFrame({"importer": ["A", "A", "B", "B"], "exporter": ["A", "B", "A", "B"],
                       "value": [80.0, 20.0, 10.0, 90.0]})
    w = ak.World.from_flows(df, countries=["A", "B"])
    assert w.countries == ("A", "B") and w.sectors == ("total",)
    assert float(w.flows.sel(importer="A", exporter="B", sector="total")) == 20.0
    assert np.allclose(w.deficit.values, [10.0, -10.0])
    assert np.allclose(w.trade_shares.sum("exporter"), 1.0)
    assert not w.has_io


def test_world_is_immutable(small_world: ak.World) -> None:
    with pytest.raises(ValueError, match="read-only"):
        small_world.flows.values[0, 0, 0] = 1.0
    with pytest.raises(AttributeError):
        small_world.nothing  # noqa: B018


@pytest.mark.parametrize("io", [False, True])
def test_baseline_is_an_exact_equilibrium(io: bool) -> None:
    w = random_world(3, 5, 4, io=io)
    assert _identity_residual(w) < 1e-12
    a = w.arrays()
    assert np.allclose(a["final_share"].sum(axis=1), 1.0)
    assert np.allclose(a["value_added_share"] + a["io"].sum(axis=1), 1.0)
    # income = final spending: VA + tariff revenue + deficit
    assert np.allclose(a["income"], a["value_added"] + a["tariff_revenue"] + a["deficit"])


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda f, t, g: f.__setitem__((0, 1, 0), -1.0), r"flows: value -1 below 0 at importer 'C0', exporter 'C1', sector 'S0'"),
        (lambda f, t, g: f.__setitem__((1, 0, 2), np.nan), r"flows: non-finite value nan at importer 'C1', exporter 'C0', sector 'S2'"),
        (lambda f, t, g: f.__setitem__((2, 2, slice(None)), 0.0), r"country 'C2' has no domestic flow"),
        (lambda f, t, g: t.__setitem__((0, 1, 1), -0.1), r"tariffs: value -0.1 below 0 at importer 'C0', exporter 'C1', sector 'S1'"),
        (lambda f, t, g: g.__setitem__((1, slice(None), 0), 0.5), r"io: input coefficients add up to 1.5 >= 1 at country 'C1', sector 'S0'"),
        (lambda f, t, g: g.__setitem__((0, 0, 0), 1.5), r"io: value 1.5 above 1 at country 'C0', sector_in 'S0', sector 'S0'"),
    ],
)
def test_validation_names_the_field(mutate, message) -> None:  # type: ignore[no-untyped-def]
    rng = np.random.default_rng(1)
    f = rng.uniform(1, 5, (3, 3, 3))
    t = np.zeros((3, 3, 3))
    g = np.full((3, 3, 3), 0.1)
    mutate(f, t, g)
    with pytest.raises(DataError, match=message):
        ak.World.from_arrays(f, ["C0", "C1", "C2"], ["S0", "S1", "S2"], tariffs=t, io=g)


def test_codes_and_shapes_validated() -> None:
    f = np.ones((2, 2, 1))
    with pytest.raises(DataError, match="duplicate code 'A'"):
        ak.World.from_arrays(f, ["A", "A"], ["s"])
    with pytest.raises(DataError, match=r"flows: shape \(2, 2, 1\) does not match"):
        ak.World.from_arrays(f, ["A", "B", "C"], ["s"])
    with pytest.raises(DataError, match="value_added_share: value added plus inputs add up to"):
        ak.World.from_arrays(f, ["A", "B"], ["s"], io=np.full((2, 1, 1), 0.3),
                             value_added_share=np.full((2, 1), 0.5))


def test_repair_rules_warn() -> None:
    # an MRIO whose final demand draws down inventories (negative), and a sector whose
    # inputs exceed its output: both repaired by a documented rule, with a warning
    Z = np.array([[10.0, 2.0, 1.0, 0.5], [3.0, 10.0, 0.5, 0.2], [1.0, 0.3, 12.0, 3.0],
                  [0.4, 0.2, 2.0, 11.0]])
    Y = np.array([[30.0, 2.0], [20.0, -25.0], [1.0, 25.0], [1.0, 20.0]])
    mrio = ak.MRIO(Z=Z, Y=Y, x=Z.sum(1) + Y.sum(1), regions=("AAA", "BBB"),
                   sectors=("s1", "s2"), categories=("total",))
    with pytest.warns(RepairWarning, match="rule R1"):
        w = ak.World.from_mrio(mrio, name="toy")
    a = w.arrays()
    assert (a["flows"] >= 0).all()
    assert (a["value_added_share"] >= ak.world.MIN_VALUE_ADDED_SHARE - 1e-15).all()
    assert _identity_residual(w) < 1e-12


def _totals(w: ak.World) -> dict[str, float]:
    a = w.arrays()
    return {
        "flows": a["flows"].sum(),
        "output": a["gross_output"].sum(),
        "value_added": a["value_added"].sum(),
        "revenue": a["tariff_revenue"].sum(),
        "income": a["income"].sum(),
        "final": (a["final_share"] * a["income"][:, None]).sum(),
        "intermediate": np.einsum("nkj,nj->", a["io"], a["gross_output"]),
    }


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10_000), io=st.booleans(),
       groups=st.lists(st.integers(0, 2), min_size=5, max_size=5),
       sgroups=st.lists(st.integers(0, 1), min_size=3, max_size=3))
def test_aggregate_conserves_totals(seed: int, io: bool, groups: list[int],
                                    sgroups: list[int]) -> None:
    w = random_world(seed, 5, 3, io=io)
    agg = w.aggregate(countries=[f"G{g}" for g in groups], sectors=[f"T{g}" for g in sgroups])
    assert agg.shape == (len(set(groups)), len(set(sgroups)))
    before, after = _totals(w), _totals(agg)
    for key in before:
        assert after[key] == pytest.approx(before[key], rel=1e-10, abs=1e-9), key
    # deficits of a group are the sum of its members' deficits
    d = pd.Series(w.deficit.values).groupby([f"G{g}" for g in groups]).sum()
    assert np.allclose(agg.deficit.to_series().reindex(d.index).values, d.values)
    assert _identity_residual(agg) < 1e-10


def test_aggregate_by_mapping_and_errors(small_world: ak.World) -> None:
    agg = small_world.aggregate(countries={"BLOC": ["C0", "C1"]})
    assert agg.countries == ("BLOC", "C2", "C3")
    with pytest.raises(DataError, match="unknown country 'XX'"):
        small_world.aggregate(countries={"BLOC": ["C0", "XX"]})
    with pytest.raises(DataError, match="'C0' is in two groups"):
        small_world.aggregate(countries={"A": ["C0"], "B": ["C0", "C1"]})


def test_no_warning_on_clean_data(small_world: ak.World) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        small_world.aggregate(sectors={"ALL": ["s0", "s1", "s2"]})
