"""The ``autarky`` command's entry point, outside the ``autarky`` package.

Importing :mod:`autarky.cli` is light (typer and rich; the commands import NumPy, pandas,
SciPy and the rest when they run, for about half a second); Ctrl-C or SIGTERM while they
load used to print a KeyboardInterrupt traceback (or nothing).
This module installs handlers that end the process with one line and the documented exit
code (130 interrupted, 143 terminated) before that import, then hands over to
:func:`autarky.cli.main`, which installs its own (temporary files removed on the way out).
Nothing is written while the libraries load, so nothing needs cleaning up then.
"""

from __future__ import annotations

import os
import signal
import sys
from typing import Any


def _quiet(signum: int, frame: Any) -> None:
    sys.stderr.write("interrupted\n" if signum == signal.SIGINT else "terminated\n")
    sys.stderr.flush()
    os._exit(130 if signum == signal.SIGINT else 143)


def main() -> None:
    """Run ``autarky`` with quiet interrupt handling while the libraries load."""
    signal.signal(signal.SIGINT, _quiet)
    signal.signal(signal.SIGTERM, _quiet)
    from autarky.cli import main as cli_main

    cli_main()  # installs its own handlers, and puts these back when the command ends


if __name__ == "__main__":
    main()
