"""Every Eurasian preset and variant, member by member, on icio194 and icio2023 (issue 29).

For each world (icio194 2022, the presets' default; icio2023 2022) and each preset, through
the run service: each member's welfare change (%), its domestic expenditure share before and
after, the members' mutual trade change (from the run's notes) and the BLR-RUS Head-Ries
integration index before and after; then the comparators the presets print (Knobel et al.
2019, Djankov and Freund 2002). ``PYTHONPATH=src python scripts/eurasia_table.py``.
"""

import re
import warnings

import autarky as ak
from autarky import literature

warnings.simplefilter("ignore")
PRESETS = ("eurasian-macro-state-lower", "eurasian-macro-state", "eurasian-macro-state-upper",
           "union-state", "union-state-dissolution", "eaeu-customs-union",
           "eaeu-deep-integration", "eaeu-dissolution", "cis-fta")
for world in ("icio194", "icio2023"):
    for name in PRESETS:
        o = ak.service.run(ak.RunSpec(name, world=world, year=2022, range=False))
        ds = o.extras.get("domestic_share")
        members = list(ds.index) if ds is not None else []
        mutual = next((m.group(1) for n in o.notes
                       for m in [re.search(r"members' mutual trade[^+-]*([+-][\d.]+%)", n)]
                       if m), "")
        hr = o.extras.get("integration_index")
        brrus = ""
        if hr is not None and "BLR-RUS" in set(hr.index):
            r = hr.loc["BLR-RUS"]
            brrus = f"; BLR-RUS index {r['before']:.3f} -> {r['after']:.3f}"
        print(f"{world} 2022 {name}: mutual trade {mutual}{brrus}")
        for c in members:
            r = ds.loc[c]
            cols = list(ds.columns)
            print(f"    {c}: welfare {o.welfare[c]:+.2f}%, domestic share "
                  f"{r[cols[0]]:.1f} -> {r[cols[1]]:.1f}")
        if not members:
            print("    " + ", ".join(f"{c} {o.welfare[c]:+.2f}%" for c in
                                      ("BLR", "KAZ", "RUS", "ARM", "KGZ") if c in o.welfare))
for name in ("eaeu-deep-integration", "eurasian-macro-state"):
    for line in literature.lines(name):
        print(f"comparator ({name}): {line}")
