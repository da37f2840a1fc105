"""Anderson acceleration of fixed points, batched (the outer and inner solves of the engine).

:func:`anderson` and :func:`fixed_point` are the outer solvers of
:data:`autarky.model.solver.SOLVERS` and the inner solvers of
:class:`autarky.model.solver.WageMap` (prices, expenditure); :mod:`autarky.model.nash`
uses them too. Re-exported by :mod:`autarky.model.solver`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

import numpy as np

__all__ = ["Norm", "anderson", "fixed_point"]

log = logging.getLogger("autarky.model.solver")

Norm = Callable[[np.ndarray], np.ndarray]


def _max_abs(f: np.ndarray) -> np.ndarray:
    return np.abs(f).max(axis=-1)


def anderson(g: Callable[[np.ndarray], np.ndarray], x0: np.ndarray, *, tol: float,
             max_iter: int, memory: int = 6,
             norm: Callable[[np.ndarray], np.ndarray] | None = None,
             ) -> tuple[np.ndarray, np.ndarray, int, list[float]]:
    """Batched Anderson acceleration (type II) of the fixed point ``x = g(x)``.

    The last ``memory`` differences of residuals and of map values live in two preallocated
    ring buffers and their Gram matrix is updated by one column per iteration, so an
    iteration costs one evaluation of ``g``, two products with the history and an
    ``m x m`` solve (no re-stacking of the history).

    Parameters
    ----------
    g : callable
        Maps ``(B, d)`` to ``(B, d)``; it may keep state (warm starts) between calls and is
        always last called at the returned ``x``. A map with ``carried()`` and ``carry(c)``
        (:class:`WageMap` with input-output links) carries state of its own from one
        evaluation to the next (``carried()``: ``(B, p)`` after the last call; ``carry(c)``:
        the start of the next call, e.g. the inner solves' warm start): that state is mixed
        with the same coefficients as the map's values, so that the next evaluation starts
        from the mixture of past states that goes with the mixed point instead of from the
        last state. It moves the starts of the inner solves, not the fixed point.
    x0 : ndarray (B, d)
        Starting point.
    tol : float
        Stop when ``norm(g(x) - x) <= tol`` for every batch member.
    max_iter : int
        Largest number of iterations.
    memory : int
        Number of past differences in the least-squares mixing.
    norm : callable, optional
        Per-member residual norm, default max-abs.

    Returns
    -------
    x, f, iterations, history
        The last iterate, its residual ``g(x) - x``, the number of iterations and the
        history of the largest residual norm.
    """
    nrm = norm or _max_abs
    x = x0
    gx = g(x)
    f = gx - x
    r = nrm(f)
    hist = [float(r.max())]
    best = hist[0]
    # a map with keep(mask) lets converged rows leave the batch (WageMap of draws)
    keep: Callable[[np.ndarray | None], None] | None = getattr(g, "keep", None)
    if keep is not None:
        x_all, f_all = x0.copy(), np.empty_like(f)
        active = np.arange(x0.shape[0])
    m = max(int(memory), 0)
    B, d = f.shape[0], int(np.prod(f.shape[1:]))
    # state the map carries between evaluations, mixed as its values are (docstring)
    carried: Callable[[], np.ndarray | None] | None = getattr(g, "carried", None)
    c: np.ndarray | None = carried() if carried is not None and m else None
    if m:
        dF = np.empty((B, m, d))  # ring buffers: row s holds one past difference
        dG = np.empty((B, m, d))
        gram = np.zeros((B, m, m))  # dF dF^T, updated one row and column at a time
        dC = np.empty((B, m, c.shape[-1])) if c is not None else None
    k = 0  # differences held
    pos = 0  # next slot
    it = 0
    while True:
        if keep is not None:
            done = r <= tol
            if done.any() and not done.all():
                x_all[active[done]], f_all[active[done]] = x[done], f[done]
                live = ~done
                keep(live)
                active = active[live]
                x, gx, f, r = x[live], gx[live], f[live], r[live]
                if m:
                    dF, dG, gram = dF[live], dG[live], gram[live]
                if c is not None and dC is not None:
                    c, dC = c[live], dC[live]
                B = x.shape[0]
        if not (hist[-1] > tol and it < max_iter):
            break
        if k:
            A = gram[:, :k, :k].copy()
            diag = A.reshape(B, k * k)[:, ::k + 1]  # a view of the diagonals
            diag += (1e-10 * diag.sum(axis=-1) / k + 1e-300)[:, None]
            rhs = np.matmul(dF[:, :k], f.reshape(B, d, 1))
            gam = np.linalg.solve(A, rhs)  # (B, k, 1)
            x_new = gx - np.matmul(np.swapaxes(gam, -1, -2), dG[:, :k]).reshape(gx.shape)
            if c is not None and dC is not None:
                g.carry(c - np.matmul(np.swapaxes(gam, -1, -2), dC[:, :k])[:, 0])  # type: ignore[attr-defined]
        else:
            x_new = gx
        gx_new = g(x_new)
        f_new = gx_new - x_new
        r = nrm(f_new)
        rmax = float(r.max())
        it += 1
        if not np.isfinite(rmax) or rmax > 1e4 * best:
            # safeguard: restart the memory from a plain step at the current point
            log.debug("anderson restart at iteration %d (residual %.3g)", it, rmax)
            k = pos = 0
            x_new = gx
            if c is not None:  # from the state of the last accepted point
                g.carry(c)  # type: ignore[attr-defined]
            gx_new = g(x_new)
            f_new = gx_new - x_new
            r = nrm(f_new)
            rmax = float(np.max(r))
            if not np.isfinite(rmax):
                hist.append(rmax)
                x, f = x_new, f_new
                break
        elif m:
            np.subtract(f_new.reshape(B, d), f.reshape(B, d), out=dF[:, pos])
            np.subtract(gx_new.reshape(B, d), gx.reshape(B, d), out=dG[:, pos])
            if c is not None and carried is not None and dC is not None:
                c_new = carried()
                assert c_new is not None
                np.subtract(c_new, c, out=dC[:, pos])
                c = c_new
            k = min(k + 1, m)
            col = np.matmul(dF[:, :k], dF[:, pos, :, None])[..., 0]  # (B, k)
            gram[:, pos, :k] = col
            gram[:, :k, pos] = col
            pos = (pos + 1) % m
        x, gx, f = x_new, gx_new, f_new
        if c is not None and carried is not None and k == 0:  # after a restart
            c = carried()
        hist.append(rmax)
        best = min(best, rmax)
    if keep is not None:
        x_all[active], f_all[active] = x, f
        keep(None)
        return x_all, f_all, it, hist
    return x, f, it, hist


def fixed_point(g: Callable[[np.ndarray], np.ndarray], x0: np.ndarray, *, tol: float,
                max_iter: int, memory: int = 6, norm: Norm | None = None,
                ) -> tuple[np.ndarray, np.ndarray, int, list[float]]:
    """Plain (damped by the map itself) fixed-point iteration: :func:`anderson` without memory."""
    return anderson(g, x0, tol=tol, max_iter=max_iter, memory=0, norm=norm)
