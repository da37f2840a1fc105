"""Reader for the Caliendo and Parro (2015) replication files (NAFTA, base year 1993).

The folder holds the original text files ``B.txt``, ``GO.txt``, ``IO.txt``, ``T.txt``,
``tariffs1993.txt``, ``tariffs2005.txt`` and ``xbilat1993.txt`` (directly or in an
``original_data`` subfolder). Layout (CP replication code):

* ``xbilat1993``, ``tariffs*``: 620 x 31, rows = (tradable sector j, importer n) sector-major,
  columns = exporter i; flows in thousand USD net of tariffs, tariffs in percent;
* ``B``, ``GO``: 40 x 31 (sector x country): value-added share and gross output (USD);
* ``IO``: 1240 x 40, 31 country blocks of 40 x 40 (row = input k, column = using sector j,
  columns sum to 1 where the sector buys inputs);
* ``T``: the 20 tradable-sector thetas used in the CP code.

Calibration conventions reproduced from the CP code
---------------------------------------------------
* domestic sales = max(GO, exports) - exports (non-tradables: GO, no trade);
* input coefficients ``io[n, k, j] = (1 - B_nj) * IO_n[k, j]``, value-added share ``B``;
* final-demand shares: ``alpha_nj`` proportional to ``X_nj - sum_k io[n, j, k] Y_nk`` with
  negative values set to zero and the shares renormalised (185 of 1,240 cells are negative);
* one negative input coefficient (CAN, 'Other' into 'Basic metals', -0.0057 of inputs) is
  set to zero and the sector's other inputs scaled so its value-added share stays ``B``
  (a :class:`~autarky.errors.RepairWarning` says so);
* thetas: ``T.txt`` for tradables (Auto and Other Transport at the aggregate 8.22, as in the
  CP code), 8.22 for the 20 non-tradables.

Because the clipped shares make the raw 1993 data slightly inconsistent with the model, the
World returned here is the model's equilibrium with CP's shares, the 1993 tariffs and the
1993 deficits (the raw data re-solved with no shock). Counterfactuals from it reach the same
equilibria as CP's code, which solves from the raw data, since equilibrium levels do not
depend on the path; welfare is measured relative to this consistent baseline.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np

from autarky.errors import DataError, RepairWarning
from autarky.model.economy import Economy
from autarky.model.shock import Shock
from autarky.model.solver import solve_hat
from autarky.world import World

__all__ = ["read_cp2015", "read_cp2015_tariffs", "cp2015_nafta_shock", "CP2015_REGIONS",
           "CP2015_SECTORS", "CP2015_NONTRADABLE_THETA"]

CP2015_REGIONS = {
    "Argentina": "ARG", "Australia": "AUS", "Austria": "AUT", "Brazil": "BRA", "Canada": "CAN",
    "Chile": "CHL", "China": "CHN", "Denmark": "DNK", "Finland": "FIN", "France": "FRA",
    "Germany": "DEU", "Greece": "GRC", "Hungary": "HUN", "India": "IND", "Indonesia": "IDN",
    "Ireland": "IRL", "Italy": "ITA", "Japan": "JPN", "Korea": "KOR", "Mexico": "MEX",
    "Netherlands": "NLD", "New Zealand": "NZL", "Norway": "NOR", "Portugal": "PRT",
    "South Africa": "ZAF", "Spain": "ESP", "Sweden": "SWE", "Turkey": "TUR", "UK": "GBR",
    "USA": "USA", "Row": "ROW",
}
"""The 31 CP regions in file order, mapped to ISO 3166 alpha-3 codes ('Row' -> 'ROW')."""

CP2015_SECTORS = (
    "Agriculture", "Mining", "Food", "Textile", "Wood", "Paper", "Petroleum", "Chemicals",
    "Plastic", "Minerals", "Basic metals", "Metal products", "Machinery n.e.c", "Office",
    "Electrical", "Communication", "Medical", "Auto", "Other Transport", "Other",
    "Electricity", "Construction", "Retail", "Hotels", "Land Transport", "Water Transport",
    "Air Transport", "Aux Transport", "Post", "Finance", "Real State", "Renting Mach",
    "Computer", "R&D", "Other Business", "Public", "Education", "Health", "Other services",
    "Private",
)
"""The 40 CP sectors in file order: 20 tradables then 20 non-tradables."""

CP2015_NONTRADABLE_THETA = 8.22
"""Theta the CP code uses for the 20 non-tradable sectors."""

_N, _J, _JT = 31, 40, 20


def _folder(folder: str | Path) -> Path:
    p = Path(folder)
    for cand in (p, p / "original_data"):
        if (cand / "B.txt").exists():
            return cand
    raise DataError(f"{p}: no Caliendo-Parro files (B.txt, GO.txt, IO.txt, ...) found")


def _load(path: Path, shape: tuple[int, ...]) -> np.ndarray:
    try:
        a = np.loadtxt(path, dtype=float, ndmin=2)
    except (OSError, ValueError) as err:
        raise DataError(f"{path}: cannot read ({err})") from None
    if a.size != int(np.prod(shape)):
        raise DataError(f"{path}: {a.shape} values, expected {shape}")
    return a.reshape(shape)


def read_cp2015_tariffs(folder: str | Path, year: int = 1993) -> np.ndarray:
    """Tariffs of 1993 or 2005 as fractions, shape (31, 31, 40) [importer, exporter, sector].

    Non-tradable sectors have zero tariffs.
    """
    if year not in (1993, 2005):
        raise DataError(f"cp2015 tariffs: year {year} not available (1993, 2005)")
    f = _folder(folder)
    t = _load(f / f"tariffs{year}.txt", (_JT, _N, _N)) / 100.0  # [j, n, i]
    out = np.zeros((_N, _N, _J))
    out[:, :, :_JT] = np.transpose(t, (1, 2, 0))
    return out


def cp2015_nafta_shock(folder: str | Path, members: tuple[str, ...] = ("CAN", "MEX", "USA"),
                       ) -> Shock:
    """CP (2015) NAFTA counterfactual: 1993 tariffs, with 2005 tariffs among the members."""
    t93 = read_cp2015_tariffs(folder, 1993)
    t05 = read_cp2015_tariffs(folder, 2005)
    codes = list(CP2015_REGIONS.values())
    idx = [codes.index(m) for m in members]
    t = t93.copy()
    t[np.ix_(idx, idx)] = t05[np.ix_(idx, idx)]
    return Shock(t, np.ones_like(t), description="NAFTA tariff reductions (CP 2015): "
                 "1993 tariffs with the 2005 tariffs among " + ", ".join(members))


def cp2015_raw(folder: str | Path) -> dict[str, np.ndarray]:
    """The CP arrays in model form, before re-equilibration (see the module docstring).

    Returns a dict with flows, tariffs, io, gamma, alpha (clipped CP shares), theta and
    value_added_share (as read from B.txt; gamma is recomputed from io).
    """
    f = _folder(folder)
    va_share = _load(f / "B.txt", (_J, _N)).T  # [n, j]
    GO = _load(f / "GO.txt", (_J, _N)).T
    input_mix = _load(f / "IO.txt", (_N, _J, _J))  # [n, k, j]
    T = _load(f / "T.txt", (_JT,)).ravel()
    x = _load(f / "xbilat1993.txt", (_JT, _N, _N)) * 1000.0  # [j, n, i] USD
    tariffs = read_cp2015_tariffs(f, 1993)
    flows = np.zeros((_N, _N, _J))
    flows[:, :, :_JT] = np.transpose(x, (1, 2, 0))
    idx = np.arange(_N)
    flows[idx, idx, :] = 0.0
    exports = flows.sum(axis=0)  # [i, j]
    flows[idx, idx, :] = np.maximum(GO, exports) - exports
    neg = input_mix < 0
    if neg.any():
        n, k, j = np.argwhere(neg)[0]
        warnings.warn(
            f"cp2015: {int(neg.sum())} negative input coefficient(s) (first: "
            f"{list(CP2015_REGIONS.values())[n]}, input {CP2015_SECTORS[k]!r} into "
            f"{CP2015_SECTORS[j]!r}, {input_mix[n, k, j]:.3g}) set to zero; the other inputs "
            "of that sector are scaled so the value-added share stays as in B.txt",
            RepairWarning, stacklevel=3)
        total = input_mix.sum(axis=1, keepdims=True)
        input_mix = np.where(neg, 0.0, input_mix)
        kept = input_mix.sum(axis=1, keepdims=True)
        input_mix = input_mix * np.where(kept > 0, total / np.where(kept > 0, kept, 1.0), 1.0)
    io = (1.0 - va_share)[:, None, :] * input_mix
    gamma = 1.0 - io.sum(axis=1)
    X = (flows * (1.0 + tariffs)).sum(axis=1)
    Y = flows.sum(axis=0)
    final = X - np.einsum("nkj,nj->nk", io, Y)
    final = np.maximum(final, 0.0)
    alpha = final / final.sum(axis=1, keepdims=True)
    theta = np.concatenate([T, np.full(_J - _JT, CP2015_NONTRADABLE_THETA)])
    return {"flows": flows, "tariffs": tariffs, "io": io, "gamma": gamma, "alpha": alpha,
            "theta": theta, "value_added_share": va_share}


def read_cp2015(folder: str | Path) -> World:
    """Read the Caliendo-Parro (2015) replication files into a World.

    Parameters
    ----------
    folder : str or Path
        Folder with the CP text files (or with them in ``original_data/``).

    Returns
    -------
    World
        31 regions (ISO3, 'ROW') x 40 sectors, million USD, 1993 tariffs, IO links;
        ``world.theta`` holds the CP thetas (used by ``elasticities="cp2015"``) and its
        ``attrs`` the ``calibration`` (what was done). See the module docstring.
    """
    raw = cp2015_raw(folder)
    flows, tariffs, io = raw["flows"], raw["tariffs"], raw["io"]
    pi_num = flows * (1.0 + tariffs)
    X = pi_num.sum(axis=1)
    pi = pi_num / X[:, None, :]
    Y = flows.sum(axis=0)
    va = (raw["gamma"] * Y).sum(axis=1)
    deficit = flows.sum(axis=(1, 2)) - flows.sum(axis=(0, 2))
    econ = Economy.from_arrays(pi, tariffs, X, va, deficit, raw["gamma"], raw["alpha"], io)
    sol = solve_hat(econ, tariffs, np.ones_like(tariffs), raw["theta"], tol=1e-13)
    if not sol.converged.all():
        raise DataError("cp2015: re-equilibration of the 1993 baseline did not converge")
    new_flows = sol.pi[0] * sol.X[0][:, None, :] / (1.0 + tariffs) * econ.scale / 1e6
    return World.from_arrays(
        new_flows, list(CP2015_REGIONS.values()), list(CP2015_SECTORS), tariffs=tariffs,
        io=io, name="cp2015", year=1993,
        source="Caliendo and Parro (2015), Review of Economic Studies 82(1), replication files",
        theta=raw["theta"], theta_source="cp2015",
        attrs={
            "calibration": "CP (2015) code conventions: domestic sales max(GO, exports) - "
                           "exports; io = (1 - B) IO; negative final-demand shares set to 0 "
                           "and renormalised; baseline re-solved as the model equilibrium with "
                           "1993 tariffs and deficits",
        },
    )
