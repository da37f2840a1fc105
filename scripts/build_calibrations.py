"""Ship the calibrated barriers of the bloc presets for the embedded worlds' default years.

Writes ``src/autarky/data/embedded/calibrations.json`` (``autarky.data.calibrations``):
for every preset with a calibration target, on its default world and on icio2023 (latest
year), with the default elasticities and options, the barrier the root find gives. A run
verifies a shipped barrier with one solve before using it, so a stale file only costs time;
re-run this after the data or the model change:

    PYTHONPATH=src python scripts/build_calibrations.py
"""

import os
import tempfile
import warnings
from pathlib import Path

import autarky as ak
from autarky.data import calibrations

warnings.simplefilter("ignore")
out = calibrations.shipped_path()
with tempfile.TemporaryDirectory() as d:
    os.environ["AUTARKY_CACHE"] = d  # start from nothing: every barrier found afresh
    # nor from the file being rebuilt: a barrier looked up there and verified is not
    # written again, so the range's per-source barriers of unchanged worlds would be lost
    calibrations.shipped_path = lambda: Path(d, "no-shipped-file.json")  # type: ignore[assignment]
    for name, p in ak.presets.PRESETS.items():
        if p.target is None:
            continue
        for world in dict.fromkeys([p.default_world or "icio2023", "icio2023"]):
            spec = ak.RunSpec(name, world=world)  # the range recalibrates per source too
            o = ak.service.run(spec)
            print(f"{name} on {o.world.name} {o.world.year}: barrier "
                  f"{o.scenario.components[0].cost_hat:.6f}")
    data = Path(d, "calibrations.json").read_text(encoding="utf-8")
tmp = out.with_suffix(".tmp")
tmp.write_text(data, encoding="utf-8")
tmp.replace(out)
print(f"written: {out}")
