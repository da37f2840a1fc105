"""The autarky browser app (run with ``autarky app``; Streamlit re-runs this script).

Pick a dataset, year and elasticities; pick a preset or build a bloc from a country list;
run; see the map, the tables and the assumptions; download CSV or Excel. It solves with
the same run layer as the command line (autarky.run) and caches every result by its inputs.
"""

from __future__ import annotations

import io
import tempfile
import warnings
import zipfile
from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st

import autarky as ak
from autarky import run as run_
from autarky.app import solve as app_solve
from autarky.data.exports import write_excel
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
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ak.RepairWarning)
        world = ak.load_world(dataset, year=year)
    return world, tuple(f"data repair: {w.message}" for w in caught
                        if issubclass(w.category, ak.RepairWarning))


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


st.set_page_config(page_title="autarky", layout="wide")
st.title("autarky: what happens when the world trades less")

data = ak.datasets()
man = ak.data.manifest()
with st.sidebar:
    dataset = st.selectbox("Dataset", list(data.index), index=list(data.index).index("icio2023"))
    years = list(man[dataset]["years"])
    year = st.selectbox("Year", years, index=len(years) - 1)
    sources = [run_.DEFAULT_ELASTICITIES] + list(ak.data.elasticity_sources().index)
    elasticities = st.selectbox("Elasticities", sources + ["4.0", "8.0"], index=0,
                                help="median (default): per sector, the median of the "
                                "catalog's 8 published sources")
    mode = st.radio("Scenario", ["Preset", "Build a bloc"], horizontal=True)
    world = load(dataset, int(year))
    if mode == "Preset":
        templates = ak.presets.templates()
        names = ak.presets.names() + [f"{t}:{p}" for t, p in templates.items()]
        preset = st.selectbox("Preset", names, index=names.index(ak.presets.DEFAULT))
        if preset.partition(":")[0] in templates:  # a template: pick its country
            code = st.selectbox("Country", [c for c in world.countries if c != "ROW"],
                                index=0)
            preset = f"{preset.partition(':')[0]}:{code}"
        members: tuple[str, ...] = ()
        tariff = 0.0
        st.caption(ak.presets.get(preset).summary())
    else:
        preset = ""
        listed = st.multiselect("Bloc members (or click countries on the map; shift-click "
                                "for several)", [c for c in world.countries if c != "ROW"],
                                default=["RUS", "BLR", "KAZ"])
        tariff = st.slider("Common external tariff", 0.0, 0.5, 0.1, 0.01)
    run = st.button("Run", type="primary")

if mode != "Preset":
    picked = st.session_state.get("pick")
    on_map = [c for c in world.countries if c != "ROW"]
    clicked = []
    if picked is not None:
        shown = [c for c in on_map
                 if c in {f["id"] for f in rhtml.country_shapes()["features"]}]
        clicked = [shown[p["point_index"]] for p in picked.selection.get("points", [])
                   if p.get("curve_number", 0) == 0 and "point_index" in p]
    members = tuple(sorted(set(listed) | set(clicked)))
    st.caption("Bloc: " + (", ".join(members) or "none chosen yet"))
    st.plotly_chart(rhtml.pick_map(on_map, members), config=MAP_CONFIG, key="pick",
                    on_select="rerun", selection_mode=("points",))

key = (dataset, int(year), str(elasticities), preset, members, float(tariff))
if run:
    if mode != "Preset" and not members:
        st.error("Choose at least one bloc member.")
        st.stop()
    with st.spinner("Solving..."):
        try:
            solved(*key)
        except ak.AutarkyError as err:
            st.error(str(err))
            st.stop()
    st.session_state["key"] = key

if "key" not in st.session_state:
    st.info("Choose a scenario in the sidebar and press Run.")
    st.stop()

key = st.session_state["key"]
outcome = solved(*key)
tabs = outputs.tables(outcome)
notes = outputs.notes(outcome)
if outcome.kind != "equilibrium":  # bloc choice, a Nash tariff war, the ILMS presets
    st.subheader(f"{outcome.name}" + (f" on {outcome.world.name} {outcome.world.year}"
                                      if outcome.world is not None else ""))
    st.write(outcome.scenario.summary())
    for name, fig in outputs.kind_figures(outcome).items():
        st.plotly_chart(fig, config=MAP_CONFIG, key=f"kind-{name}")
    for name, df in tabs.items():
        st.markdown(f"**{name.replace('_', ' ')}**")
        st.dataframe(df, hide_index=True)
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
st.write(scn.summary())
blocs = tabs["blocs"].set_index("group")
head = tabs["headline"].set_index("country")
cols = st.columns(min(len(blocs), 4))
for col, (g, r) in zip(cols, blocs.iterrows(), strict=False):
    col.metric(f"{g}: welfare", f"{r['welfare']:+.2f}%")
    col.caption(f"{int(r['members'])} economies (income-weighted)")
st.plotly_chart(figs["map"], config=MAP_CONFIG, key="map")
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
st.plotly_chart(figs["bars"], config=MAP_CONFIG, key="bars")
if "trade_between" in tabs:
    st.markdown("**Trade between blocs** (million USD)")
    st.dataframe(tabs["trade_between"], hide_index=True)
st.markdown("**Trade diversion**: who gains the flows the scenario cuts (million USD)")
st.dataframe(tabs["diversion"], hide_index=True)
st.plotly_chart(figs["sectors"], config=MAP_CONFIG, key="sectors")
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
