"""The worlds and solves the claims share (:mod:`autarky.claims`), each loaded or solved once.

Solves run as :func:`autarky.service.solve` does (the numbers of ``autarky run``), without
the unavailable-goods sensitivity note no claim shows
(:func:`autarky.solve.without_supply_sensitivity`: the Result's numbers do not depend on
it). World autarky on every dataset-year (claims 1 and 2) keeps the welfare only, and a
world loaded for that solve alone is let go.
"""

from __future__ import annotations

import contextlib
import contextvars
import warnings
from collections.abc import Iterator
from typing import Any

import numpy as np
import pandas as pd

from autarky import presets, run
from autarky.data import datasets
from autarky.data import starts as shipped_starts
from autarky.errors import RepairWarning, ScenarioWarning
from autarky.model.balance import balanced_warm
from autarky.model.closed_form import closes_every_route, world_autarky_welfare
from autarky.model.kept import kept_solutions
from autarky.model.threads import single_blas_thread
from autarky.results import Result
from autarky.scenario import Scenario
from autarky.service import solve
from autarky.solve import (
    prepare,
    resolve_elasticities,
    to_shock,
    warm_starts,
    without_supply_sensitivity,
)
from autarky.world import World

__all__ = ["HEADLINE", "PANELS", "Context", "dataset_years", "recording_cold",
           "release_memory"]

HEADLINE = "icio2023"
"""The dataset (latest year) of claims 1, 7 and 8 unless a world is given."""

PANELS = ("wiod2013",)
"""Datasets whose every year a later claim reads again (claim 3's shock size): their
worlds stay loaded after claim 1, without their multi-regional table (claim 3 reads the
arrays); the other dataset-years are let go once solved."""

_RECORD: contextvars.ContextVar[dict[str, Any] | None] = contextvars.ContextVar(
    "autarky_claims_record", default=None)


@contextlib.contextmanager
def recording_cold(record: dict[str, Any]) -> Iterator[None]:
    """Inside: the claims' solves start cold (no shipped start read) and are recorded.

    For ``scripts/build_starts.py``, which writes the shipped starts: each converged solve's
    solution is put in ``record`` (:func:`autarky.model.kept.kept_solutions`) instead of
    starting from the file being rebuilt.
    """
    token = _RECORD.set(record)
    try:
        yield
    finally:
        _RECORD.reset(token)


def release_memory() -> None:
    """Hand memory freed by earlier claims back to the operating system (glibc only).

    Arrays of a few MB that a claim lets go stay in the C heap as free space; the next
    large array (claim 6's ``n x n`` factorisation) is then mapped on top of it, and the
    process's peak memory is the sum. ``malloc_trim`` returns that free space; elsewhere
    (no glibc) this does nothing.
    """
    import ctypes
    import ctypes.util

    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        libc.malloc_trim(0)
    except (OSError, AttributeError):
        return


class Context:
    """Worlds and solves shared by the claims, each loaded or solved once.

    Parameters
    ----------
    world : str or World, optional
        The world of the claims that run on one world (1, 7, 8). Default: every embedded
        dataset for claim 1 and icio2023 (latest year) for 7 and 8.
    """

    def __init__(self, world: str | World | None = None) -> None:
        self._worlds: dict[tuple[str, int | None], World] = {}
        self._solves: dict[tuple[Any, ...], Result] = {}
        self._welfare: dict[tuple[str, int], pd.Series] = {}
        self._starts: dict[str, dict[Any, Any]] = {}
        self._bases: dict[int, World] | None = None  # icio2023 years icio194 will load
        self.repairs: list[str] = []
        self.custom: World | None = None
        if isinstance(world, World):
            self.custom = world
        elif world is not None:
            self.custom = self.world(str(world))

    def world(self, name: str, year: int | None = None) -> World:
        """An embedded world (repairs noted once, not warned)."""
        key = (name, year)
        if key not in self._worlds:
            base = None
            if self._bases is not None and name == "icio194" and year is not None:
                base = self._bases.pop(year, None) or self._worlds.get(("icio2023", year))
            loaded = run.load(name, year) if base is None else run.load(name, year, base=base)
            self.repairs.extend(r for r in loaded.repairs if r not in self.repairs)
            self._worlds[key] = loaded.world
            self._worlds[(name, loaded.world.year)] = loaded.world
        return self._worlds[key]

    def headline(self) -> World:
        """The one world of claims 1, 7 and 8."""
        return self.custom if self.custom is not None else self.world(HEADLINE)

    def _is_headline(self, name: str, world: World) -> bool:
        """Whether ``world`` (dataset ``name``) is what :meth:`headline` returns."""
        if self.custom is not None or name != HEADLINE:
            return False
        years = str(datasets().loc[name, "years"])
        return world.year == int(years.partition("-")[2] or years)

    def solve(self, world: World, scn: Scenario | str, key: str | None = None,
              **kwargs: Any) -> Result:
        """``ak.solve(world, scenario, **kwargs)`` once per (world, scenario, kwargs)."""
        scenario = presets.get(scn) if isinstance(scn, str) else scn
        k = (id(world), key or scn, tuple(sorted(kwargs.items())))
        if k not in self._solves:
            # no claim shows the unavailable-goods sensitivity note: its second
            # equilibrium is skipped (the Result's numbers do not depend on it)
            with warnings.catch_warnings(), without_supply_sensitivity():
                warnings.simplefilter("ignore", ScenarioWarning)
                warnings.simplefilter("ignore", RepairWarning)
                self._solves[k] = solve(world, scenario, **kwargs)
        return self._solves[k]

    def drop(self, name: str) -> None:
        """Let go of every loaded world of dataset ``name`` and of the solves on them.

        For a dataset no later claim reads (:data:`autarky.claims.LAST_READ`); one asked
        for again is loaded again. The solves go with their worlds: they are keyed by the
        world's ``id``, which a later World could reuse.
        """
        keep = self.custom
        gone = {id(w) for (n, _), w in self._worlds.items() if n == name and w is not keep}
        self._worlds = {k: w for k, w in self._worlds.items() if id(w) not in gone}
        self._solves = {k: r for k, r in self._solves.items() if k[0] not in gone}

    def keep_solves(self, keys: set[str]) -> None:
        """Let go of every cached :meth:`solve` except those of the scenarios ``keys``.

        Between claims: a Result (trade shares, expenditure, the baseline's layouts) is
        read again only where a later claim shows the same solve; the others would stay
        in memory to the end of the run. One asked for again is solved again.
        """
        self._solves = {k: r for k, r in self._solves.items() if str(k[1]) in keys}

    def forget(self, world: World, scn: Scenario | str, key: str | None = None,
               **kwargs: Any) -> None:
        """Let go of a :meth:`solve` no later claim reads (it is solved again if asked)."""
        self._solves.pop((id(world), key or scn, tuple(sorted(kwargs.items()))), None)

    @contextlib.contextmanager
    def shipped_starts(self) -> Iterator[None]:
        """Inside: each solve starts from the package's shipped solution of the same problem.

        The claims solve the same equilibria at every run: the deficit removal of every
        dataset-year of claim 1, the scenarios, each elasticity source of a sweep, claim
        3's draws. Their solutions are shipped in ``embedded/starts.npz``
        (:mod:`autarky.data.starts`, written by ``scripts/build_starts.py``), and a solve
        of the same baseline, shock and elasticities starts there
        (:func:`autarky.model.kept.kept_solutions`: a start changes the solver's path, not
        its fixed point; the solve still iterates to the tolerance and checks every
        equation). Nothing is read from or written to the user's cache, so every run
        starts from the same points and gives the same numbers bit for bit. The
        best-response Nash games (claim 10) start as they always do
        (:func:`autarky.model.kept.unkept`).
        """
        record = _RECORD.get()
        if record is not None:  # building the file (recording_cold): cold, and recorded
            with kept_solutions({}, record):
                yield
            return
        with shipped_starts.opened() as kept, kept_solutions(kept):
            yield

    @contextlib.contextmanager
    def running(self) -> Iterator[None]:
        """The block :func:`autarky.claims.compute` runs the claims in.

        BLAS on one thread throughout (:func:`autarky.model.threads.single_blas_thread`):
        every product of the claims is small (the largest, claim 3's LU factorisation of
        wiod2013's 1,435 x 1,435 Leontief matrix, costs about 0.05 s of CPU on one thread
        and 0.12-0.26 s on two), so a thread pool adds CPU time, not speed. Solves start
        from the shipped solutions of the same problems (:meth:`shipped_starts`).
        """
        with single_blas_thread(), self.shipped_starts():
            yield

    @contextlib.contextmanager
    def icio194_on_icio2023(self) -> Iterator[None]:
        """Inside: icio194 of a year is built on the icio2023 World of that year solved before.

        icio194 is icio2023 with ROW split (:mod:`autarky.data.icio194`); claim 1 loads
        both datasets' years, so each icio2023 year icio194 also has is kept until
        icio194's is loaded from it (``load_embedded(base=)``), not loaded twice. What is
        not used by the end of the block is let go.
        """
        self._bases = {}
        try:
            yield
        finally:
            self._bases = None

    def autarky_welfare(self, name: str, year: int) -> pd.Series:
        """Welfare (%) by country of world autarky on one dataset-year, solved once.

        As :meth:`solve` of the ``world-autarky`` preset, keeping only the welfare: the
        Result (trade shares, expenditure, ...) of every dataset-year is not held, and
        the autarky step is taken in closed form from the balanced baseline
        (:func:`_closed_autarky`). The years of one dataset are warm-started from each
        other (:func:`autarky.solve.warm_starts`: same fixed point, fewer iterations),
        except the headline world's (:meth:`headline`), whose Result is kept for claim 1.
        """
        key = (name, year)
        if key not in self._welfare:
            fresh = key not in self._worlds
            w = self.world(name, year)
            if self._is_headline(name, w):
                # the headline world, solved as claims 1, 7 and 8 solve it: both kept
                self._worlds[(name, None)] = w
                self._welfare[key] = self.solve(w, "world-autarky").welfare.astype(float)
                return self._welfare[key]
            # each year starts from the previous year's equilibrium of this dataset
            store = self._starts.setdefault(name, {})
            welfare = _closed_autarky(w, store)
            if welfare is None:  # where the closed form does not apply: solved
                with warm_starts(store):
                    welfare = self.solve(w, "world-autarky").welfare.astype(float).copy()
                self._solves.pop((id(w), "world-autarky", ()), None)
            self._welfare[key] = welfare
            if fresh and name not in PANELS:  # loaded for this solve only: let it go
                self._worlds.pop(key, None)
                if (self._bases is not None and name == "icio2023"
                        and year in dataset_years("icio194")):
                    self._bases[year] = w  # ... once icio194 of the year is built on it
            elif fresh and w.mrio is not None:
                # a panel year is read again for its arrays only (claim 3's shock size):
                # kept without its multi-regional table (the largest array of a year)
                self._worlds[key] = World(w.dataset)
        return self._welfare[key]



def _closed_autarky(world: World, store: dict[Any, Any]) -> pd.Series | None:
    """Welfare (%) of the world-autarky preset on ``world``: the solve, autarky in closed form.

    As :meth:`Context.solve` of ``world-autarky`` (the run's elasticities and options, the
    floored baseline of :func:`autarky.solve.prepare`, the deficits removed first by the
    solver, warm-started from ``store`` as :func:`autarky.solve.warm_starts` does), with
    the autarky step from that balanced baseline in closed form
    (:func:`autarky.model.closed_form.world_autarky_welfare`: the exact equilibrium of the
    same equations, equal to the solver's to its tolerance). None where the closed form
    does not apply (a shock that is not world autarky, another deficit rule) or the
    removal does not converge: the caller then solves, and raises as a solve does.
    """
    scn = presets.get("world-autarky")
    opts = scn.solve_options()
    theta = resolve_elasticities(world, run.DEFAULT_ELASTICITIES,
                                 extreme=opts.extreme_elasticities)[0]
    shock = to_shock(world, scn, theta)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ScenarioWarning)
        warnings.simplefilter("ignore", RepairWarning)
        _, econ = prepare(world, shock, opts, [])
    closed = closes_every_route(econ.tariffs, shock.tariffs, shock.tau_hat)
    del shock  # two (N, N, J) cubes, not needed by the deficit removal
    if opts.deficits != "zero" or not closed:
        return None
    bal = balanced_warm(econ, theta, opts, store)  # as autarky.solve removes them
    if bal.econ is None:
        return None
    welfare = world_autarky_welfare(bal.econ, theta)
    if not np.all(np.isfinite(welfare)):
        return None
    return pd.Series(welfare, index=pd.Index(world.countries, name="country"), name="welfare")


def dataset_years(name: str) -> list[int]:
    """The years of an embedded dataset (its ``datasets()`` row, e.g. "1995-2011")."""
    a, _, b = str(datasets().loc[name, "years"]).partition("-")
    return list(range(int(a), int(b or a) + 1))
