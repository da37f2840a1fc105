"""Ship the calibrated barriers of the bloc presets for the embedded worlds' default years.

Writes ``src/autarky/data/embedded/calibrations.json`` (``autarky.data.calibrations``):
for every preset with a calibration target, on its default world and on icio2023 (latest
year), with the default elasticities and options, the barrier the root find gives. A run
verifies a shipped barrier with one solve before using it, so a stale file only costs time;
re-run this after the data or the model change:

    PYTHONPATH=src python scripts/build_calibrations.py [--solved-only]

It also writes ``embedded/solved.json``: the rows of the same runs' vectorised
calibrations (each source of the range, the headline's elasticities under the other
deficit rule) with barrier, trade change and welfare, keyed by this code's numerics
fingerprint (used as they are by the same code only; any change to the numerics makes
them unused until this is run again). ``--solved-only`` keeps ``calibrations.json`` as it
is (its barriers are the starting points, verified by the runs) and writes only
``solved.json``. The bloc-choice runs (world194, icio2023) add their table's and each
range source's numbers (:mod:`autarky.blocsolve`, kept rows): a default
``autarky run bloc-choice`` on those worlds then solves only the barrier's verification.

Last it runs ``scripts/build_starts.py`` (``embedded/starts.npz``: the claims' solutions,
each claims run's starting points), after the files above are in place, since the claims'
runs read them (with ``--solved-only`` too).
"""

import argparse
import os
import subprocess
import sys
import tempfile
import warnings
from pathlib import Path

import autarky as ak
from autarky.data import calibrations
from autarky.data.store import numerics_fingerprint

ap = argparse.ArgumentParser()
ap.add_argument("--solved-only", action="store_true",
                help="write only embedded/solved.json (calibrations.json unchanged)")
args = ap.parse_args()
warnings.simplefilter("ignore")
out = calibrations.shipped_path()
solved_out = out.with_name("solved.json")
with tempfile.TemporaryDirectory() as d:
    os.environ["AUTARKY_CACHE"] = d  # start from nothing: every barrier found afresh
    # nor from the file being rebuilt: a barrier looked up there and verified is not
    # written again, so the range's per-source barriers of unchanged worlds would be lost.
    # With --solved-only that file stays, and the runs start from it as users' runs do:
    # the headline barrier of bloc-choice is then the one users' runs find, and its kept
    # table (autarky.blocsolve.kept_key, keyed by the barrier) is the one they look up
    if not args.solved_only:
        calibrations.shipped_path = lambda: Path(d, "no-shipped-file.json")  # type: ignore
    user_solved = Path(d, "solved.json")
    # every row solved here, none taken from an earlier solved.json
    calibrations._solved_paths = lambda: (user_solved, Path(d, "none.json"))  # type: ignore
    for name, p in ak.presets.PRESETS.items():
        if p.target is None:
            continue
        for world in dict.fromkeys([p.default_world or "icio2023", "icio2023"]):
            spec = ak.RunSpec(name, world=world)  # the range recalibrates per source too
            o = ak.service.run(spec)
            print(f"{name} on {o.world.name} {o.world.year}: barrier "
                  f"{o.scenario.components[0].cost_hat:.6f}")
    written = {}
    if not args.solved_only:
        written[out] = Path(d, "calibrations.json").read_text(encoding="utf-8")
    written[solved_out] = user_solved.read_text(encoding="utf-8")
for path, data in written.items():
    tmp = path.with_suffix(".tmp")
    tmp.write_text(data, encoding="utf-8")
    tmp.replace(path)
    print(f"written: {path} ({path.stat().st_size:,} bytes)")
print(f"numerics fingerprint of the solved rows: {numerics_fingerprint()}")
# the claims' starting points, computed with the files just written in place
subprocess.run([sys.executable, str(Path(__file__).with_name("build_starts.py"))], check=True)
