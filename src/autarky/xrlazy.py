"""xarray without importing dask.array on the first labelled array (about 0.4 s of CPU).

With dask installed (the sweeps' backend), xarray asks on every new Variable whether the
data is a dask array, ``isinstance(data, array_type("dask"))``, and the first such
question imports ``dask.array``, which imports parts of SciPy: about 0.4 s of CPU on the
2-core machine, on every ``autarky run`` and in every script, though autarky never puts
a dask array in a DataArray. :func:`defer_dask_check` answers that question exactly
without the import: while ``dask.array`` is not imported no object can be a dask array,
so the answer is "no type"; once anything imports ``dask.array`` the real class is
answered. It fills the cache entry of xarray's duck-array registry
(``xarray.namedarray.pycompat._cached_duck_array_modules``), only if that registry exists
and has no entry for dask yet; otherwise it does nothing and xarray behaves as shipped.
``tests/test_cli_fast.py`` checks both sides: no ``dask.array`` after building a World,
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


def defer_dask_check() -> None:
    """Make xarray's "is this a dask array?" free until dask.array is imported (see module)."""
    try:
        from xarray.namedarray import pycompat
    except ImportError:  # another xarray layout: leave it as shipped
        return
    cache = getattr(pycompat, "_cached_duck_array_modules", None)
    factory = getattr(pycompat, "DuckArrayModule", None)
    if isinstance(cache, dict) and factory is not None and "dask" not in cache:
        cache["dask"] = _DeferredDask(factory)
