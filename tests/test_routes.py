"""The solver's route arrays of a shock that changes nothing (the deficit removal of rule
"zero"): the baseline's own arrays, equal to what the general construction gives."""

from __future__ import annotations

import numpy as np

from autarky.model import solver
from autarky.solve import economy
from tests.helpers import random_world


def test_no_change_routes_equal_the_general_construction() -> None:
    econ = economy(random_world(5, n=7, j=4, io=True))
    tn, ones = econ.tariffs, np.ones_like(econ.tariffs)
    solver._ROUTES.clear()
    _, _, _, log_kappa, weight, open_, inv_tn = solver._routes(econ, tn, ones)
    assert weight is econ.pi_sm and open_ is econ.pi_sm_positive  # shared, read only
    # the general construction, as for any other shock
    tn_sm = np.ascontiguousarray(np.moveaxis(tn, -1, -3))
    general_open = np.isfinite(np.moveaxis(ones, -1, -3)) & econ.pi_sm_positive
    general_lk = np.where(general_open, np.log1p(tn_sm) - econ.log1p_tariffs_sm, 0.0)
    np.testing.assert_array_equal(log_kappa, general_lk)
    np.testing.assert_array_equal(weight, np.where(general_open, econ.pi_sm, 0.0))
    np.testing.assert_array_equal(open_, general_open)
    np.testing.assert_array_equal(inv_tn, 1.0 / (1.0 + tn_sm))
    # a shock that changes one cell takes the general path and differs there only
    th = ones.copy()
    th[0, 1, 0] = 1.5
    solver._ROUTES.clear()
    lk2 = solver._routes(econ, tn, th)[3]
    assert lk2[0, 0, 1] == np.log(1.5) and np.count_nonzero(lk2) == 1


def test_the_deficit_removal_solves_to_the_same_equilibrium_either_way() -> None:
    """The removal's equilibrium with the no-change routes equals one whose shock is a
    hair away from no change (general path) to the solver's tolerance."""
    econ = economy(random_world(6, n=6, j=3, io=True))
    theta = np.full((1, 3), 4.0)
    ones = np.ones_like(econ.tariffs)
    a = solver.solve_hat(econ, econ.tariffs, ones, theta, deficits="zero", tol=1e-12)
    near = ones.copy()
    near[0, 1, 0] = 1.0 + 1e-13  # not "no change": every array built in general
    b = solver.solve_hat(econ, econ.tariffs, near, theta, deficits="zero", tol=1e-12)
    assert a.converged.all() and b.converged.all()
    np.testing.assert_allclose(a.w_hat, b.w_hat, rtol=0, atol=1e-10)
    np.testing.assert_allclose(a.X, b.X, rtol=1e-9)
