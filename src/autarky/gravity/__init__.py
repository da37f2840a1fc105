"""Structural gravity: PPML estimation (pyfixest) and estimates -> trade-cost scenarios.

``estimate`` fits the gravity equation; ``cost_term`` gives the estimated cost
``exp(b'z)`` before and after a change in a cost variable (so ``tau_hat^(-theta) =
exp(b * delta)``); ``to_scenario`` turns it into an engine scenario; ``simulate`` solves the
conditional and full general equilibrium with the multilateral resistances of Yotov et al.
(2016); ``yotov`` reproduces the guide's two chapter-2 experiments; ``estimate_border``
estimates in sample what the post-Soviet arrangements and the EU do to trade (``border``),
and ``iceberg_hats`` turns such a log-trade effect into per-sector trade-cost hats.
"""

from __future__ import annotations

from autarky.gravity import border, yotov
from autarky.gravity.border import (
    BorderEstimate,
    border_panel,
    border_record,
    estimate_border,
    iceberg_hats,
    pair_cost_hats,
    pair_effects,
    stored_border,
)
from autarky.gravity.costs import cost_term, to_matrix
from autarky.gravity.estimate import Estimate, estimate
from autarky.gravity.ge import GravityGE, resistances, simulate, simulate_change, to_scenario

__all__ = ["BorderEstimate", "Estimate", "GravityGE", "border", "border_panel",
           "border_record", "cost_term", "estimate", "estimate_border", "iceberg_hats",
           "pair_cost_hats", "pair_effects", "resistances", "simulate", "simulate_change",
           "stored_border", "to_matrix", "to_scenario", "yotov"]
