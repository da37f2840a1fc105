"""Elasticity concordance of wiod2013 and wiod2016 (issue 27, item 6)."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

import autarky as ak
from autarky.data.embedded_data import _embedded, published_estimates

from .helpers import shared_path

PUBLISHED = ("cp2015", "shapiro2016", "bsy2021", "gyy2021", "fgo2022", "ll2023")
NATIVE = {"cp2015": "caliendo_parro_2015", "fgo2022": "fontagne_2022",
          "gyy2021": "giri_yi_yilmazkuday_2021", "ll2023": "lashkaripour_lugovskyy_2023",
          "shapiro2016": "shapiro_2016", "bsy2021": "bagwell_staiger_yurukoglu_2021"}


def _concordance() -> pd.DataFrame:
    return pd.read_csv(_embedded() / "elasticity_concordance.csv")


def _goods(ds: str) -> list[str]:
    meta = json.loads((_embedded() / "manifest.json").read_text())
    return list(meta[ds]["sector_classes"]["goods"])


@pytest.mark.parametrize("ds", ["wiod2013", "wiod2016", "icio2023"])
def test_every_sector_has_an_elasticity_from_every_source(ds: str) -> None:
    world_sectors = ak.elasticities(ds, "uniform4").index
    for src in (*PUBLISHED, "uniform4", "in-sample", "median"):
        s = ak.elasticities(ds, src)
        assert list(s.index) == list(world_sectors), (ds, src)
        assert np.isfinite(s.to_numpy()).all() and (s > 0).all(), (ds, src)


@pytest.mark.parametrize("ds", ["wiod2013", "wiod2016"])
def test_goods_sectors_mapped_to_each_source_s_own_sectors(ds: str) -> None:
    conc = _concordance()
    conc = conc[conc["dataset"] == ds]
    goods = _goods(ds)
    for src in PUBLISHED:
        have = set(conc.loc[conc["source"] == src, "sector"])
        # Giri et al. (2021) estimate manufacturing only, without refining or non-electrical
        # machinery: agriculture, mining, refining and machinery n.e.c. have no estimate
        lacking = ({"c1", "c2", "c8", "c13"} if ds == "wiod2013" else {"A", "B", "C19", "C28"}) \
            if src == "gyy2021" else set()
        assert have == set(goods) - lacking, (ds, src, set(goods) - have)
    # the catalog carries the concordance's values, and they count as published estimates
    cat = pd.read_csv(_embedded() / "elasticities.csv")
    merged = conc.merge(cat, on=["dataset", "source", "sector"], suffixes=("", "_cat"))
    assert len(merged) == len(conc)
    np.testing.assert_allclose(merged["theta"], merged["theta_cat"], rtol=0, atol=1e-9)
    pub = published_estimates(cat[cat["dataset"] == ds])
    assert len(pub.merge(conc, on=["source", "sector"])) == len(conc)


def test_concordance_values_are_the_sources_own_tables() -> None:
    native = pd.read_csv(shared_path("elasticities", "elasticities_native_from_sources.csv"))
    conc = _concordance()
    for r in conc.itertuples():
        own = native[native["source"] == NATIVE[r.source]].set_index("label")
        labels = r.labels.split(" | ")
        assert r.weights == ("one-to-one" if len(labels) == 1 else "equal")
        assert r.theta == pytest.approx(own.loc[labels, "epsilon"].mean(), abs=1e-4), r
        assert "Table" in r.table or r.source in ("gyy2021", "fgo2022", "bsy2021"), r


def test_wiod2013_takes_wood_and_paper_separately() -> None:
    cp = ak.elasticities("wiod2013", "cp2015")
    assert cp["c6"] == pytest.approx(11.5) and cp["c7"] == pytest.approx(16.52)
    assert cp["c10"] == pytest.approx(1.67) and cp["c11"] == pytest.approx(2.41)
    # wiod2016's wood-and-paper group is their mean, stated with equal weights
    conc = _concordance().set_index(["dataset", "sector", "source"])
    row = conc.loc[("wiod2016", "C16T18", "cp2015")]
    assert row["weights"] == "equal" and row["theta"] == pytest.approx((11.5 + 16.52) / 2)
    # fabricated metals no longer from plumbing and lighting fixtures (9.56)
    assert ak.elasticities("wiod2016", "bsy2021")["C25"] == pytest.approx(6.83)
