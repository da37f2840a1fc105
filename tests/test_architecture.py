"""The house rules of docs/architecture.md, checked on the import graph (grimp).

grimp sees every import statement, including those inside functions; CI also runs
``lint-imports`` with the layers contract in pyproject.toml.
"""

from __future__ import annotations

import sys
from pathlib import Path

import grimp
import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "autarky"


@pytest.fixture(scope="module")
def graph() -> grimp.ImportGraph:
    return grimp.build_graph("autarky", include_external_packages=True,
                             exclude_type_checking_imports=True)


def _cycles(graph: grimp.ImportGraph) -> list[list[str]]:
    mods = sorted(m for m in graph.modules if m.startswith("autarky"))
    adj = {m: sorted(x for x in graph.find_modules_directly_imported_by(m)
                     if x.startswith("autarky")) for m in mods}
    state: dict[str, int] = {}
    found: list[list[str]] = []
    for root in mods:
        if root in state:
            continue
        stack = [(root, iter(adj[root]))]
        path = [root]
        state[root] = 1
        while stack:
            node, children = stack[-1]
            nxt = next(children, None)
            if nxt is None:
                stack.pop()
                path.pop()
                state[node] = 2
            elif state.get(nxt) == 1:
                found.append(path[path.index(nxt):] + [nxt])
            elif nxt not in state:
                state[nxt] = 1
                path.append(nxt)
                stack.append((nxt, iter(adj[nxt])))
    return found


def test_no_import_cycles(graph):
    assert _cycles(graph) == []


def test_cycle_finder_finds_a_cycle():
    g = grimp.ImportGraph()
    for m in ("autarky", "autarky.a", "autarky.b"):
        g.add_module(m)
    g.add_import(importer="autarky.a", imported="autarky.b")
    g.add_import(importer="autarky.b", imported="autarky.a")
    assert _cycles(g) == [["autarky.a", "autarky.b", "autarky.a"]]


def test_model_is_pure(graph):
    # numerics only: numpy, scipy for root finding (model/ilms.py) and threadpoolctl for
    # the BLAS threads of the numerics (model/threads.py); no I/O, tables, plotting or CLI
    # libraries
    allowed_external = {"numpy", "scipy", "threadpoolctl"} | set(sys.stdlib_module_names)
    for mod in sorted(m for m in graph.modules if m.startswith("autarky.model")):
        for imp in graph.find_modules_directly_imported_by(mod):
            if imp.startswith("autarky"):
                assert imp.startswith("autarky.model") or imp == "autarky.errors", (mod, imp)
            elif graph.is_module_squashed(imp):
                assert imp in allowed_external, (mod, imp)


def test_results_do_not_run_the_solver(graph):
    assert "autarky.model.solver" not in graph.find_modules_directly_imported_by(
        "autarky.results")


def test_no_module_over_900_lines():
    long = {str(p.relative_to(SRC)): n for p in SRC.rglob("*.py")
            if (n := len(p.read_text().splitlines())) > 900}
    assert long == {}
