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
    """Real input data were repaired by a documented rule (rounding residuals, negative cells).

    Parameters
    ----------
    message : str
        The sentence stating the rule and what it changed.
    rule : str, optional
        The rule's label ('R2', 'T1', ...); where not given, read from "(rule X" in the text.
    cells : sequence of str, optional
        Every cell the rule changed, one label each ("KAZ P85 0.29 -> 0.62"); default: the
        message counts as one cell. ``autarky info WORLD --repairs`` lists them.
    """

    def __init__(self, message: str, rule: str = "", cells: tuple[str, ...] | list[str] = ()
                 ) -> None:
        super().__init__(message)
        if not rule:
            import re

            found = re.search(r"\(rule ([A-Z]+\d+)", message)
            rule = found.group(1) if found else "other"
        self.rule = rule
        self.cells: tuple[str, ...] = tuple(cells) or (message,)


class ScenarioWarning(UserWarning):
    """A scenario refers to something the data cannot represent (e.g. a member folded into ROW)."""
