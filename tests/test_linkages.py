"""Input-output linkages: published numbers, pymrio equality, real-data sanity, shocks."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

import autarky as ak
from autarky import linkages as lk
from autarky.errors import DataError
from autarky.world import MRIO, World

RTOL = 1e-10


# ------------------------------------------------------------------ small worlds
def _world(Z, Y, regions, sectors, categories=("final",)) -> World:
    Z = np.asarray(Z, dtype=float)
    Y = np.asarray(Y, dtype=float)
    x = Z.sum(axis=1) + Y.sum(axis=1)
    return World.from_mrio(MRIO(Z=Z, Y=Y, x=x, regions=tuple(regions), sectors=tuple(sectors),
                                categories=tuple(categories)), name="toy")


# ------------------------------------------------------------------ Miller-Blair (2009)
def test_miller_blair_table_2_3():
    Z = np.array([[150.0, 500.0], [200.0, 100.0]])
    x = np.array([1000.0, 2000.0])
    f = np.array([350.0, 1700.0])
    np.testing.assert_allclose(Z.sum(axis=1) + f, x)
    lu = lk.LeontiefLU(lk.calc_A(Z, x))
    L_book = np.array([[1.25412541, 0.330033], [0.2640264, 1.12211221]])
    np.testing.assert_allclose(lu.matrix(), L_book, atol=1e-8)
    np.testing.assert_allclose(lu.solve(np.array([600.0, 1500.0])), [1247.5, 1841.6], atol=0.1)
    np.testing.assert_allclose(lu.solve(f), x, rtol=1e-12)


def test_miller_blair_through_a_world():
    w = _world([[150.0, 500.0], [200.0, 100.0]], [[350.0], [1700.0]], ["AAA"], ["s1", "s2"])
    m = lk.leontief(w)
    assert lk.leontief(m) is m  # an IOModel passes through; nothing is cached on the World
    assert not any("linkages" in k for k in vars(w))
    np.testing.assert_allclose(m.L().to_numpy(), [[1.25412541, 0.330033],
                                                  [0.2640264, 1.12211221]], atol=1e-8)
    np.testing.assert_allclose(m.solve([600.0, 1500.0]).to_numpy(), [1247.5, 1841.6], atol=0.1)
    # output multipliers are the column sums of L
    np.testing.assert_allclose(lk.multipliers(w)["output"], m.L().sum(axis=0), rtol=1e-12)
    # value added closes every column: value-added multipliers are 1
    np.testing.assert_allclose(lk.multipliers(w)["value_added"], 1.0, rtol=1e-12)


# ------------------------------------------------------------------ pymrio equality
@pytest.fixture(scope="module")
def pymrio_test():
    pymrio = pytest.importorskip("pymrio")
    io = pymrio.load_test()
    # the value-added extension in our sense: x - 1'Z
    va = io.Z.sum(axis=1) + io.Y.sum(axis=1) - io.Z.sum(axis=0)
    io.va = pymrio.Extension(name="va", F=pd.DataFrame([va.to_numpy()], index=["va"],
                                                       columns=io.Z.columns))
    io.calc_all(include_ghosh=True)
    w = ak.data.from_pymrio(io, convert_codes=False)
    return io, w


def _close(ours, ref):
    ref = np.asarray(ref, dtype=float)
    np.testing.assert_allclose(ours, ref, rtol=RTOL, atol=RTOL * np.abs(ref).max())


def test_pymrio_core(pymrio_test):
    io, w = pymrio_test
    m = lk.leontief(w)
    assert m.source == "mrio"
    _close(m.A, io.A)
    _close(m.L().to_numpy(), io.L)
    _close(m.G().to_numpy(), io.G)
    _close(m.x, io.x.to_numpy().ravel())
    _close(lk.multipliers(w)["output"].to_numpy(), io.L.sum(axis=0))
    # supply-driven solve against the Ghosh matrix
    v = np.linspace(1.0, 2.0, m.x.size)
    _close(m.ghosh(v).to_numpy(), v @ io.G.to_numpy())


@pytest.mark.parametrize("ext_name", ["factor_inputs", "emissions", "va"])
def test_pymrio_multipliers_and_accounts(pymrio_test, ext_name):
    io, w = pymrio_test
    m = lk.leontief(w)
    ext = getattr(io, ext_name)
    S = lk.calc_S(ext.F.to_numpy(), m.x)
    _close(S, ext.S)
    _close(lk.calc_M(S, m.lu), ext.M)
    Y_agg = io.Y.T.groupby(level=0, sort=False).sum().T.to_numpy()
    _close(m.Y, Y_agg)  # Y is rebuilt as flows minus intermediate sales: rounding only
    D = lk.calc_accounts(S, m.lu, m.Y, len(m.sectors))
    for name, ours in zip(("D_cba", "D_pba", "D_imp", "D_exp"), D, strict=True):
        _close(ours, getattr(ext, name))


def test_pymrio_footprints(pymrio_test):
    io, w = pymrio_test
    fp = lk.footprints(w)
    # column sums: value-added footprint of each region = pymrio's D_cba_reg of x - 1'Z
    _close(fp.sum(axis=0).to_numpy(), io.va.D_cba_reg.to_numpy().ravel())
    # rows: value added created in each origin, all of which ends in some final demand
    _close(fp.sum(axis=1).to_numpy(), io.va.D_pba_reg.to_numpy().ravel())
    # the origin split against pymrio: the extension restricted to one origin region
    m = lk.leontief(w)
    for o in range(len(m.regions)):
        F = np.zeros((1, m.x.size))
        sl = slice(o * len(m.sectors), (o + 1) * len(m.sectors))
        F[0, sl] = io.va.F.to_numpy()[0, sl]
        D_cba = lk.calc_accounts(lk.calc_S(F, m.x), m.lu, m.Y, len(m.sectors))[0]
        _close(fp.iloc[o].to_numpy(), D_cba.reshape(len(m.regions), -1).sum(axis=1))


# ------------------------------------------------------------------ extraction
def test_extraction_equals_direct_solves(pymrio_test):
    io, w = pymrio_test
    m = lk.leontief(w)
    E = m.region_rows("reg2", None)
    keep = np.setdiff1d(np.arange(m.x.size), E)
    y = m.Y.sum(axis=1)
    direct = np.zeros_like(y)
    direct[keep] = np.linalg.solve(np.eye(keep.size) - m.A[np.ix_(keep, keep)], y[keep])
    _close(lk.extract_demand(m.lu, y, E), direct)
    B = lk.calc_B(m.A * m.x[None, :], m.x)
    v = m.v * m.x
    supply = np.zeros_like(y)
    supply[keep] = np.linalg.solve((np.eye(keep.size) - B[np.ix_(keep, keep)]).T, v[keep])
    _close(lk.extract_supply(m.lu, v, m.x, E), supply)
    out = lk.extract(w, countries="reg2")
    assert (out.loc["reg2", ["demand_driven", "supply_driven"]].to_numpy() == 0).all()
    assert (out[["loss_demand", "loss_supply"]].to_numpy() >= -1e-12).all()
    assert (out[["loss_demand", "loss_supply"]].to_numpy() <= 1 + 1e-12).all()
    _close(out["baseline"].to_numpy(), m.lu.solve(y))


def test_extraction_of_a_sector_everywhere():
    w = _world([[150.0, 500.0], [200.0, 100.0]], [[350.0], [1700.0]], ["AAA"], ["s1", "s2"])
    out = lk.extract(w, sectors="s1")
    # without sector 1, sector 2 serves its own final demand: x2 = 1700 / (1 - 0.05)
    assert out.loc[("AAA", "s2"), "demand_driven"] == pytest.approx(1700 / 0.95)
    assert out.loc[("AAA", "s1"), "demand_driven"] == 0.0
    with pytest.raises(DataError, match="name countries"):
        lk.extract(w)
    with pytest.raises(DataError, match="unknown sector 'zz'"):
        lk.extract(w, sectors="zz")


# ------------------------------------------------------------------ shortages (LP)
def test_shortage_single_sector_known_answer():
    # one country, one sector, a = 0.5: x = 200 for f = 100; lose 30% of capacity:
    # 140 of output carries 70 of final demand in every regime
    w = _world([[100.0]], [[100.0]], ["AAA"], ["s1"])
    sh = lk.shortage(w, "AAA", "s1", loss=0.3)
    for regime in lk.REGIMES:
        assert sh.met[regime] == pytest.approx(0.7, abs=1e-8)
    assert sh.table.loc["AAA", "shortfall_trade"] == pytest.approx(30.0, abs=1e-6)
    assert sh.goods.loc[("AAA", "s1"), "shortfall_fixed"] == pytest.approx(30.0, abs=1e-6)


def test_shortage_trade_versus_autarky_known_answer():
    # Two countries, one product. A makes 200 (100 for itself, 100 for B), B makes 50 for
    # itself. A loses half its capacity (100 left).
    #  fixed origins: A-goods 100 left for 200 of demand, shared in proportion: 0.5 each
    #    for A's good; B's own 50 untouched -> A 50/100, B (50 + 50)/150;
    #  any origin: 150 of product for 250 of demand, shared in proportion (0.6 each);
    #  autarky (sized): A has 100 for its own 100 -> 50 left: s_A = 0.5; B unhit: s_B = 1.
    w = _world(np.zeros((2, 2)), [[100.0, 100.0], [0.0, 50.0]], ["AAA", "BBB"], ["s1"])
    sh = lk.shortage(w, "AAA", "s1", loss=0.5)
    assert sh.met["fixed"] == pytest.approx(150 / 250, abs=1e-8)
    assert sh.met["trade"] == pytest.approx(0.6, abs=1e-8)
    assert sh.met["autarky"] == pytest.approx(200 / 250, abs=1e-8)
    t = sh.table
    np.testing.assert_allclose(t["share_fixed"], [0.5, 100 / 150], atol=1e-8)
    np.testing.assert_allclose(t["share_trade"], [0.6, 0.6], atol=1e-8)
    np.testing.assert_allclose(t["share_autarky"], [0.5, 1.0], atol=1e-8)
    np.testing.assert_allclose(t["final_demand"], [100.0, 150.0])
    # autarky with today's capacities: A keeps 100 for its 100; B has 50 for its 150
    cur = lk.shortage(w, "AAA", "s1", loss=0.5, autarky_capacity="current")
    np.testing.assert_allclose(cur.table["share_autarky"], [1.0, 1 / 3], atol=1e-8)


def test_shortage_with_intermediate_inputs():
    # Miller-Blair economy, sector 1 at 80% of capacity: the LP keeps the final demand
    # that needs least of sector 1 per dollar. Per dollar of final demand, sector 1 output
    # needed is L[0, :] = (1.2541, 0.3300): sector 2's final demand (1700) is kept whole,
    # needing 561.06 of sector 1; 0.8 * 1000 = 800 leaves 238.94 for 238.94 / 1.2541 =
    # 190.52 of sector 1's final demand (of 350).
    w = _world([[150.0, 500.0], [200.0, 100.0]], [[350.0], [1700.0]], ["AAA"], ["s1", "s2"])
    sh = lk.shortage(w, "AAA", "s1", loss=0.2)
    L = lk.leontief(w).L().to_numpy()
    d1 = (800.0 - L[0, 1] * 1700.0) / L[0, 0]
    assert sh.met["fixed"] == pytest.approx((d1 + 1700.0) / 2050.0, abs=1e-8)
    assert sh.goods.loc[("AAA", "s1"), "shortfall_fixed"] == pytest.approx(350.0 - d1)
    assert sh.shocked == (("AAA", "s1"),)
    with pytest.raises(DataError, match="loss must be between 0 and 1"):
        lk.shortage(w, "AAA", "s1", loss=1.5)


def test_no_shock_no_shortage(pymrio_test):
    _, w = pymrio_test
    sh = lk.shortage(w, "reg1", "food", loss=0.0)
    for regime in lk.REGIMES:
        assert sh.met[regime] == pytest.approx(1.0, abs=1e-7)
    assert sh.goods.empty


# ------------------------------------------------------------------ proportionality
def test_world_without_mrio_uses_proportionality():
    rng = np.random.default_rng(0)
    N, J = 3, 4
    flows = rng.uniform(1.0, 10.0, (N, N, J)) + 50.0 * np.eye(N)[:, :, None]
    io = rng.uniform(0.02, 0.15, (N, J, J))
    w = World.from_arrays(flows, ["AAA", "BBB", "CCC"], ["a", "b", "c", "d"], io=io)
    assert w.mrio is None and w.has_io
    mrio = lk.mrio_from_world(w)
    np.testing.assert_allclose(mrio.Z.sum(axis=1) + mrio.Y.sum(axis=1), mrio.x, rtol=1e-12)
    m = lk.leontief(w)
    assert m.source == "proportionality"
    np.testing.assert_allclose(m.lu.solve(m.Y.sum(axis=1)), w.gross_output.values.ravel(),
                               rtol=1e-10)
    # each user's inputs of k, summed over origins, are the World's io coefficients
    Ak = m.A.reshape(N, J, N, J).sum(axis=0)  # [k, n, j]
    np.testing.assert_allclose(np.transpose(Ak, (1, 0, 2)), w.io.values, rtol=1e-12)


# ------------------------------------------------------------------ real data
@pytest.fixture(scope="module")
def wiod():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        w = ak.load_world("wiod2013", year=2011)
        return lk.leontief(w)


def test_wiod_dependency(wiod):
    d = lk.dependency(wiod)
    assert d.shape == (41 * 35, 3)
    assert ((d >= 0) & (d <= 1)).all().all()
    assert (d["direct"] <= d["total"] + 1e-12).all()
    # small open economies depend more on foreign inputs than large ones
    by = d.groupby(level="country")["total"].mean()
    assert by["LUX"] > by["USA"]


def test_wiod_exposure_to_russia(wiod):
    e = lk.supplier_exposure(wiod, "RUS")
    assert "RUS" not in e.index.get_level_values("country")
    deu = e.loc[("DEU", "ALL")]
    assert 0 < deu["direct"] <= deu["total"]
    assert 0 < deu["value_added"] < 1
    assert (e["direct"] <= e["total"] + 1e-12).all()
    assert ((e["value_added"] >= 0) & (e["value_added"] <= 1)).all()


def test_value_added_origins_equal_the_iomodel(wiod):
    """Issue 31 item 5 (claim 6): the lean path (A factorised in place, no IOModel) gives
    the multipliers' and supplier exposure's value added of the full model."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        w = ak.load_world("wiod2013", year=2011)
    vo = lk.value_added_origins(w, "RUS")
    mult = lk.multipliers(wiod)
    e = lk.supplier_exposure(wiod, "RUS").drop(index="ALL", level="sector")
    assert list(vo.index) == list(mult.index)
    for col in ("value_added", "domestic_value_added"):
        np.testing.assert_allclose(vo[col], mult[col], rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(vo["supplier_value_added"].drop(index="RUS"),
                               e["value_added"].reindex(vo.index.drop("RUS", level="country")),
                               rtol=1e-12, atol=1e-14)
    np.testing.assert_array_equal(vo["output"].to_numpy(), wiod.x)
    # the same on a world without a table (proportionality), against a direct inverse
    rng = np.random.default_rng(1)
    flows = rng.uniform(1.0, 10.0, (3, 3, 2)) + 40.0 * np.eye(3)[:, :, None]
    small = World.from_arrays(flows, ["AAA", "BBB", "CCC"], ["a", "b"],
                              io=rng.uniform(0.05, 0.2, (3, 2, 2)))
    m = lk.leontief(small)
    L = np.linalg.inv(np.eye(6) - m.A)
    got = lk.value_added_origins(small, "BBB")
    np.testing.assert_allclose(got["value_added"], m.v @ L, rtol=1e-12)
    np.testing.assert_allclose(got["supplier_value_added"], m.v[2:4] @ L[2:4], rtol=1e-12)
    dom = [m.v[r * 2:r * 2 + 2] @ L[r * 2:r * 2 + 2, r * 2:r * 2 + 2] for r in range(3)]
    np.testing.assert_allclose(got["domestic_value_added"], np.concatenate(dom), rtol=1e-12)


def test_wiod_self_sufficiency_and_footprints(wiod):
    ss = lk.self_sufficiency(wiod)
    assert ((ss["domestic_content"] >= 0) & (ss["domestic_content"] <= 1 + 1e-12)).all()
    assert (ss["ratio"] >= 0).all()
    miss = lk.missing_goods(wiod)
    assert set(miss.columns) == {"country", "sector", "name", "use", "production"}
    assert (miss["use"] > 0).all() and miss["name"].str.len().gt(0).all()
    fp = lk.footprints(wiod)
    m = lk.leontief(wiod)
    # v'L = 1' wherever there is output: all final demand is someone's value added (up to
    # the final demand of products with no recorded output, a few million USD here)
    np.testing.assert_allclose(lk.multipliers(m)["value_added"][m.x > 0], 1.0, rtol=1e-10)
    np.testing.assert_allclose(fp.to_numpy().sum(), m.Y.sum(), rtol=1e-6)
    assert (np.diag(fp) > 0).all()
    assert fp.loc["RUS", "DEU"] > 0


def test_icio_is_refused():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        w = ak.load_world("icio2023").without_io()
    for fn in (lk.leontief, lk.dependency, lk.self_sufficiency, lk.footprints):
        with pytest.raises(DataError, match="has no input-output links") as err:
            fn(w)
        assert "\n" not in str(err.value)


def test_exported_as_ak_linkages():
    assert ak.linkages is lk


def test_accounts_many_stressors_path(pymrio_test):
    # k R > n / 2 switches D_imp to the full-L path: same numbers
    io, w = pymrio_test
    m = lk.leontief(w)
    rng = np.random.default_rng(1)
    F = rng.uniform(0.0, 1.0, (5, m.x.size)) * m.x[None, :]
    S = lk.calc_S(F, m.x)
    few = [lk.calc_accounts(S[i:i + 1], m.lu, m.Y, len(m.sectors)) for i in range(5)]
    many = lk.calc_accounts(S, m.lu, m.Y, len(m.sectors))
    assert 5 * len(m.regions) > m.x.size // 2
    for j in range(4):
        _close(many[j], np.vstack([f[j] for f in few]))


def test_labelled_accounts_match_pymrio(pymrio_test):
    io, w = pymrio_test
    acc = lk.accounts(w, io.emissions.F, F_Y=io.emissions.F_Y)
    _close(acc.D_cba.to_numpy(), io.emissions.D_cba)
    _close(acc.M.to_numpy(), io.emissions.M)
    reg = acc.by_country()
    _close(reg["D_cba"].to_numpy(), io.emissions.D_cba_reg)
    _close(reg["D_pba"].to_numpy(), io.emissions.D_pba_reg)
    _close(reg["D_imp"].to_numpy(), io.emissions.D_imp_reg)
    _close(reg["D_exp"].to_numpy(), io.emissions.D_exp_reg)
    assert list(acc.D_cba.index) == list(io.emissions.F.index)
    # columns in another order line up by label
    shuffled = io.emissions.F.iloc[:, ::-1]
    _close(lk.accounts(w, shuffled).D_pba.to_numpy(), io.emissions.D_pba)
    with pytest.raises(DataError, match="columns"):
        lk.accounts(w, np.ones((1, 3)))
    assert "IOModel 6 regions x 8 sectors" in repr(lk.leontief(w))


def test_singular_system_is_refused():
    with pytest.raises(DataError, match="singular"):
        lk.LeontiefLU(np.eye(3))
    with pytest.raises(DataError, match="square"):
        lk.LeontiefLU(np.ones((2, 3)))
