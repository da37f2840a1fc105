"""Trustworthy under faults and hostile files (issue 33).

Each test names the item of issue 33 (and the row of docs/reliability.md) that it shows.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
import tomli_w

from .helpers import error_lines, run_cli


def three_country_csv(path: Path) -> Path:
    path.write_text("importer,exporter,value\nRUS,RUS,100\nRUS,KAZ,5\nRUS,DEU,7\n"
                    "KAZ,KAZ,50\nKAZ,RUS,6\nKAZ,DEU,2\nDEU,DEU,300\nDEU,RUS,8\nDEU,KAZ,3\n")
    return path


# --- 3. terminal injection: every outside string printed as text

PAYLOADS = {
    "osc52 clipboard write": ("x\x1b]52;c;ZWNobyBwd25lZA==\x07y", "x]52;c;ZWNobyBwd25lZA==y"),
    "osc8 hidden link": ("\x1b]8;;https://evil.example\x1b\\click\x1b]8;;\x1b\\",
                         "]8;;https://evil.example\\click]8;;\\"),
    "window title": ("\x1b]0;owned\x07t", "]0;ownedt"),
    "markup in a bloc name": ("EAEU [draft]", "EAEU [draft]"),
    "markup link": ("[link=https://evil.example]x[/link]", "[link=https://evil.example]x[/link]"),
    "a closing tag": ("bad [/] close", "bad [/] close"),
    "C1 control (8-bit CSI)": ("a\x9b31mb", "a31mb"),
}


@pytest.mark.parametrize("what", list(PAYLOADS))
def test_scenario_strings_print_as_text(tmp_path, monkeypatch, capsys, what):
    """3. Name, description, assumptions, sources and bloc names of a scenario file reach
    the terminal as text: no escape sequence, no markup parsed, no crash."""
    payload, shown = PAYLOADS[what]
    # a name with a control character is refused outright (item 6); the other strings and
    # the bloc name are printed
    name = "hostile" if any(ord(c) < 32 or 127 <= ord(c) < 160 for c in payload) else payload
    doc = {"name": name, "description": payload, "assumptions": [payload],
           "sources": [payload],
           "shock": [{"kind": "customs-union", "members": ["RUS", "KAZ"],
                      "external_tariff": 0.05, "name": payload}]}
    toml = tmp_path / "hostile.toml"
    toml.write_text(tomli_w.dumps(doc))
    world = three_country_csv(tmp_path / "w3.csv")
    code, out, err = run_cli(monkeypatch, capsys, "run", str(toml), "--world", str(world),
                             "--elasticities", "4", "--no-range", "--details")
    assert code == 0, err
    assert "\x1b" not in out + err and "\x9b" not in out + err and "\x07" not in out + err
    # the assumptions list prints the scenario's own assumption on a line of its own
    assert f"  - {shown}" in out.splitlines()
    assert out.count(shown) >= 3  # bloc table, assumptions, sources


def test_last_resort_handler_prints_text(monkeypatch, capsys):
    """3. The last-resort error handler prints the message of an unexpected error as text:
    a '[/]' or an escape sequence in it neither crashes it nor reaches the terminal."""
    import autarky.cli as cli

    def boom(*args, **kwargs):
        raise RuntimeError("bad [/] \x1b]0;owned\x07 [link=https://evil.example]x")

    monkeypatch.setattr(cli, "load_world_cli", boom)
    code, out, err = run_cli(monkeypatch, capsys, "info", "wiod2016")
    assert code == 1
    lines = error_lines(err)
    assert lines == ["internal error: RuntimeError: bad [/] ]0;owned "
                     "[link=https://evil.example]x (run with --debug for a traceback)"]


def test_error_messages_quoting_input_print_as_text(tmp_path, monkeypatch, capsys):
    """3. A one-line refusal quoting a hostile value (an unknown key) prints it as text."""
    toml = tmp_path / "bad.toml"
    toml.write_text(tomli_w.dumps({"name": "x", "shock": [
        {"kind": "tariff", "rate": 0.1, "importers": ["RUS"], "exporters": ["DEU"],
         "\x1b]0;owned\x07[bold]k": 1}]}))
    code, out, err = run_cli(monkeypatch, capsys, "run", str(toml), "--world",
                             str(three_country_csv(tmp_path / "w3.csv")), "--elasticities", "4")
    assert code == 2
    assert "\x1b" not in err and "\x07" not in err
    assert "[bold]k" in err


# --- 7. exit codes: every reproduction one line and its documented code

@pytest.fixture
def panel_csv(tmp_path):
    from .test_gravity import _panel

    p = tmp_path / "panel.csv"
    _panel(6).to_csv(p, index=False)
    return p


GRAVITY_F = "trade ~ ln_dist + fta + intl"


@pytest.mark.parametrize(("args", "says"), [
    (["--sigma", "1"], "--sigma 1: the elasticity of substitution must be above 1"),
    (["--sigma", "nan"], "--sigma nan"),
    (["--reference", "XXX"], "--reference 'XXX': not a country of"),
    (["--formula", "~ (("], "--formula '~ ((': '' is not a column name"),
    (["--formula", "trade ln_dist"], "--formula 'trade ln_dist': no '~'"),
])
def test_gravity_arguments_one_line_exit_2(monkeypatch, capsys, panel_csv, args, says):
    """7. gravity simulate --sigma 1 (ZeroDivisionError), --reference XXX (ValueError) and a
    malformed formula ("column '~ ((' missing") are one line naming the option, exit 2."""
    argv = ["gravity", "simulate", str(panel_csv), "--year-column", "none", "--set", "fta=0"]
    if "--formula" not in args:
        argv += ["--formula", GRAVITY_F]
    code, _, err = run_cli(monkeypatch, capsys, *argv, *args)
    assert code == 2, err
    assert len(error_lines(err)) == 1 and says in err


def test_deeply_nested_toml_one_line_exit_2(tmp_path, monkeypatch, capsys):
    """7. A 100,000-deep nested TOML (RecursionError) is one line, exit 2."""
    toml = tmp_path / "deep.toml"
    toml.write_text("a = " + "[" * 100_000 + "]" * 100_000 + "\n")
    code, _, err = run_cli(monkeypatch, capsys, "run", str(toml), "--world",
                           str(three_country_csv(tmp_path / "w3.csv")), "--elasticities", "4")
    assert code == 2
    assert error_lines(err) == [f"error: {toml}: arrays or tables nested too deeply to be a "
                                "scenario"]


def test_empty_query_one_line_exit_2(tmp_path, monkeypatch, capsys):
    """7. query "" (AttributeError) and a statement returning no rows are one line, exit 2."""
    import pandas as pd

    from autarky.data.store import ResultStore

    ResultStore(tmp_path / "st").append(pd.DataFrame({
        "key": ["k"], "country": ["A"], "welfare": [1.0], "converged": [True],
        "iterations": [3]}))
    for sql, says in (("", "query: empty SQL"), ("  ", "query: empty SQL"),
                      ("SELEC 1", "query: Parser Error")):
        code, _, err = run_cli(monkeypatch, capsys, "query", sql, "--store", str(tmp_path / "st"))
        assert code == 2 and len(error_lines(err)) == 1 and says in err, err


@pytest.mark.parametrize(("args", "says"), [
    (["--port", "99999"], "--port 99999: expected 1 to 65535"),
    (["--port", "-1"], "--port -1: expected 1 to 65535"),
    (["--host", "999.1.1.1"], "--host '999.1.1.1': not an address"),
])
def test_app_bad_address_one_line_exit_2(monkeypatch, capsys, args, says):
    """7. app --port 99999, --port -1, --host 999.1.1.1 (Streamlit tracebacks): one line, 2."""
    pytest.importorskip("streamlit")
    code, _, err = run_cli(monkeypatch, capsys, "app", *args)
    assert code == 2 and len(error_lines(err)) == 1 and says in err, err


def test_app_port_in_use_one_line_exit_4(monkeypatch, capsys):
    """7. app on a port in use (a Streamlit traceback): one line, exit 4 (environment)."""
    import socket

    pytest.importorskip("streamlit")
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        code, _, err = run_cli(monkeypatch, capsys, "app", "--port", str(port))
    assert code == 4 and len(error_lines(err)) == 1 and f"port {port}" in err and "in use" in err


@pytest.mark.parametrize(("exc", "says"), [
    (OSError(28, "No space left on device", "/store/.tmp-x.parquet"),
     "error: No space left on device: /store/.tmp-x.parquet (the environment refused)"),
    (MemoryError(), "error: out of memory"),
    (PermissionError(13, "Permission denied", "/out"), "error: Permission denied: /out"),
])
def test_environment_errors_one_line_exit_4(monkeypatch, capsys, exc, says):
    """7. A full disk in the store (OSError 28) and MemoryError: one line, exit 4."""
    import autarky.cli as cli

    def fail(*args, **kwargs):
        raise exc

    monkeypatch.setattr(cli, "load_world_cli", fail)
    code, _, err = run_cli(monkeypatch, capsys, "info", "wiod2016")
    assert code == 4 and len(error_lines(err)) == 1 and error_lines(err)[0].startswith(says)


def test_solve_with_bad_elasticities_is_a_data_error():
    """7. ak.solve(w, scn, elasticities={"c1": 4}) raised a raw TypeError."""
    import numpy as np

    import autarky as ak

    w = ak.World.from_flows(np.array([[10.0, 1.0], [2.0, 30.0]]), countries=["FRA", "DEU"])
    scn = ak.Scenario.autarky(["FRA"])
    with pytest.raises(ak.DataError, match="no value for sector"):
        ak.solve(w, scn, elasticities={"c1": 4})
    with pytest.raises(ak.DataError, match="must be a number"):
        ak.solve(w, scn, elasticities={s: "four" for s in w.sectors})
    with pytest.raises(ak.DataError, match="expected a source name, a number"):
        ak.solve(w, scn, elasticities=object())
    res = ak.solve(w, scn, elasticities={s: 4.0 for s in w.sectors})
    assert res.converged


@pytest.mark.parametrize(("sig", "code", "line"), [("SIGINT", 130, "interrupted"),
                                                    ("SIGTERM", 143, "terminated")])
def test_signal_while_loading_is_one_line(sig, code, line):
    """7, 5. Ctrl-C in the first second (a 12-line KeyboardInterrupt traceback) and SIGTERM
    (exit 143 without a word): one line and the documented code, whenever it arrives."""
    import signal
    import subprocess
    import time

    src = str(Path(__file__).resolve().parents[1] / "src")
    p = subprocess.Popen(
        [sys.executable, "-c", "import sys; sys.argv[0] = 'autarky'; "
         "from autarky_launch import main; main()", "run", "two-blocs", "--world", "wiod2016"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True,
        env={**__import__("os").environ, "PYTHONPATH": src})
    time.sleep(0.2)
    p.send_signal(getattr(signal, sig))
    _, err = p.communicate(timeout=60)
    assert p.returncode == code
    assert error_lines(err.decode()) == [line]


_LOST_SIGNAL = """
import gc, signal, sys
sys.argv[0] = "autarky"
import autarky.cli_common
autarky.cli_common._MAX_RESENT = {resend}
state = {{"sent": False}}
def cb(phase, info):  # a gc callback: Python ignores an exception raised in it
    if "numpy" in sys.modules and not state["sent"]:  # the command is running
        state["sent"] = True
        signal.raise_signal(signal.{sig})
        for _ in range(3):  # the handler runs here, inside the callback
            pass
gc.callbacks.append(cb)
from autarky_launch import main
main()
"""


@pytest.mark.parametrize(("sig", "code", "line"), [("SIGINT", 130, "interrupted"),
                                                    ("SIGTERM", 143, "terminated")])
@pytest.mark.parametrize("resend", [50, 0])
def test_signal_landing_in_a_callback_is_not_lost(tmp_path, sig, code, line, resend):
    """A signal whose handler runs inside a gc or weakref callback (importlib's module locks
    have one): Python ignores the KeyboardInterrupt raised there ("Exception ignored"), and
    the command ran to its end and exited 0 (CI, once: Ctrl-C 0.2 s after the start). It is
    sent again and ends the command at once, before anything is printed; with no resend
    allowed, the command still ends with the signal's one line and exit code."""
    import subprocess

    script = tmp_path / "lost.py"
    script.write_text(_LOST_SIGNAL.format(sig=sig, resend=resend))
    src = str(Path(__file__).resolve().parents[1] / "src")
    p = subprocess.run([sys.executable, str(script), "run", "two-blocs", "--world", "wiod2016"],
                       capture_output=True, text=True, timeout=120,
                       env={**__import__("os").environ, "PYTHONPATH": src, "COLUMNS": "200"})
    assert p.returncode == code, p.stderr[-2000:]
    assert error_lines(p.stderr) == [line]
    if resend:
        assert p.stdout == ""  # interrupted before the result
    else:
        assert "two-blocs on wiod2016 2014" in p.stdout  # ran to its end, then said so


# --- 4. --out race: the final move is exclusive

def test_second_run_to_the_same_new_folder_is_refused(tmp_path):
    """4. Two runs to the same new folder without --overwrite: the one finishing second is
    refused (one line naming the folder) and the first one's record is kept intact."""
    from autarky.data.records import atomic_folder
    from autarky.errors import DataError

    out = tmp_path / "rec"
    with pytest.raises(DataError, match=r"rec: another run wrote this folder meanwhile"):
        with atomic_folder(out) as tmp:
            (tmp / "results.parquet").write_text("second run")
            with atomic_folder(out) as other:  # the other run finishes first
                (other / "results.parquet").write_text("first run")
    assert (out / "results.parquet").read_text() == "first run"
    assert [p.name for p in tmp_path.iterdir()] == ["rec"]  # no temporary folder left


def test_out_race_between_two_processes(tmp_path):
    """4. The same race with two real `autarky run --out` processes: exactly one exits 0 and
    writes the record; the other exits 2 naming the folder."""
    import subprocess

    world = three_country_csv(tmp_path / "w3.csv")
    out = tmp_path / "rec"
    src = str(Path(__file__).resolve().parents[1] / "src")
    env = {**__import__("os").environ, "PYTHONPATH": src}
    cmd = [sys.executable, "-m", "autarky.cli", "run", "autarky:RUS", "--world", str(world),
           "--elasticities", "4", "--no-range", "--out", str(out)]
    procs = [subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
             for _ in range(2)]
    results = [(p.wait(timeout=120), p.stderr.read().decode()) for p in procs]
    codes = sorted(c for c, _ in results)
    if codes == [0, 0]:
        pytest.skip("the two runs did not overlap on this machine")
    assert codes == [0, 2], results
    err = next(e for c, e in results if c == 2)
    assert error_lines(err) == [f"error: {out}: another run wrote this folder meanwhile (it "
                                "exists and is not empty); this run's files were not written "
                                "(use --overwrite to replace it)"] or "not empty" in err
    assert (out / "scenario.toml").exists()


# --- 5. SIGTERM like Ctrl-C; stale temporaries cleaned on the next write

def test_sigterm_during_a_run_removes_temporaries(tmp_path):
    """5. SIGTERM (timeouts, Slurm, docker stop) exited 143 without a word and left hidden
    temporary folders beside --out: now one line 'terminated', exit 143, nothing left."""
    import os
    import signal
    import subprocess
    import time

    out = tmp_path / "rec"
    src = str(Path(__file__).resolve().parents[1] / "src")
    p = subprocess.Popen(
        [sys.executable, "-m", "autarky.cli", "run", "two-blocs", "--world", "wiod2016",
         "--out", str(out)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        env={**os.environ, "PYTHONPATH": src})
    deadline = time.monotonic() + 60
    while not any(tmp_path.glob(".rec.*.tmp")) and p.poll() is None \
            and time.monotonic() < deadline:
        time.sleep(0.005)  # SIGTERM while the record is being written
    p.send_signal(signal.SIGTERM)
    _, err = p.communicate(timeout=60)
    if p.returncode == 0:
        pytest.skip("the run finished before the signal")
    assert p.returncode == 143 and error_lines(err.decode()) == ["terminated"]
    assert list(tmp_path.iterdir()) == []  # no temporary folder, no half-written record


def test_stale_temporaries_cleaned_on_next_write(tmp_path):
    """5. Temporaries of a killed writer (SIGKILL) older than a day are removed on the next
    write beside them; fresh ones (a live writer's) are kept."""
    import os
    import time

    import pandas as pd

    from autarky.data.records import atomic_folder
    from autarky.data.store import ResultStore

    old = time.time() - 2 * 24 * 3600
    stale_dir = tmp_path / ".rec.abc123.tmp"
    stale_dir.mkdir()
    (stale_dir / "results.parquet").write_text("half")
    os.utime(stale_dir, (old, old))
    fresh_dir = tmp_path / ".rec.def456.tmp"
    fresh_dir.mkdir()
    other = tmp_path / ".other.abc.tmp"  # another folder's temporary: not ours to judge
    other.mkdir()
    os.utime(other, (old, old))
    with atomic_folder(tmp_path / "rec") as tmp:
        (tmp / "x.txt").write_text("x")
    assert not stale_dir.exists() and fresh_dir.exists() and other.exists()

    store = tmp_path / "store"
    store.mkdir()
    stale = store / ".tmp-aaaa.parquet"
    stale.write_bytes(b"PAR1 half")
    os.utime(stale, (old, old))
    fresh = store / ".tmp-bbbb.parquet"
    fresh.write_bytes(b"PAR1 half")
    ResultStore(store).append(pd.DataFrame({"key": ["k"], "country": ["A"], "welfare": [1.0],
                                            "converged": [True], "iterations": [1]}))
    assert not stale.exists() and fresh.exists()


# --- 1. no stale numbers: the numerics fingerprint

def test_numerics_change_means_a_resolve(tmp_path, monkeypatch, capsys):
    """1. One numeric change with the same package version reused the old numbers ("0
    solved, 120 reused"). The fingerprint of the numerics code is in every key: the same
    code reuses every row, changed code solves every row again; the rows carry it as the
    column 'numerics' and `autarky query` shows it."""
    import numpy as np

    import autarky as ak
    from autarky.data import store as store_mod

    world = ak.World.from_flows(np.array([[100.0, 5, 7], [6, 50, 2], [8, 3, 300]]),
                                countries=["RUS", "KAZ", "DEU"])
    scns = {"a": ak.Scenario.autarky(["RUS"]), "b": ak.Scenario.autarky(["KAZ"])}
    st = tmp_path / "store"
    store_mod.numerics_fingerprint.cache_clear()
    fp0 = store_mod.numerics_fingerprint()
    first = ak.sweep_scenarios(world, scns, 4.0, store=st)
    again = ak.sweep_scenarios(world, scns, 4.0, store=st)
    assert (first.solved, first.reused) == (2, 0) and (again.solved, again.reused) == (0, 2)

    # a change to one byte of the numerics code: an extra source file edited
    extra = tmp_path / "equations.py"
    extra.write_text("def welfare(x):\n    return x\n")
    real = store_mod._numerics_files
    monkeypatch.setattr(store_mod, "_numerics_files", lambda: [*real(), extra])
    store_mod.numerics_fingerprint.cache_clear()
    fp1 = store_mod.numerics_fingerprint()
    after = ak.sweep_scenarios(world, scns, 4.0, store=st)
    assert (after.solved, after.reused) == (2, 0)
    extra.write_text("def welfare(x):\n    return 2 * x\n")
    store_mod.numerics_fingerprint.cache_clear()
    fp2 = store_mod.numerics_fingerprint()
    assert fp2 != fp1
    assert ak.sweep_scenarios(world, scns, 4.0, store=st).solved == 2

    code, out, err = run_cli(monkeypatch, capsys, "query",
                             "SELECT DISTINCT numerics FROM results ORDER BY numerics",
                             "--store", str(st), "--csv")
    assert code == 0, err
    assert sorted(out.split()[1:]) == sorted({fp0, fp1, fp2})
    code, out, err = run_cli(monkeypatch, capsys, "query", "SELECT count(*) AS n FROM results",
                             "--store", str(st))
    assert code == 0 and f"numerics fingerprint of this code: {fp2}" in err
    store_mod.numerics_fingerprint.cache_clear()



# --- 2 + 10. unreadable parts quarantined; autarky store check|repair|compact

def _rows(key: str, value: float = 1.0):
    import pandas as pd

    return pd.DataFrame({"key": [key, key], "country": ["A", "B"], "welfare": [value, -value],
                         "converged": [True, True], "iterations": [3, 3]})


def _damaged_store(path: Path):
    from autarky.data.store import ResultStore

    st = ResultStore(path)
    good = st.append(_rows("k1"))
    truncated = st.append(_rows("k2"))
    empty = st.append(_rows("k3"))
    truncated.write_bytes(truncated.read_bytes()[:100])
    empty.write_bytes(b"")
    return st, good, truncated, empty


def test_unreadable_parts_are_quarantined_with_one_warning(tmp_path):
    """2. One truncated or zero-byte part made every lookup and query fail (exit 1): now
    they are moved to the quarantine folder with one warning naming them, and the rest
    is read; what they held is simply not found (so solved again)."""
    from autarky.data.store import StoreWarning

    st, good, truncated, empty = _damaged_store(tmp_path / "st")
    with pytest.warns(StoreWarning) as caught:
        found = st.lookup(["k1", "k2", "k3"], ["A", "B"])
    assert list(found) == ["k1"]
    assert len(caught) == 1
    msg = str(caught[0].message)
    assert "2 unreadable part file(s)" in msg and truncated.name in msg and empty.name in msg
    assert st.files() == [good]
    assert sorted(p.name for p in (tmp_path / "st" / "quarantine").iterdir()) == sorted(
        [truncated.name, empty.name])
    # the query view works on what is left, without a second warning
    st2, *_ = _damaged_store(tmp_path / "st2")
    with pytest.warns(StoreWarning):
        df = st2.query("SELECT DISTINCT key FROM results")
    assert df["key"].tolist() == ["k1"]


def test_store_check_repair_compact_cli(tmp_path, monkeypatch, capsys):
    """2, 10. `autarky store check` lists unreadable parts (exit 2), `repair` quarantines
    them, `compact` merges the rest into one file."""
    from autarky.data.store import ResultStore

    st, good, truncated, empty = _damaged_store(tmp_path / "st")
    st.append(_rows("k4", 2.0))
    code, out, err = run_cli(monkeypatch, capsys, "store", "check", "--store", str(st.path))
    assert code == 2 and f"unreadable: {truncated.name}" in out and empty.name in out
    assert "4 part files, 2 unreadable" in out and len(error_lines(err)) == 1
    code, out, err = run_cli(monkeypatch, capsys, "store", "repair", "--store", str(st.path))
    assert code == 0 and "2 part file(s) quarantined, 2 readable" in out, err
    code, out, _ = run_cli(monkeypatch, capsys, "store", "check", "--store", str(st.path))
    assert code == 0 and "2 part files, 0 unreadable" in out
    code, out, _ = run_cli(monkeypatch, capsys, "store", "compact", "--store", str(st.path))
    assert code == 0 and "2 part file(s) -> 1" in out
    assert ResultStore(st.path).lookup(["k1", "k4"], ["A", "B"])["k4"][0].tolist() == [2, -2]


def test_sweep_compacts_past_the_stated_number_of_parts(tmp_path, monkeypatch):
    """10. The store grew without bound (2,000 parts: a lookup 2.0 s): a sweep that leaves
    more than COMPACT_AFTER parts compacts the store into one file, and nothing is lost."""
    import numpy as np

    import autarky as ak

    monkeypatch.setattr(sys.modules["autarky.sweep"], "COMPACT_AFTER", 3)
    world = ak.World.from_flows(np.array([[100.0, 5, 7], [6, 50, 2], [8, 3, 300]]),
                                countries=["RUS", "KAZ", "DEU"])
    st = tmp_path / "store"
    scns = {c: ak.Scenario.autarky([c]) for c in world.countries}
    first = ak.sweep_scenarios(world, scns, 4.0, store=st, chunk=1)  # 3 parts: not past 3
    assert len(list(st.glob("part-*.parquet"))) == 3
    ak.sweep_scenarios(world, scns, 5.0, store=st, chunk=1)  # 6 parts: compacted
    assert len(list(st.glob("part-*.parquet"))) == 1
    again = ak.sweep_scenarios(world, scns, 4.0, store=st)
    assert again.reused == 3
    np.testing.assert_allclose(again.welfare, first.welfare)


# --- 6. bounded inputs

def test_cube_too_large_refused_before_allocating(tmp_path, monkeypatch, capsys):
    """6. A 66 KB CSV with 240 countries and 4,000 sector codes asked for a 1.72 GiB cube
    (MemoryError, exit 1): refused before allocating, one line, exit 2."""
    from autarky.data.readers import iso3_codes

    codes = sorted(iso3_codes())[:240]
    lines = ["importer,exporter,sector,value"] + [f"{c},{c},s0,10" for c in codes] + [
        f"{codes[0]},{codes[0]},s{k},1" for k in range(1, 4000)]
    csv = tmp_path / "cube.csv"
    csv.write_text("\n".join(lines) + "\n")
    code, _, err = run_cli(monkeypatch, capsys, "info", str(csv))
    assert code == 2 and len(error_lines(err)) == 1
    assert "240 countries x 4000 sectors need arrays of up to" in err
    assert "above the limit of 50,000,000 (set AUTARKY_MAX_CELLS" in err


def test_decompression_is_bounded(tmp_path, monkeypatch, capsys):
    """6. A small .csv.gz that inflates without bound (71 s, 3.6 GB, MemoryError) is refused
    once the limit is passed while streaming: one line, exit 2."""
    import gzip

    from autarky.data import readers

    monkeypatch.setattr(readers, "MAX_INPUT_BYTES", 1 << 20)
    bomb = tmp_path / "bomb.csv.gz"
    with gzip.open(bomb, "wb") as f:
        f.write(b"importer,exporter,value\n" + b"FRA,FRA,10\n" * 400_000)  # 4.4 MB inflated
    assert bomb.stat().st_size < 50_000
    code, _, err = run_cli(monkeypatch, capsys, "info", str(bomb))
    assert code == 2
    assert error_lines(err) == [f"error: {bomb}: more than 1,048,576 bytes of data (after "
                                "decompression); set AUTARKY_MAX_INPUT_BYTES to raise the limit"]


@pytest.mark.parametrize(("row", "says"), [
    ("DEU,FRA\x00,2", "a NUL byte at byte"),
    ("DEU,F\x00RA,2", "(line 5)"),
    ("DEU,\x1b[31mFRA,2", "field 'exporter': country code '\\x1b[31mFRA' contains a control"),
])
def test_control_characters_in_codes_refused(tmp_path, monkeypatch, capsys, row, says):
    """6. A NUL byte inside a CSV value was accepted (pandas cuts the field there): refused,
    as is any control character in a code; one line naming file and line, exit 2."""
    csv = tmp_path / "w.csv"
    csv.write_text(f"importer,exporter,value\nFRA,FRA,10\nFRA,DEU,1\nDEU,DEU,30\n{row}\n")
    code, _, err = run_cli(monkeypatch, capsys, "info", str(csv))
    assert code == 2 and len(error_lines(err)) == 1 and says in err, err


@pytest.mark.parametrize(("doc", "says"), [
    ('name = "' + "x" * 300 + '"\nshock = []\n', "name: 300 characters, more than 200"),
    ('name = "a\\u0007b"\nshock = []\n', "contains a control character"),
    ('description = "' + "x" * 20_000 + '"\nshock = []\n',
     "description: 20,000 characters, more than 10,000"),
    ("shock = []\nsources = [" + ", ".join(['"s"'] * 300) + "]\n",
     "sources: 300 entries, more than 200"),
    ('[[shock]]\nkind = "tariff"\nrate = 0.1\nimporters = ["RUS"]\nexporters = ["DEU"]\n' * 1001,
     "1,001 [[shock]] tables, more than 1,000"),
    ("name = 'x'\n# " + "y" * (1 << 20) + "\nshock = []\n", "more than 1,048,576 for a scenario"),
])
def test_scenario_files_are_bounded(tmp_path, monkeypatch, capsys, doc, says):
    """6. A 200,000-table TOML ran past 300 s and a 200 MB scenario name was accepted: the
    file size, the number of [[shock]] tables and every string are bounded; one line, 2."""
    toml = tmp_path / "s.toml"
    toml.write_text(doc)
    code, _, err = run_cli(monkeypatch, capsys, "run", str(toml), "--world",
                           str(three_country_csv(tmp_path / "w3.csv")), "--elasticities", "4")
    assert code == 2 and says in err, err
    assert len(error_lines(err)) == 1


# --- 8. writes that replace what they should not

def test_exports_refuse_to_replace_special_files(tmp_path, monkeypatch, capsys):
    """8. As root, `autarky report DIR -o /dev/full` replaced the character device with a
    5.4 MB file (write to a temporary, then os.replace). Anything that is not a regular file
    is refused in one line and left as it was (a FIFO stands in for the device here); a
    symlink is still replaced, not written through."""
    import os
    import stat

    import pandas as pd

    from autarky.data.exports import write_excel
    from autarky.errors import DataError

    fifo = tmp_path / "fifo.xlsx"
    os.mkfifo(fifo)
    with pytest.raises(DataError, match=r"fifo.xlsx: is a FIFO, not a regular file; refusing"):
        write_excel(fifo, {"t": pd.DataFrame({"a": [1]})})
    assert stat.S_ISFIFO(fifo.lstat().st_mode)
    folder = tmp_path / "folder.xlsx"
    folder.mkdir()
    with pytest.raises(DataError, match=r"is a folder, not a regular file"):
        write_excel(folder, {"t": pd.DataFrame({"a": [1]})})
    real = tmp_path / "real.xlsx"
    real.write_text("keep")
    link = tmp_path / "link.xlsx"
    link.symlink_to(real)
    write_excel(link, {"t": pd.DataFrame({"a": [1]})})
    assert real.read_text() == "keep" and not link.is_symlink()

    # the report command itself, onto a FIFO
    world = three_country_csv(tmp_path / "w3.csv")
    rec = tmp_path / "rec"
    code, _, err = run_cli(monkeypatch, capsys, "run", "autarky:RUS", "--world", str(world),
                           "--elasticities", "4", "--no-range", "--out", str(rec), "--report")
    assert code == 0, err
    pipe = tmp_path / "report.html"
    os.mkfifo(pipe)
    code, _, err = run_cli(monkeypatch, capsys, "report", str(rec), "--out", str(pipe),
                           "--overwrite")
    assert code == 2 and len(error_lines(err)) == 1 and "is a FIFO" in err
    assert stat.S_ISFIFO(pipe.lstat().st_mode)


def test_group_sanctioning_its_own_member_refused(tmp_path, monkeypatch, capsys):
    """8. A group sanctioning its own member (imposers = ["EAEU"], target = "RUS") ran
    silently as the other members embargoing Russia: refused in one line naming them."""
    import autarky as ak

    toml = tmp_path / "own.toml"
    toml.write_text('name = "x"\n[[shock]]\nkind = "sanction"\nimposers = ["EAEU"]\n'
                    'target = "RUS"\n')
    code, _, err = run_cli(monkeypatch, capsys, "run", str(toml), "--world",
                           str(three_country_csv(tmp_path / "w3.csv")), "--elasticities", "4")
    assert code == 2
    assert error_lines(err) == [
        f"error: {toml}: shock[0] (sanction): imposers EAEU include the target RUS: a group "
        "cannot sanction its own member (name the other members: imposers = ['ARM', 'BLR', "
        "'KAZ', 'KGZ'])"]
    # the other members, named, are a valid sanction
    ak.Scenario.from_toml(text='[[shock]]\nkind = "sanction"\nimposers = ["ARM", "BLR", "KAZ", '
                          '"KGZ"]\ntarget = "RUS"\n')


# --- 9. bounded app cache; a secured local Dask cluster; a read-only query

def test_query_cannot_touch_files(tmp_path, monkeypatch, capsys):
    """9. `autarky query` ran any DuckDB SQL, including COPY ... TO and read_csv of any
    file: DuckDB's file access is off and locked; the store is read by pyarrow only."""
    from autarky.data.store import ResultStore

    st = ResultStore(tmp_path / "st")
    part = st.append(_rows("k1"))
    before = part.read_bytes()
    secret = tmp_path / "secret.csv"
    secret.write_text("a\n42\n")
    for sql in (f"SELECT * FROM read_csv('{secret}')",
                f"COPY (SELECT 1 AS x) TO '{tmp_path / 'out.csv'}'",
                f"COPY (SELECT 1 AS x) TO '{part}' (FORMAT parquet, USE_TMP_FILE false)",
                f"ATTACH '{tmp_path / 'x.db'}'",
                "SET enable_external_access = true"):
        code, _, err = run_cli(monkeypatch, capsys, "query", sql, "--store", str(st.path))
        assert code == 2 and len(error_lines(err)) == 1, (sql, err)
        assert "disabled by configuration" in err or "locked" in err, err
    assert not (tmp_path / "out.csv").exists() and not (tmp_path / "x.db").exists()
    assert part.read_bytes() == before
    code, out, _ = run_cli(monkeypatch, capsys, "query", "SELECT count(*) AS n FROM results",
                           "--store", str(st.path), "--csv")
    assert code == 0 and out.split() == ["n", "2"]


def test_app_caches_are_bounded():
    """9. The app cached every distinct result without a bound (about 8 MB each): every
    cache decorator of the app sets max_entries and ttl."""
    import ast

    import autarky.app

    src = (Path(autarky.app.__file__).parent / "streamlit_app.py").read_text()
    decorators = [d for node in ast.walk(ast.parse(src)) if isinstance(node, ast.FunctionDef)
                  for d in node.decorator_list
                  if isinstance(d, ast.Call) and ast.unparse(d.func).startswith("st.cache")]
    assert len(decorators) >= 3
    for d in decorators:
        assert {"max_entries", "ttl"} <= {k.arg for k in d.keywords}, ast.unparse(d)


@pytest.mark.slow
def test_local_dask_cluster_uses_tls():
    """9. A second local process connected to the sweep's LocalCluster and ran code on a
    worker: the cluster now uses TLS with temporary credentials; a plain client fails."""
    pytest.importorskip("cryptography", reason="TLS credentials need 'cryptography'")
    from distributed import Client

    client, close = sys.modules["autarky.sweep"]._client(None)
    try:
        address = client.scheduler.address
        assert address.startswith("tls://")
        assert client.submit(sum, [1, 2]).result(timeout=60) == 3
        with pytest.raises((OSError, TimeoutError)):
            Client(address.replace("tls://", "tcp://"), timeout=5)
    finally:
        close()


# --- 11. test order: consoles do not freeze the terminal width

def test_consoles_follow_the_width_at_each_print(monkeypatch):
    """11. In random order, test_gravity_cli::test_simulate_writes_table failed: a
    module-level rich console froze $COLUMNS when it was created. Every console of the
    command line is the shared SafeConsole, which reads the width at each print."""
    import autarky.cli_claims
    import autarky.cli_gravity
    import autarky.cli_linkages
    import autarky.cli_report
    import autarky.cli_store
    from autarky import cli_common

    monkeypatch.setenv("COLUMNS", "20")
    narrow = cli_common.SafeConsole()
    assert narrow.width == 20
    monkeypatch.setenv("COLUMNS", "200")
    assert narrow.width == 200 and cli_common.console.width == 200
    for mod in (autarky.cli_gravity, autarky.cli_claims, autarky.cli_linkages,
                autarky.cli_report, autarky.cli_store):
        assert mod.console is cli_common.console, mod.__name__


# --- 12. permissions follow the umask

@pytest.mark.parametrize("mask", [0o022, 0o077, 0o002])
def test_permissions_follow_the_umask(tmp_path, mask):
    """12. Every --out folder was 0700 and every export 0644 whatever the umask: now a
    record folder is 0777 and an export 0666, less the umask, like any file the user makes."""
    import os
    import stat

    import pandas as pd

    from autarky.data.exports import write_excel
    from autarky.data.records import atomic_folder

    old = os.umask(mask)
    try:
        with atomic_folder(tmp_path / "rec") as tmp:
            (tmp / "a.txt").write_text("x")
        xlsx = write_excel(tmp_path / "t.xlsx", {"t": pd.DataFrame({"a": [1]})})
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "rec").stat().st_mode) == 0o777 & ~mask
    assert stat.S_IMODE((tmp_path / "rec" / "a.txt").stat().st_mode) == 0o666 & ~mask
    assert stat.S_IMODE(xlsx.stat().st_mode) == 0o666 & ~mask
