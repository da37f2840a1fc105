"""Input-output links and the travel sector for icio2023, derived from ../shared/data.

Used by ``scripts/build_data.py``; every rule is stated here and in the manifest.

IO coefficients (one 2020 parameter set for every year 2011-2022)
-----------------------------------------------------------------
Source: ``icio2023-io2020`` (Caliendo-Parro parameters computed from OECD ICIO 2023, year
2020: ``G[i, n, j]`` input i per unit of output j in country n, value-added shares ``B``,
final-demand shares ``alpha``), 77 regions x 45 industries.

* Countries: the 76 ICIO economies take their own coefficients; AGO, ARE, COD and STP,
  which ICIO 2023 folds into its rest of the world, take ROW's.
* Goods: the 22 ICIO goods industries map one-to-one or one-to-two onto the 27 goods of
  the trade cube (``sector_map_icio45_to_cube28.csv``). A split industry (A01_02, B05_06,
  B07_08, C24, C30) gives its column (input structure) to both cube sectors; its row (use
  as an input) is split between them by the country's absorption of each in that year.
* Services: the 23 service industries (D ... T) collapse into the services aggregate. The
  aggregate's row is the sum of their rows; its column is their columns weighted by each
  country's service gross outputs, solved from the country's own 2020 IO system: with
  services not traded across borders (an approximation: services are about a fifth of
  world trade), service output s satisfies ``Y_s = sum_g G[s, g] Y_g + sum_s' G[s, s'] Y_s'
  + alpha_s F``, where the goods outputs ``Y_g`` and the total services output are the
  trade cube's for that year and ``F`` (final spending) is solved so that the service
  outputs add up to the cube's total. Where that gives a negative output or negative final
  spending, the weights are the Leontief-inverse final-demand weights ``(I - G_ss)^-1
  alpha_s`` alone (``F`` only), listed in the manifest.

Travel (``TRAVEL``: international tourism, WDI receipts and expenditures)
-------------------------------------------------------------------------
* Travel exports of country i = its international tourism receipts in USD (WDI
  ST.INT.RCPT.CD, travel and passenger transport), by rules V1-V2 of
  ``scripts/travel_receipts.py``: reported where WDI has the year; else arrivals times
  the economy's own receipts per arrival (China, Canada, Sweden, whose last receipts are
  2004-2011; Hong Kong in 2020); else the world's receipts per arrival (Spain, the United
  Kingdom, never in the extract); 2021 and 2022 = 2019 times the world's receipts relative
  to 2019 published by UN Tourism (0.41, 0.67); Taiwan (no WDI data): the GDP-weighted
  mean ratio of receipts to exports times its exports; ROW: the sum of its members. Every
  value not reported for the year is listed in the manifest (``travel[year].receipts.filled``)
  and raised as a RepairWarning (rule V1) when the year is loaded.
* Travel imports of n = ST.INT.XPND.MP.ZS (expenditures, % of imports) x n's total imports
  in the cube; WDI year: the dataset year for 2011-2020, 2019 for 2021 and 2022 (then
  scaled with the world total below). A country without the indicator in the year uses
  its nearest year with data (an earlier year on ties; the manifest lists them), else the
  GDP-weighted mean ratio of all WDI economies with data that year; ROW takes the
  GDP-weighted mean ratio of the WDI economies the cube folds into ROW.
* Receipts and expenditures are capped at ``SHARE_CAP`` of the country's services exports
  (imports) in the cube, and world expenditures are scaled to world receipts (receipts
  are the better measured side).
* Bilateral travel: proportional to the cube's bilateral services flows, then RAS to every
  country's receipts and expenditures, with no cell above ``SHARE_CAP`` of its services
  flow (capped RAS, ``RAS_ITER`` sweeps).
* Domestic travel = the share of accommodation and food (ICIO I) in the country's solved
  service output, times the domestic services flow. Other services = services - travel.
* Check against the published world total: UNWTO (2019), International Tourism Highlights
  2019 edition: exports from international tourism USD 1.7 trillion in 2018 (receipts
  1,448 bn + passenger transport 256 bn), 7% of world exports of goods and services (the
  manifest's ``world_travel_musd`` gives this build's total by year).
* Travel's column (input structure) and row are those of ICIO industry I; other services
  aggregate the remaining 22 service industries as above. Tariffs: the services tariffs.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from travel_receipts import receipts_vector

SHARE_CAP = 0.8
"""Largest share of a country's (or a bilateral) services trade that travel may take."""

RAS_ITER = 500
WDI_WINDOW = 25
TRAVEL_CODE = "TRAVEL"
TRAVEL_IND = "I"
PRE_PANDEMIC = 2019


def load_params(shared: Path) -> dict[str, Any]:
    """The 2020 parameters and the 45 -> cube map."""
    src = shared / "icio2023-io2020"
    d = np.load(src / "icio2023_cp_params_2020.npz")
    rows = list(csv.DictReader((src / "sector_map_icio45_to_cube28.csv").open()))
    return {
        "G": d["G"].astype(float), "B": d["B"].astype(float), "alpha": d["alpha"].astype(float),
        "countries": [str(c) for c in d["countries"]],
        "codes": [str(c) for c in d["sector_codes"]],
        "names": [str(c) for c in d["sector_names"]],
        "map": {r["icio2023_code"]: r["cube28_sectors"].split(";") for r in rows},
        "files": [src / "icio2023_cp_params_2020.npz", src / "sector_map_icio45_to_cube28.csv"],
    }


def _structure(p: dict[str, Any], cube_sectors: list[str], serv: str
               ) -> tuple[np.ndarray, np.ndarray, list[int]]:
    """(goods column map, goods row groups, service industry indices).

    col[c] = ICIO index whose column cube goods sector c takes (-1 for services);
    rows[c] = ICIO index whose row feeds cube sector c (-1 for services).
    """
    codes = p["codes"]
    col = np.full(len(cube_sectors), -1)
    for k, code in enumerate(codes):
        for target in p["map"][code]:
            if target != "Services (aggregate)":
                col[cube_sectors.index(target)] = k
    services = [k for k, code in enumerate(codes) if p["map"][code] == ["Services (aggregate)"]]
    return col, col.copy(), services


def country_index(p: dict[str, Any], countries: list[str]) -> tuple[np.ndarray, list[str]]:
    """ICIO column of each cube country; the countries that take ROW's coefficients."""
    io_c = p["countries"]
    idx = np.array([io_c.index(c) if c in io_c else io_c.index("ROW") for c in countries])
    return idx, [c for c in countries if c not in io_c]


def service_weights(p: dict[str, Any], flows: np.ndarray, cube_sectors: list[str],
                    countries: list[str], serv: str) -> tuple[np.ndarray, list[str]]:
    """Service gross outputs (N, 23) of each cube country, solved as in the module docstring.

    Returns the weights (rows sum to the country's services output) and the countries
    where the fallback (final-demand weights only) was used.
    """
    col, _, services = _structure(p, cube_sectors, serv)
    cidx, _ = country_index(p, countries)
    goods_ind = sorted(set(col[col >= 0].tolist()))
    Y = flows.sum(axis=0)  # [i, j] gross output of the cube
    js = cube_sectors.index(serv)
    # goods output by ICIO goods industry: sum of the cube sectors it maps to
    Yg = np.zeros((len(countries), len(p["codes"])))
    np.add.at(Yg.T, col[col >= 0], Y[:, col >= 0].T)
    G = np.transpose(p["G"][:, cidx, :], (1, 0, 2))  # [n, i, j]
    S = np.array(services)
    Gss = G[:, S[:, None], S[None, :]]
    Gsg = G[:, S[:, None], np.array(goods_ind)[None, :]]
    A = np.eye(len(S))[None] - Gss
    b = np.einsum("nsg,ng->ns", Gsg, Yg[:, goods_ind])
    a_s = p["alpha"][S][:, cidx].T  # [n, s]
    u = np.linalg.solve(A, b[..., None])[..., 0]
    v = np.linalg.solve(A, a_s[..., None])[..., 0]
    F = (Y[:, js] - u.sum(axis=1)) / v.sum(axis=1)
    w = u + F[:, None] * v
    bad = (F < 0) | (w < 0).any(axis=1)
    fb = v / v.sum(axis=1, keepdims=True) * Y[:, js][:, None]
    w = np.where(bad[:, None], fb, w)
    return w, [c for c, k in zip(countries, bad, strict=True) if k]


def io_coefficients(p: dict[str, Any], flows: np.ndarray, cube_sectors: list[str],
                    countries: list[str], serv: str, weights: np.ndarray,
                    groups: dict[str, list[str]]) -> np.ndarray:
    """Input coefficients io[n, k, j] of the cube sectors (N, J, J).

    ``groups`` maps each services cube sector (``serv``, and ``TRAVEL`` where split) to
    the ICIO service industries it aggregates.
    """
    col, _, services = _structure(p, cube_sectors, serv)
    cidx, _ = country_index(p, countries)
    codes = p["codes"]
    N, J = len(countries), len(cube_sectors)
    G = np.transpose(p["G"][:, cidx, :], (1, 0, 2))  # [n, i(45), j(45)]
    # columns: 45 inputs x J cube sectors
    C = np.zeros((N, len(codes), J))
    goods = col >= 0
    C[:, :, goods] = G[:, :, col[goods]]
    Wfull = np.zeros((N, len(codes)))
    Wfull[:, services] = weights
    for code, members in groups.items():
        m = np.array([codes.index(x) for x in members])
        w = Wfull[:, m]
        w = w / np.where(w.sum(axis=1, keepdims=True) > 0, w.sum(axis=1, keepdims=True), 1.0)
        C[:, :, cube_sectors.index(code)] = np.einsum("nis,ns->ni", G[:, :, m], w)
    # rows: 45 inputs -> J cube inputs; split industries by absorption shares
    X = flows.sum(axis=1)  # [n, j] absorption
    R = np.zeros((N, J, len(codes)))  # R[n, k, i]: share of ICIO input i going to cube k
    for i, code in enumerate(codes):
        targets = p["map"][code]
        if targets == ["Services (aggregate)"]:
            continue
        tk = [cube_sectors.index(t) for t in targets]
        x = X[:, tk]
        tot = x.sum(axis=1, keepdims=True)
        share = np.where(tot > 0, x / np.where(tot > 0, tot, 1.0), 1.0 / len(tk))
        R[:, tk, i] = share
    for code, members in groups.items():
        R[:, cube_sectors.index(code), [codes.index(x) for x in members]] = 1.0
    return np.einsum("nki,nij->nkj", R, C)


# ------------------------------------------------------------------ travel

def _wdi(shared: Path) -> pd.DataFrame:
    return pd.read_csv(shared / "wdi-tourism" / "world_tourism_economy_data.csv")


def _ratio(wdi: pd.DataFrame, column: str, year: int, countries: list[str],
           row_members: list[str]) -> tuple[np.ndarray, dict[str, Any]]:
    """Share (fraction) of exports/imports for each cube country, with the rule's record."""
    wyear = PRE_PANDEMIC if year > 2020 else year
    tab = wdi.pivot_table(index="country_code", columns="year", values=column)
    gdp = wdi.pivot_table(index="country_code", columns="year", values="gdp")
    cand = [y for y in range(wyear - WDI_WINDOW, wyear + WDI_WINDOW + 1)
            if y in tab.columns and (y != 2020 or wyear == 2020)]
    cand.sort(key=lambda y: (abs(y - wyear), y))

    def pick(code: str) -> tuple[float, int | None]:
        if code in tab.index:
            for y in cand:
                v = tab.at[code, y]
                if np.isfinite(v):
                    return float(v) / 100.0, y
        return np.nan, None

    iso = [m for m in tab.index if m in set(row_members) | set(countries)]
    yr = tab.loc[iso, wyear] if wyear in tab.columns else pd.Series(dtype=float)
    g = gdp.reindex(yr.index)[wyear] if wyear in gdp.columns else yr * np.nan
    ok = yr.notna() & g.notna()
    world = float((yr[ok] * g[ok]).sum() / g[ok].sum()) / 100.0
    out = np.empty(len(countries))
    fallback: list[str] = []
    other_year: dict[str, int] = {}
    for k, c in enumerate(countries):
        if c == "ROW":
            vals = [(pick(m)[0], gdp.at[m, wyear] if m in gdp.index else np.nan)
                    for m in row_members]
            arr = np.array([(v, g) for v, g in vals if np.isfinite(v) and np.isfinite(g)])
            out[k] = float((arr[:, 0] * arr[:, 1]).sum() / arr[:, 1].sum())
            continue
        v, y = pick(c)
        if y is None:
            out[k] = world
            fallback.append(c)
        else:
            out[k] = v
            if y != wyear:
                other_year[c] = y
    return out, {"wdi_year": wyear, "world_ratio_used_for": fallback,
                 "other_wdi_year": other_year, "world_ratio": world}


def travel_flows(wdi: pd.DataFrame, flows: np.ndarray, countries: list[str], serv: int,
                 year: int, row_members: list[str]) -> tuple[np.ndarray, dict[str, Any]]:
    """Bilateral international travel T[n, i] (importer n = travellers' home), million USD."""
    off = 1.0 - np.eye(len(countries))
    total = flows * off[:, :, None]
    exports = total.sum(axis=(0, 2))
    imports = total.sum(axis=(1, 2))
    S = flows[:, :, serv] * off
    r_ratio, r_rec = _ratio(wdi, "tourism_exports", year, countries, row_members)
    e_ratio, e_rec = _ratio(wdi, "tourism_expenditures", year, countries, row_members)
    world_ratio = r_rec["world_ratio"]  # rule V1.5 only (Taiwan)
    receipts, r_rec = receipts_vector(wdi, year, countries, row_members, exports, world_ratio)
    capped = receipts > SHARE_CAP * S.sum(axis=0)
    r_rec["capped_at_services_share"] = [c for c, k in zip(countries, capped, strict=True) if k]
    rec = np.minimum(receipts, SHARE_CAP * S.sum(axis=0))
    exp = np.minimum(e_ratio * imports, SHARE_CAP * S.sum(axis=1))
    exp = exp * rec.sum() / exp.sum()
    cap = SHARE_CAP * S
    T = S.copy()
    for _ in range(RAS_ITER):
        rs = T.sum(axis=1)
        T = T * np.where(rs > 0, exp / np.where(rs > 0, rs, 1.0), 0.0)[:, None]
        cs = T.sum(axis=0)
        T = T * np.where(cs > 0, rec / np.where(cs > 0, cs, 1.0), 0.0)[None, :]
        T = np.minimum(T, cap)
    gap = float(np.abs(T.sum(axis=0) - rec).sum() + np.abs(T.sum(axis=1) - exp).sum())
    record = {"year": year, "receipts": r_rec, "expenditures": e_rec,
              "world_travel_musd": round(float(T.sum()), 1),
              "ras_abs_gap_musd": round(gap, 3)}
    return T, record


def split_travel(flows: np.ndarray, tariffs: np.ndarray, T: np.ndarray, serv: int,
                 i_share: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Flows and tariffs with a travel sector appended; services net of travel."""
    N = flows.shape[0]
    trav = T.copy()
    trav[np.arange(N), np.arange(N)] = i_share * flows[np.arange(N), np.arange(N), serv]
    F = np.concatenate([flows, trav[:, :, None]], axis=2)
    F[:, :, serv] = flows[:, :, serv] - trav
    F[:, :, serv] = np.where(F[:, :, serv] < 0, 0.0, F[:, :, serv])  # rounding only
    Tt = np.concatenate([tariffs, tariffs[:, :, serv:serv + 1]], axis=2)
    return F, Tt


def row_members(wdi: pd.DataFrame, countries: list[str], iso3: set[str]) -> list[str]:
    """WDI economies (ISO3 codes, not aggregates) that the cube folds into ROW."""
    codes = set(wdi["country_code"].unique())
    return sorted(c for c in codes if c in iso3 and c not in countries)


# ------------------------------------------------------------------ build step

IO_NOTE = ("input-output coefficients and value-added shares of icio2023 are one set, "
           "OECD ICIO 2023 for 2020 (icio2023-io2020), used for every year 2011-2022; "
           "AGO, ARE, COD and STP take ICIO's rest-of-world coefficients")


def extend_icio2023(shared: Path, path: Path, serv: str, travel: bool) -> dict[str, Any]:
    """Add io_{year} (and, with ``travel``, the travel split) to the built icio2023.npz.

    Returns the manifest entries describing what was added.
    """
    p = load_params(shared)
    with np.load(path) as d:
        out = {k: d[k] for k in d.files}
    countries = [str(c) for c in out["countries"]]
    sectors = [str(s) for s in out["sectors"]]
    _, row_coef = country_index(p, countries)
    codes = p["codes"]
    service_codes = [codes[k] for k in _structure(p, sectors, serv)[2]]
    groups = {serv: service_codes}
    record: dict[str, Any] = {"service_weight_fallback": {}, "travel": {}}
    wdi = _wdi(shared) if travel else None
    if travel:
        from autarky.data.scenario_data import iso3_codes

        members = row_members(wdi, countries, set(iso3_codes()))
        groups = {serv: [c for c in service_codes if c != TRAVEL_IND], TRAVEL_CODE: [TRAVEL_IND]}
        out["sectors"] = np.array(sectors + [TRAVEL_CODE])
        out["sector_names"] = np.array([*map(str, out["sector_names"][:-1]),
                                        "Other services (aggregate, excluding travel)",
                                        "Travel (international tourism; input structure of "
                                        "accommodation and food, ICIO I)"])
    js = sectors.index(serv)
    i_pos = service_codes.index(TRAVEL_IND)
    for year in [int(y) for y in out["years"]]:
        flows = out[f"flows_{year}"].astype(float)
        w, fb = service_weights(p, flows, sectors, countries, serv)
        if fb:
            record["service_weight_fallback"][year] = fb
        cube_sectors = sectors
        if travel:
            T, rec = travel_flows(wdi, flows, countries, js, year, members)
            record["travel"][year] = rec
            share_i = w[:, i_pos] / w.sum(axis=1)
            flows, tariffs = split_travel(flows, out[f"tariffs_{year}"], T, js, share_i)
            out[f"flows_{year}"] = flows
            out[f"tariffs_{year}"] = tariffs
            cube_sectors = sectors + [TRAVEL_CODE]
        io = io_coefficients(p, flows, cube_sectors, countries, serv, w, groups)
        out[f"io_{year}"] = io
    np.savez_compressed(path, **out)
    return {
        "has_io": True,
        "io_source_sha256": {f.name: _sha(f) for f in p["files"]},
        "io_note": IO_NOTE,
        "io_license": "Shares computed from OECD ICIO 2023 (OECD terms of use, attribution "
                      "required: OECD (2023), Inter-Country Input-Output Database, "
                      "http://oe.cd/icio); the conversion upstream carries no license of its "
                      "own (github.com/matthew-murillo/trade_simulator).",
        "io_rules": __doc__,
        "io_countries_with_row_coefficients": row_coef,
        "io_service_groups": groups,
        **record,
    }


def _sha(path: Path) -> str:
    import hashlib

    return hashlib.sha256(path.read_bytes()).hexdigest()
