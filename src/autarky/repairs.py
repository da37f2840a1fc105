"""Repair rules for input-output coefficients, shared by every World built from a table.

The rules are stated in :mod:`autarky.world` (R1-R3) and here (R4); each is applied with a
:class:`~autarky.errors.RepairWarning` that carries its rule label and every cell it changed
(``autarky info WORLD --repairs`` lists them). The rules are keyed on arrays, never on a
dataset's name, so they apply to any World with coefficients and a GDP per economy.

R4. Value added against GDP (where the loader passes each economy's GDP in current USD,
WDI NY.GDP.MKTP.CD): an economy whose model value added over GDP differs from the median
economy's ratio ``m`` by more than a factor ``R4_BAND`` (1.5) has the value-added shares
of the sectors on the short side of the cross-country median share (below it when the
ratio is low, above it when high) moved towards that median by one common fraction
``s`` in [0, 1], solved so that value added is ``m`` times GDP (``s = 1`` if that is not
enough); the sector's input coefficients are scaled by (1 - new share) / (1 - old
share). Why: one set of coefficients may not fit an economy: icio2023's 2020
coefficients (low value-added shares in Kazakhstan's services: education 0.29 against a
median of 0.81 in the 45-sector ICIO table) make Kazakhstan's value added 54% of its GDP in
2019, against 93% for the median economy.
Economies without a GDP (ROW) are left as they are. Applied after R2 and R3 (and R3
again where R4 raised coefficients).

R5. Coefficients of another year (where the loader says the coefficients were measured in
a year other than the World's: icio2023 applies OECD ICIO's 2020 coefficients to
2011-2022): a sector whose value-added share is below ``R5_FRACTION`` (1/4) of the
cross-country median share of that sector gets the median share (its input coefficients
scaled by (1 - median) / (1 - share)). Why: 2020 was the pandemic and oil-price collapse
year; refining margins were near zero (Italy's refining value-added share 0.001 against a
median of 0.21, on 74 bn USD of 2022 output), which other years do not share. In the
coefficients' own year the rule does not apply.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import numpy as np

from autarky.errors import RepairWarning

__all__ = ["MIN_VALUE_ADDED_SHARE", "R4_BAND", "R5_FRACTION", "ROUNDING_TOLERANCE"]

MIN_VALUE_ADDED_SHARE = 1e-3
"""Floor on the value-added share applied by repair rule R2."""

R4_BAND = 1.5
"""Rule R4 repairs an economy whose value added / GDP is outside [m / R4_BAND, m R4_BAND],
m the median economy's ratio: a margin wider than the spread of the other economies
(icio2023 2011-2022: the 10th to 90th percentiles lie within 0.92 m to 1.14 m)."""

R5_FRACTION = 0.25
"""Rule R5: a value-added share below this fraction of the sector's cross-country median is
implausible outside the coefficients' own year (icio2023 2022: 19 cells, 327 bn USD of
output; at 1/3, 29 cells; at 1/10, 3)."""

ROUNDING_TOLERANCE = 1e-9
"""Relative size below which a negative residual counts as floating-point rounding."""


def _repair_warn(message: str, rule: str = "", cells: Sequence[str] = ()) -> None:
    """Raise one RepairWarning (its rule and every cell) at the caller's caller."""
    warnings.warn(RepairWarning(message, rule, tuple(cells)), stacklevel=4)


def _cell_labels(mask: np.ndarray, *axes: Sequence[str], values: np.ndarray | None = None,
                 fmt: str = "{:.4g}") -> list[str]:
    """One label per True cell of ``mask``: its axis names, and its value where given."""
    idx = np.argwhere(mask)
    vals = values[mask] if values is not None else None
    return [" ".join(str(names[i]) for names, i in zip(axes, row, strict=True))
            + ("" if vals is None else " " + fmt.format(vals[k]))
            for k, row in enumerate(idx)]


def _repair_value_added(io: np.ndarray, output: np.ndarray, gdp: np.ndarray,
                        countries: Sequence[str], sectors: Sequence[str],
                        name: str) -> np.ndarray:
    """Rule R4 (module docstring): value added far from GDP, repaired.

    The value-added shares of the offending sectors move towards the cross-country median.
    """
    gamma = 1.0 - io.sum(axis=1)  # [n, j]
    va = (gamma * output).sum(axis=1)
    valid = np.isfinite(gdp) & (gdp > 0) & (va > 0)
    if valid.sum() < 3:
        return io
    ratio = np.where(valid, va / np.where(valid, gdp, 1.0), np.nan)
    m = float(np.median(ratio[valid]))
    off = valid & (np.abs(np.log(np.where(valid, ratio, m) / m)) > np.log(R4_BAND))
    if not off.any():
        return io
    producing = valid[:, None] & (output > 0)
    med = np.nanmedian(np.where(producing, gamma, np.nan), axis=0)  # [j]
    gap = med[None, :] - gamma
    low = (ratio < m)[:, None]
    cand = off[:, None] & np.where(low, gap > 0, (gap < 0) & (gamma < 1.0)) & (output > 0)
    reach = np.where(cand, gap * output, 0.0).sum(axis=1)
    need = m * np.where(valid, gdp, 0.0) - va
    with np.errstate(divide="ignore", invalid="ignore"):
        frac = np.clip(np.where(reach != 0, need / reach, 0.0), 0.0, 1.0)
    new_gamma = np.where(cand, gamma + frac[:, None] * gap, gamma)
    with np.errstate(divide="ignore", invalid="ignore"):
        scale = np.where(cand & (gamma < 1.0), (1.0 - new_gamma) / (1.0 - gamma), 1.0)
    io = io * scale[:, None, :]
    after = (new_gamma * output).sum(axis=1) / np.where(valid, gdp, 1.0)
    names = [f"{countries[int(n)]} {ratio[n]:.3f} -> {after[n]:.3f} "
             f"({int(cand[n].sum())} sectors)" for n in np.flatnonzero(off)]
    cells = [f"{countries[int(n)]} {sectors[int(j)]} value-added share {gamma[n, j]:.3f} -> "
             f"{new_gamma[n, j]:.3f} (median {med[j]:.3f})"
             for n, j in np.argwhere(cand)]
    _repair_warn(
        f"{name}: {int(off.sum())} economies with value added / GDP (WDI, current USD) "
        f"outside {m / R4_BAND:.3f}-{m * R4_BAND:.3f} (the median economy's {m:.3f} within a "
        f"factor {R4_BAND:g}): the value-added shares of their sectors on the short side of "
        "the cross-country median moved towards it by one fraction so that value added is "
        f"{m:.3f} x GDP (rule R4): {'; '.join(names)}", "R4", cells)
    return io


def _repair_other_year(io: np.ndarray, output: np.ndarray, valid: np.ndarray,
                       countries: Sequence[str], sectors: Sequence[str], name: str,
                       io_year: int) -> np.ndarray:
    """Rule R5 (module docstring): value-added shares implausible outside ``io_year``."""
    gamma = 1.0 - io.sum(axis=1)
    producing = valid[:, None] & (output > 0)
    med = np.nanmedian(np.where(producing, gamma, np.nan), axis=0)
    low = producing & (gamma < R5_FRACTION * med[None, :])
    if not low.any():
        return io
    new = np.where(low, med[None, :], gamma)
    with np.errstate(divide="ignore", invalid="ignore"):
        scale = np.where(low, (1.0 - new) / (1.0 - gamma), 1.0)
    idx = np.argwhere(low)
    cells = [f"{countries[int(n)]} {sectors[int(j)]} value-added share {gamma[n, j]:.3f} -> "
             f"{med[j]:.3f} (output {output[n, j]:,.0f})" for n, j in idx]
    by_output = np.argsort(-output[low])[:3]  # the same order as idx (row-major)
    first = "; ".join(cells[int(k)] for k in by_output)
    _repair_warn(
        f"{name}: {int(low.sum())} sectors with a value-added share below {R5_FRACTION:g} of "
        f"the sector's cross-country median in coefficients measured in {io_year} set to "
        f"the median (rule R5; largest by output: {first})", "R5", cells)
    return io * scale[:, None, :]


def _repair_io(io: np.ndarray, flows: np.ndarray, output: np.ndarray,
               countries: Sequence[str], sectors: Sequence[str], name: str,
               gdp: np.ndarray | None = None, io_year: int | None = None,
               year: int | None = None) -> np.ndarray:
    """Apply repair rules R2, R3 and R4 to MRIO-derived coefficients io[n, k, j].

    R4 only where ``gdp`` is given (million USD per country, NaN where unknown); R5 only
    where the coefficients' year ``io_year`` is given and differs from ``year``.
    """
    colsum = io.sum(axis=1)
    cap = 1.0 - MIN_VALUE_ADDED_SHARE
    over = colsum > cap
    if over.any():
        n, j = np.argwhere(over)[0]
        _repair_warn(
            f"{name}: {int(over.sum())} country-sectors buy more inputs than "
            f"{cap:g} of their output (first: {countries[n]} {sectors[j]}, "
            f"{colsum[n, j]:.4f}); coefficients scaled to a value-added share of "
            f"{MIN_VALUE_ADDED_SHARE:g} (rule R2)", "R2",
            _cell_labels(over, countries, sectors, values=colsum,
                         fmt="inputs {:.4f} -> " + f"{cap:g}"))
        scale = np.where(over, cap / np.where(over, colsum, 1.0), 1.0)
        io = io * scale[:, None, :]
    io = _repair_final_demand(io, flows, output, countries, sectors, name)
    if io_year is not None and year is not None and io_year != year:
        valid = np.array([c != "ROW" for c in countries])
        io = _repair_other_year(io, output, valid, countries, sectors, name, io_year)
    if gdp is None:
        return io
    io = _repair_value_added(io, output, np.asarray(gdp, dtype=float), countries, sectors, name)
    # R4 lowers coefficients where value added is short (R3 still holds); where it raises
    # them, R3 is applied again
    return _repair_final_demand(io, flows, output, countries, sectors, name)


def _repair_final_demand(io: np.ndarray, flows: np.ndarray, output: np.ndarray,
                         countries: Sequence[str], sectors: Sequence[str],
                         name: str) -> np.ndarray:
    """Rule R3 (module docstring): no good's intermediate use above its absorption."""
    absorption = flows.sum(axis=1)  # [n, j] (no tariffs in an MRIO)
    intermediate = np.einsum("nkj,nj->nk", io, output)
    final = absorption - intermediate
    tol = ROUNDING_TOLERANCE * max(float(absorption.sum()), 1.0)
    short = final < 0
    if short.any():
        big = final < -tol
        if big.any():
            n, k = np.argwhere(big)[0]
            _repair_warn(
                f"{name}: {int(big.sum())} goods have intermediate use above absorption "
                f"(first: {countries[n]} {sectors[k]}, short by {-final[n, k]:.6g}); their "
                "input coefficients are scaled down so that final demand is zero (rule R3)",
                "R3", _cell_labels(big, countries, sectors, values=-final,
                                   fmt="short by {:.6g}"))
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = np.where(short & (intermediate > 0), absorption / intermediate, 1.0)
        io = io * ratio[:, :, None]
    return io
