"""The outcome of an equilibrium solve: an immutable :class:`Result` with tidy accessors.

A Result is labelled data only: it never runs the solver itself. Solving along a path
(:meth:`Result.decomposition_path`) uses the re-solve function that :func:`autarky.solve`
hands it. Many elasticity draws of one scenario (:func:`autarky.solve.solve_batch`) give
one Result with a ``draw`` dimension: welfare, wages and prices by draw.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import xarray as xr

from autarky.model import equations as eq
from autarky.model.economy import Economy, Equilibrium

__all__ = ["Result"]

Resolver = Callable[[np.ndarray, np.ndarray], Equilibrium]
"""Re-solve the same economy and elasticities at other (tariffs, tau_hat)."""


def _pct(x: np.ndarray) -> np.ndarray:
    return 100.0 * (np.asarray(x) - 1.0)


@dataclass(frozen=True, eq=False)
class Result:
    """Counterfactual equilibrium relative to the baseline, with diagnostics.

    Percent changes are ``100 * (x^ - 1)``; money levels are million USD, the counterfactual
    in units of baseline world value added (the numeraire: world value added is unchanged).

    Attributes
    ----------
    countries, sectors : tuple of str
    theta : pandas.Series or DataFrame
        Trade elasticities used, by sector (by draw and sector with a ``draw`` dimension).
    converged : bool
        Every draw converged.
    iterations : int
        Outer (wage) iterations.
    residual : dict of str to float
        Largest residual of every equilibrium equation (see
        :func:`autarky.model.solver.equilibrium_residuals`).
    seconds : float
        Wall time of the solve (both steps with ``deficits="zero"``).
    method : str
    notes : tuple of str
        Assumptions and caveats: elasticity source, deficit treatment, IO links,
        unavailable-goods policy, anything the scenario reported.
    history : tuple of float
        Largest labour-market residual per outer iteration.
    draws : int or None
        Length of the ``draw`` dimension (elasticity draws of :func:`solve_batch`); None
        for a single solve. With draws, :attr:`welfare`, :attr:`real_wage`, :attr:`wage`
        and :attr:`price_index` are DataFrames (draw x country) and the accessors that
        need counterfactual trade shares are not available.
    converged_draws : ndarray of bool or None
        Convergence of each draw.
    """

    countries: tuple[str, ...]
    sectors: tuple[str, ...]
    theta: pd.Series | pd.DataFrame
    baseline: Economy = field(repr=False)
    tariffs_new: np.ndarray = field(repr=False)
    w_hat: np.ndarray = field(repr=False)
    log_P: np.ndarray = field(repr=False)
    log_c: np.ndarray | None = field(repr=False)
    pi: np.ndarray | None = field(repr=False)
    X: np.ndarray | None = field(repr=False)
    income_new: np.ndarray = field(repr=False)
    deficit_new: np.ndarray = field(repr=False)
    converged: bool
    iterations: int
    residual: dict[str, float]
    seconds: float
    method: str
    notes: tuple[str, ...] = ()
    history: tuple[float, ...] = field(default=(), repr=False)
    tau_hat: np.ndarray | None = field(default=None, repr=False)
    deficits: str = "fixed"
    draws: int | None = None
    converged_draws: np.ndarray | None = field(default=None, repr=False)
    resolve: Resolver | None = field(default=None, repr=False, compare=False)
    group_weights: np.ndarray | None = field(default=None, repr=False, compare=False)
    """Weights of every group aggregate (:meth:`aggregate`, :func:`autarky.outcomes.
    bloc_aggregates`): each economy's income as observed in the data, before any deficit
    rule or repair of the solve; None: the solve's baseline income."""

    # ----------------------------------------------------------------- helpers
    def _c(self, values: np.ndarray, name: str) -> Any:
        """By country: a Series, or a DataFrame (draw x country) with a draw dimension."""
        idx = pd.Index(self.countries, name="country")
        if self.draws is not None:
            return pd.DataFrame(values, index=pd.RangeIndex(self.draws, name="draw"),
                                columns=idx)
        return pd.Series(values, index=idx, name=name)

    def _single(self, what: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(pi, X, log_c) of a single solve; one clear error for a Result with draws."""
        if self.pi is None or self.X is None or self.log_c is None or self.draws is not None:
            raise ValueError(f"Result.{what}: a Result with {self.draws} draws holds welfare, "
                             "wages and prices by draw only; solve one draw with ak.solve "
                             "for trade, output and the decomposition")
        return self.pi, self.X, self.log_c

    def _cs(self, values: np.ndarray) -> pd.DataFrame:
        return pd.DataFrame(values, index=pd.Index(self.countries, name="country"),
                            columns=pd.Index(self.sectors, name="sector"))

    @property
    def _scale(self) -> float:
        return self.baseline.scale

    @cached_property
    def flows_new(self) -> np.ndarray:
        """Counterfactual flows (importer, exporter, sector), million USD, producer prices."""
        pi, X, _ = self._single("flows_new")
        return pi * X[:, None, :] / (1.0 + self.tariffs_new) * self._scale

    @cached_property
    def _log_price(self) -> np.ndarray:
        return eq.aggregate_price(self.log_P, self.baseline.alpha)

    # ----------------------------------------------------------------- headline numbers
    @cached_property
    def welfare(self) -> pd.Series:
        """Percent change in real income ``I^_n / prod_j P^_nj^alpha_nj`` (+ = gain)."""
        w = eq.welfare(self.income_new, self.baseline.income, self.log_P, self.baseline.alpha)
        return self._c(_pct(w), "welfare")

    @cached_property
    def real_wage(self) -> pd.Series:
        """Percent change in the real wage ``w^_n / P^_n``."""
        return self._c(_pct(self.w_hat * np.exp(-self._log_price)), "real_wage")

    @cached_property
    def wage(self) -> pd.Series:
        """Percent change in the nominal wage (numeraire: world value added)."""
        return self._c(_pct(self.w_hat), "wage")

    @cached_property
    def price_index(self) -> pd.Series:
        """Percent change in the consumer price index ``prod_j P^_nj^alpha_nj``."""
        return self._c(_pct(np.exp(self._log_price)), "price_index")

    @cached_property
    def sector_prices(self) -> pd.DataFrame:
        """Percent change in sectoral price indices ``P^_nj`` (country x sector)."""
        self._single("sector_prices")
        return self._cs(_pct(np.exp(self.log_P)))

    @cached_property
    def unit_cost(self) -> pd.DataFrame:
        """Percent change in unit costs of the input bundle ``c^_nj`` (country x sector)."""
        return self._cs(_pct(np.exp(self._single("unit_cost")[2])))

    # ----------------------------------------------------------------- levels
    @cached_property
    def trade(self) -> pd.DataFrame:
        """Bilateral flows before and after, million USD at producer prices.

        Index (importer, exporter, sector); columns ``before``, ``after``, ``change_pct``
        (NaN where the flow was zero before).
        """
        before = self.baseline.flows * self._scale
        after = self.flows_new
        idx = pd.MultiIndex.from_product([self.countries, self.countries, self.sectors],
                                         names=["importer", "exporter", "sector"])
        with np.errstate(divide="ignore", invalid="ignore"):
            chg = np.where(before > 0, 100.0 * (after / np.where(before > 0, before, 1) - 1),
                           np.nan)
        return pd.DataFrame({"before": before.ravel(), "after": after.ravel(),
                             "change_pct": chg.ravel()}, index=idx)

    @cached_property
    def output(self) -> pd.DataFrame:
        """Gross output before and after by (country, sector), million USD."""
        before = self.baseline.flows.sum(axis=0) * self._scale
        after = self.flows_new.sum(axis=0)
        idx = pd.MultiIndex.from_product([self.countries, self.sectors],
                                         names=["country", "sector"])
        return pd.DataFrame({"before": before.ravel(), "after": after.ravel()}, index=idx)

    @cached_property
    def employment(self) -> pd.DataFrame:
        """Sectoral employment shares ``gamma_nj Y_nj / (w_n L_n)`` before and after."""
        g = self.baseline.gamma
        y0 = self.baseline.flows.sum(axis=0)
        y1 = self.flows_new.sum(axis=0) / self._scale
        before = g * y0 / self.baseline.va[:, None]
        after = g * y1 / (self.w_hat * self.baseline.va)[:, None]
        idx = pd.MultiIndex.from_product([self.countries, self.sectors],
                                         names=["country", "sector"])
        return pd.DataFrame({"before": before.ravel(), "after": after.ravel()}, index=idx)

    @cached_property
    def value_added(self) -> pd.DataFrame:
        """Value added ``w_n L_n`` before and after, million USD."""
        va = self.baseline.va * self._scale
        return pd.DataFrame({"before": va, "after": va * self.w_hat},
                            index=pd.Index(self.countries, name="country"))

    @cached_property
    def tariff_revenue(self) -> pd.DataFrame:
        """Tariff revenue before and after, million USD."""
        pi, X, _ = self._single("tariff_revenue")
        before = self.baseline.revenue * self._scale
        after = eq.tariff_revenue(pi, self.tariffs_new, X) * self._scale
        return pd.DataFrame({"before": before, "after": after},
                            index=pd.Index(self.countries, name="country"))

    @cached_property
    def income(self) -> pd.DataFrame:
        """Income ``I_n = w_n L_n + R_n + D_n`` before and after, million USD."""
        return pd.DataFrame({"before": self.baseline.income * self._scale,
                             "after": self.income_new * self._scale,
                             "deficit_before": self.baseline.deficit * self._scale,
                             "deficit_after": self.deficit_new * self._scale},
                            index=pd.Index(self.countries, name="country"))

    # ----------------------------------------------------------------- decomposition
    @cached_property
    def _decomp(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        b = self.baseline
        tot, vot = eq.welfare_decomposition(b.flows, self.flows_new / self._scale, b.tariffs,
                                            np.exp(self._single("decomposition")[2]),
                                            b.income)
        if self.tau_hat is None:
            cost = np.zeros_like(tot)
        else:
            cost = eq.trade_cost_effect(b.flows, b.tariffs, self.tau_hat, b.income)
        return tot, vot, cost

    @cached_property
    def decomposition(self) -> pd.DataFrame:
        """Terms-of-trade, volume-of-trade and trade-cost effects, percent of baseline income.

        Columns ``terms_of_trade``, ``volume_of_trade``, ``trade_costs`` and ``total``
        (their sum), by country, from the first-order formula of CP (2015) evaluated with
        discrete changes as in their code, plus the direct effect of iceberg trade-cost
        changes (:func:`autarky.model.equations.trade_cost_effect`; zero for tariff-only
        shocks, so ``total`` is then the welfare measure CP (2015) report in Table 2). For
        small shocks ``total`` agrees with :attr:`welfare` (the exact change in real income)
        to first order; for large changes it can differ (see :meth:`decomposition_path`).
        """
        tot, vot, cost = self._decomp
        t, v, c = 100 * tot.sum(axis=1), 100 * vot.sum(axis=1), 100 * cost.sum(axis=1)
        return pd.DataFrame({"terms_of_trade": t, "volume_of_trade": v, "trade_costs": c,
                             "total": t + v + c},
                            index=pd.Index(self.countries, name="country"))

    @cached_property
    def decomposition_by_sector(self) -> pd.DataFrame:
        """The decomposition by (country, sector), percent of the country's baseline income."""
        tot, vot, cost = self._decomp
        idx = pd.MultiIndex.from_product([self.countries, self.sectors],
                                         names=["country", "sector"])
        return pd.DataFrame({"terms_of_trade": 100 * tot.ravel(),
                             "volume_of_trade": 100 * vot.ravel(),
                             "trade_costs": 100 * cost.ravel()}, index=idx)

    def decomposition_path(self, steps: int = 16) -> pd.DataFrame:
        """Exact terms-of-trade / volume-of-trade split, integrated along the shock's path.

        Re-solves the equilibrium at ``steps`` points between the baseline and the shock
        (tariffs linear, iceberg costs log-linear) and integrates the CP (2015) differential
        decomposition ``d ln W = ToT + VoT`` with the trapezoid rule; iceberg changes add a
        direct term ``-sum_ij (1 + t_nij) M_nij d ln d_nij / I_n`` (column ``trade_costs``,
        zero for tariff-only shocks). The parts add up to ``100 * ln W^`` (column
        ``log_welfare``) up to O(1/steps^2).

        Parameters
        ----------
        steps : int
            Equilibria solved along the path.

        Returns
        -------
        pandas.DataFrame
            By country: ``terms_of_trade``, ``volume_of_trade``, ``trade_costs``, ``total``
            and ``log_welfare``, in percent (100 x log change).

        Raises
        ------
        ValueError
            For prohibitive shocks (the path is not continuous) or proportional deficits.
        """
        _, _, log_c = self._single("decomposition_path")
        if self.resolve is None:
            raise ValueError("decomposition_path: this Result carries no re-solve function "
                             "(build it with ak.solve)")
        if self.tau_hat is None or not np.all(np.isfinite(self.tau_hat)):
            raise ValueError("decomposition_path: needs finite trade-cost changes (a "
                             "prohibitive shock has no continuous path); use decomposition")
        if self.deficits == "proportional":
            raise ValueError("decomposition_path: defined for fixed or zero deficits")
        if int(steps) < 1:
            raise ValueError("decomposition_path: steps must be >= 1")
        econ = self.baseline
        t0, t1 = econ.tariffs, self.tariffs_new
        log_tau = np.log(self.tau_hat)

        dld = log_tau / int(steps)

        def parts(flows: np.ndarray, income: np.ndarray, tariffs: np.ndarray,
                  dlc: np.ndarray, dlm: np.ndarray,
                  ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
            tot = (np.einsum("inj,nj->n", flows, dlc)
                   - np.einsum("nij,ij->n", flows, dlc)) / income
            vot = np.einsum("nij,nij->n", tariffs * flows, dlm - dlc[None]) / income
            eff = -np.einsum("nij,nij->n", (1.0 + tariffs) * flows, dld) / income
            return tot, vot, eff

        prev_lc = np.zeros_like(log_c)
        prev_f, prev_i, prev_t = econ.flows, econ.income, t0
        tot = np.zeros(len(self.countries))
        vot = np.zeros(len(self.countries))
        eff = np.zeros(len(self.countries))
        for k in range(1, int(steps) + 1):
            s_ = k / int(steps)
            tk = t0 + s_ * (t1 - t0)
            sol = self.resolve(tk, np.exp(s_ * log_tau))
            lc = eq.unit_cost(np.log(sol.w_hat), sol.log_P, econ.gamma, econ.io)[0]
            f = sol.pi[0] * sol.X[0][:, None, :] / (1.0 + tk)
            both = (f > 0) & (prev_f > 0)
            dlm = np.log(np.where(both, f, 1.0) / np.where(both, prev_f, 1.0))
            dlc = lc - prev_lc
            a = parts(prev_f, prev_i, prev_t, dlc, dlm)
            b = parts(f, sol.income[0], tk, dlc, dlm)
            tot += 0.5 * (a[0] + b[0])
            vot += 0.5 * (a[1] + b[1])
            eff += 0.5 * (a[2] + b[2])
            prev_lc, prev_f, prev_i, prev_t = lc, f, sol.income[0], tk
        log_w = np.log1p(self.welfare.to_numpy() / 100.0)
        return pd.DataFrame({"terms_of_trade": 100 * tot, "volume_of_trade": 100 * vot,
                             "trade_costs": 100 * eff, "total": 100 * (tot + vot + eff),
                             "log_welfare": 100 * log_w},
                            index=pd.Index(self.countries, name="country"))

    # ----------------------------------------------------------------- groups
    @property
    def weights(self) -> np.ndarray:
        """The weight of each economy in group aggregates: income as observed in the data.

        Every group number the package prints (``autarky run``, the report, the workbook,
        the app, the claims) is the mean of the members' welfare changes weighted by these
        incomes, so that a group's number does not depend on the deficit rule of the solve.
        """
        return np.asarray(self.baseline.income if self.group_weights is None
                          else self.group_weights, float)

    def aggregate(self, groups: Mapping[str, Sequence[str]],
                  weights: pd.Series | None = None) -> pd.DataFrame:
        """Welfare of groups of countries, weighted by baseline income.

        Parameters
        ----------
        groups : mapping of str to sequence of str
            Group name -> member codes; members not in the Result are left out (a group
            with none is left out).
        weights : pandas.Series, optional
            Weight by country code; default :attr:`weights` (income as observed in the
            data: the one weight of every group aggregate the package prints).

        Returns
        -------
        pandas.DataFrame
            Index ``group``; columns ``welfare`` (baseline-income-weighted % change in real
            income of the members present) and ``members`` (how many are present). With a
            ``draw`` dimension, ``welfare`` is replaced by one column per draw.
        """
        pos = {c: k for k, c in enumerate(self.countries)}
        names, rows, counts = [], [], []
        income = (self.weights if weights is None
                  else weights.reindex(list(self.countries)).to_numpy(float))
        for name, members in groups.items():
            idx = sorted({pos[c] for c in members if c in pos})
            if not idx:
                continue
            wt = np.zeros(len(self.countries))
            wt[idx] = income[idx] / income[idx].sum()
            names.append(str(name))
            rows.append(wt)
            counts.append(len(idx))
        index = pd.Index(names, name="group")
        W = np.asarray(self.welfare, float)  # (N,) or (draws, N)
        agg = (np.array(rows).reshape(len(rows), len(self.countries)) @ W.T)
        if self.draws is None:
            return pd.DataFrame({"welfare": agg, "members": counts}, index=index)
        out = pd.DataFrame(agg, index=index, columns=pd.RangeIndex(self.draws, name="draw"))
        out.insert(0, "members", counts)
        return out

    # ----------------------------------------------------------------- export
    @property
    def assumptions(self) -> str:
        """The notes as text, one per line, to print beside the numbers."""
        return "\n".join(self.notes)

    def summary(self) -> pd.DataFrame:
        """One row per country: welfare, real wage, price index and the decomposition (%).

        The decomposition columns are ``terms_of_trade``, ``volume_of_trade``,
        ``trade_costs`` and ``decomposition_total`` (see :attr:`decomposition`).
        """
        d = self.decomposition
        return pd.DataFrame({
            "welfare": self.welfare, "real_wage": self.real_wage,
            "price_index": self.price_index, "wage": self.wage,
            "terms_of_trade": d["terms_of_trade"], "volume_of_trade": d["volume_of_trade"],
            "trade_costs": d["trade_costs"], "decomposition_total": d["total"],
        })

    def to_frame(self) -> pd.DataFrame:
        """Tidy table: one row per (country, variable) with value and unit."""
        s = self.summary()
        long = s.reset_index().melt(id_vars="country", var_name="variable", value_name="value")
        long["unit"] = "percent change"
        return long

    def to_dataset(self) -> xr.Dataset:
        """The result as a labelled xarray Dataset (what :meth:`to_netcdf` writes)."""
        c, s = list(self.countries), list(self.sectors)
        if self.draws is not None:
            dims = ("draw", "country")
            return xr.Dataset(
                {k: (dims, np.asarray(getattr(self, k), float), {"units": "percent"})
                 for k in ("welfare", "real_wage", "wage", "price_index")}
                | {"theta": (("draw", "sector"), np.asarray(self.theta, float))},
                coords={"draw": np.arange(self.draws), "country": c, "sector": s},
                attrs={"converged": int(self.converged), "iterations": self.iterations,
                       "seconds": self.seconds, "method": self.method,
                       "notes": "\n".join(self.notes)})
        b = self.baseline
        ds = xr.Dataset(
            {
                "welfare": (("country",), self.welfare.to_numpy(), {"units": "percent"}),
                "real_wage": (("country",), self.real_wage.to_numpy(), {"units": "percent"}),
                "price_index": (("country",), self.price_index.to_numpy(),
                                {"units": "percent"}),
                "terms_of_trade": (("country",), self.decomposition["terms_of_trade"]
                                   .to_numpy(), {"units": "percent"}),
                "volume_of_trade": (("country",), self.decomposition["volume_of_trade"]
                                    .to_numpy(), {"units": "percent"}),
                "trade_costs": (("country",), self.decomposition["trade_costs"].to_numpy(),
                                {"units": "percent"}),
                "decomposition_total": (("country",), self.decomposition["total"]
                                        .to_numpy(), {"units": "percent"}),
                "sector_prices": (("country", "sector"), self.sector_prices.to_numpy(),
                                  {"units": "percent"}),
                "flows_before": (("importer", "exporter", "sector"), b.flows * b.scale,
                                 {"units": "million USD"}),
                "flows_after": (("importer", "exporter", "sector"), self.flows_new,
                                {"units": "million USD"}),
                "theta": (("sector",), self.theta.to_numpy()),
            },
            coords={"country": c, "importer": c, "exporter": c, "sector": s},
        )
        ds.attrs.update(converged=int(self.converged), iterations=self.iterations,
                        seconds=self.seconds, method=self.method,
                        notes="\n".join(self.notes),
                        **{f"residual_{k}": v for k, v in self.residual.items()})
        return ds

    def to_netcdf(self, path: str | Path, engine: str | None = None) -> Path:
        """Write :meth:`to_dataset` to a netCDF file; returns the path.

        ``engine`` as in :meth:`xarray.Dataset.to_netcdf`; by default xarray's choice, and
        the netCDF3 writer of scipy when no HDF5 backend is installed.
        """
        p = Path(path)
        ds = self.to_dataset()
        if engine is not None:
            ds.to_netcdf(p, engine=engine)  # type: ignore[call-overload]
            return p
        try:
            ds.to_netcdf(p)
        except (ImportError, ValueError):
            ds.to_netcdf(p, engine="scipy")
        return p

    def __repr__(self) -> str:
        st = "converged" if self.converged else "NOT converged"
        if self.draws is not None:
            return (f"<Result {len(self.countries)} countries x {len(self.sectors)} sectors x "
                    f"{self.draws} draws, {st}, {self.seconds:.3f} s>")
        w = self.welfare
        return (f"<Result {len(self.countries)} countries x {len(self.sectors)} sectors, {st} "
                f"in {self.iterations} iterations, {self.seconds:.3f} s; welfare "
                f"{w.min():+.2f}% ({w.idxmin()}) to {w.max():+.2f}% ({w.idxmax()})>")
