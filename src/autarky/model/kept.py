"""Equilibria solved once and kept as starting points of the same solves.

Inside :func:`kept_solutions` every :func:`autarky.model.solver.solve_hat` looks up a
solution of the same problem (:func:`key`: the baseline, the shock, the elasticities and
the deficit rule) and starts there; where the block is given a ``fresh`` mapping, each
solve that converges puts its solution there (``scripts/build_starts.py`` records the
claims' solutions this way; ``autarky claims`` reads the package's shipped file,
:mod:`autarky.data.starts`, and records nothing). A start changes the solver's path, not
its fixed point: the solve still iterates until the labour-market residual is below the
tolerance and checks every equation at the end, and one that does not converge from a
kept start is solved again from the caller's own start. An entry of another problem can
only cost time; with no entry of the problem the solve is the one without the block.

The key rounds the arrays it reads to single precision, so that a baseline that differs
from the recorded run's by rounding (a balanced baseline is itself a solve, equal to the
solver's tolerance) finds that run's solution; two problems that round alike share a
start, which again costs time at most.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import hashlib
from collections.abc import Callable, Iterator, Mapping
from typing import Any, TypeVar

import numpy as np

from autarky.model.economy import Economy, Equilibrium

__all__ = ["FIELDS", "active", "keep", "kept_solutions", "key", "start", "unkept"]

FIELDS = ("w_hat", "log_P", "X")
"""What a kept solution holds: wages (B, N), log sector prices and expenditure (B, N, J)."""

Kept = Mapping[str, Mapping[str, np.ndarray]]
Box = tuple[Kept, dict[str, dict[str, np.ndarray]] | None]
_BOX: contextvars.ContextVar[Box | None] = contextvars.ContextVar("kept_solutions",
                                                                  default=None)


@contextlib.contextmanager
def kept_solutions(kept: Kept, fresh: dict[str, dict[str, np.ndarray]] | None = None
                   ) -> Iterator[None]:
    """Inside: solves start from ``kept``'s solution of their problem, and record theirs.

    Each converged solve's solution is put in ``fresh`` if one is given. ``kept`` and
    ``fresh`` map :func:`key` to the arrays of :data:`FIELDS`.
    """
    token = _BOX.set((kept, fresh))
    try:
        yield
    finally:
        _BOX.reset(token)


F = TypeVar("F", bound=Callable[..., Any])


def unkept(fn: F) -> F:
    """Decorator: ``fn``'s solves start as their caller says, never from a kept solution.

    For the best-response Nash game (:func:`autarky.model.nash.best_response_nash`): its
    welfare derivatives are differences of solves a tariff step ``h`` apart, and solves
    from different starts differ by up to the tolerance, which divided by ``h`` is the
    size of the game's own tolerance on tariffs.
    """
    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        token = _BOX.set(None)
        try:
            return fn(*args, **kwargs)
        finally:
            _BOX.reset(token)
    return wrapper  # type: ignore[return-value]


def active() -> Box | None:
    """The innermost :func:`kept_solutions` block's mappings, or None outside one."""
    return _BOX.get()


def _f32(a: Any) -> bytes:
    return np.asarray(a, dtype=np.float32).tobytes()


def key(econ: Economy, tariffs_new: np.ndarray, tau_hat: np.ndarray, theta: np.ndarray,
        deficits: str) -> str:
    """The problem's key: shapes, deficit rule, elasticities, baseline and shock.

    The baseline enters by its expenditure, value added and deficits; the shock by each
    importer's and sector's sums over exporters of the new tariffs and trade-cost changes
    (infinite where a route closes) and its count of open routes (in single precision).
    """
    h = hashlib.blake2b(digest_size=16)
    h.update(f"{deficits}|{np.shape(tariffs_new)}|{np.shape(tau_hat)}".encode())
    for a in (theta, econ.X, econ.va, econ.deficit):
        h.update(_f32(a))
    for cube in (tariffs_new, tau_hat):  # no temporary of the cube's size but a mask
        h.update(_f32(np.sum(cube, axis=-2)))
        h.update(np.count_nonzero(np.isfinite(cube), axis=-2).astype(np.int32).tobytes())
    N, J = econ.shape
    return f"{N}x{J}-{h.hexdigest()}"


def start(box: Box, k: str, shape: tuple[int, int], theta: np.ndarray,
          tariffs_new: np.ndarray, tau_hat: np.ndarray) -> Equilibrium | None:
    """The kept solution of key ``k`` as the solver's ``start`` (None if none fits).

    It must have the solve's rows (the batch of ``theta`` and of the shock's arrays) and
    ``shape`` (N, J), positive wages and finite values.
    """
    rows = max([np.atleast_2d(theta).shape[0]]
               + [np.shape(a)[0] for a in (tariffs_new, tau_hat) if np.ndim(a) == 4])
    entry = box[0].get(k)
    if entry is None or any(f not in entry for f in FIELDS):
        return None
    w, lp, x = (np.asarray(entry[f], dtype=float) for f in FIELDS)
    if w.shape != (rows, shape[0]) or lp.shape != (rows, *shape) or x.shape != lp.shape \
            or not np.all(w > 0) or not (np.isfinite(lp).all() and np.isfinite(x).all()):
        return None
    none = np.empty((rows, 0))
    return Equilibrium(w_hat=w, log_P=lp, pi=np.empty((rows, 0, 0, 0)), X=x, Y=x,
                       income=none, deficit=none, converged=np.ones(rows, dtype=bool),
                       iterations=0)


def keep(box: Box, k: str, sol: Equilibrium) -> None:
    """Put ``sol`` under key ``k`` in the block's ``fresh`` mapping if every row converged."""
    if box[1] is not None and sol.converged.all():
        box[1][k] = {f: getattr(sol, f) for f in FIELDS}
