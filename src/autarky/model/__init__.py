"""Pure numerics of the equilibrium model (numpy only; imports nothing from autarky but errors).

Its own types (:class:`Shock` cube, :class:`SolveOptions`, :class:`Economy`,
:class:`Equilibrium`), the equations (:mod:`~autarky.model.equations`), closed forms
(:mod:`~autarky.model.closed_form`) and the fixed-point engine with its registry of outer
solvers (:mod:`~autarky.model.solver`, :data:`~autarky.model.solver.SOLVERS`).
"""

from autarky.model import closed_form, equations, solver
from autarky.model.economy import Economy, Equilibrium
from autarky.model.options import SolveOptions
from autarky.model.shock import Shock
from autarky.model.solver import SOLVERS, solve_hat

__all__ = ["SOLVERS", "Economy", "Equilibrium", "Shock", "SolveOptions", "closed_form",
           "equations", "solve_hat", "solver"]
