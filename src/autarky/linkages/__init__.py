r"""Input-output linkages: Leontief and Ghosh models, dependency, self-sufficiency, shocks.

Notation (Miller and Blair 2009, *Input-Output Analysis*, 2nd ed.). A multi-regional
table has ``n = R * S`` rows, one per (region, sector), country-major:

=========  ===============  ==============================================================
symbol     shape            meaning
=========  ===============  ==============================================================
``Z``      (n, n)           intermediate sales, row = supplier, column = user
``Y``      (n, R)           final demand of each region (categories summed)
``x``      (n,)             gross output
``A``      (n, n)           technical coefficients, ``A = Z diag(x)^-1``        (MB ch. 2)
``L``      (n, n)           Leontief inverse, ``L = (I - A)^-1``, ``x = L y``   (MB ch. 2)
``B``      (n, n)           allocation coefficients, ``B = diag(x)^-1 Z``       (MB ch. 12)
``G``      (n, n)           Ghosh inverse, ``G = (I - B)^-1``, ``x' = v' G``    (MB ch. 12)
``v``      (n,)             value added per unit of output, ``v' = 1' (I - A)``
``S``      (k, n)           extension (stressor) per unit of output, ``S = F diag(x)^-1``
``M``      (k, n)           multipliers, ``M = S L``
=========  ===============  ==============================================================

The numerical functions work on NumPy arrays and never form ``L`` unless asked: they hold
one LU factorisation of ``I - A`` (:class:`LeontiefLU`) and solve against it, which costs a
third of the flops of an inverse and no second ``n x n`` array. The Ghosh model needs no
factorisation of its own: with ``x > 0``, ``G = diag(x)^-1 L diag(x)``, so
``x' = v' G`` is ``x = diag(x) L' (v / x)``, a solve with the transposed factors.

The World-level functions (:func:`leontief`, :func:`multipliers`, :func:`footprints`,
:func:`accounts`, :func:`dependency`, :func:`supplier_exposure`, :func:`self_sufficiency`,
:func:`missing_goods`, :func:`extract`, :func:`shortage`) return labelled pandas objects;
each accepts a World or the :class:`IOModel` that :func:`leontief` returns. Nothing is
cached: build the model once and pass it explicitly, so the factorisation is done once.

Layout
------
``_iomath``   numerics on arrays (``calc_*``, :class:`LeontiefLU`, extraction)
``_lp``       the shortage linear programs (HiGHS through SciPy)
``_model``    :class:`IOModel` and :func:`leontief`: the World's repaired data as a table
              in which ``x = L y`` and ``x' = v' G`` hold (see that module for the rules)
``_proportional`` :class:`ProportionalTable`: a proportionality table in its factored
              form (:func:`proportional`), solved by block Jacobi without ``n x n`` arrays
``_tables``   labelled tables: multipliers, footprints, accounts, dependency, exposure,
              self-sufficiency, missing goods, extraction
``_shortage`` :func:`shortage`: final demand still met after a supply loss, three regimes
"""

from autarky.linkages._iomath import (
    LeontiefLU,
    calc_A,
    calc_accounts,
    calc_B,
    calc_extraction_losses,
    calc_G,
    calc_M,
    calc_S,
    domestic_blocks,
    exposure_to,
    extract_demand,
    extract_supply,
    import_content,
    value_added_in_trade,
)
from autarky.linkages._lp import FinalDemandLP, calc_max_final_demand, calc_max_final_demand_pooled
from autarky.linkages._model import (
    IOModel,
    leontief,
    mrio_from_world,
    proportional,
    value_added_origins,
)
from autarky.linkages._proportional import ProportionalTable
from autarky.linkages._shortage import REGIMES, Shortage, shortage
from autarky.linkages._tables import (
    Accounts,
    accounts,
    dependency,
    extract,
    footprints,
    missing_goods,
    multipliers,
    self_sufficiency,
    supplier_exposure,
)

__all__ = [
    # numerics on arrays
    "calc_A",
    "calc_B",
    "LeontiefLU",
    "calc_G",
    "calc_S",
    "calc_M",
    "calc_accounts",
    "value_added_in_trade",
    "domestic_blocks",
    "import_content",
    "exposure_to",
    "extract_demand",
    "extract_supply",
    "calc_extraction_losses",
    "FinalDemandLP",
    "calc_max_final_demand",
    "calc_max_final_demand_pooled",
    # labelled, on a World
    "IOModel",
    "leontief",
    "mrio_from_world",
    "multipliers",
    "value_added_origins",
    "proportional",
    "ProportionalTable",
    "footprints",
    "accounts",
    "Accounts",
    "dependency",
    "supplier_exposure",
    "self_sufficiency",
    "missing_goods",
    "extract",
    "shortage",
    "Shortage",
    "REGIMES",
]
