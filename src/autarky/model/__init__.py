"""Pure numerics of the equilibrium model: equations, solver, closed forms (no I/O)."""

from autarky.model import closed_form, equations, solver
from autarky.model.solver import Economy, Equilibrium, solve_hat

__all__ = ["Economy", "Equilibrium", "closed_form", "equations", "solve_hat", "solver"]
