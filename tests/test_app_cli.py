"""``autarky app``: the server ends when the CLI process is stopped; a warning off localhost."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]

pytest.importorskip("streamlit")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _children(pid: int) -> list[int]:
    out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True,
                         text=True, check=False).stdout
    return [int(x) for x in out.split()]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    stat = Path(f"/proc/{pid}/stat")
    return not (stat.exists() and stat.read_text().split()[2] == "Z")


@pytest.mark.slow
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_stopping_the_cli_ends_the_server(sig: int) -> None:
    port = _free_port()
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    cli = subprocess.Popen([sys.executable, "-m", "autarky.cli", "app", "--port", str(port)],
                           env=env, cwd=REPO, stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health",
                                            timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            assert cli.poll() is None and time.monotonic() < deadline, "the app did not start"
            time.sleep(0.5)
        server = _children(cli.pid)
        assert server, "no server process under autarky app"
        cli.send_signal(sig)
        cli.wait(timeout=30)
        time.sleep(0.5)
        assert not any(_alive(p) for p in server), "the Streamlit server outlived autarky app"
    finally:
        if cli.poll() is None:
            cli.kill()
        for p in _children(cli.pid):
            os.kill(p, signal.SIGKILL)


def test_warns_when_bound_beyond_localhost(monkeypatch: pytest.MonkeyPatch,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    from autarky import cli_report

    seen: list[list[str]] = []
    monkeypatch.setattr(cli_report, "serve", lambda args: seen.append(args) or 0)
    with pytest.raises(SystemExit):
        cli_report.app_cmd(host="0.0.0.0", port=8599)
    assert "warning: bound to 0.0.0.0" in capsys.readouterr().err
    assert seen and "--client.toolbarMode" in seen[0]  # no Deploy button
    with pytest.raises(SystemExit):
        cli_report.app_cmd(host="127.0.0.1", port=8599)
    assert "warning" not in capsys.readouterr().err
