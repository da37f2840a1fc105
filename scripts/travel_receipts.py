"""Travel receipts by economy and year for icio2023's TRAVEL sector (issue 27, item 5).

Used by ``icio_links.travel_flows``. Source: World Bank WDI ST.INT.RCPT.CD (international
tourism receipts, current USD, travel and passenger transport, from UN Tourism) and
ST.INT.ARVL (inbound arrivals), as extracted in ../shared/data/wdi-tourism (1999-2020; no
economy has a value after 2020; Spain, the United Kingdom and Taiwan have no receipts at
all; China's last is 2004, Canada's 2011, Sweden's 2010).

Rule V1 (the receipts of economy c in year y <= 2020), the first that applies:

1. ``reported``: WDI receipts of c in y.
2. ``arrivals x own``: c's arrivals in y (or the nearest year within ``ARRIVALS_GAP``,
   then times the growth of world receipts) times its own receipts per arrival in the
   nearest year with both (China 2004, Canada 2011, Sweden 2010, Hong Kong 2020, ...).
   Hold-out check on the WDI data (median absolute log error predicting reported
   receipts): from the year before, 3.4% for 2019 and 22% for 2020, against 4.8% and 37%
   scaling by world receipts; from 2004, 2008 or 2011 to 2019, 23% against 29% (and 26%
   with the world's receipts per arrival; 422 economy-years).
3. ``world growth``: no arrivals: c's receipts in its nearest reported year within
   ``REPORT_GAP`` years times the growth of world receipts (WDI WLD; 2020: the economies
   reporting both years).
4. ``arrivals x world``: c never reports receipts (Spain, the United Kingdom): its
   arrivals times the world's receipts per arrival in y (WDI aggregate WLD; 2020: the
   economies reporting both).
5. ``world growth`` from an older report where c has no arrivals either.
6. ``export ratio``: nothing at all (Taiwan): the GDP-weighted mean ratio of receipts to
   exports times c's exports in the cube (the earlier rule).

2021 and 2022 (rule V2): the 2019 receipts of every economy (by V1) times the world's
receipts relative to 2019 as published by UN Tourism (``WORLD_INDEX``). ROW: the sum of
its members' receipts by the same rules (members with no data at all left out).
Check: the 129 economies with receipts in both 2019 and 2020 received 38.2% of their 2019
total in 2020; UN Tourism gives -62% for 2020 (International Tourism Highlights 2023).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

ARRIVALS_GAP = 3
"""Largest distance in years to an arrivals value used for a year without one."""

REPORT_GAP = 3
"""Largest distance in years to a reported receipts value scaled by world growth (rule 2)."""

WORLD_INDEX = {2021: 0.41, 2022: 1.0 / 1.5}
"""World international tourism receipts relative to 2019. 2021: export revenues from
international tourism 59% below 2019 (UN Tourism, International Tourism Highlights, 2023
edition, 'Key insights', doi:10.18111/9789284424504); 2022: receipts 'recovered the USD 1
trillion mark' (UN Tourism, World Tourism Barometer, May 2023) against USD 1.5 trillion in
2019 (World Tourism Barometer, January 2024)."""

WORLD_INDEX_CITATION = (
    "UN Tourism (2023), International Tourism Highlights, 2023 Edition - The Impact of "
    "COVID-19 on Tourism (2020-2022), doi:10.18111/9789284424504 (2021: export revenues "
    "-59% vs 2019); UN Tourism, World Tourism Barometer 21(2), May 2023 (2022: receipts "
    "USD 1 trillion) and 22(1), January 2024 (2019: USD 1.5 trillion)")


def _nearest(row: pd.Series, year: int, gap: int | None = None) -> int | None:
    ok = [int(y) for y, v in row.items() if np.isfinite(v)]
    if gap is not None:
        ok = [y for y in ok if abs(y - year) <= gap]
    return min(ok, key=lambda y: (abs(y - year), y)) if ok else None


def receipts(wdi: pd.DataFrame, year: int, codes: list[str]
             ) -> tuple[dict[str, float], dict[str, str]]:
    """Receipts (million USD) of each code by rules V1-V2 (``nan`` where rule 5 applies),
    and for each economy not reported in that year the rule and numbers used."""
    R = wdi.pivot_table(index="country_code", columns="year", values="tourism_receipts")
    A = wdi.pivot_table(index="country_code", columns="year", values="tourism_arrivals")
    base = min(year, 2020) if year <= 2020 else 2019
    index = WORLD_INDEX.get(year, 1.0)
    world_r = R.loc["WLD"].copy()
    both = R[[2019, 2020]].dropna()
    world_r[2020] = world_r[2019] * both[2020].sum() / both[2019].sum()
    pair = pd.concat([R[base], A[base]], axis=1).dropna()
    pair = pair[[len(c) == 3 and c != "WLD" for c in pair.index]]
    per_arrival_world = (float(R.at["WLD", base] / A.at["WLD", base]) if base <= 2019
                         else float(pair.iloc[:, 0].sum() / pair.iloc[:, 1].sum()))
    out: dict[str, float] = {}
    how: dict[str, str] = {}
    for c in codes:
        r = R.loc[c] if c in R.index else pd.Series(dtype=float)
        a = A.loc[c] if c in A.index else pd.Series(dtype=float)
        ya = _nearest(a, base, ARRIVALS_GAP) if len(a) else None
        tail = f" x {index:.3f} (world, {year} vs 2019)" if year > 2020 else ""
        yr = _nearest(r, base, REPORT_GAP) if len(r) else None
        common = pd.Series({int(y): 1.0 for y in r.index
                            if np.isfinite(r[y]) and np.isfinite(a.get(y, np.nan))},
                           dtype=float) if len(r) and len(a) else pd.Series(dtype=float)
        y0 = _nearest(common, base) if len(common) else None
        if len(r) and np.isfinite(r.get(base, np.nan)):
            value, note = float(r[base]), (f"reported {base}" if year > 2020 else "")
        elif ya is not None and y0 is not None:
            per = float(r[y0] / a[y0])
            value = float(a[ya]) * per * float(world_r[base] / world_r[ya])
            note = (f"arrivals x own receipts per arrival: {a[ya] / 1e6:.2f} m arrivals "
                    f"({ya}) x {per:,.0f} USD ({y0})"
                    + (f" x world receipts {base} / {ya}" if ya != base else ""))
        elif yr is not None:
            value = float(r[yr] * world_r[base] / world_r[yr])
            note = f"world growth: receipts {yr} x world receipts {base} / {yr}"
        elif ya is not None:
            value = float(a[ya]) * per_arrival_world * float(world_r[base] / world_r[ya])
            note = (f"arrivals x world receipts per arrival: {a[ya] / 1e6:.2f} m arrivals "
                    f"({ya}) x {per_arrival_world:,.0f} USD ({base})"
                    + (f" x world receipts {base} / {ya}" if ya != base else ""))
        elif len(r) and r.notna().any():
            y0 = _nearest(r, base)
            assert y0 is not None
            value = float(r[y0] * world_r[base] / world_r[y0])
            note = f"world growth: receipts {y0} x world receipts {base} / {y0}"
        else:
            out[c] = np.nan
            how[c] = "export ratio (no WDI receipts or arrivals)"
            continue
        out[c] = value * index / 1e6
        if note:
            how[c] = f"{note}{tail} = {out[c]:,.0f} million USD"
    return out, how


def receipts_vector(wdi: pd.DataFrame, year: int, countries: list[str], members: list[str],
                    exports: np.ndarray, world_ratio: float
                    ) -> tuple[np.ndarray, dict[str, Any]]:
    """Receipts (million USD) of the cube's countries; ROW the sum of its members."""
    own, how = receipts(wdi, year, countries)
    mem, _ = receipts(wdi, year, members)
    vals = np.array([float(np.nansum([mem[m] for m in members])) if c == "ROW" else own[c]
                     for c in countries])
    fb = [c for c in countries if c != "ROW" and not np.isfinite(own[c])]
    k = np.array([c in fb for c in countries])
    ratio = world_ratio * WORLD_INDEX.get(year, 1.0)
    vals = np.where(k, ratio * exports, vals)
    filled = {c: (f"export ratio: {ratio:.2%} of exports = "
                  f"{vals[countries.index(c)]:,.0f} million USD" if c in fb else t)
              for c, t in how.items() if c in countries and c != "ROW"}
    if "ROW" in countries:
        counted = [m for m in members if np.isfinite(mem[m])]
        filled["ROW"] = (f"sum of the receipts of {len(counted)} of its {len(members)} "
                         f"members by these rules = {vals[countries.index('ROW')]:,.0f} "
                         "million USD")
    return vals, {"rule": "V1-V2 (scripts/travel_receipts.py)", "filled": filled}
