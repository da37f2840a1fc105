"""Scenarios: what changes relative to the baseline World.

A :class:`Shock` is the numerical form every scenario takes once applied to a World:
new tariff levels and an iceberg trade-cost change for every (importer, exporter, sector).
A :class:`Scenario` is an ordered tuple of *components*, frozen dataclasses that validate
themselves; ``scenario.apply(world)`` turns it into a Shock.

Components
----------
=====================  ==================================================================
kind                   what it sets (international cells only; domestic cells never change)
=====================  ==================================================================
``autarky``            trade costs prohibitive (``inf``) on every import and export of the
                       countries, optionally only in some sectors
``free-trade-area``    tariffs among members set to 0; internal trade costs times
                       ``internal_cost_hat`` when it is not 1
``customs-union``      as a free-trade area, plus a common external tariff on members'
                       imports from non-members: ``external_tariff``, or by default the
                       members' trade-weighted average (baseline flows as weights) of the
                       tariffs in force before the component, sector by sector; trade costs
                       with non-members times ``external_cost_hat`` when it is not 1
``sanction``           the imposers' trade with the target: prohibitive (embargo) or, with
                       ``tariff``, a tariff; ``direction`` 'both' (default: imports from
                       and exports to the target; with a tariff the target answers with the
                       same rate), 'imports' (imposers' imports from the target) or
                       'exports' (imposers' exports to the target)
``tariff``             tariffs of ``importers`` on ``exporters`` set to ``rate``
                       (``mode = 'set'``) or raised by it (``mode = 'add'``, floored at 0)
``tariff-schedule``    one importer's tariffs by partner (``rates``), set or added; the
                       rate on ROW is ``row_rate`` or, by default, the mean of the rates of
                       the scheduled partners the data fold into ROW, weighted by
                       ``weights`` (e.g. the importer's imports) when given
``trade-cost``         iceberg trade costs of ``importers`` from ``exporters`` times ``hat``
                       (``both_ways`` also the reverse direction)
``trade-cost-cells``   iceberg changes cell by cell: ``cells = [[importer, exporter,
                       sector or '*', hat], ...]``
``trade-cost-cube``    iceberg changes as a labelled cube (what ``Scenario.trade_cost``
                       makes of a Series, DataArray or array): ``importers``,
                       ``exporters``, ``sectors`` (default every sector) and ``hat``, a
                       nested list importers x exporters x sectors (``nan``: unchanged)
``bloc-split``         trade costs between countries of different ``blocs`` times
                       ``cost_hat``, and tariffs between them raised by ``tariff``;
                       countries in no bloc are unaffected
=====================  ==================================================================

Countries are ISO 3166 alpha-3 codes, ``ROW``, ``all``, or group names (``EU27``, ``OECD``,
``G7``, ``G20``, ``BRICS``, ``CIS``, ``CIS-FTA``, ``EAEU``, ``UNION-STATE``,
``POST-SOVIET``, ... see :func:`autarky.data.scenario_data.country_groups`). Groups are
resolved against each World: a member that the data fold into ROW is left out, with a
:class:`~autarky.errors.ScenarioWarning` and a line in the Shock's ``notes``.
Sectors are the World's sector codes or the classes ``goods``, ``services``, ``tourism``,
``energy`` and ``food``, which each World resolves itself (:attr:`autarky.World.sector_classes`:
declared per dataset in its manifest entry; ``tourism`` falls back to all services, with a
note, where the data do not separate it). A class the World lacks is refused in one line.

Composition: ``a + b`` applies a's components, then b's; where two components set the
same cell to different values the later one wins, and the Shock's description and notes
say which component overrode which, on how many cells. Additive components (``mode =
'add'``, a bloc-split ``tariff``) build on the value in force and are not conflicts.

TOML schema
-----------
::

    name = "eaeu-plus"                     # optional
    description = "..."                    # optional
    assumptions = ["...", "..."]           # optional
    sources = ["..."]                      # optional

    [solve]                                # optional: settings the scenario needs
    deficits = "zero"                      # fixed | zero | proportional
    unavailable = "floor"                  # raise | floor

    [[shock]]
    kind = "customs-union"
    members = ["EAEU"]
    external_tariff = 0.05                 # optional

    [[shock]]
    kind = "sanction"
    imposers = ["EU27", "USA"]
    target = "RUS"
    sectors = ["goods"]                    # optional
    tariff = 0.35                          # optional: absent means embargo

Every field of a component is a key of its ``[[shock]]`` table, with the component's
defaults when absent. Problems are reported one line each, naming the shock, the key
and the value: an unknown key, a missing key, an unknown country or group, a rate out of
range (tariffs in [0, 10]; trade-cost hats in (0, inf], ``inf`` = prohibitive). Absurd
specifications are refused the same way: a document with no ``shock`` key at all (write
``shock = []`` for the baseline itself), a country sanctioning itself, a free-trade area
or customs union of fewer than two countries.
"""

from autarky.model.shock import Shock
from autarky.scenario.components import (
    COMPONENTS,
    Autarky,
    BlocSplit,
    Component,
    CustomsUnion,
    FreeTradeArea,
    Sanction,
    TariffChange,
    TariffSchedule,
    TradeCostCells,
    TradeCostChange,
    TradeCostCube,
)
from autarky.scenario.compose import Scenario
from autarky.scenario.integration import BorderRemoval, DeepIntegration, Dissolution, bind_theta
from autarky.scenario.resolve import MAX_TARIFF, SECTOR_CLASSES, SOLVE_SETTINGS

COMPONENTS.update({c.kind: c for c in (DeepIntegration, Dissolution, BorderRemoval)})

__all__ = [
    "COMPONENTS",
    "MAX_TARIFF",
    "SECTOR_CLASSES",
    "SOLVE_SETTINGS",
    "Autarky",
    "BlocSplit",
    "BorderRemoval",
    "Component",
    "DeepIntegration",
    "Dissolution",
    "CustomsUnion",
    "bind_theta",
    "FreeTradeArea",
    "Sanction",
    "Scenario",
    "Shock",
    "TariffChange",
    "TariffSchedule",
    "TradeCostCells",
    "TradeCostChange",
    "TradeCostCube",
]
