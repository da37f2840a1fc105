"""BLAS threads around the engine's small products (``threadpoolctl``).

The fixed points multiply many small matrices (one ``N x N`` block per sector and batch
member, ``J x J`` input blocks per country): a BLAS thread pool only adds start-up and
synchronisation to each of them, so more cores made the same solve slower (issue 31:
``ak.nash`` on wiod2016 cost 0.69 s of CPU with the default threads, 0.027 s with one).
:func:`single_blas_thread` limits the BLAS libraries loaded in the process to
:data:`ENGINE_THREADS` threads for the duration of a solve and restores them after; the
controller that finds the libraries is built once (about 1 ms) and each limit costs tens
of microseconds. ``benchmarks/bench_threads.py`` measures solves at 1 and 2 threads.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

__all__ = ["ENGINE_THREADS", "blas_limited", "single_blas_thread"]

F = TypeVar("F", bound=Callable[..., Any])

ENGINE_THREADS: int | None = 1
"""BLAS threads inside a solve; ``None`` leaves the process's setting alone."""

_controller: Any = None
_depth = 0


@contextlib.contextmanager
def single_blas_thread() -> Iterator[None]:
    """Limit BLAS to :data:`ENGINE_THREADS` threads inside the block (re-entrant)."""
    global _controller, _depth
    if ENGINE_THREADS is None or _depth:
        yield
        return
    if _controller is None:
        from threadpoolctl import ThreadpoolController

        _controller = ThreadpoolController()
    _depth += 1
    try:
        with _controller.limit(limits=ENGINE_THREADS, user_api="blas"):
            yield
    finally:
        _depth -= 1


def blas_limited(fn: F) -> F:
    """Decorator: run ``fn`` inside :func:`single_blas_thread`."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with single_blas_thread():
            return fn(*args, **kwargs)

    return wrapper  # type: ignore[return-value]
