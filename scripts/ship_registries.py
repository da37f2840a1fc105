"""Rule W5 of world194: ship registries (issue 27, item 3). Used by ``build_data.py``.

Ships flagged in an open registry are recorded in merchandise trade as exports to (and
from) the flag economy when they change owner, although they never enter its territory:
in 2019 partners record 12.3 bn USD of exports to Liberia (GDP 3.3 bn), 62% of it from
China, Japan and Korea, and 11.6 bn to the Marshall Islands (GDP 0.23 bn), 61% from the
same three; these economies build over 90% of the world's ships (UNCTAD, Review of
Maritime Transport 2018, ch. 2). The Marshall Islands' own records carry them too (imports
from yards in Poland, Turkey and Croatia; exports to Denmark and Korea).

Rule W5: for each of the three largest flags of registration (UNCTAD, Review of Maritime
Transport 2018, ch. 2: Panama, the Marshall Islands, Liberia), each direction of its goods
trade (imports, exports) whose recorded total exceeds its GDP (WDI, current USD) is scaled,
with every partner by one common factor, to the median ratio of that direction to GDP among
the economies of comparable size (GDP within a factor of 3 of its own; the registries
themselves left out); the same record and year. In 2019 and 2020 it fires for Liberia's
imports and for the Marshall Islands' imports and exports; Panama's recorded trade (with
the Colon Free Zone's re-exports, real trade) stays below its GDP and is left alone.
The partners' exports to the registry fall by the same amounts (the ships' real buyers,
their owners' economies, are not recorded); every changed flow is named in the repair's
cells.
"""

from __future__ import annotations

import numpy as np

SHIP_REGISTRIES = ("PAN", "MHL", "LBR")
"""The three largest flags of registration (UNCTAD, Review of Maritime Transport 2018,
ch. 2: 'the Marshall Islands emerged as the second largest registry, after Panama and ahead
of Liberia')."""

PEER_FACTOR = 3.0
"""Comparable size: GDP between 1/3 and 3 times the registry's."""


def ship_registries(econ: list[str], trade: np.ndarray, gdp: np.ndarray, tag: str
                    ) -> tuple[np.ndarray, list[str], list[str]]:
    """Apply rule W5 to ``trade[exporter, importer]`` (million USD); returns the repaired
    matrix, the repair sentences and the cells (``"W5|..."``)."""
    out = trade.copy()
    repairs: list[str] = []
    cells: list[str] = []
    reg = np.array([c in SHIP_REGISTRIES for c in econ])
    imports, exports = trade.sum(axis=0), trade.sum(axis=1)
    for k in np.flatnonzero(reg & np.isfinite(gdp)):
        peers = (np.isfinite(gdp) & (gdp > gdp[k] / PEER_FACTOR)
                 & (gdp < gdp[k] * PEER_FACTOR) & ~reg)
        done = []
        for what, total, axis in (("imports", imports, 0), ("exports", exports, 1)):
            if total[k] <= gdp[k]:
                continue
            target = float(np.median(total[peers] / gdp[peers])) * gdp[k]
            f = target / total[k]
            if axis == 0:
                out[:, k] *= f
                changed = [(econ[i], trade[i, k], out[i, k]) for i in np.flatnonzero(trade[:, k])]
                cells += [f"W5|{econ[k]} imports from {p} {a:,.3f} -> {b:,.3f}"
                          for p, a, b in changed]
            else:
                out[k, :] *= f
                changed = [(econ[j], trade[k, j], out[k, j]) for j in np.flatnonzero(trade[k])]
                cells += [f"W5|{econ[k]} exports to {p} {a:,.3f} -> {b:,.3f}"
                          for p, a, b in changed]
            done.append(f"{what} {total[k]:,.0f} -> {target:,.0f} million USD "
                        f"({total[k] / gdp[k]:.2f} -> {target / gdp[k]:.2f} of GDP)")
        if done:
            repairs.append(
                f"{tag}: {econ[k]}: ship registry (rule W5): recorded {'; '.join(done)}: "
                f"scaled with every partner to the median ratio to GDP of the {peers.sum()} "
                f"economies of comparable size (GDP {gdp[k]:,.0f} million USD, within a "
                "factor of 3); ships flagged there never enter its economy")
    out = np.round(out, 3)
    return out, repairs, cells
