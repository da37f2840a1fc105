"""BLAS threads around the engine's small products (``threadpoolctl``).

The fixed points multiply many small matrices (one ``N x N`` block per sector and batch
member, ``J x J`` input blocks per country): a BLAS thread pool only adds start-up and
synchronisation to each of them, so more cores made the same solve slower (issue 31:
``ak.nash`` on wiod2016 cost 0.69 s of CPU with the default threads, 0.027 s with one).
:func:`single_blas_thread` limits the BLAS libraries loaded in the process to
:data:`ENGINE_THREADS` threads for the duration of a solve and restores them after; the
controller that finds the libraries is built once (about 1 ms) and each limit costs tens
of microseconds. ``benchmarks/bench_threads.py`` measures solves at 1 and 2 threads.

The controller knows only the libraries loaded when it was built: it is built again
whenever modules were imported since (``sys.modules`` grew), and a block nested in another
limits what the outer block did not know. Otherwise a BLAS loaded later (SciPy's own
OpenBLAS, imported by the first ILMS solve after an engine solve had built the controller)
kept its default threads, and results depended on what the process had run before: the
ILMS root moved by 3e-11 relative (its LU factorisation at two threads).

The first solve also keeps freed memory in the process (:func:`keep_freed_memory`): the
loops allocate and free arrays of 0.1-10 MB thousands of times, and with glibc's default
settings each one is a fresh ``mmap`` (or the heap is trimmed after it) whose pages fault
in again on first touch; on world194's ``bloc-choice`` that was a third of the CPU time.
"""

from __future__ import annotations

import contextlib
import ctypes
import functools
import os
import sys
import threading
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

__all__ = ["ENGINE_THREADS", "KEEP_FREED", "blas_limited", "keep_freed_memory",
           "single_blas_thread"]

F = TypeVar("F", bound=Callable[..., Any])

ENGINE_THREADS: int | None = 1
"""BLAS threads inside a solve; ``None`` leaves the process's setting alone."""

_controller: Any = None
_modules = -1  # len(sys.modules) when _controller was built
_depth = 0

KEEP_FREED = 64 << 20
"""Bytes: arrays up to half this size come from the heap, and freed memory up to this much
stays in the process (glibc ``M_MMAP_THRESHOLD`` and ``M_TRIM_THRESHOLD``); 0: the
allocator is left alone (also when ``MALLOC_MMAP_THRESHOLD_`` or ``MALLOC_TRIM_THRESHOLD_``
is set in the environment, or ``AUTARKY_KEEP_FREED=0``)."""
_allocator: bool | None = None


def keep_freed_memory() -> bool:
    """Set the allocator's thresholds (:data:`KEEP_FREED`) once; True if they were set.

    Only with glibc on Linux (``mallopt``); elsewhere nothing changes. The cost is memory
    that the process keeps instead of returning to the system: at most :data:`KEEP_FREED`
    bytes of freed arrays.
    """
    global _allocator
    if _allocator is not None:
        return _allocator
    _allocator = False
    env = os.environ
    if (not KEEP_FREED or not sys.platform.startswith("linux")
            or env.get("AUTARKY_KEEP_FREED") == "0"
            or "MALLOC_MMAP_THRESHOLD_" in env or "MALLOC_TRIM_THRESHOLD_" in env):
        return False
    try:
        libc = ctypes.CDLL(None)
        mallopt = libc.mallopt
        gnu = libc.gnu_get_libc_version  # glibc only (musl's mallopt does nothing)
    except (OSError, AttributeError):
        return False
    del gnu
    m_trim, m_mmap = -1, -3  # <malloc.h>: M_TRIM_THRESHOLD, M_MMAP_THRESHOLD
    _allocator = bool(mallopt(m_mmap, KEEP_FREED // 2)) and bool(mallopt(m_trim, KEEP_FREED))
    return _allocator


@contextlib.contextmanager
def single_blas_thread() -> Iterator[None]:
    """Limit BLAS to :data:`ENGINE_THREADS` threads inside the block (re-entrant).

    The limit is the process's (BLAS thread pools are global): blocks nested or running in
    other threads (the app's sessions) share one count, and the threads are given back
    when the last block is left.
    """
    if _allocator is None:
        keep_freed_memory()
    if ENGINE_THREADS is None:
        yield
        return
    _enter()
    try:
        yield
    finally:
        _leave()


_lock = threading.Lock()
_held: list[Any] = []  # the limits in force while _depth > 0


def _enter() -> None:
    global _controller, _modules, _depth
    with _lock:
        stale = len(sys.modules) != _modules
        if stale:  # maybe a BLAS library more (about 1 ms)
            from threadpoolctl import ThreadpoolController

            _controller = ThreadpoolController()
            _modules = len(sys.modules)
        if stale or not _depth:
            # within a block already limited, the libraries it limited keep one thread
            _held.append(_controller.limit(limits=ENGINE_THREADS, user_api="blas"))
        _depth += 1


def _leave() -> None:
    global _depth
    with _lock:
        _depth -= 1
        if not _depth:
            while _held:
                _held.pop().restore_original_limits()


def blas_limited(fn: F) -> F:
    """Decorator: run ``fn`` inside :func:`single_blas_thread`."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with single_blas_thread():
            return fn(*args, **kwargs)

    return wrapper  # type: ignore[return-value]
