"""icio194: icio2023 with its rest of the world (ROW) split into the 114 economies it contains.

194 economies (icio2023's 80 and the 114 economies of the 194-economy list of Ignatenko et
al. (2025) that icio2023 folds into ROW: rule M1 of ``scripts/build_icio194.py``; the 16
small economies world194 adds from partners' records stay inside the members' ROW) x 29
sectors, with tariffs and input-output links, 2015-2022. The world is composed
at load time from icio2023 of the same year (as loaded: tariff rule T1 and IO repairs
R2-R3 applied) and the inputs ``scripts/build_icio194.py`` stores (IMF DOTS goods trade,
WDI GDP, treaty membership), so that it always agrees with icio2023. Notation: ``F``,
``T``, ``A`` are icio2023's flows [importer, exporter, sector], tariffs and IO
coefficients; ``DOTS[i, n]`` goods exports of i to n (f.o.b.; the importer's c.i.f.
record / 1.10 where the exporter reports nothing), of year min(Y, 2020): **2021 and 2022
take 2020's DOTS shares** (the DOTS extract ends in 2020); GDP is each year's own. The
build applies world194's rule W5 to DOTS first (Liberia's and the Marshall Islands'
recorded ship trade scaled to economies of their size; RepairWarnings with every flow), so
ROW's flows in icio2023 go to the other members by their shares.

Rules
-----
S1 Pairs of icio2023 economies keep icio2023's flows and tariffs unchanged.
S2 Member m buying from icio2023 economy i: ``F[ROW, i, s]`` times m's share of i's goods
   exports to all members in DOTS (goods sectors). Services (SERV, TRAVEL): the mean of
   that goods share and m's share of the members' GDP (services trade follows geography
   less than goods trade and size more). Where i has no recorded exports to any member,
   GDP shares.
S3 Member m selling to icio2023 economy n: ``F[n, ROW, s]`` times m's share of n's goods
   imports from all members in DOTS (goods), the same mean with GDP shares (services).
   In S2 and S3 only the part of icio2023's ROW goods flow that DOTS accounts for goes by
   DOTS shares: ``PHI`` x the DOTS total, where ``PHI`` is the economy's own ratio of
   icio2023 goods flows to DOTS with the other icio2023 economies (its exports in S2, its
   imports in S3: f.o.b. vs basic prices, re-exports, coverage); the rest goes by GDP
   shares. (The world ``PHI`` of S4 is the DOTS-weighted median of that ratio over pairs
   of icio2023 economies, 0.70 in 2019: re-export hubs such as HKG are far below it.)
S4 Trade among members: DOTS goods exports m -> m' times ``PHI`` (see S2), spread over
   goods sectors in ROW's external goods-trade mix (exports plus imports with icio2023
   economies, by sector); services in each services sector are the pair's goods flow
   times ROW's external ratio of that services sector to goods. Where a sector's trade
   among members would exceed ``MAX_INTERNAL_TRADE`` of ROW's internal flow
   ``F[ROW, ROW, s]``, that sector's member-to-member flows are scaled down to it.
S5 Domestic sales: ROW's internal flow minus trade among members, per sector, is the
   members' domestic sales, given to members in one sector structure (ROW's) and in the
   amounts that make each member's value added ``k`` times its GDP (WDI current USD; rule
   G1 of the build where WDI has none), ``k`` = ROW's value added / the members' GDP (so
   totals are conserved). A member whose domestic sales would then fall below
   ``Q_DOMESTIC`` (the 5th percentile of the icio2023 economies' domestic share of gross
   output) is set to that floor and the others scaled to keep ROW's total (RepairWarning
   naming them).
S5a Goods ROW buys only as inputs (final demand under ``FINAL_ONLY_INPUT`` of absorption
   in icio2023 after its repair R3: coal B05 and crude oil and gas B06): ROW's domestic
   sales of them go to the members whose input use (ROW's coefficients) exceeds their
   imports, in proportion to that need, not by S5's structure.
S5c Imports of those goods beyond a member's input use go to the members whose use still
   exceeds their absorption, from the same exporters, in proportion to the shortfall.
S6 IO coefficients and value-added shares: members take ICIO's rest-of-world
   coefficients (icio2023's ROW: OECD ICIO 2023 for 2020, repairs R2-R3 applied);
   icio2023 economies their own.
S6b Where a member would still use more of a good as input than it absorbs (final demand
   negative), its use of it is brought down to its absorption and the other members' use
   raised by the same total (in proportion to their use, each within its room); members'
   input purchases are balanced by RAS to those row totals and to ROW's purchases by
   input and using sector (conserved exactly), coefficients = purchases / output
   (RepairWarning naming the member-inputs).
S6c Where S6b leaves a member buying inputs worth more than ``MAX_INPUT_SHARE`` of its
   output in a sector (a tiny economy whose output of that sector is a sliver), its
   coefficients there are scaled to that share; those purchases become value added and
   the aggregate's conservation is off by them (RepairWarning with the amount; none in
   2019).
S7 Tariffs: a member importing from an icio2023 economy i inherits ROW's tariff on i;
   an icio2023 economy n levies on every member its tariff on ROW. Among members, ROW's
   trade-weighted average applied tariff on its imports, by sector. Zero between parties
   to the EAEU customs union or the CIS free-trade area in force that year (membership by
   date: ``manifest()['icio194']['agreements']``, with sources) for every pair that
   involves a member. ROW's tariff on (of) an icio2023 economy is read as the average over
   all members, treaty partners' zero included: the other members' rate is raised so that
   the revenue on the pair with ROW is conserved, up to ``TARIFF_BOUND``.
   Note: in icio2023 as compiled (Teti GTD in the tariffwar compilation) ROW neither
   levies nor faces any tariff (every ROW rate is 0 in 2011-2022), so every tariff that
   involves a member is 0 in icio194; the rules above then change nothing, and tariff-only
   presets find nothing to remove on members' pairs. A source of applied tariffs for the
   114 members (e.g. UNCTAD TRAINS / WITS) would be needed for more.
Conservation: aggregating the members into ROW (``World.aggregate``) gives back icio2023's
flows, output, value added, input coefficients and tariff revenue to rounding; where ROW's
tariffs are not zero, the aggregate ROW would also carry the members' tariffs on each
other as a tariff on its internal trade, which icio2023 does not have.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from autarky.data.tariff_quality import TARIFF_BOUND
from autarky.errors import DataError

__all__ = ["MAX_INTERNAL_TRADE", "Q_DOMESTIC", "compose"]

MAX_INTERNAL_TRADE = 0.5
"""Largest share of ROW's internal flow in a sector that trade among members may take."""

Q_DOMESTIC = 5.0
"""Percentile of the icio2023 economies' domestic share of gross output used as floor (S5)."""


def _ratio(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(b > 0, a / np.where(b > 0, b, 1.0), np.nan)


def _shares(trade: np.ndarray, icio_goods: np.ndarray, gshare: np.ndarray,
            phi: np.ndarray, axis: int) -> tuple[np.ndarray, np.ndarray]:
    """(goods shares, services shares) of the members along ``axis`` (rules S2-S3).

    ``trade``: DOTS goods trade of each icio2023 economy with each member; ``icio_goods``:
    icio2023's goods flow of each icio2023 economy with ROW. The part ``phi * DOTS``
    explains goes by DOTS shares, the rest (``rho``) by GDP shares.
    """
    tot = trade.sum(axis=axis, keepdims=True)
    g = np.expand_dims(gshare, 1 - axis)
    dots = np.where(tot > 0, trade / np.where(tot > 0, tot, 1.0), g)
    ig = np.expand_dims(icio_goods, axis)
    ph = np.expand_dims(phi, axis)
    rho = np.where(ig > 0, np.clip(1.0 - ph * tot / np.where(ig > 0, ig, 1.0), 0.0, 1.0), 1.0)
    goods = (1.0 - rho) * dots + rho * g
    return goods, 0.5 * (goods + g)


def _revenue_rates(rate: np.ndarray, flows: np.ndarray, free: np.ndarray
                   ) -> tuple[np.ndarray, np.ndarray]:
    """Rates on members (axis 1) keeping the revenue ``rate * flows.sum`` (rule S7).

    Zeros on treaty partners (``free``); the others rate * total / taxed flows, capped at
    TARIFF_BOUND. ``rate`` (K, J), ``flows`` (K, M, J), ``free`` (K, M) -> (rates
    (K, M, J), capped (K, J)).
    """
    taxed = np.where(free[:, :, None], 0.0, flows)
    tot, sub = flows.sum(axis=1), taxed.sum(axis=1)
    scale = np.where(sub > 0, tot / np.where(sub > 0, sub, 1.0), 1.0)
    r = rate * scale
    capped = r > max(TARIFF_BOUND, 0.0) + 1e-12
    r = np.where(capped, np.maximum(rate, TARIFF_BOUND), r)
    return np.where(free[:, :, None], 0.0, r[:, None, :]), capped & (rate > 0)


MAX_INPUT_SHARE = 0.95
"""Largest input share of a member's output after rule S6b (rule S6c)."""

FINAL_ONLY_INPUT = 0.01
"""ROW's final demand below this share of its absorption: a good bought only as an input."""

RAS_SWEEPS = 500
"""Largest number of RAS sweeps of rule S6b (it stops at a relative gap of 1e-13)."""


def _member_coefficients(out: np.ndarray, coef: np.ndarray, im: np.ndarray
                         ) -> tuple[np.ndarray, np.ndarray]:
    """Rule S6b: members' IO coefficients (M, J, J) and the member-inputs it changed.

    Start: ROW's coefficients ``coef[k, j]`` for every member, i.e. purchases
    ``P[m, k, j] = coef[k, j] Y[m, j]``. Where a member's use of input k exceeds its
    absorption of k (final demand would be negative), its use is brought down to its
    absorption; the other members' use of k is raised by the same total, in proportion
    to their room (absorption minus use). Purchases are then balanced by RAS to those
    use totals (rows) and to ROW's purchases ``coef[k, j] Y_ROW[j]`` (columns, conserved
    exactly), and the coefficients are the balanced purchases over output.
    """
    Y = out[:, im, :].sum(axis=0)  # (M, J)
    absorb = out[im].sum(axis=1)  # (M, K)
    P = coef[None] * Y[:, None, :]  # (M, K, J)
    use = P.sum(axis=2)
    short = use > absorb
    base_use = np.minimum(use, absorb)
    deficit = use.sum(axis=0) - base_use.sum(axis=0)  # (K,)
    room = np.where(short | (use <= 0), 0.0, absorb - use)
    # the deficit goes to the others in proportion to their use, each at most its room:
    # extra = min(room, lam * use), lam found by bisection (per input k)
    lo, hi = np.zeros(use.shape[1]), np.full(use.shape[1], 1.0)
    while (np.minimum(room, hi * use).sum(axis=0) < deficit).any() and hi.max() < 1e6:
        hi = np.where(np.minimum(room, hi * use).sum(axis=0) < deficit, hi * 2.0, hi)
    for _ in range(60):
        mid = 0.5 * (lo + hi)
        low = np.minimum(room, mid * use).sum(axis=0) < deficit
        lo, hi = np.where(low, mid, lo), np.where(low, hi, mid)
    extra = np.minimum(room, hi * use)
    es = extra.sum(axis=0)
    rows = base_use + extra * np.where(es > 0, deficit / np.where(es > 0, es, 1.0), 0.0)
    cols = P.sum(axis=0)  # (K, J)
    Q = P.copy()
    for _ in range(RAS_SWEEPS):
        r = Q.sum(axis=2)
        Q *= np.where(r > 0, rows / np.where(r > 0, r, 1.0), 0.0)[:, :, None]
        c = Q.sum(axis=0)
        Q *= np.where(c > 0, cols / np.where(c > 0, c, 1.0), 0.0)[None]
        if np.abs(Q.sum(axis=2) - rows).max() <= 1e-13 * max(float(rows.sum()), 1.0):
            break
    io = np.where(Y[:, None, :] > 0, Q / np.where(Y[:, None, :] > 0, Y[:, None, :], 1.0),
                  coef[None])
    return io, short


def _inputs_only(out: np.ndarray, F: np.ndarray, coef: np.ndarray, R: int,
                 im: np.ndarray, ie: np.ndarray) -> None:
    """Rules S5a and S5c in place (goods ROW buys only as inputs, e.g. crude oil)."""
    absorb_row = F[R].sum(axis=0)
    final_row = absorb_row - coef @ F[:, R].sum(axis=0)
    inputs_only = final_row <= FINAL_ONLY_INPUT * absorb_row
    if not inputs_only.any():
        return
    # S5a: ROW's domestic sales of them go to the members that need them as inputs
    # beyond their imports, in proportion to that need
    Ym = out[:, im, :].sum(axis=0)
    need = np.maximum(Ym @ coef.T - (out[im].sum(axis=1) - out[im, im, :]), 0.0)
    ns = need.sum(axis=0)
    alloc = np.where(ns > 0, need / np.where(ns > 0, ns, 1.0), 1.0 / len(im))
    out[im, im, :] = np.where(inputs_only[None], alloc * out[im, im, :].sum(axis=0),
                              out[im, im, :])
    # S5c: imports of them beyond a member's input use go to the members whose use still
    # exceeds their absorption, from the same exporters, in proportion to the shortfall
    use = out[:, im, :].sum(axis=0) @ coef.T
    from_icio = out[np.ix_(im, ie)]  # (M, E, J)
    imp = from_icio.sum(axis=1)
    excess = np.where(inputs_only[None], np.maximum(imp - use, 0.0), 0.0)
    gap = np.where(inputs_only[None], np.maximum(use - out[im].sum(axis=1), 0.0), 0.0)
    ex, gp = excess.sum(axis=0), gap.sum(axis=0)
    cut = excess * np.where(ex > 0, np.minimum(ex, gp) / np.where(ex > 0, ex, 1.0), 0.0)
    frac = np.where(imp > 0, cut / np.where(imp > 0, imp, 1.0), 0.0)  # (M, J)
    pool = (from_icio * frac[:, None, :]).sum(axis=0)  # (E, J) by exporter
    to = gap / np.where(gp > 0, gp, 1.0)
    out[np.ix_(im, ie)] = from_icio * (1.0 - frac[:, None, :]) + to[:, None, :] * pool[None]


def compose(base: dict[str, np.ndarray], icio_countries: list[str], store: dict[str, Any],
            sectors: list[str], services: np.ndarray
            ) -> tuple[dict[str, np.ndarray], list[str], dict[str, Any]]:
    """The icio194 arrays of one year from icio2023's arrays of that year.

    ``base``: flows, tariffs, io, value_added_share, value_added of icio2023 (a World's
    ``arrays()``); ``store``: countries, members, dots (year's DOTS matrix), gdp, fta;
    ``sectors``: sector codes; ``services``: bool (J,) mask of the services sectors.
    Returns (arrays flows, tariffs, io in the order of ``store['countries']``, repair
    sentences, info).
    """
    codes = [str(c) for c in store["countries"]]
    members = [str(c) for c in store["members"]]
    pos = {c: k for k, c in enumerate(codes)}
    if "ROW" not in icio_countries:
        raise DataError("icio194: icio2023 has no ROW region to split")
    R = icio_countries.index("ROW")
    e = np.array([k for k, c in enumerate(icio_countries) if c != "ROW"])
    missing = [icio_countries[k] for k in e if icio_countries[k] not in pos]
    if missing:
        raise DataError(f"icio194: icio2023 economies {missing} are not in icio194.npz; "
                        "rebuild it with scripts/build_icio194.py")
    ie = np.array([pos[icio_countries[k]] for k in e])
    im = np.array([pos[c] for c in members])
    F, T, A = base["flows"], base["tariffs"], base["io"]
    N, J = len(codes), F.shape[2]
    sv = np.asarray(services, bool)
    G = np.asarray(store["dots"], float)
    gdp = np.asarray(store["gdp"], float)
    gm = gdp[im]
    gshare = gm / gm.sum()
    fta = np.asarray(store["fta"], bool)
    out = np.zeros((N, N, J))
    out[np.ix_(ie, ie)] = F[np.ix_(e, e)]
    # PHI: icio2023's goods flows over DOTS among icio2023 economies (f.o.b. to basic
    # prices, re-exports, coverage): per exporter (its sales to icio2023 economies), per
    # importer (its purchases from them), and for the world (the DOTS-weighted median of
    # the pair ratios, robust to re-export hubs: HKG's ratio is under 0.1)
    goods_ee = F[np.ix_(e, e)][:, :, ~sv].sum(axis=2) * ~np.eye(len(e), dtype=bool)
    dots_ee = G[np.ix_(ie, ie)].T  # [importer, exporter]
    phi_exp = _ratio(goods_ee.sum(axis=0), dots_ee.sum(axis=0))
    phi_imp = _ratio(goods_ee.sum(axis=1), dots_ee.sum(axis=1))
    off = ~np.eye(len(e), dtype=bool) & (dots_ee > 0)
    ratio, wt = goods_ee[off] / dots_ee[off], dots_ee[off]
    order = np.argsort(ratio)
    cum = np.cumsum(wt[order]) / wt.sum()
    phi = float(ratio[order][np.searchsorted(cum, 0.5)])
    phi_exp = np.where(np.isfinite(phi_exp), phi_exp, phi)
    phi_imp = np.where(np.isfinite(phi_imp), phi_imp, phi)
    # S2 members buying from icio economies; S3 members selling to icio economies
    imp_g, imp_s = _shares(G[np.ix_(ie, im)], F[R, e][:, ~sv].sum(axis=1), gshare,
                           phi_exp, axis=1)  # (E, M)
    exp_g, exp_s = _shares(G[np.ix_(im, ie)], F[e, R][:, ~sv].sum(axis=1), gshare,
                           phi_imp, axis=0)  # (M, E)
    share_imp = np.where(sv, imp_s.T[:, :, None], imp_g.T[:, :, None])  # (M, E, J)
    share_exp = np.where(sv, exp_s.T[:, :, None], exp_g.T[:, :, None])  # (E, M, J)
    out[np.ix_(im, ie)] = F[R, e][None] * share_imp
    out[np.ix_(ie, im)] = F[e, R][:, None, :] * share_exp
    # S4 trade among members
    ext = F[R, e].sum(axis=0) + F[e, R].sum(axis=0)  # (J,)
    weight = ext / ext[~sv].sum()  # goods: the mix (sums to 1); services: ratio to goods
    mm = phi * G[np.ix_(im, im)].T  # [importer m', exporter m]
    inner = mm[:, :, None] * weight[None, None, :]
    internal = F[R, R]
    intl = inner.sum(axis=(0, 1))
    cap = MAX_INTERNAL_TRADE * internal
    scale = np.where(intl > cap, cap / np.where(intl > 0, intl, 1.0), 1.0)
    inner *= scale
    capped_sectors = [int(j) for j in np.flatnonzero(scale < 1)]
    dom = internal - inner.sum(axis=(0, 1))
    out[np.ix_(im, im)] = inner
    # S5 domestic sales from GDP
    beta = base["value_added_share"][R]
    sigma = dom / dom.sum()
    sales = out[:, im, :].sum(axis=0)  # (M, J) sales to others (diagonal still zero)
    k = float(base["value_added"][R] / gm.sum())
    delta = (k * gm - sales @ beta) / float(beta @ sigma)
    Y_icio = F[np.ix_(e, e)].sum(axis=0)
    dshare = np.einsum("iij->i", F[np.ix_(e, e)]) / Y_icio.sum(axis=1)
    q = float(np.percentile(dshare, Q_DOMESTIC))
    floor = q / (1.0 - q) * sales.sum(axis=1)
    fixed = np.zeros(len(im), bool)
    total = float(dom.sum())
    for _ in range(len(im)):
        new = ~fixed & (delta < floor)
        if not new.any():
            break
        fixed |= new
        delta = np.where(fixed, floor, delta)
        free_sum = delta[~fixed].sum()
        delta = np.where(fixed, delta, delta * (total - delta[fixed].sum()) / free_sum)
    if (delta <= 0).any() or not np.isfinite(delta).all():
        raise DataError("icio194: domestic sales of the members cannot be made positive "
                        "with ROW's internal flows (rule S5)")
    out[im, im, :] = delta[:, None] * sigma[None, :]
    _inputs_only(out, F, A[R], R, im, ie)
    repairs = []
    if fixed.any():
        listing = ", ".join(members[m] for m in np.flatnonzero(fixed))
        repairs.append(
            f"icio194: {int(fixed.sum())} members ({listing}) would have domestic sales below "
            f"{q:.1%} of gross output (the icio2023 economies' {Q_DOMESTIC:g}th percentile) "
            "with value added = k x GDP; their domestic sales are set to that floor and the "
            "other members' scaled to keep ROW's total (rule S5)")
    # S6 IO coefficients
    io = np.zeros((N, J, J))
    io[ie] = A[e]
    io[im], short = _member_coefficients(out, A[R], im)
    colsum = io[im].sum(axis=1)  # (M, J)
    over = colsum > MAX_INPUT_SHARE
    if over.any():  # S6c
        Ym = out[:, im, :].sum(axis=0)
        cut = float(((colsum - MAX_INPUT_SHARE) * Ym)[over].sum())
        io[im] *= np.where(over, MAX_INPUT_SHARE / np.where(over, colsum, 1.0), 1.0)[:, None, :]
        listed = ", ".join(f"{members[m]} {sectors[j]} ({colsum[m, j]:.3f})"
                           for m, j in np.argwhere(over))
        repairs.append(
            f"icio194: after rule S6b, {int(over.sum())} member-sectors buy inputs worth more "
            f"than {MAX_INPUT_SHARE:g} of their output: {listed}; their coefficients are "
            f"scaled to {MAX_INPUT_SHARE:g} (rule S6c): {cut:,.1f} million USD of input "
            "purchases become value added, which ROW's aggregate then does not conserve")
    if short.any():
        cells = np.argwhere(short)
        listing = ", ".join(f"{members[m]} {sectors[j]}" for m, j in cells[:30])
        repairs.append(
            f"icio194: {len(cells)} member-inputs would be used (ROW's coefficients) beyond "
            f"the member's absorption ({listing}{', ...' if len(cells) > 30 else ''}); "
            "members' input coefficients balanced by RAS so that each uses no more than it "
            "absorbs and ROW's input purchases are conserved (rule S6b)")
    # S7 tariffs
    tar = np.zeros((N, N, J))
    tar[np.ix_(ie, ie)] = T[np.ix_(e, e)]
    r_exp, cap_exp = _revenue_rates(T[e, R], out[np.ix_(ie, im)], fta[np.ix_(ie, im)])
    tar[np.ix_(ie, im)] = r_exp
    r_imp, cap_imp = _revenue_rates(T[R, e], np.transpose(out[np.ix_(im, ie)], (1, 0, 2)),
                                    fta[np.ix_(im, ie)].T)
    tar[np.ix_(im, ie)] = np.transpose(r_imp, (1, 0, 2))
    fr = F[R, e]
    avg = np.where(fr.sum(axis=0) > 0, (fr * T[R, e]).sum(axis=0) /
                   np.where(fr.sum(axis=0) > 0, fr.sum(axis=0), 1.0), 0.0)
    mm_t = np.where(fta[np.ix_(im, im)][:, :, None], 0.0, avg[None, None, :])
    mm_t[np.arange(len(im)), np.arange(len(im))] = 0.0
    tar[np.ix_(im, im)] = mm_t
    Y = out.sum(axis=0)
    va = (1.0 - io.sum(axis=1)) * Y
    info = {
        "phi": phi, "k": k, "q_domestic": q, "members_at_floor": [members[m] for m in
                                                                 np.flatnonzero(fixed)],
        "internal_capped": capped_sectors,
        "tariff_capped": int(cap_exp.sum() + cap_imp.sum()),
        "member_tariff_avg": avg,
        "value_added": va.sum(axis=1),
    }
    return {"flows": out, "tariffs": tar, "io": io}, repairs, info
