"""The autarky browser app (run with ``autarky app``; Streamlit re-runs this script).

Pick a dataset, year and elasticities; pick a preset or build a bloc from a country list;
run; see the map, the tables and the assumptions; download CSV or Excel. It solves with
the same run layer as the command line (autarky.run) and caches every result by its inputs.
"""

from __future__ import annotations

import functools
import io
import tempfile
import zipfile
from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st

import autarky as ak
from autarky import run as run_
from autarky.app import solve as app_solve
from autarky.data.exports import write_excel
from autarky.data.scenario_data import country_name
from autarky.liberation import table as ilms_table
from autarky.report import html as rhtml
from autarky.report import outputs

# the base-map request of plotly's geo maps goes to the app's own static folder
MAP_CONFIG = {**rhtml.PLOT_CONFIG, "topojsonURL": "app/static/"}
# and so do the country shapes: the browser loads them once from the app's own origin
# (static/countries.geojson, a copy of the package's shapes, checked equal by the tests)
# instead of receiving them inside every map of every rerun
SHAPES_URL = "app/static/countries.geojson"


# bounded caches (issue 33): a result with its range is about 8 MB; at most CACHE_ENTRIES
# of each are kept, none longer than CACHE_TTL seconds
CACHE_ENTRIES = 16
CACHE_TTL = 3600


@st.cache_resource(show_spinner=False, max_entries=4, ttl=CACHE_TTL)  # a world each
def loaded(dataset: str, year: int | None) -> run_.Loaded:
    """The World, loaded once per (dataset, year), and the data repairs it needed."""
    return run_.load(dataset, year)


def load(dataset: str, year: int | None) -> ak.World:
    """The World (cached)."""
    return loaded(dataset, year).world


@st.cache_resource(show_spinner=False, max_entries=CACHE_ENTRIES, ttl=CACHE_TTL)
def solved(dataset: str, year: int | None, elasticities: str, spec: str,
           members: tuple[str, ...], external_tariff: float,
           with_range: bool = True) -> Any:
    """The RunOutcome, solved once per set of inputs (the one run service).

    On the World already loaded for the sidebar (a new scenario neither reads nor repairs
    the data again). ``with_range=False``: the same result without the range across
    elasticity sources (shown first, while the range is computed).
    """
    return app_solve(dataset, year, elasticities, spec, members, external_tariff,
                     with_range=with_range, loaded=loaded(dataset, year))


@st.cache_resource(show_spinner=False, max_entries=1, ttl=CACHE_TTL)
def _complete() -> set[tuple[Any, ...]]:
    """The run keys whose complete result (with the range) was built (server-wide).

    A key whose result has since left the cache is solved again, range included, in one
    pass. Holds at most ``4 * CACHE_ENTRIES`` keys.
    """
    return set()


def two_pass(key: tuple[Any, ...]) -> bool:
    """Whether a run is shown first without its range.

    Equilibrium and bloc choice runs, whose range across elasticity sources takes several
    times the headline's solve, until their complete result is cached.
    """
    return key not in _complete() and (not key[3] or ak.presets.kind(key[3]) in (
        "equilibrium", "bloc-choice"))


@st.cache_data(show_spinner=False, max_entries=CACHE_ENTRIES, ttl=CACHE_TTL)
def excel_bytes(_tabs: dict[str, pd.DataFrame], _notes: dict[str, str], key: str) -> bytes:
    """The workbook of one run, written by the same writer as ``--excel``."""
    with tempfile.TemporaryDirectory() as d:
        p = write_excel(Path(d) / "autarky.xlsx", _tabs, _notes)
        return p.read_bytes()


def csv_zip(tabs: dict[str, pd.DataFrame]) -> bytes:
    """Every table as CSV in one zip."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, df in tabs.items():
            z.writestr(f"{name}.csv", df.to_csv(index=False, float_format="%.17g"))
    return buf.getvalue()


@st.cache_resource(show_spinner=False, max_entries=CACHE_ENTRIES, ttl=CACHE_TTL)
def shown(key: tuple[Any, ...], with_range: bool = True) -> dict[str, Any]:
    """Everything the page shows of one run, built once per run (key: the run's inputs).

    The tables, notes, figures, each figure's CSV, the zip of CSVs and the workbook (these
    two deferred: written on the click of their download button): a rerun
    of a result already computed (the Run button again, a download, a widget that changes
    nothing of the run) only sends them to the browser again; nothing is solved or built.
    """
    from autarky.report.figures import figure_csv_text

    dataset, year, elasticities, spec, members, tariff = key
    outcome = solved(dataset, year, elasticities, spec, members, tariff, with_range)
    if with_range:
        done = _complete()
        if len(done) >= 4 * CACHE_ENTRIES:
            done.clear()
        done.add(key)
    tabs = outputs.tables(outcome)
    notes = outputs.notes(outcome)
    inp = outputs.report_input(outcome) if outcome.kind == "equilibrium" else None
    figs = (rhtml.figures(inp, shapes_url=SHAPES_URL) if inp is not None
            else outputs.kind_figures(outcome, shapes_url=SHAPES_URL))
    return {"outcome": outcome, "tabs": tabs, "notes": notes, "inp": inp, "figs": figs,
            "figure_csv": {name: figure_csv_text(f) for name, f in figs.items()},
            # the workbook and the zip are written when their download is asked for
            "zip": lambda: csv_zip(tabs), "excel": lambda: excel_bytes(tabs, notes, repr(key))}


@st.cache_resource(show_spinner=False, max_entries=CACHE_ENTRIES, ttl=CACHE_TTL)
def compared(key: tuple[Any, ...], a: str, b: str) -> dict[str, Any]:
    """The compare view of two presets (figures, table), built once per pair."""
    from autarky.report.figures import figure_csv_text

    dataset, year, elasticities = key
    oa = solved(dataset, year, elasticities, a, (), 0.0)
    ob = solved(dataset, year, elasticities, b, (), 0.0)
    figs = outputs.compare_figures(oa, ob, shapes_url=SHAPES_URL)
    return {"a": oa, "b": ob, "figs": figs, "table": outputs.compare_table(oa, ob),
            "figure_csv": {name: figure_csv_text(f) for name, f in figs.items()}}


@st.cache_resource(show_spinner=False, max_entries=CACHE_ENTRIES, ttl=CACHE_TTL)
def picker(codes: tuple[str, ...], members: tuple[str, ...]) -> Any:
    """The map to pick bloc members on (built once per selection)."""
    return rhtml.pick_map(list(codes), members, shapes_url=SHAPES_URL)


def figure(fig: Any, key: str, csv: str | None = None) -> None:
    """A figure and the download of the numbers behind it (CSV, title and source first)."""
    from autarky.report.figures import figure_csv_text

    st.plotly_chart(fig, config=MAP_CONFIG, key=key)
    st.download_button("CSV behind this figure", csv if csv is not None
                       else figure_csv_text(fig),
                       file_name=f"{key}.csv", mime="text/csv", key=f"dl-{key}")


st.set_page_config(page_title="autarky", layout="wide")
st.title("autarky: what happens when the world trades less")

TEMPLATE = "autarky: one economy self-sufficient (pick it)"
qp = dict(st.query_params)  # a shared link: the settings in the URL, restored on load


def _pick(options: list[Any], name: str, default: Any) -> int:
    """Index of the URL's value for ``name`` in ``options``, else of ``default``."""
    want = qp.get(name)
    strs = [str(o) for o in options]
    if want is not None and str(want) in strs:
        return strs.index(str(want))
    return strs.index(str(default)) if str(default) in strs else 0


def _label(code: str) -> str:
    return f"{code} {country_name(code)}"


data = ak.datasets()
man = ak.data.manifest()
with st.sidebar:
    dataset = st.selectbox("Dataset", list(data.index),
                           index=_pick(list(data.index), "world", "icio2023"))
    years = list(man[dataset]["years"])
    year = st.selectbox("Year", years, index=_pick(years, "year", years[-1]))
    sources = [run_.DEFAULT_ELASTICITIES] + list(ak.data.elasticity_sources().index)
    el_opts = sources + ["4.0", "8.0"]
    elasticities = st.selectbox("Elasticities", el_opts,
                                index=_pick(el_opts, "elasticities", el_opts[0]),
                                help="median (default): per sector, the median of the "
                                "catalog's 8 published sources")
    modes = ["Preset", "Build a bloc", "Compare", "Claims"]
    mode = st.radio("Scenario", modes, horizontal=True,
                    index=_pick(modes, "mode", "Preset"))
    world = load(dataset, int(year))
    codes = [c for c in world.countries if c != "ROW"]
    if mode == "Preset":
        names = list(dict.fromkeys(ak.presets.names() + list(ilms_table().index)))
        options = [n for n in names if ":" not in n] + [TEMPLATE]
        want = str(qp.get("scenario", ak.presets.DEFAULT))
        preset = st.selectbox("Preset", options, index=(
            options.index(TEMPLATE) if want.startswith("autarky:")
            else _pick(options, "scenario", ak.presets.DEFAULT)))
        if preset == TEMPLATE:  # the template: pick its country
            want_c = want.partition(":")[2] or ("RUS" if "RUS" in codes else codes[0])
            code = st.selectbox("Country", codes, format_func=_label,
                                index=codes.index(want_c) if want_c in codes else 0)
            preset = f"autarky:{code}"
        members: tuple[str, ...] = ()
        tariff = 0.0
        try:
            st.caption(ak.presets.get(preset).summary())
        except ak.AutarkyError as err:
            st.caption(str(err))
    elif mode == "Compare":  # two equilibrium presets side by side and their difference
        eq = [n for n in ak.presets.names() if ":" not in n
              and ak.presets.kind(n) == "equilibrium"]
        cmp_a = st.selectbox("Scenario A", eq, index=_pick(eq, "a", ak.presets.DEFAULT))
        cmp_b = st.selectbox("Scenario B", eq, index=_pick(eq, "b", "three-blocs"))
        preset, members, tariff = f"compare:{cmp_a}|{cmp_b}", (), 0.0
    elif mode == "Claims":  # the texts' claims, computed (autarky claims)
        from autarky.app.claims_view import TITLES

        want_ids = [int(x) for x in str(qp.get("claims", "")).split(",") if x.isdigit()
                    and int(x) in TITLES] or list(TITLES)
        claim_ids = st.multiselect("Claims", list(TITLES), default=want_ids,
                                   format_func=lambda i: f"{i}. {TITLES[i]}")
        preset, members, tariff = "claims", (), 0.0
    else:
        preset = ""
        # the bloc is kept in the session (key "bloc"): the list edits it and a click on the
        # map toggles one country in it (see _toggle_clicked)
        if "bloc" not in st.session_state:
            st.session_state["bloc"] = [c for c in str(qp.get("members", "RUS,BLR,KAZ"))
                                        .split(",") if c in codes]
        elif any(c not in codes for c in st.session_state["bloc"]):  # another world
            st.session_state["bloc"] = [c for c in st.session_state["bloc"] if c in codes]
        listed = st.multiselect("Bloc members (or click a country on the map: a click adds "
                                "it, a second click removes it)", codes, key="bloc",
                                format_func=_label)
        tariff = st.slider("Common external tariff", 0.0, 0.5,
                           float(qp.get("tariff", 0.1)), 0.01)
    run = st.button("Run", type="primary")

if mode == "Claims":
    from autarky.app.claims_view import show as show_claims

    st.query_params.from_dict({"world": dataset, "year": str(year),
                               "elasticities": str(elasticities), "mode": mode,
                               "claims": ",".join(str(i) for i in claim_ids)})
    if not claim_ids:
        st.info("Choose at least one claim.")
        st.stop()
    show_claims(sorted(claim_ids), MAP_CONFIG)
    st.stop()

if mode == "Compare":
    st.query_params.from_dict({"world": dataset, "year": str(year),
                               "elasticities": str(elasticities), "mode": mode,
                               "a": cmp_a, "b": cmp_b})
    with st.spinner("Solving..."):
        try:
            view = compared((dataset, int(year), str(elasticities)), cmp_a, cmp_b)
        except ak.AutarkyError as err:
            st.error(str(err))
            st.stop()
    oa, ob = view["a"], view["b"]
    st.subheader(f"{cmp_b} vs {cmp_a} on {oa.world.name} {oa.world.year}")
    st.caption(f"world: {oa.world.name} {oa.world.year}; elasticities: "
               f"{oa.meta.get('elasticities', elasticities)}")
    ga, gb = oa.aggregates["welfare"], ob.aggregates["welfare"]
    c1, c2, c3 = st.columns(3)
    c1.metric(f"world: {cmp_a}", f"{ga['world']:+.2f}%")
    c2.metric(f"world: {cmp_b}", f"{gb['world']:+.2f}%")
    c3.metric("difference", f"{gb['world'] - ga['world']:+.2f} pp")
    for name, fig in view["figs"].items():
        figure(fig, f"cmp-{name}", view["figure_csv"][name])
    cmp = view["table"].reset_index()
    st.dataframe(rhtml.styled(cmp, list(cmp.columns[1:])), hide_index=True)
    st.download_button("CSV: comparison", cmp.to_csv(index=False),
                       file_name="comparison.csv", mime="text/csv")
    st.stop()


def _toggle_clicked(on_map: list[str]) -> None:
    """A click on the bloc map: the clicked country joins the bloc, or leaves it if in it.

    An explicit rule instead of plotly's own selection (clicked points, shift-click to add):
    the bloc lives in the session (``bloc``, the list's value), so a click adds to it with or
    without shift, and a click on a member takes it out, which plotly's selection could not.
    The map is drawn anew after each change (its colours change), so each selection event
    holds the click just made (checked in chromium, tests/test_browser_app.py).
    """
    picked = st.session_state.get("pick")
    points = picked.selection.get("points", []) if picked is not None else []
    bloc = list(st.session_state.get("bloc", []))
    for p in points:
        if p.get("curve_number", 0) != 0 or "point_index" not in p:
            continue
        code = on_map[p["point_index"]]
        if code in bloc:
            bloc.remove(code)
        else:
            bloc.append(code)
    st.session_state["bloc"] = bloc


if mode == "Build a bloc":
    members = tuple(sorted(set(listed)))
    st.caption("Bloc: " + (", ".join(members) or "none chosen yet"))
    ids = rhtml.shape_stats()  # the economies with a shape, in the map's order
    on_map = [c for c in codes if c in ids]
    st.plotly_chart(picker(tuple(codes), members), config=MAP_CONFIG, key="pick",
                    on_select=functools.partial(_toggle_clicked, on_map),
                    selection_mode=("points",))

current = (dataset, int(year), str(elasticities), preset, members, float(tariff))
st.query_params.from_dict({k: v for k, v in {
    "world": dataset, "year": str(year), "elasticities": str(elasticities), "mode": mode,
    "scenario": preset or None, "members": ",".join(members) or None,
    "tariff": f"{tariff:g}" if mode == "Build a bloc" else None}.items()
    if v is not None})
if run or "key" not in st.session_state:  # the landing page: the default (or linked) result
    if mode == "Build a bloc" and not members:
        st.error("Choose at least one bloc member.")
        st.stop()
    with st.spinner("Solving..."):
        try:
            shown(current, with_range=not two_pass(current))
        except ak.AutarkyError as err:
            st.error(str(err))
            st.stop()
    st.session_state["key"] = current

key = st.session_state["key"]
if key != current:
    st.warning("The settings in the sidebar have changed since this result was computed: "
               "press Run to update it. Shown below: "
               f"{key[3] or 'custom bloc'} on {key[0]} {key[1]}, elasticities {key[2]}.",
               icon="⚠️")
partial = two_pass(key)  # the headline now, the range across elasticity sources next
view = shown(key, with_range=not partial)
outcome, tabs, notes = view["outcome"], view["tabs"], view["notes"]
el_name = outcome.meta.get("elasticities", key[2])


def _finish() -> None:
    """After a result shown without its range: compute the range, then show it all."""
    if not partial:
        return
    with st.spinner("Computing the range across elasticity sources..."):
        try:
            shown(key, with_range=True)
        except ak.AutarkyError as err:
            st.error(str(err))
            return
    st.rerun()


def _csv_button(name: str, df: pd.DataFrame) -> None:
    st.download_button(f"CSV: {name.replace('_', ' ')}", lambda: df.to_csv(index=False),
                       file_name=f"{name}.csv", mime="text/csv", key=f"csv-{name}")


def _formatted(df: pd.DataFrame) -> pd.DataFrame:
    """The table as text, every number formatted for its size (``html.fmt_num``).

    Built once per run and table (kept in the run's cached view): a pandas Styler would be
    rendered again on every rerun. The CSV download keeps the full numbers.
    """
    signed = [c for c in df.columns if str(c).endswith(("pct", "welfare", "vs out", "low",
                                                         "high", "%"))]
    out = df.copy()
    for c in df.columns:
        if pd.api.types.is_numeric_dtype(df[c]) and not pd.api.types.is_bool_dtype(df[c]):
            out[c] = [rhtml.fmt_num(v, c in signed) for v in df[c].tolist()]
    return out


def _show_table(name: str, df: pd.DataFrame, title: str | None = None) -> None:
    st.markdown(f"**{title or name.replace('_', ' ')}**")
    done = view.setdefault("formatted", {})
    if name not in done:
        done[name] = _formatted(df)
    st.dataframe(done[name], hide_index=True)
    _csv_button(name, df)


def _extras() -> None:
    for name, df in outcome.extras.items():
        d = df.reset_index() if df.index.name or isinstance(df.index, pd.MultiIndex) else df
        _show_table(name, d, str(df.attrs.get("title", name)))
        if df.attrs.get("text"):
            st.caption(str(df.attrs["text"]))


if outcome.kind != "equilibrium":  # bloc choice, a Nash tariff war, the ILMS presets
    where = (f" on {outcome.world.name} {outcome.world.year}" if outcome.world is not None
             else " on its own data")
    st.subheader(f"{outcome.name}{where}")
    st.caption(f"world: {where.replace(' on ', '', 1)}; elasticities: {el_name}")
    st.write(outcome.scenario.summary())
    if outcome.aggregates is not None:
        cols = st.columns(min(len(outcome.aggregates), 4))
        for col, (g, r) in zip(cols, outcome.aggregates.iterrows(), strict=False):
            col.metric(f"{g}: welfare", f"{r['welfare']:+.2f}%")
    for name, fig in view["figs"].items():
        figure(fig, f"kind-{name}", view["figure_csv"][name])
    for name, df in outputs._tables(outcome).items():
        _show_table(name, df)
    _extras()
    with st.expander("Assumptions", expanded=True):
        st.markdown("\n".join(f"- **{k}**: {v}" for k, v in notes.items()))
    st.download_button("Download Excel workbook", view["excel"],
                       file_name="autarky.xlsx",
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    _finish()
    st.stop()

world, scn, opts, res, rng = (outcome.world, outcome.scenario, outcome.options,
                              outcome.result, outcome.range)
groups = outcome.groups
meta = {k: v for k, v in outcome.meta.items() if k != "command"}
inp, figs = view["inp"], view["figs"]

st.subheader(f"{outcome.name} on {world.name} {world.year}")
st.caption(f"world: {world.name} {world.year}; elasticities: {el_name}")
st.write(scn.summary())
blocs = tabs["blocs"].set_index("group")
head = tabs["headline"].set_index("country")
cols = st.columns(min(len(blocs), 4))
for col, (g, r) in zip(cols, blocs.iterrows(), strict=False):
    col.metric(f"{g}: welfare", f"{r['welfare']:+.2f}%")
    col.caption(f"{int(r['members'])} economies (income-weighted)")
figure(figs["map"], "map", view["figure_csv"]["map"])
left, right = st.columns(2)
if "ends" not in view:  # the largest losses and gains as text, built once per run
    h = head.sort_values("welfare_pct")
    show = h[["welfare_pct", "real_gdp_pct", "real_wage_pct", "price_index_pct"]].copy()
    if rng is not None:  # the range across the catalog's elasticity sources, beside welfare
        show.insert(1, "low", rng["low"].reindex(show.index))
        show.insert(2, "high", rng["high"].reindex(show.index))
    text = show.map(lambda v: f"{v:+.3f}")
    view["ends"] = (text.head(10), text.tail(10).iloc[::-1])
with left:
    st.markdown("**Largest losses**")
    st.table(view["ends"][0])
with right:
    st.markdown("**Largest gains**")
    st.table(view["ends"][1])
st.caption("range across elasticity sources: being computed" if partial else
           rng.attrs["text"] if rng is not None else run_.range_unavailable(world) or "")
figure(figs["bars"], "bars", view["figure_csv"]["bars"])
if "trade_between" in tabs:
    _show_table("trade_between", tabs["trade_between"], "Trade between blocs (million USD)")
_show_table("diversion", tabs["diversion"], "Trade diversion: who gains the flows the "
            "scenario cuts (million USD)")
_extras()
figure(figs["sectors"], "sectors", view["figure_csv"]["sectors"])
with st.expander("Assumptions", expanded=True):
    st.markdown("\n".join(f"- **{k}**: {v}" for k, v in meta.items()))
    resid = max(res.residual.values())
    st.markdown(f"- **convergence**: {'converged' if res.converged else 'NOT converged'} in "
                f"{res.iterations} iterations, largest residual {resid:.1e}")
    st.markdown("\n".join(f"- {a}" for a in inp.assumptions))
d1, d2 = st.columns(2)
d1.download_button("Download CSV (zip of every table)", view["zip"],
                   file_name="autarky-tables.zip", mime="application/zip")
d2.download_button("Download Excel workbook", view["excel"],
                   file_name="autarky.xlsx",
                   mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
_finish()
