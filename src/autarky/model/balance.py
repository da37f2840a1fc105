"""The balanced baseline of deficit rule "zero", removed once per (baseline, elasticities).

With ``deficits="zero"`` (CP 2015) every solve first finds the equilibrium with the
baseline's own tariffs and no deficits, and solves the scenario from it. That balanced
baseline depends on the baseline Economy and the elasticity vector only, not on the
scenario: rows of a batch (:func:`autarky.solve.solve_arrays`) with the same vector share
it, and so do the chunks of a sweep that solves many scenarios on one baseline
(:func:`autarky.sweep.solve_rows`: claim 3's productivity draws). :func:`balance` is the one
place it is computed; :func:`shared_balances` finds the chunks that would each compute the
same one, so that it is computed once and handed to each (the same arithmetic, so the same
numbers bit for bit).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from autarky.model.economy import Economy, Equilibrium
from autarky.model.options import SolveOptions
from autarky.model.solver import solve_from, solve_hat

__all__ = ["Balanced", "balance", "balanced_warm", "shared_balances"]


@dataclass(frozen=True, eq=False)
class Balanced:
    """A baseline with its deficits removed under one elasticity vector.

    Attributes
    ----------
    theta : ndarray (J,)
        The elasticities it was solved with.
    econ : Economy or None
        The balanced baseline; None when the removal did not converge.
    iterations : int
        Outer iterations of the removal.
    residuals : dict of str to float
        Largest residual of each equation of the removal (where it did not converge).
    solution : Equilibrium, optional
        The removal's equilibrium in changes (a warm start for a nearby baseline).
    """

    theta: np.ndarray
    econ: Economy | None
    iterations: int
    residuals: dict[str, float]
    solution: Equilibrium | None = None


def balance(econ: Economy, theta: np.ndarray, options: SolveOptions,
            start: Equilibrium | None = None) -> Balanced:
    """Remove the baseline deficits of ``econ`` at ``theta`` (the first step of "zero").

    ``start``: a warm start (the removal on a nearby baseline, e.g. the previous year of
    the dataset); it changes the path, not the fixed point, and where it does not
    converge the removal is solved again from no change.
    """
    memory = options.memory if options.method == "anderson" else 0
    ones = np.ones_like(econ.tariffs)

    def removal(begin: Equilibrium | None) -> Equilibrium:
        return solve_hat(econ, econ.tariffs, ones, theta, deficits="zero", tol=options.tol,
                         max_iter=options.max_iter, memory=memory, method=options.method,
                         start=begin)

    first = solve_from(start, removal)
    if not first.converged.all():
        return Balanced(theta, None, first.iterations,
                        {k: v[0] for k, v in first.residuals.items()}, first)
    return Balanced(theta, econ.rebase(first, econ.tariffs), first.iterations, {}, first)


def balanced_warm(econ: Economy, theta: np.ndarray, options: SolveOptions,
                  store: dict[Any, Equilibrium] | None) -> Balanced:
    """:func:`balance`, warm-started from ``store`` and kept there.

    ``store`` is a :func:`autarky.solve.warm_starts` dict (or None): the removal starts
    from its last solution of the same shape and elasticities (another year of the same
    dataset), and a converged removal's solution is kept there for the next. The one
    warm-started removal of :func:`autarky.solve.solve` and of claim 1's closed form.
    """
    key = ("deficits", econ.shape, theta.tobytes())
    bal = balance(econ, theta, options, start=None if store is None else store.get(key))
    if store is not None and bal.econ is not None and bal.solution is not None:
        store[key] = replace(bal.solution, pi=np.empty((1, 0, 0, 0)))
    return bal


def shared_balances(econs: Sequence[Economy], chunks: Sequence[tuple[int, np.ndarray]],
                    options: SolveOptions) -> list[Balanced | None]:
    """The balanced baseline of each chunk that shares it with another, else None.

    ``chunks``: (index into ``econs``, theta rows (B, J)) of each chunk of a sweep. A
    chunk whose rows have one elasticity vector, on a baseline and vector another chunk
    has too, gets the :class:`Balanced` baseline computed once for all of them; the
    others (one chunk of their kind, several vectors, or another deficit rule) get None
    and remove their deficits themselves.
    """
    out: list[Balanced | None] = [None] * len(chunks)
    if options.deficits != "zero":
        return out
    groups: dict[tuple[int, bytes], list[int]] = {}
    for k, (e, theta) in enumerate(chunks):
        th = np.atleast_2d(np.asarray(theta, float))
        if len(th) and np.all(th == th[0]):
            groups.setdefault((int(e), th[0].tobytes()), []).append(k)
    for (e, _), members in groups.items():
        if len(members) > 1:
            th0 = np.atleast_2d(np.asarray(chunks[members[0]][1], float))[0].copy()
            done = balance(econs[e], th0, options)
            for k in members:
                out[k] = done
    return out
