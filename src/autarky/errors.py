"""Exceptions and warnings raised by autarky.

Every error a user can cause carries one line naming the file, field, country or
sector at fault, so that the command line can print it without a traceback.
"""

from __future__ import annotations

__all__ = [
    "AutarkyError",
    "DataError",
    "ScenarioError",
    "ConvergenceError",
    "RepairWarning",
    "ScenarioWarning",
    "UnavailableGoodError",
]


class AutarkyError(Exception):
    """Base class of every error autarky raises on purpose."""


class DataError(AutarkyError, ValueError):
    """Input data are malformed: the message names the file, row, field, country or sector."""


class ScenarioError(AutarkyError, ValueError):
    """A scenario is malformed: the message names the key, value, country or sector."""


class ConvergenceError(AutarkyError, RuntimeError):
    """An equilibrium solve did not converge.

    Parameters
    ----------
    message : str
        One line saying what did not converge.
    diagnostics : object, optional
        The solver's diagnostics (residual history, iterations, partial result).
    """

    def __init__(self, message: str, diagnostics: object | None = None) -> None:
        super().__init__(message)
        self.diagnostics = diagnostics


class UnavailableGoodError(AutarkyError, ValueError):
    """A counterfactual leaves a good with no possible supplier in some country."""


class RepairWarning(UserWarning):
    """Real input data were repaired by a documented rule (rounding residuals, negative cells)."""


class ScenarioWarning(UserWarning):
    """A scenario refers to something the data cannot represent (e.g. a member folded into ROW)."""
