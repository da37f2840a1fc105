"""Every equilibrium equation's residual, recomputed from a solution (CP 2015, eqs. 10-14).

:func:`member_residuals` rebuilds trade costs, prices, shares, spending and output from
the solution's wages and prices in the natural layout, independently of the solver's own
arrays; :mod:`autarky.model.solver` re-exports both functions (its final check,
``WageMap.residuals``, computes the same equations with the arrays it holds).
"""

from __future__ import annotations

import numpy as np

from autarky.model import equations as eq
from autarky.model.economy import Economy, Equilibrium

__all__ = ["equilibrium_residuals", "member_residuals"]


def equilibrium_residuals(econ: Economy, tariffs_new: np.ndarray, tau_hat: np.ndarray,
                          theta: np.ndarray, sol: Equilibrium) -> dict[str, float]:
    """Largest residual of every equilibrium equation over all batch members.

    The maximum of :func:`member_residuals` (which says how each is scaled).
    """
    return {k: float(np.max(v)) for k, v in
            member_residuals(econ, tariffs_new, tau_hat, theta, sol).items()}


def member_residuals(econ: Economy, tariffs_new: np.ndarray, tau_hat: np.ndarray,
                     theta: np.ndarray, sol: Equilibrium) -> dict[str, np.ndarray]:
    """Largest residual of every equilibrium equation per batch member, recomputed.

    Every residual is relative (dimensionless), so one tolerance applies to all:

    * ``price_index`` (CP 2015 eqs. 10-11): log units, ``|log P^ - log P^(c^)|``;
    * ``trade_shares`` (eq. 12): shares are fractions, ``|pi' - pi'(c^, P^)|``;
    * ``expenditure`` (eq. 13): ``|X' - rhs(X')|`` of each country and sector, relative to
      the country's baseline value added;
    * ``labour_market`` and ``trade_balance`` (eq. 14): relative to each country's
      baseline value added;
    * ``numeraire``: world value added, relative to its baseline value.

    A non-finite residual is returned as ``inf``.

    Returns
    -------
    dict of str to ndarray (B,)
    """
    theta = np.atleast_2d(np.asarray(theta, float))
    log_kappa, weight = eq.log_trade_cost(econ.tariffs, tariffs_new, tau_hat, econ.pi)
    u = np.log(sol.w_hat)
    lp, pi_new = eq.price_index(eq.unit_cost(u, sol.log_P, econ.gamma, econ.io),
                                log_kappa, weight, theta)
    X = sol.X
    base = sol.w_hat * econ.va + sol.deficit
    if econ.io is None:
        rhs = eq.expenditure_no_io(sol.pi, tariffs_new, base, econ.alpha)
    else:
        rhs = eq.expenditure(X, sol.pi, tariffs_new, base, econ.alpha, econ.io)
    Y = eq.gross_output(sol.pi, tariffs_new, X)
    va_new = eq.value_added(econ.gamma, Y)
    spend = sol.pi * X[..., :, None, :] / (1.0 + tariffs_new)
    imports = spend.sum(axis=(-2, -1))
    exports = spend.sum(axis=(-3, -1))
    world = float(np.sum(econ.va))
    va = econ.va
    B = sol.w_hat.shape[0]

    def worst(a: np.ndarray) -> np.ndarray:
        a = np.abs(np.broadcast_to(a, (B, *np.shape(a)[1:])).reshape(B, -1))
        return np.where(np.all(np.isfinite(a), axis=-1), np.max(a, axis=-1, initial=0.0),
                        np.inf)

    return {
        "price_index": worst(lp - sol.log_P),
        "trade_shares": worst(pi_new - sol.pi),
        "expenditure": worst((rhs - X) / va[:, None]),
        "labour_market": worst((va_new - sol.w_hat * va) / va),
        "trade_balance": worst((imports - exports - sol.deficit) / va),
        "numeraire": worst((np.sum(sol.w_hat * va, axis=-1) - world)[:, None] / world),
    }
