"""The live content of ``embedded/listings.json`` (:mod:`autarky.data.listings`).

``autarky datasets``, ``presets`` and ``sectors`` print from that file without loading
the registries; :func:`live` computes what it must hold from the registries themselves.
``scripts/build_listings.py`` writes it and ``tests/test_listings.py`` compares the two.
"""

from __future__ import annotations

from typing import Any

__all__ = ["live"]


def _records(df: Any) -> list[dict[str, Any]]:
    return [{k: (v.item() if hasattr(v, "item") else v) for k, v in row.items()}
            for row in df.reset_index().to_dict("records")]


def live(datasets: tuple[str, ...] | None = None) -> dict[str, Any]:
    """Datasets, presets and every embedded dataset-year's sectors and repairs, computed.

    ``datasets`` limits the sector tables to these embedded datasets (default: all).
    """
    import autarky as ak
    from autarky.cli_common import load_world_repairs
    from autarky.data.embedded_data import sector_table

    out: dict[str, Any] = {"datasets": _records(ak.datasets()),
                           "presets": _records(ak.presets.table()), "sectors": {}}
    for name in datasets or tuple(ak.data.DATASETS):
        tables: list[list[list[str]]] = []
        years: dict[str, dict[str, Any]] = {}
        default, _ = load_world_repairs(name, None)
        for year in ak.data.manifest()[name]["years"]:
            w, repairs = load_world_repairs(name, year)
            tab = sector_table(w)
            rows = [[str(code), str(r["name"]), str(r["classes"])] for code, r in tab.iterrows()]
            if rows not in tables:
                tables.append(rows)
            years[str(w.year)] = {"table": tables.index(rows),
                                  "rules": list(dict.fromkeys(r.rule for r in repairs)),
                                  "cells": sum(len(r.cells) for r in repairs)}
        out["sectors"][name] = {"name": default.name, "default_year": default.year,
                                "tables": tables, "years": years}
    return out
