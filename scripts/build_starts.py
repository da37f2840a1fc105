"""Ship the claims' solutions as starting points: ``src/autarky/data/embedded/starts.npz``.

Runs every claim (``autarky.claims.compute``) with each solve started as without the file
(no shipped start is read) and an empty ``AUTARKY_CACHE``, records each converged solve's
solution (wages, log sector prices, expenditure in changes; float64) under its key
(:func:`autarky.model.kept.key`) into a temporary file, and moves it into place
(:mod:`autarky.data.starts`). Computed by this package's own solver from the embedded
data; no outside data. ``autarky claims`` then starts each solve of the same problem there
(and verifies it: a stale file costs time only). Run by ``scripts/build_calibrations.py``
after the shipped barriers and solved rows, or alone:

    PYTHONPATH=src python scripts/build_starts.py
"""

import os
import tempfile
import time
import warnings

from autarky import claims, claims_context
from autarky.data import starts

warnings.simplefilter("ignore")
out = starts.shipped_path()
t0 = time.process_time()
with tempfile.TemporaryDirectory() as d:
    os.environ["AUTARKY_CACHE"] = d  # a first run's cache: nothing kept from other runs
    # a temporary file beside `out`, moved into place once every claim is computed; every
    # solve cold (no start read from the file being rebuilt), and recorded
    with starts.recording(out) as rec, claims_context.recording_cold(rec):
        claims.compute()
        n = len(rec)
print(f"written: {out} ({out.stat().st_size:,} bytes, {n} solutions; "
      f"{time.process_time() - t0:.1f} s CPU)")
