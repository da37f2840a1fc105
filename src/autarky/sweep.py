"""Many equilibria at once: elasticity draws, catalog ranges, scenario batches, bloc sweeps.

One scenario under many trade-elasticity vectors (Monte Carlo draws, or one draw per
published source in the catalog), or many scenarios under one elasticity vector, are
solved as batched array programs: each chunk of rows is one call of the fixed-point engine
with a leading batch dimension. Chunks run in this process (``backend="serial"``) or on a
Dask cluster (``backend="dask"``); workers receive only the compact numeric baseline (the
model's :class:`~autarky.model.economy.Economy`, plain NumPy arrays) and the shock arrays,
never the World. With a ``store`` every solved row is appended to a Parquet result store
(:mod:`autarky.data.store`) under a key that hashes everything the number depends on, so
a repeated or interrupted sweep only solves what is missing.

Engine entry points used (all public, kept few): ``autarky.solve``: ``solve_arrays`` (the
one batched solve, every deficit rule) with its ``Batch``, ``to_shock``,
``resolve_elasticities``, ``prepare`` (one-sided routes, unavailable goods, the "floor"
world), ``solve_notes``, ``draw_start`` (every chunk's warm start); and
``autarky.model.solver.levels_apply``. This module keeps what is about many rows:
elasticity draws, chunking, the Serial and Dask backends and the result store.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import logging
import os
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd
import xarray as xr

from autarky.data import DEFAULT_SOURCE, elasticity_sources
from autarky.data import elasticities as catalog_elasticities
from autarky.data.store import COMPACT_AFTER, ResultStore
from autarky.errors import ConvergenceError, DataError
from autarky.model.balance import shared_balances
from autarky.model.economy import Economy, Equilibrium
from autarky.model.options import SolveOptions
from autarky.model.solver import levels_apply
from autarky.scenario import Scenario, Shock
from autarky.solve import (
    DRAW_CHUNK,
    DRAW_LANES,
    Batch,
    draw_start,
    prepare_many,
    resolve_elasticities,
    solve_arrays,
    solve_notes,
    to_shock,
)
from autarky.world import World

__all__ = [
    "SweepResult",
    "bloc_entry",
    "bloc_subsets",
    "draw_elasticities",
    "solve_rows",
    "sweep",
    "sweep_scenarios",
]

log = logging.getLogger(__name__)

Backend = Literal["serial", "dask"]
Progress = Callable[[int, int], None]


# ------------------------------------------------------------------------ result
@dataclass(frozen=True, eq=False)
class SweepResult:
    """Welfare of many solves (draws or scenarios) of one world, with a leading dimension.

    Attributes
    ----------
    welfare : xarray.DataArray
        Percent change in real income, dims ``(dim, "country")`` where ``dim`` is
        ``"draw"`` (elasticity draws) or ``"scenario"``.
    labels : pandas.Series
        What each row is: ``"draw 17"``, a catalog source name, a scenario name.
    thetas : pandas.DataFrame
        The trade elasticities of each row (rows x sectors).
    converged : ndarray of bool
    iterations : ndarray of int
        Outer iterations of the batch each row was solved in.
    seconds : float
        Wall time of the whole sweep.
    solved, reused : int
        Rows solved now and rows taken from the result store.
    notes : tuple of str
        Assumptions: model, elasticity draws, deficits, scenario notes.
    keys : tuple of str
        Result-store key of each row.
    """

    welfare: xr.DataArray
    labels: pd.Series
    thetas: pd.DataFrame
    converged: np.ndarray
    iterations: np.ndarray
    seconds: float
    solved: int
    reused: int
    notes: tuple[str, ...] = ()
    keys: tuple[str, ...] = field(default=(), repr=False)

    @property
    def dim(self) -> str:
        """Name of the leading dimension: ``"draw"`` or ``"scenario"``."""
        return str(self.welfare.dims[0])

    def to_frame(self) -> pd.DataFrame:
        """One row per (draw or scenario, country): label, welfare %, converged."""
        W = self.welfare.to_numpy()
        R, N = W.shape
        return pd.DataFrame({
            self.dim: np.repeat(np.arange(R), N),
            "label": np.repeat(self.labels.to_numpy(), N),
            "country": np.tile(np.asarray(self.welfare["country"].values, dtype=object), R),
            "welfare": W.ravel(),
            "converged": np.repeat(self.converged, N),
        })

    def summary(self, level: float = 0.9) -> pd.DataFrame:
        """Median and central ``level`` band (default 90%) of welfare per country.

        Columns ``median``, ``low`` and ``high`` (the ``(1 - level) / 2`` and
        ``(1 + level) / 2`` quantiles), ``min``, ``max`` and ``n`` (rows), in percent.
        """
        if not 0 < level < 1:
            raise ValueError(f"summary: level {level!r} must be in (0, 1)")
        W = self.welfare.to_numpy()
        q = np.quantile(W, [0.5, (1 - level) / 2, (1 + level) / 2], axis=0)
        out = pd.DataFrame({"median": q[0], "low": q[1], "high": q[2], "min": W.min(axis=0),
                            "max": W.max(axis=0), "n": W.shape[0]},
                           index=pd.Index(self.welfare["country"].values, name="country"))
        out.attrs["level"] = level
        return out


# ------------------------------------------------------------------------ draws
def _catalog_matrix(world: World, sources: Sequence[str]) -> np.ndarray:
    rows = []
    for src in sources:
        s = catalog_elasticities(world.name, src)
        missing = [x for x in world.sectors if x not in s.index]
        if missing:
            raise DataError(f"elasticities {src!r}: no value for sector(s) "
                            f"{', '.join(missing[:5])} of {world.name}")
        rows.append(s.reindex(list(world.sectors)).to_numpy(float))
    return np.stack(rows)


def _catalog_se(world: World, source: str) -> pd.Series | None:
    """Published standard errors of ``source`` from the catalog, where it has them."""
    s = catalog_elasticities(world.name, source)
    se = s.attrs.get("se")
    return se if isinstance(se, pd.Series) else None


def draw_elasticities(world: World, draws: int | None = 1000, seed: int = 0,
                      source: str | Sequence[str] = "all", se: pd.Series | None = None,
                      ) -> tuple[pd.DataFrame, pd.Series, str]:
    """Elasticity vectors for a sweep: draws from standard errors or across sources.

    Parameters
    ----------
    world : World
        Its dataset selects the catalog mapping (sectors).
    draws : int or None
        Number of random draws; ``None``: one row per catalog source (the published
        range, no randomness).
    seed : int
        Seed of ``numpy.random.default_rng``: the same seed gives the same draws.
    source : str or sequence of str
        ``"all"`` or a list of catalog sources: each sector's theta is drawn independently
        and uniformly among the published values of those sources for that sector (the
        catalog's disagreement as the uncertainty). One source name: draws from a normal
        distribution centred on its point estimates with its standard errors (``se`` or
        the catalog's), truncated to theta > 0.
    se : pandas.Series, optional
        Standard errors by sector for a single ``source``.

    Returns
    -------
    thetas, labels, description
        A DataFrame (rows x sectors), a label per row and a one-line description.

    Examples
    --------
    >>> import autarky as ak
    >>> w = ak.load_world("icio2023", year=2022)
    >>> th, labels, _ = ak.draw_elasticities(w, draws=None)
    >>> len(th) == len(ak.data.elasticity_sources())
    True
    """
    sectors = pd.Index(world.sectors, name="sector")
    multi = not isinstance(source, str) or source == "all"
    if multi:
        names = list(elasticity_sources().index) if source == "all" else list(source)
        if not names:
            raise DataError("elasticities: no source given")
        S = _catalog_matrix(world, names)
        if draws is None:
            return (pd.DataFrame(S, columns=sectors), pd.Series(names, name="label"),
                    f"elasticities: one row per catalog source ({', '.join(names)})")
        n = _check_draws(draws)
        rng = np.random.default_rng(seed)
        pick = rng.integers(0, len(names), size=(n, len(sectors)))
        th = S[pick, np.arange(len(sectors))]
        desc = (f"elasticities: {n} draws (seed {seed}); each sector's theta drawn uniformly "
                f"among the {len(names)} published values of the catalog ({', '.join(names)}),"
                " independently across sectors")
        return (pd.DataFrame(th, columns=sectors),
                pd.Series([f"draw {k}" for k in range(n)], name="label"), desc)
    src = str(source)
    centre = _catalog_matrix(world, [src])[0]
    if se is None:
        se = _catalog_se(world, src)
    if se is None:
        raise DataError(f"elasticities {src!r}: the catalog has no standard errors for "
                        f"{world.name}; pass se= (a Series by sector) or draw across sources "
                        "with source='all'")
    missing = [x for x in world.sectors if x not in se.index]
    if missing:
        raise DataError(f"se: no standard error for sector(s) {', '.join(missing[:5])}")
    sd = se.reindex(list(world.sectors)).to_numpy(float)
    if not np.all(np.isfinite(sd)) or np.any(sd < 0):
        raise DataError("se: standard errors must be finite and >= 0")
    if draws is None:
        return (pd.DataFrame(centre[None], columns=sectors), pd.Series([src], name="label"),
                f"elasticities: {src} point estimates")
    n = _check_draws(draws)
    rng = np.random.default_rng(seed)
    th = centre + sd * rng.standard_normal((n, len(sectors)))
    bad = th <= 0
    while bad.any():  # truncation at zero: redraw only the cells that fell below
        th[bad] = centre[np.nonzero(bad)[1]] + sd[np.nonzero(bad)[1]] * rng.standard_normal(
            int(bad.sum()))
        bad = th <= 0
    desc = (f"elasticities: {n} draws (seed {seed}) from normal distributions centred on the "
            f"{src} estimates with their standard errors, truncated to theta > 0, "
            "independent across sectors")
    return (pd.DataFrame(th, columns=sectors),
            pd.Series([f"draw {k}" for k in range(n)], name="label"), desc)


def _check_draws(draws: Any) -> int:
    if isinstance(draws, bool) or int(draws) != draws or int(draws) < 1:
        raise DataError(f"draws: {draws!r} must be a positive whole number")
    return int(draws)


# ------------------------------------------------------------------------ keys
def _sha(*parts: bytes | str) -> str:
    h = hashlib.sha256()
    for p in parts:
        h.update(p.encode() if isinstance(p, str) else p)
        h.update(b"\x00")
    return h.hexdigest()


def world_checksum(world: World) -> str:
    """SHA-256 of the World's numbers (flows, tariffs, value added, IO) and codes."""
    a = world.arrays()
    parts: list[bytes | str] = [world.name, str(world.year), ",".join(world.countries),
                                ",".join(world.sectors)]
    for k in sorted(a):
        parts += [k, np.ascontiguousarray(a[k], dtype=float).tobytes()]
    return _sha(*parts)


def _scenario_text(scenario: Any, shock: Shock) -> str:
    text = scenario.to_toml() if isinstance(scenario, Scenario) else ""
    return text + "\n# shock " + _sha(shock.tariffs.tobytes(), shock.tau_hat.tobytes())


def _version() -> str:
    """The package version and the numerics fingerprint (in every key and stored row)."""
    from autarky.data.records import package_versions
    from autarky.data.store import numerics_fingerprint

    return f"{package_versions()['autarky']}+numerics.{numerics_fingerprint()}"


# ------------------------------------------------------------------------ engine calls
# ------------------------------------------------------------------------ planning
@dataclass(frozen=True, eq=False)
class _Plan:
    """Rows to solve: a shock index and a theta row each, grouped by prepared baseline."""

    econs: list[Economy]
    econ_of_shock: np.ndarray  # (S,)
    shocks: Sequence[Shock]  # stacked per chunk only: S shocks of N^2 J cells each
    shock_of_row: np.ndarray  # (R,)
    theta: np.ndarray  # (R, J)


def _batches(plan: _Plan, rows: np.ndarray, chunk: int,
             options: SolveOptions) -> list[tuple[np.ndarray, int, np.ndarray, np.ndarray,
                                                  np.ndarray]]:
    """Split ``rows`` into chunks of at most ``chunk`` rows sharing one baseline.

    Each item: (rows, econ index, tariffs, tau_hat, theta); tariffs and tau_hat are one
    (N, N, J) shock when every row of the chunk has the same shock, else stacked.
    """
    out = []
    econ_of_row = plan.econ_of_shock[plan.shock_of_row[rows]]
    for e in np.unique(econ_of_row):
        sel = rows[econ_of_row == e]
        for s in range(0, len(sel), chunk):
            part = sel[s:s + chunk]
            shocks = plan.shock_of_row[part]
            if np.all(shocks == shocks[0]):
                T, H = plan.shocks[shocks[0]].tariffs, plan.shocks[shocks[0]].tau_hat
            else:
                T = np.stack([plan.shocks[k].tariffs for k in shocks])
                H = np.stack([plan.shocks[k].tau_hat for k in shocks])
            out.append((part, int(e), T, H, plan.theta[part]))
    return out


def solve_rows(world: World, shocks: Sequence[Shock], shock_of_row: np.ndarray,
               theta: np.ndarray, options: SolveOptions, *, notes: list[str],
               keys: Sequence[str] | None = None, meta: pd.DataFrame | None = None,
               backend: Backend = "serial", scheduler: Any = None, chunk: int | None = 8,
               store: ResultStore | None = None, progress: Progress | None = None,
               lanes: int | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    """Solve rows (a shock and a theta vector each) in chunks; reuse and fill a store.

    Plans the rows (prepared baselines, chunks, store look-ups) and sends each chunk to
    :func:`autarky.solve.solve_arrays`, here or on Dask workers; ``lanes`` as in
    :class:`autarky.solve.Batch`. Returns welfare (R, N), converged (R,), iterations (R,)
    and the number of rows taken from the store.
    """
    if backend not in ("serial", "dask"):
        raise ValueError(f"backend: {backend!r} is not 'serial' or 'dask'")
    if chunk is not None and (int(chunk) != chunk or chunk < 1):
        raise ValueError(f"chunk: {chunk!r} must be a positive int")
    R, N = len(shock_of_row), len(world.countries)
    econs, econ_of_shock = prepare_many(world, shocks, options, notes)
    plan = _Plan(econs, econ_of_shock, shocks, np.asarray(shock_of_row),
                 np.asarray(theta, float))
    W = np.full((R, N), np.nan)
    conv = np.zeros(R, dtype=bool)
    iters = np.zeros(R, dtype=int)
    todo = np.arange(R)
    reused = 0
    if store is not None and keys is not None:
        found = store.lookup(list(keys), world.countries)
        if found:
            # an unconverged row (return_unconverged) is solved again, never reused
            hit = np.array([k in found and found[k][1] for k in keys])
            for r in np.flatnonzero(hit):
                W[r], conv[r], iters[r] = found[keys[int(r)]]
            todo = np.flatnonzero(~hit)
            reused = int(hit.sum())
    done = reused
    if progress:
        progress(done, R)

    def finish(rows: np.ndarray, w: np.ndarray, c: np.ndarray, it: np.ndarray) -> None:
        nonlocal done
        W[rows], conv[rows], iters[rows] = w, c, it
        if store is not None and keys is not None and meta is not None:
            store.append(_store_frame(meta.iloc[rows], [keys[int(r)] for r in rows],
                                      world.countries, w, c, it))
        done += len(rows)
        if progress:
            progress(done, R)

    one = len(shocks) == 1 and len(econs) == 1  # draws of one scenario
    if chunk is None:  # with levels, large programs pay
        chunk = DRAW_CHUNK if one and levels_apply(econs[0], shocks[0].tariffs,
                                                   shocks[0].tau_hat) else 8
    jobs = _batches(plan, todo, int(chunk), options)  # many draws: all start at the median
    start = draw_start(econs[0], shocks[0].tariffs, shocks[0].tau_hat, plan.theta[todo],
                       options) if one and len(todo) >= 16 else None  # (pays from ~10)
    if backend == "serial":
        # each chunk on its own (warm starts within a chunk only), so that a serial
        # sweep and a Dask one with the same chunks do the same arithmetic
        # chunks on one baseline and theta remove its deficits once (the same numbers)
        shared = shared_balances(econs, [(e, th) for _, e, _, _, th in jobs], options)
        for (rows, e, T, H, th), bal in zip(jobs, shared, strict=True):
            finish(rows, *_welfare_of(Batch(econs[e], T, H, th, options, lanes=lanes,
                                            start=start, balanced=bal)))
    else:
        _run_dask(jobs, econs, options, scheduler, finish, lanes, start)
    if store is not None and len(todo) and len(store.files()) > COMPACT_AFTER:
        store.compact()  # bounded: lookups stay fast however many sweeps ran
    return W, conv, iters, reused


def _store_frame(meta: pd.DataFrame, keys: list[str], countries: tuple[str, ...],
                 w: np.ndarray, c: np.ndarray, it: np.ndarray) -> pd.DataFrame:
    B, N = w.shape
    df = pd.DataFrame({
        "key": np.repeat(keys, N),
        "country": np.tile(np.asarray(countries, dtype=object), B),
        "welfare": w.ravel(),
        "converged": np.repeat(c, N),
        "iterations": np.repeat(it, N).astype("int64"),
    })
    for col in meta.columns:
        df[col] = np.repeat(meta[col].to_numpy(), N)
    return df


def local_workers() -> int:
    """Worker processes of the LocalCluster that ``backend="dask"`` starts.

    One per core this process may use, one thread each.
    """
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def _local_security() -> bool:
    """Whether the local cluster can use TLS with temporary credentials.

    True when ``cryptography`` is installed: no other local process can then connect to
    the cluster and run code on its workers. Else False with a warning (plain TCP on
    127.0.0.1, reachable by any local user).
    """
    import importlib.util
    import warnings

    if importlib.util.find_spec("cryptography") is not None:
        return True
    warnings.warn("the local Dask cluster runs without TLS (any local process could connect "
                  "to it): install 'cryptography' for temporary TLS credentials",
                  UserWarning, stacklevel=3)
    return False


_TRIM = "distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_"  # see _client


def _client(scheduler: Any) -> tuple[Any, Callable[[], None]]:
    """A Dask client: the given one, one for ``tcp://HOST:PORT``, or a LocalCluster."""
    import dask
    from distributed import Client, LocalCluster

    if isinstance(scheduler, Client):
        return scheduler, lambda: None
    if isinstance(scheduler, str):
        client = Client(scheduler)
        return client, client.close
    if scheduler is not None and hasattr(scheduler, "scheduler_address"):
        client = Client(scheduler)
        return client, client.close
    if scheduler is not None:
        raise ValueError(f"scheduler: {scheduler!r} is not a tcp:// address, a Client or a "
                         "cluster")
    main = sys.modules.get("__main__")
    hidden: dict[str, Any] = {}
    if main is not None and hasattr(main, "__file__"):
        # worker processes are spawned, and a spawned process runs the calling script
        # again (as __mp_main__) unless its calls sit under `if __name__ == "__main__":`;
        # workers need only autarky, so they start without the script
        hidden = {"__file__": main.__dict__.pop("__file__"),
                  "__spec__": main.__dict__.get("__spec__")}
        main.__spec__ = None
    try:
        # Dask's nanny sets MALLOC_TRIM_THRESHOLD_=65536 in each worker (left in os.environ
        # by any nanny started before): glibc's adaptive mmap threshold is then off and a
        # draw cost 3x the CPU of the serial run (docs/scale.md); not for workers started here
        if os.environ.get("MALLOC_TRIM_THRESHOLD_") == "65536":
            hidden["MALLOC_TRIM_THRESHOLD_"] = os.environ.pop("MALLOC_TRIM_THRESHOLD_")
        with dask.config.set({_TRIM: None}):
            cluster = LocalCluster(n_workers=local_workers(), threads_per_worker=1,
                                   processes=True, dashboard_address=None, host="127.0.0.1",
                                   security=_local_security())
    finally:
        if "MALLOC_TRIM_THRESHOLD_" in hidden:
            os.environ["MALLOC_TRIM_THRESHOLD_"] = hidden.pop("MALLOC_TRIM_THRESHOLD_")
        if main is not None:
            main.__dict__.update(hidden)
    client = Client(cluster)

    def close() -> None:
        client.close()
        cluster.close()

    return client, close


def _encode(T: np.ndarray, H: np.ndarray, base: np.ndarray) -> tuple[np.ndarray, ...]:
    """A shock as the cells that differ from the baseline tariffs and from tau_hat = 1.

    What a worker receives instead of two dense (N, N, J) arrays: a bloc of m members
    changes about m^2 J cells, so a task carries kilobytes, not megabytes.
    """
    dt = np.flatnonzero(T != base)
    dh = np.flatnonzero(H != 1.0)
    return dt, T.ravel()[dt], dh, H.ravel()[dh]


def _decode(code: tuple[np.ndarray, ...], base: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    T = base.copy()
    H = np.ones_like(base)
    T.ravel()[code[0]] = code[1]
    H.ravel()[code[2]] = code[3]
    return T, H


def _run_dask(jobs: list[tuple[np.ndarray, int, np.ndarray, np.ndarray, np.ndarray]],
              econs: list[Economy], options: SolveOptions, scheduler: Any,
              finish: Callable[[np.ndarray, np.ndarray, np.ndarray, np.ndarray], None],
              lanes: int | None = None, start: Equilibrium | None = None) -> None:
    from distributed import as_completed

    client, close = _client(scheduler)
    try:
        econ_f = client.scatter(econs, broadcast=True)
        start_f = None if start is None else client.scatter([start], broadcast=True)[0]
        shared: dict[int, Any] = {}  # one shock shared by many chunks: sent once
        futures = {}
        for rows, e, T, H, th in jobs:
            base = econs[e].tariffs
            if T.ndim == 3:
                ident = id(T)
                if ident not in shared:
                    shared[ident] = client.scatter([_encode(T, H, base)], broadcast=True)[0]
                code: Any = shared[ident]
            else:
                code = [_encode(T[b], H[b], base) for b in range(T.shape[0])]
            fut = client.submit(_dask_task, econ_f[e], code, th, options, lanes, start_f,
                                pure=False)
            futures[fut] = rows
        for fut in as_completed(futures):
            finish(futures[fut], *fut.result())
    finally:
        close()


def _dask_task(econ: Economy, code: Any, theta: np.ndarray, options: SolveOptions,
               lanes: int | None = None, start: Equilibrium | None = None,
               ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Worker side: decode the shock(s) against the baseline and solve the chunk."""
    if isinstance(code, list):
        pairs = [_decode(c, econ.tariffs) for c in code]
        T, H = np.stack([p[0] for p in pairs]), np.stack([p[1] for p in pairs])
    else:
        T, H = _decode(code, econ.tariffs)
    return _welfare_of(Batch(econ, T, H, theta, options, lanes=lanes, start=start))


def _welfare_of(batch: Batch) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Welfare (B, N) in percent, converged (B,) and iterations (B,) of a batch."""
    return (sol := solve_arrays(batch)).welfare, sol.converged, sol.iterations


def _finish(world: World, dim: str, W: np.ndarray, conv: np.ndarray, iters: np.ndarray,
            labels: pd.Series, thetas: pd.DataFrame, t0: float, reused: int,
            notes: list[str], keys: Sequence[str], options: SolveOptions) -> SweepResult:
    R = len(labels)
    if not conv.all() and not options.return_unconverged:
        bad = labels[~conv].tolist()
        raise ConvergenceError(f"{int((~conv).sum())} of {R} {dim}s did not converge "
                               f"({', '.join(map(str, bad[:5]))})",
                               diagnostics={"converged": conv})
    welfare = xr.DataArray(W, dims=(dim, "country"),
                           coords={dim: np.arange(R), "country": list(world.countries),
                                   "label": (dim, labels.astype(str).to_numpy())},
                           name="welfare", attrs={"units": "percent"})
    return SweepResult(welfare=welfare, labels=labels.reset_index(drop=True),
                       thetas=thetas.reset_index(drop=True), converged=conv,
                       iterations=iters, seconds=time.perf_counter() - t0,
                       solved=R - reused, reused=reused, notes=tuple(notes), keys=tuple(keys))


def _options_for(scenario: Any, options: SolveOptions | None) -> SolveOptions:
    if options is not None:
        return options
    own = getattr(scenario, "solve_options", None)
    return own() if callable(own) else SolveOptions()


def _keys(world_sha: str, world: World, texts: Sequence[str], shock_of_row: np.ndarray,
          theta: np.ndarray, options: SolveOptions) -> list[str]:
    common = _sha(world.name, str(world.year), world_sha,
                  json.dumps(asdict(options), sort_keys=True), _version())
    th = np.ascontiguousarray(theta, dtype=float)
    return [_sha(common, texts[s], th[r].tobytes()) for r, s in enumerate(shock_of_row)]


# ------------------------------------------------------------------------ public
def sweep(world: World, scenario: Any, draws: int | None = 1000, seed: int = 0,
          source: str | Sequence[str] = "all", *, se: pd.Series | None = None,
          options: SolveOptions | None = None, backend: Backend = "serial",
          scheduler: Any = None, chunk: int | None = None, store: Any = None,
          progress: Progress | None = None) -> SweepResult:
    """Solve one scenario under many trade-elasticity vectors: the uncertainty band.

    Parameters
    ----------
    world : World
        The baseline economy.
    scenario : Scenario, Shock or object with ``apply(world)``
        What changes.
    draws : int or None, default 1000
        Monte Carlo draws; ``None``: one row per catalog source (the published range).
    seed : int
        Random seed; the same seed gives the same draws and the same numbers.
    source : "all", list of str, or str
        Draw across the catalog's sources (per sector) or, for one source, from its
        standard errors (see :func:`draw_elasticities`).
    se : pandas.Series, optional
        Standard errors by sector for a single ``source``.
    options : SolveOptions, optional
        As in :func:`autarky.solve` (default: the scenario's own settings).
    backend : {"serial", "dask"}
        Where chunks are solved.
    scheduler : str, distributed.Client or cluster, optional
        For ``backend="dask"``: ``"tcp://HOST:PORT"`` of an existing cluster (a
        ``dask scheduler`` with ``dask worker`` processes), a Client or a cluster object;
        None starts a LocalCluster on 127.0.0.1 with one single-threaded worker process per
        core (:func:`local_workers`). It works from a plain script: the workers do not run
        the calling script again, so no ``if __name__ == "__main__":`` guard is needed.
    chunk : int, optional
        Rows per batched solve (memory grows with chunk x N^2 x J). Default
        :data:`autarky.solve.DRAW_CHUNK` (32) when the scenario's trade-cost changes take
        a few values (a bloc split: the draws share draw-independent matrices,
        :mod:`autarky.model.levels`), else 8.
    store : ResultStore or path, optional
        Parquet result store: rows already there are reused, new rows are appended.
    progress : callable, optional
        Called as ``progress(done, total)`` after each chunk.

    Returns
    -------
    SweepResult
        ``welfare`` with a ``draw`` dimension, ``to_frame()``, ``summary()``.

    Examples
    --------
    >>> import autarky as ak
    >>> w = ak.load_world("icio2023", year=2022)
    >>> sw = ak.sweep(w, ak.Scenario.bloc(["USA", "CAN", "MEX"]), draws=None)
    >>> sw.welfare.dims
    ('draw', 'country')
    """
    t0 = time.perf_counter()
    options = _options_for(scenario, options)
    shock = to_shock(world, scenario)
    thetas, labels, desc = draw_elasticities(world, draws, seed, source, se)
    notes = solve_notes(world, shock, desc, options)
    R = len(thetas)
    shock_of_row = np.zeros(R, dtype=int)
    st = _open_store(store)
    keys: list[str] = []
    meta = None
    if st is not None:
        text = _scenario_text(scenario, shock)
        keys = _keys(world_checksum(world), world, [text], shock_of_row, thetas.to_numpy(),
                     options)
        meta = _meta(world, [getattr(scenario, "name", "") or "scenario"], shock_of_row,
                     labels, thetas, options, dim="draw", seed=seed)
    W, conv, iters, reused = solve_rows(
        world, [shock], shock_of_row, thetas.to_numpy(), options, notes=notes, keys=keys,
        meta=meta, backend=backend, scheduler=scheduler, chunk=chunk, store=st,
        progress=progress, lanes=DRAW_LANES if world.has_io else None)
    return _finish(world, "draw", W, conv, iters, labels, thetas, t0, reused, notes, keys,
                   options)


def sweep_scenarios(world: World, scenarios: Mapping[str, Any] | Sequence[Any],
                    elasticities: Any = DEFAULT_SOURCE, *, options: SolveOptions | None = None,
                    backend: Backend = "serial", scheduler: Any = None,
                    chunk: int | None = None,
                    store: Any = None, progress: Progress | None = None,
                    block: int = 64) -> SweepResult:
    """Solve many scenarios under one elasticity vector, batched (one fixed point per chunk).

    Parameters
    ----------
    world : World
        The baseline economy.
    scenarios : mapping of label to scenario, or a sequence of scenarios
        Labels default to each scenario's ``name`` (or its position).
    elasticities : str, float, Series or array
        As in :func:`autarky.solve`.
    options : SolveOptions, optional
        One set of options for every scenario (default ``SolveOptions()``).
    backend, scheduler, chunk, store, progress
        As in :func:`sweep`. Scenarios gain less from batching than draws (rows of a
        chunk iterate until its slowest member converges, and different shocks share no
        arrays): default ``chunk`` 4 with input-output links (1.5x one-by-one solves on
        wiod2013), 1 without (batching is slower there; benchmarks/bench_sweep.py).
    block : int
        Scenarios turned into shocks at a time (memory: ``block`` x 2 N^2 J numbers).

    Returns
    -------
    SweepResult
        ``welfare`` with a ``scenario`` dimension.

    Examples
    --------
    >>> import autarky as ak
    >>> w = ak.load_world("icio2023", year=2022)
    >>> sw = ak.sweep_scenarios(w, {"nafta": ak.Scenario.bloc(["USA", "CAN", "MEX"]),
    ...                             "eaeu": ak.Scenario.bloc(["RUS", "KAZ", "BLR"])})
    >>> sw.welfare.sizes["scenario"]
    2
    """
    t0 = time.perf_counter()
    if isinstance(scenarios, Mapping):
        names, scns = [str(k) for k in scenarios], list(scenarios.values())
    else:
        scns = list(scenarios)
        names = [getattr(s, "name", "") or f"scenario {k}" for k, s in enumerate(scns)]
    if not scns:
        raise ValueError("sweep_scenarios: no scenario given")
    options = options or SolveOptions()
    if chunk is None:
        chunk = 4 if world.has_io else 1
    if int(block) != block or block < 1:
        raise ValueError(f"block: {block!r} must be a positive int")
    theta, desc = resolve_elasticities(world, elasticities)
    notes = solve_notes(world, Shock.none(*world.shape), desc, options)
    notes = [n for n in notes if not n.startswith("scenario:")]
    notes.append(f"scenarios: {len(scns)} solved in batches of up to {chunk}")
    R = len(scns)
    th = np.broadcast_to(theta, (R, len(theta)))
    thetas = pd.DataFrame(th, columns=pd.Index(world.sectors, name="sector"))
    labels = pd.Series(names, name="label")
    st = _open_store(store)
    world_sha = world_checksum(world) if st is not None else ""
    W = np.empty((R, len(world.countries)))
    conv = np.zeros(R, dtype=bool)
    iters = np.zeros(R, dtype=int)
    keys: list[str] = []
    reused = 0
    client, close = (_client(scheduler) if backend == "dask" else (scheduler, lambda: None))
    try:
        # scenarios are turned into shocks one block at a time: a shock holds 2 N^2 J
        # numbers, so memory stays bounded however many scenarios there are
        for b0 in range(0, R, int(block)):
            part = list(range(b0, min(R, b0 + int(block))))
            shocks = [to_shock(world, scns[k]) for k in part]
            rows = np.arange(len(part))
            bkeys: list[str] = []
            meta = None
            if st is not None:
                texts = [_scenario_text(scns[k], sh) for k, sh in zip(part, shocks,
                                                                       strict=True)]
                bkeys = _keys(world_sha, world, texts, rows, th[part], options)
                meta = _meta(world, [names[k] for k in part], rows, labels.iloc[part],
                             thetas.iloc[part], options, dim="scenario", seed=None)
                meta["row"] = np.asarray(part, dtype="int64")

            def prog(done: int, total: int, b0: int = b0) -> None:
                if progress:
                    progress(b0 + done, R)

            Wb, cb, ib, rb = solve_rows(
                world, shocks, rows, th[part], options, notes=notes, keys=bkeys, meta=meta,
                backend=backend, scheduler=client, chunk=chunk, store=st, progress=prog)
            W[part], conv[part], iters[part] = Wb, cb, ib
            reused += rb
            keys += bkeys
    finally:
        close()
    return _finish(world, "scenario", W, conv, iters, labels, thetas, t0, reused, notes,
                   keys, options)


def bloc_entry(world: World, members: Sequence[str], candidates: Sequence[str] | None = None,
               elasticities: Any = DEFAULT_SOURCE, *,
               make: Callable[[list[str]], Any] = Scenario.bloc,
               options: SolveOptions | None = None, **kwargs: Any) -> pd.DataFrame:
    """Who gains from whose entry: the bloc with each candidate added, one at a time.

    Solves the bloc of ``members`` and, in the same batch, the bloc plus each candidate.

    Parameters
    ----------
    world : World
        The baseline economy.
    members : sequence of str
        Country codes of the bloc.
    candidates : sequence of str, optional
        Countries that could join (default: every other country of the world, ROW
        excluded).
    elasticities : str, float, Series or array
        As in :func:`autarky.solve`.
    make : callable
        Builds the scenario from a member list (default :meth:`Scenario.bloc`, a free-trade
        area).
    options : SolveOptions, optional
        One set of options for every scenario.
    **kwargs
        Passed to :func:`sweep_scenarios` (backend, chunk, store, progress).

    Returns
    -------
    pandas.DataFrame
        Rows: candidate entering; columns: countries. Each cell is the change in real
        income of the column country caused by the entry, in percent of its real income
        in the bloc without the candidate: ``100 * (W^_with / W^_without - 1)``.
        ``attrs["base"]`` holds the welfare of the bloc without entry and
        ``attrs["sweep"]`` the SweepResult.
    """
    members = [str(m) for m in members]
    cands = ([c for c in world.countries if c not in members and c != "ROW"]
             if candidates is None else [str(c) for c in candidates])
    scns = {"(bloc)": make(members)}
    for c in cands:
        scns[f"+{c}"] = make(members + [c])
    sw = sweep_scenarios(world, scns, elasticities, options=options, **kwargs)
    Wh = 1.0 + sw.welfare.to_numpy() / 100.0
    out = pd.DataFrame(100.0 * (Wh[1:] / Wh[0] - 1.0),
                       index=pd.Index(cands, name="entrant"),
                       columns=pd.Index(world.countries, name="country"))
    out.attrs["base"] = pd.Series(sw.welfare.to_numpy()[0], index=out.columns,
                                  name="welfare")
    out.attrs["sweep"] = sw
    return out


def bloc_subsets(world: World, pool: Sequence[str], k: int = 2,
                 elasticities: Any = DEFAULT_SOURCE, *, min_size: int = 1,
                 make: Callable[[list[str]], Any] = Scenario.bloc,
                 options: SolveOptions | None = None, limit: int = 5000,
                 **kwargs: Any) -> SweepResult:
    """Every bloc formed by a subset of ``pool`` of size ``min_size`` to ``k``.

    Labels are the members joined by ``+``. Refuses more than ``limit`` subsets. With the
    default ``make``, a subset of one country is the baseline (a bloc of one changes
    nothing, and ``Scenario.bloc`` refuses it): the reference row of the sweep.

    Examples
    --------
    >>> import autarky as ak
    >>> w = ak.load_world("icio2023", year=2022)
    >>> sw = ak.bloc_subsets(w, ["RUS", "KAZ", "BLR"], k=3, min_size=2)
    >>> list(sw.labels)
    ['RUS+KAZ', 'RUS+BLR', 'KAZ+BLR', 'RUS+KAZ+BLR']
    """
    pool = [str(c) for c in pool]
    if not 1 <= min_size <= k <= len(pool):
        raise ValueError(f"bloc_subsets: need 1 <= min_size ({min_size}) <= k ({k}) <= "
                         f"len(pool) ({len(pool)})")
    combos = [list(c) for size in range(min_size, k + 1)
              for c in itertools.combinations(pool, size)]
    if len(combos) > limit:
        raise ValueError(f"bloc_subsets: {len(combos)} subsets exceed limit={limit}")
    alone = make == Scenario.bloc  # bound methods compare equal by function and class
    scns = {"+".join(c): (Scenario((), f"{c[0]} alone", "a bloc of one: the baseline")
                          if alone and len(c) == 1 else make(c)) for c in combos}
    return sweep_scenarios(world, scns, elasticities, options=options, **kwargs)


def _open_store(store: Any) -> ResultStore | None:
    if store is None or isinstance(store, ResultStore):
        return store
    return ResultStore(store)


def _meta(world: World, names: list[str], shock_of_row: np.ndarray, labels: pd.Series,
          thetas: pd.DataFrame, options: SolveOptions, *, dim: str,
          seed: int | None) -> pd.DataFrame:
    th = thetas.to_numpy()
    return pd.DataFrame({
        "dataset": world.name,
        "year": -1 if world.year is None else int(world.year),
        "scenario": [names[s] for s in shock_of_row],
        "kind": dim,
        "row": np.arange(len(labels), dtype="int64"),
        "label": labels.astype(str).to_numpy(),
        "seed": -1 if seed is None else int(seed),
        "theta": [json.dumps([round(float(x), 12) for x in r]) for r in th],
        "options": json.dumps(asdict(options), sort_keys=True),
        "version": _version(),
        "numerics": _version().rpartition(".")[2],
    })
