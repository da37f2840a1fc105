"""Trustworthy under faults and hostile files (issue 33).

Each test names the item of issue 33 (and the row of docs/reliability.md) that it shows.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
import tomli_w

from autarky.cli import main


def run_cli(monkeypatch, capsys, *argv: str) -> tuple[int, str, str]:
    """Run the command line in-process; return (exit code, stdout, stderr)."""
    monkeypatch.setattr(sys, "argv", ["autarky", *argv])
    with pytest.raises(SystemExit) as exc:
        main()
    out = capsys.readouterr()
    code = exc.value.code
    return (code if isinstance(code, int) else 0), out.out, out.err


def error_lines(err: str) -> list[str]:
    return [line for line in err.splitlines() if line.strip()]


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
    doc = {"name": payload, "description": payload, "assumptions": [payload],
           "sources": [payload],
           "shock": [{"kind": "customs-union", "members": ["RUS", "KAZ"],
                      "external_tariff": 0.05, "name": payload}]}
    toml = tmp_path / "hostile.toml"
    toml.write_text(tomli_w.dumps(doc))
    world = three_country_csv(tmp_path / "w3.csv")
    code, out, err = run_cli(monkeypatch, capsys, "run", str(toml), "--world", str(world),
                             "--elasticities", "4", "--no-range")
    assert code == 0, err
    assert "\x1b" not in out + err and "\x9b" not in out + err and "\x07" not in out + err
    # the assumptions list prints the scenario's own assumption on a line of its own
    assert f"  - {shown}" in out.splitlines()
    assert out.count(shown) >= 4  # title, bloc table, assumptions, sources


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
