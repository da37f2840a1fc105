"""The autarky browser app (run with ``autarky app``; Streamlit re-runs this script).

Pick a dataset, year and elasticities; pick a preset or build a bloc from a country list;
run; see the map, the tables and the assumptions; download CSV or Excel. It solves with
the same run layer as the command line (autarky.run) and caches every result by its inputs.
"""

from __future__ import annotations

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


# bounded caches (issue 33): a result with its range is about 8 MB; at most CACHE_ENTRIES
# of each are kept, none longer than CACHE_TTL seconds
CACHE_ENTRIES = 16
CACHE_TTL = 3600


@st.cache_resource(show_spinner=False, max_entries=4, ttl=CACHE_TTL)  # a world each
def load_with_repairs(dataset: str, year: int | None) -> tuple[ak.World, tuple[str, ...]]:
    """The World, loaded once per (dataset, year), and the data repairs it needed."""
    loaded = run_.load(dataset, year)
    return loaded.world, tuple(f"data repair: {r}" for r in loaded.repairs)


def load(dataset: str, year: int | None) -> ak.World:
    """The World (cached)."""
    return load_with_repairs(dataset, year)[0]


@st.cache_resource(show_spinner=False, max_entries=CACHE_ENTRIES, ttl=CACHE_TTL)
def solved(dataset: str, year: int | None, elasticities: str, spec: str,
           members: tuple[str, ...], external_tariff: float) -> Any:
    """The RunOutcome, solved once per set of inputs (the one run service)."""
    return app_solve(dataset, year, elasticities, spec, members, external_tariff)


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


def figure(fig: Any, key: str) -> None:
    """A figure and the download of the numbers behind it (CSV, title and source first)."""
    from autarky.report.figures import figure_csv_text

    st.plotly_chart(fig, config=MAP_CONFIG, key=key)
    st.download_button("CSV behind this figure", figure_csv_text(fig),
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
    modes = ["Preset", "Build a bloc", "Compare"]
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
    else:
        preset = ""
        default = [c for c in str(qp.get("members", "RUS,BLR,KAZ")).split(",") if c in codes]
        listed = st.multiselect("Bloc members (or click countries on the map; shift-click "
                                "adds to the selection)", codes, default=default,
                                format_func=_label)
        tariff = st.slider("Common external tariff", 0.0, 0.5,
                           float(qp.get("tariff", 0.1)), 0.01)
    run = st.button("Run", type="primary")

if mode == "Compare":
    st.query_params.from_dict({"world": dataset, "year": str(year),
                               "elasticities": str(elasticities), "mode": mode,
                               "a": cmp_a, "b": cmp_b})
    with st.spinner("Solving..."):
        try:
            oa = solved(dataset, int(year), str(elasticities), cmp_a, (), 0.0)
            ob = solved(dataset, int(year), str(elasticities), cmp_b, (), 0.0)
        except ak.AutarkyError as err:
            st.error(str(err))
            st.stop()
    st.subheader(f"{cmp_b} vs {cmp_a} on {oa.world.name} {oa.world.year}")
    st.caption(f"world: {oa.world.name} {oa.world.year}; elasticities: "
               f"{oa.meta.get('elasticities', elasticities)}")
    ga, gb = oa.aggregates["welfare"], ob.aggregates["welfare"]
    c1, c2, c3 = st.columns(3)
    c1.metric(f"world: {cmp_a}", f"{ga['world']:+.2f}%")
    c2.metric(f"world: {cmp_b}", f"{gb['world']:+.2f}%")
    c3.metric("difference", f"{gb['world'] - ga['world']:+.2f} pp")
    for name, fig in outputs.compare_figures(oa, ob).items():
        figure(fig, f"cmp-{name}")
    cmp = outputs.compare_table(oa, ob).reset_index()
    st.dataframe(rhtml.styled(cmp, list(cmp.columns[1:])), hide_index=True)
    st.download_button("CSV: comparison", cmp.to_csv(index=False),
                       file_name="comparison.csv", mime="text/csv")
    st.stop()

if mode == "Build a bloc":
    picked = st.session_state.get("pick")
    clicked = []
    if picked is not None:
        shown = [c for c in codes
                 if c in {f["id"] for f in rhtml.country_shapes()["features"]}]
        clicked = [shown[p["point_index"]] for p in picked.selection.get("points", [])
                   if p.get("curve_number", 0) == 0 and "point_index" in p]
    members = tuple(sorted(set(listed) | set(clicked)))
    st.caption("Bloc: " + (", ".join(members) or "none chosen yet"))
    st.plotly_chart(rhtml.pick_map(codes, members), config=MAP_CONFIG, key="pick",
                    on_select="rerun", selection_mode=("points",))

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
            solved(*current)
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
outcome = solved(*key)
tabs = outputs.tables(outcome)
notes = outputs.notes(outcome)
el_name = outcome.meta.get("elasticities", key[2])


def _csv_button(name: str, df: pd.DataFrame) -> None:
    st.download_button(f"CSV: {name.replace('_', ' ')}", df.to_csv(index=False),
                       file_name=f"{name}.csv", mime="text/csv", key=f"csv-{name}")


def _show_table(name: str, df: pd.DataFrame, title: str | None = None) -> None:
    st.markdown(f"**{title or name.replace('_', ' ')}**")
    signed = [c for c in df.columns if str(c).endswith(("pct", "welfare", "vs out", "low",
                                                         "high", "%"))]
    st.dataframe(rhtml.styled(df, signed), hide_index=True)
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
    for name, fig in outputs.kind_figures(outcome).items():
        figure(fig, f"kind-{name}")
    for name, df in outputs._tables(outcome).items():
        _show_table(name, df)
    _extras()
    with st.expander("Assumptions", expanded=True):
        st.markdown("\n".join(f"- **{k}**: {v}" for k, v in notes.items()))
    st.download_button("Download Excel workbook", excel_bytes(tabs, notes, repr(key)),
                       file_name="autarky.xlsx",
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    st.stop()

world, scn, opts, res, rng = (outcome.world, outcome.scenario, outcome.options,
                              outcome.result, outcome.range)
groups = outcome.groups
meta = {k: v for k, v in outcome.meta.items() if k != "command"}
inp = outputs.report_input(outcome)
figs = rhtml.figures(inp)

st.subheader(f"{outcome.name} on {world.name} {world.year}")
st.caption(f"world: {world.name} {world.year}; elasticities: {el_name}")
st.write(scn.summary())
blocs = tabs["blocs"].set_index("group")
head = tabs["headline"].set_index("country")
cols = st.columns(min(len(blocs), 4))
for col, (g, r) in zip(cols, blocs.iterrows(), strict=False):
    col.metric(f"{g}: welfare", f"{r['welfare']:+.2f}%")
    col.caption(f"{int(r['members'])} economies (income-weighted)")
figure(figs["map"], "map")
left, right = st.columns(2)
h = head.sort_values("welfare_pct")
show = h[["welfare_pct", "real_gdp_pct", "real_wage_pct", "price_index_pct"]].copy()
if rng is not None:  # the range across the catalog's elasticity sources, beside welfare
    show.insert(1, "low", rng["low"].reindex(show.index))
    show.insert(2, "high", rng["high"].reindex(show.index))
with left:
    st.markdown("**Largest losses**")
    st.table(show.head(10).style.format("{:+.3f}"))
with right:
    st.markdown("**Largest gains**")
    st.table(show.tail(10).iloc[::-1].style.format("{:+.3f}"))
st.caption(rng.attrs["text"] if rng is not None else run_.range_unavailable(world) or "")
for name, extra in outcome.extras.items():  # solver-rule intervals, published numbers
    st.markdown(f"**{extra.attrs.get('title', name.replace('_', ' '))}**")
    st.dataframe(extra, hide_index=not extra.index.name)
    st.caption(str(extra.attrs.get("text", "")))
figure(figs["bars"], "bars")
if "trade_between" in tabs:
    _show_table("trade_between", tabs["trade_between"], "Trade between blocs (million USD)")
_show_table("diversion", tabs["diversion"], "Trade diversion: who gains the flows the "
            "scenario cuts (million USD)")
_extras()
figure(figs["sectors"], "sectors")
with st.expander("Assumptions", expanded=True):
    st.markdown("\n".join(f"- **{k}**: {v}" for k, v in meta.items()))
    resid = max(res.residual.values())
    st.markdown(f"- **convergence**: {'converged' if res.converged else 'NOT converged'} in "
                f"{res.iterations} iterations, largest residual {resid:.1e}")
    st.markdown("\n".join(f"- {a}" for a in inp.assumptions))
d1, d2 = st.columns(2)
d1.download_button("Download CSV (zip of every table)", csv_zip(tabs),
                   file_name="autarky-tables.zip", mime="application/zip")
d2.download_button("Download Excel workbook", excel_bytes(tabs, notes, repr(key)),
                   file_name="autarky.xlsx",
                   mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
