"""xarray without importing dask on the first labelled array (about 0.5 s of CPU).

With dask installed (the sweeps' backend), xarray asks of every new Variable and index
whether its data is dask's, and the first questions import dask: ``isinstance(data,
array_type("dask"))`` imports ``dask.array`` (and parts of SciPy with it, about 0.4 s of
CPU on the 2-core machine) and ``is_dask_collection(data)`` imports ``dask.base`` (about
0.08 s), on every ``autarky run`` and in every script, though autarky never puts a dask
array in a DataArray. :func:`defer_dask_check` gives both answers exactly without the
import:

* the dask array type: while ``dask.array`` is not imported no object can be a dask
  array, so the answer is "no type"; once anything imports it, the real class (the cache
  entry of xarray's duck-array registry,
  ``xarray.namedarray.pycompat._cached_duck_array_modules``, filled only if that registry
  exists and has no entry for dask yet);
* "is it a dask collection": dask's own first test (``dask.base.is_dask_collection``) is
  that the object has a callable ``__dask_graph__``; without one the answer is False,
  asked without importing dask; with one, dask answers as before
  (``xarray.namedarray.utils.is_dask_collection`` wrapped, only if it exists).

Where xarray's layout differs, nothing is changed and xarray behaves as shipped.
``tests/test_cli_fast.py`` checks both sides: no dask after building a World and solving,
and a dask-backed DataArray still recognised once dask.array is imported.
"""

from __future__ import annotations

import sys
from typing import Any

__all__ = ["defer_dask_check"]


class _DeferredDask:
    """Stands for xarray's ``DuckArrayModule("dask")`` until ``dask.array`` is imported."""

    def __init__(self, factory: Any) -> None:
        self._factory = factory
        self._real: Any = None

    @property
    def type(self) -> tuple[type, ...]:
        """No type while dask.array is not imported (no instance can exist), then its Array."""
        if self._real is None and "dask.array" not in sys.modules:
            return ()
        return self._resolve().type  # type: ignore[no-any-return, unused-ignore]

    def _resolve(self) -> Any:
        if self._real is None:
            self._real = self._factory("dask")
        return self._real

    def __getattr__(self, name: str) -> Any:  # module, version, available: the real ones
        return getattr(self._resolve(), name)


def _without_import(is_collection: Any) -> Any:
    """Wrap xarray's ``is_dask_collection``: False without importing dask where dask says so."""

    def is_dask_collection(x: object) -> bool:
        if isinstance(x, type) or not callable(getattr(x, "__dask_graph__", None)):
            return False  # dask.base.is_dask_collection's own first test
        return bool(is_collection(x))

    is_dask_collection.deferred = True  # type: ignore[attr-defined]
    return is_dask_collection


def defer_dask_check() -> None:
    """Make xarray's "is this dask's?" free until dask is needed (see the module)."""
    try:
        from xarray.namedarray import pycompat, utils
    except ImportError:  # another xarray layout: leave it as shipped
        return
    cache = getattr(pycompat, "_cached_duck_array_modules", None)
    factory = getattr(pycompat, "DuckArrayModule", None)
    if isinstance(cache, dict) and factory is not None and "dask" not in cache:
        cache["dask"] = _DeferredDask(factory)
    original = getattr(utils, "is_dask_collection", None)
    if callable(original) and not getattr(original, "deferred", False):
        utils.is_dask_collection = _without_import(original)
