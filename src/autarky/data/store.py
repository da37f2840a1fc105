"""Result store: solved rows appended to a Parquet dataset, queryable with DuckDB.

Layout: one folder holding ``part-<uuid>.parquet`` files, one per solved chunk, each row
one (key, country) pair with the welfare change and what it was computed from. A file is
written under a temporary name in the same folder and renamed into place
(``os.replace``, atomic on POSIX), so a reader never sees half a file, an interrupted
sweep loses at most the chunk it was solving, and several processes can append at once
(every file has its own name). Two writers that solve the same key store it twice; readers
take the first copy (the numbers are identical: same inputs, same code).

The key is a SHA-256 of everything the number depends on (dataset name, year and a
checksum of its arrays; the scenario as TOML plus a hash of its shock arrays; the
elasticity vector; the solver options; the package version and the
:func:`numerics_fingerprint` of the code that computed it), made by :mod:`autarky.sweep`.
"""

from __future__ import annotations

import functools
import os
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from autarky.data.records import remove_stale
from autarky.errors import DataError

__all__ = ["COMPACT_AFTER", "NUMERICS_SOURCES", "ResultStore", "StoreWarning",
           "default_store_path", "numerics_fingerprint"]

NUMERICS_SOURCES = ("model", "scenario", "solve.py", "sweep.py", "world.py", "results.py",
                    "calibrate.py")
"""The code a stored number depends on, relative to the package folder: the equilibrium
model and solver, the scenario components, the sweep, the world's checks and the result's
welfare. A change to any byte of these files changes :func:`numerics_fingerprint`."""


def _duckdb_read_errors() -> type[Exception]:
    import duckdb

    return duckdb.Error


def _numerics_files() -> list[Path]:
    root = Path(__file__).resolve().parents[1]
    files: list[Path] = []
    for name in NUMERICS_SOURCES:
        p = root / name
        files += sorted(p.rglob("*.py")) if p.is_dir() else [p] if p.exists() else []
    return files


@functools.lru_cache(maxsize=1)
def numerics_fingerprint() -> str:
    """A short hash of the code and libraries every stored number depends on.

    SHA-256 of the source of :data:`NUMERICS_SOURCES` (model, solver, scenario, sweep, world
    checks, welfare) and of NumPy's and SciPy's major.minor versions, 12 hex digits. It is
    part of every result-store key (a sweep after any change to the numerics solves again
    instead of reusing old numbers, even though the package version has not changed) and a
    column ``numerics`` of every stored row; a cache of calibrated parameters can key on it
    the same way. Computed once per process.
    """
    import hashlib

    import scipy

    h = hashlib.sha256()
    root = Path(__file__).resolve().parents[1]
    for f in _numerics_files():
        name = f.relative_to(root).as_posix() if f.is_relative_to(root) else f.name
        h.update(name.encode() + b"\0" + f.read_bytes() + b"\0")
    for mod in (np, scipy):
        h.update(".".join(mod.__version__.split(".")[:2]).encode() + b"\0")
    return h.hexdigest()[:12]

_PATTERN = "part-*.parquet"
QUARANTINE = "quarantine"
"""Sub-folder where unreadable part files are moved (kept for inspection, never read)."""
COMPACT_AFTER = 200
"""A sweep that leaves more part files than this compacts the store (one file per store
after compaction; a lookup over 2,000 parts took 2 s, over one a fraction of that)."""


class StoreWarning(UserWarning):
    """Something in the result store was skipped or moved (the message names the files)."""


def default_store_path() -> Path:
    """``$AUTARKY_STORE`` if set, else ``~/.cache/autarky/results``."""
    env = os.environ.get("AUTARKY_STORE")
    return Path(env) if env else Path.home() / ".cache" / "autarky" / "results"


class ResultStore:
    """A folder of Parquet files of solved rows (see the module docstring).

    Parameters
    ----------
    path : str or Path
        The folder; created on the first append.

    Examples
    --------
    >>> import tempfile, pandas as pd
    >>> st = ResultStore(tempfile.mkdtemp())
    >>> _ = st.append(pd.DataFrame({"key": ["k"], "country": ["A"], "welfare": [1.5],
    ...                             "converged": [True], "iterations": [3]}))
    >>> float(st.query("SELECT sum(welfare) AS s FROM results")["s"].iloc[0])
    1.5
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        if self.path.exists() and not self.path.is_dir():
            raise DataError(f"result store {self.path}: exists and is not a folder")

    def __repr__(self) -> str:
        return f"ResultStore({str(self.path)!r}, files={len(self.files())})"

    def files(self) -> list[Path]:
        """The complete files of the store (temporary files are never listed)."""
        return sorted(self.path.glob(_PATTERN)) if self.path.is_dir() else []

    def append(self, frame: pd.DataFrame) -> Path:
        """Write ``frame`` as one new file, atomically; return its path."""
        import pyarrow as pa
        import pyarrow.parquet as pq

        if "key" not in frame.columns:
            raise DataError("result store: rows need a 'key' column")
        self.path.mkdir(parents=True, exist_ok=True)
        remove_stale(self.path, [".tmp-*.parquet"])
        name = uuid.uuid4().hex
        tmp = self.path / f".tmp-{name}.parquet"
        final = self.path / f"part-{name}.parquet"
        try:
            pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), tmp)
            with open(tmp, "rb") as fh:
                os.fsync(fh.fileno())
            os.replace(tmp, final)
        finally:
            if tmp.exists():
                tmp.unlink()
        return final

    def lookup(self, keys: Sequence[str], countries: Sequence[str],
               ) -> dict[str, tuple[np.ndarray, bool, int]]:
        """Stored rows for ``keys``: key -> (welfare by country, converged, iterations).

        Only keys stored for every one of ``countries`` are returned.
        """
        if not self.files() or not keys:
            return {}
        import pyarrow.compute as pc
        import pyarrow.dataset as ds

        cols = ["key", "country", "welfare", "converged", "iterations"]
        tab = self._tolerant(lambda files: ds.dataset(
            [str(f) for f in files], format="parquet").to_table(
                columns=cols, filter=pc.field("key").isin(list(set(keys)))))
        if tab is None:
            return {}
        if tab.num_rows == 0:
            return {}
        df = tab.to_pandas().drop_duplicates(["key", "country"])
        wide = df.pivot(index="key", columns="country", values="welfare")
        wide = wide.reindex(columns=list(countries)).dropna()
        first = df.groupby("key")[["converged", "iterations"]].first()
        return {k: (wide.loc[k].to_numpy(float), bool(first.loc[k, "converged"]),
                    int(first.loc[k, "iterations"])) for k in wide.index}

    def query(self, sql: str) -> pd.DataFrame:
        """Run DuckDB SQL with the store as the view ``results`` (duplicates removed).

        The store is read-only to the query and DuckDB's access to files is disabled
        (``enable_external_access = false``, locked): ``read_csv('/etc/passwd')``,
        ``COPY ... TO``, ``ATTACH`` and ``INSTALL`` are refused.
        """
        if not sql.strip():
            raise DataError("query: empty SQL (e.g. autarky query 'SELECT count(*) FROM "
                            "results')")
        return self._tolerant(lambda files: self._query(sql, files), empty=lambda: (
            self._query(sql, [])))

    def _query(self, sql: str, files: list[Path]) -> pd.DataFrame:
        import duckdb
        import pyarrow as pa
        import pyarrow.dataset as ds
        import pyarrow.parquet as pq

        # DuckDB never opens a file itself: the parts are read by pyarrow (read-only) and
        # handed over as an Arrow dataset, and DuckDB's own file access (read_csv of any
        # file, COPY ... TO, ATTACH, INSTALL) is switched off and locked.
        con = duckdb.connect(config={"enable_external_access": False,
                                     "lock_configuration": True})
        try:
            if files:
                schema = pa.unify_schemas([pq.read_schema(f) for f in files])
                con.register("results_all", ds.dataset([str(f) for f in files],
                                                       format="parquet", schema=schema))
                con.execute("CREATE VIEW results AS SELECT * EXCLUDE (rn) FROM (SELECT *, "
                            "row_number() OVER (PARTITION BY key, country) AS rn FROM "
                            "results_all) WHERE rn = 1")
            else:
                con.execute("CREATE VIEW results AS SELECT NULL::VARCHAR AS key, "
                            "NULL::VARCHAR AS country, NULL::DOUBLE AS welfare WHERE false")
            try:
                rel = con.execute(sql)
            except (duckdb.IOException, duckdb.InvalidInputException):
                raise  # perhaps an unreadable part file: _tolerant checks and retries
            except duckdb.Error as err:
                raise DataError(f"query: {str(err).splitlines()[0]}") from err
            if rel.description is None:
                raise DataError(f"query {sql!r:.60}: returns no rows (a SELECT is expected)")
            return rel.df()
        finally:
            con.close()

    def check(self) -> list[tuple[Path, str]]:
        """The part files that cannot be read, each with the reason (one read per file)."""
        import pyarrow.parquet as pq

        bad = []
        for f in self.files():
            try:
                pq.read_table(f, columns=["key", "country", "welfare"])
            except FileNotFoundError:
                continue  # compacted away meanwhile
            except Exception as err:  # noqa: BLE001 - any reader error means unreadable
                why = str(err).splitlines()[0] if str(err) else type(err).__name__
                bad.append((f, why.rpartition(f"{f}': ")[2].split(". Either")[0]))
        return bad

    def repair(self) -> list[Path]:
        """Move every unreadable part file to the ``quarantine`` sub-folder; return them.

        One :class:`StoreWarning` names them. What they held is not found by the next
        lookup and so is solved again.
        """
        bad = self.check()
        if not bad:
            return []
        qdir = self.path / QUARANTINE
        qdir.mkdir(exist_ok=True)
        moved = []
        for f, _ in bad:
            try:
                os.replace(f, qdir / f.name)
                moved.append(qdir / f.name)
            except FileNotFoundError:
                continue
        if moved:
            import warnings

            names = ", ".join(f"{f.name} ({why})" for f, why in bad)
            warnings.warn(f"result store {self.path}: {len(moved)} unreadable part file(s) "
                          f"moved to {qdir}: {names}; what they held is solved again",
                          StoreWarning, stacklevel=3)
        return moved

    def _tolerant(self, read: Any, empty: Any = None) -> Any:
        """``read(files)``; if it fails on an unreadable part, quarantine and read again."""
        import pyarrow as pa

        files = self.files()
        try:
            return read(files)
        except (pa.ArrowException, OSError, _duckdb_read_errors()) as err:
            if not self.repair():
                raise DataError(f"result store {self.path}: cannot read "
                                f"({str(err).splitlines()[0]})") from err
        files = self.files()
        if not files:
            return empty() if empty is not None else None
        return read(files)

    def compact(self) -> Path | None:
        """Merge the store's files into one (duplicates dropped); return its path.

        Safe while others append: only the files listed at the start are merged and
        removed, after the merged file is in place (readers drop the transient duplicates).
        Unreadable parts are quarantined first; a second compaction running at the same
        time (the lock file ``.compact.lock``) makes this one return None.
        """
        self.repair()
        files = self.files()
        if len(files) < 2:
            return files[0] if files else None
        import pyarrow.dataset as ds

        from autarky.data.records import remove_stale

        remove_stale(self.path, [".compact.lock"])
        lock = self.path / ".compact.lock"
        try:
            fd = os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
        except FileExistsError:
            return None
        os.close(fd)
        try:
            try:
                tab = ds.dataset([str(f) for f in files], format="parquet").to_table()
            except FileNotFoundError:
                return None  # another process compacted meanwhile
            df = tab.to_pandas().drop_duplicates(["key", "country"])
            merged = self.append(df)
            for f in files:
                f.unlink(missing_ok=True)
            return merged
        finally:
            lock.unlink(missing_ok=True)

    def count(self) -> int:
        """Distinct keys stored."""
        return int(self.query("SELECT count(DISTINCT key) AS n FROM results")["n"].iloc[0])
