"""How to solve: the one vocabulary of solver settings (``SolveOptions``).

Every place that names a deficit rule, a method or an unavailable-goods policy (the
solver, a scenario's ``[solve]`` table, the command line) takes its allowed values from
the ``Literal`` types here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, get_args

__all__ = ["DEFICITS", "ELASTICITY_RANGE", "METHODS", "UNAVAILABLE", "Deficits", "Method",
           "SolveOptions", "Unavailable"]

Deficits = Literal["fixed", "zero", "proportional"]
Method = Literal["anderson", "fixed-point"]
Unavailable = Literal["raise", "floor"]

ELASTICITY_RANGE: tuple[float, float] = (0.1, 100.0)
"""Plausible trade elasticities: every value of the catalog lies inside (from 0.47, an
in-sample estimate for food, to 64.85, Caliendo-Parro 2015 for petroleum products).
Outside it the model's shares and prices under- or overflow long before the answer means
anything; :class:`SolveOptions` ``extreme_elasticities=True`` accepts them with a note."""

DEFICITS: tuple[str, ...] = get_args(Deficits)
METHODS: tuple[str, ...] = get_args(Method)
UNAVAILABLE: tuple[str, ...] = get_args(Unavailable)
FLOOR_RULES: tuple[str, ...] = ("smallest", "tenth", "median")
"""Rules of :func:`autarky.solve.floor_shares` for the latent home supply of a good with no
recorded home production: the smallest recorded supplier's share (default: the largest
home supply consistent with none being recorded), a tenth of it, or the median supplier's
(more home supply than the data allow; kept for comparison with earlier results)."""


@dataclass(frozen=True)
class SolveOptions:
    """How to solve: validated on construction.

    Attributes
    ----------
    deficits : {"fixed", "zero", "proportional"}
        ``"fixed"`` (CP 2015 default): each country's deficit stays at its baseline value in
        units of world value added. ``"zero"``: deficits are removed first, as CP (2015) do:
        a first equilibrium with baseline tariffs and zero deficits becomes the baseline, and
        the scenario is solved from it with zero deficits. ``"proportional"``: each deficit
        moves with the country's wage, ``D'_n = w^_n D_n``, less the country's value-added
        share of the world sum so that deficits still add up to zero.
    tol : float
        Largest labour-market residual accepted, relative to each country's value added.
    max_iter : int
        Outer (wage) iterations.
    method : {"anderson", "fixed-point"}
        A solver of :data:`autarky.model.solver.SOLVERS`: Anderson-accelerated or plain
        damped fixed-point iteration.
    memory : int
        Anderson memory (past steps).
    unavailable : {"raise", "floor"}
        Goods that the scenario leaves with no possible supplier in some country (a sector
        with no domestic production whose imports are all cut): ``"raise"`` an
        :class:`~autarky.errors.UnavailableGoodError` naming them; ``"floor"``: give such a
        country a small latent domestic supply of the good (the baseline is recalibrated
        with it, and the result's notes say so, with the welfare of the countries concerned
        under the alternative rule as a sensitivity).
    floor_share : float or None
        Domestic share of baseline absorption given by the ``"floor"`` policy. None (the
        default): the rule ``floor_rule`` of :func:`autarky.solve.floor_shares`; a number:
        that share for every such good.
    floor_rule : {"smallest", "tenth", "median"}
        Default ``"smallest"``: home supplies the good with the share of its smallest
        recorded supplier, the largest home supply consistent with none being recorded (a
        larger home supplier would have been recorded), so the smallest loss the data allow;
        ``"tenth"`` (a tenth of that share) is printed as the sensitivity.
    return_unconverged : bool
        Return an unconverged Result (``converged`` False) instead of raising
        :class:`~autarky.errors.ConvergenceError`.
    extreme_elasticities : bool
        Accept trade elasticities outside the plausible range :data:`ELASTICITY_RANGE`
        (0.1 to 100; every published source of the catalog lies inside it); the result's
        notes then say which are outside. Default False: such values are refused with a
        :class:`~autarky.errors.DataError`.

    Notes
    -----
    Convergence. ``converged`` is True only when every equilibrium equation holds to
    ``10 x tol`` (:data:`autarky.model.solver.CHECK_FACTOR`), each residual recomputed
    from the solution and scaled the same way, as a relative number: the price indices
    (CP 2015 eqs. 10-11) in log units, the trade shares (eq. 12) as fractions, expenditure
    (eq. 13), the labour market and trade balance (eq. 14) relative to each country's
    baseline value added, and the numeraire relative to world value added
    (:func:`autarky.model.solver.member_residuals`). The outer iteration itself stops
    when the labour-market residual is below ``tol``; the factor 10 leaves room for
    rounding in the recomputation. Anything else is a
    :class:`~autarky.errors.ConvergenceError` carrying the residuals and their history.
    """

    deficits: Deficits = "fixed"
    tol: float = 1e-10
    max_iter: int = 1000
    method: Method = "anderson"
    memory: int = 6
    unavailable: Unavailable = "raise"
    floor_share: float | None = None
    floor_rule: str = "smallest"
    return_unconverged: bool = False
    extreme_elasticities: bool = False

    def __post_init__(self) -> None:
        for name, allowed in (("deficits", DEFICITS), ("method", METHODS),
                              ("unavailable", UNAVAILABLE)):
            if getattr(self, name) not in allowed:
                raise ValueError(f"SolveOptions.{name}: {getattr(self, name)!r} is not one of "
                                 f"{', '.join(map(repr, allowed))}")
        if not (0 < self.tol < 1e-2):
            raise ValueError(f"SolveOptions.tol: {self.tol!r} must be in (0, 0.01)")
        if int(self.max_iter) != self.max_iter or self.max_iter < 1:
            raise ValueError(f"SolveOptions.max_iter: {self.max_iter!r} must be a positive int")
        if int(self.memory) != self.memory or not 0 <= self.memory <= 50:
            raise ValueError(f"SolveOptions.memory: {self.memory!r} must be an int in 0..50")
        if self.floor_rule not in FLOOR_RULES:
            raise ValueError(f"SolveOptions.floor_rule: {self.floor_rule!r} is not one of "
                             f"{', '.join(map(repr, FLOOR_RULES))}")
        if self.floor_share is not None and not (0 < self.floor_share < 0.5):
            raise ValueError(f"SolveOptions.floor_share: {self.floor_share!r} must be in "
                             "(0, 0.5)")
