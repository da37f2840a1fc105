"""What the command-line modules share: consoles, loading with repair notes, options.

``autarky.cli`` builds the app from the commands in ``cli.py``, ``cli_linkages.py``,
``cli_report.py`` and ``cli_gravity.py``; all of them print through the consoles here.
"""

from __future__ import annotations

import os
import re
import warnings
from typing import Any

import typer
from rich.console import Console, ConsoleDimensions
from rich.errors import MarkupError
from rich.markup import escape
from rich.text import Text

import autarky as ak
from autarky.errors import RepairWarning

# Light on purpose: ``autarky --help``, ``presets``, ``datasets`` and ``sectors`` import this
# module and must not load NumPy, pandas, xarray or SciPy (tests/test_cli_fast.py); the
# run helpers (``autarky.run``) are imported inside the functions that use them.

# Strings from outside (scenario files, data files, record folders, the result store, error
# messages quoting them) reach the terminal as text: control characters (ESC starts the
# OSC 52 clipboard write, the OSC 8 hidden link and the window-title sequences) are removed,
# and square brackets are shown, not parsed as rich markup. Tab and newline stay.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
# the only markup tags autarky's own messages use; any other tag is shown as text
_STYLE_WORDS = ("bold", "dim", "italic", "yellow", "red", "green", "cyan")
_WORD = "|".join(_STYLE_WORDS)
_OWN_TAG = re.compile(rf"/?(?:(?:{_WORD})(?: (?:{_WORD}))*)?")
_RICH_TAG = re.compile(r"(\\*)\[([a-z#/@][^\[]*?)\]")


def plain(value: object) -> str:
    """``value`` as a string with every control character removed (tab and newline kept)."""
    return _CONTROL.sub("", str(value))


def text(value: object) -> str:
    """An outside string for a rich console: control characters removed, markup escaped."""
    return escape(plain(value))


def _neutralise(markup: str) -> str:
    """Escape every markup tag that is not one of autarky's own styles.

    So that a string from outside inside an f-string ('EAEU [draft]', '[link=...]') prints
    as written.
    """
    def fix(m: re.Match[str]) -> str:
        if m.group(1) or _OWN_TAG.fullmatch(m.group(2)):
            return m.group(0)
        return "\\" + m.group(0)

    return _RICH_TAG.sub(fix, markup)


class SafeConsole(Console):
    """A rich console that prints every string as text.

    Control characters are removed, only autarky's own style tags are taken as markup, and
    a string whose markup does not parse (an outside '[/]') is printed as it is instead of
    raising.
    """

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("emoji", False)
        super().__init__(**kwargs)
        if kwargs.get("width") is None:
            # rich freezes $COLUMNS at creation; a module-level console then keeps the width
            # of whoever imported it first. Read the terminal (and $COLUMNS) at each print.
            self._width = None

    def render_str(self, text: str, **kwargs: Any) -> Text:
        """Rich's render_str on the string with control characters and foreign tags made safe."""
        text = plain(text)
        markup = kwargs.get("markup")
        if markup or (markup is None and self._markup):
            text = _neutralise(text)
            try:
                return super().render_str(text, **kwargs)
            except MarkupError:
                kwargs["markup"] = False
        return super().render_str(text, **kwargs)



class _WideConsole(SafeConsole):
    """A SafeConsole that is wide (400 columns) when writing to a pipe or a file.

    So that no table cell is cut to an ellipsis and no line is wrapped there (plain columns
    for other tools); ``$COLUMNS``, when set, and a terminal's own width win, read at each
    print like every SafeConsole.
    """

    @property
    def size(self) -> ConsoleDimensions:
        """The terminal's size; 400 columns when not a terminal and $COLUMNS is unset."""
        dims = Console.size.fget(self)  # type: ignore[attr-defined]
        if self._width is None and not self.is_terminal and not os.environ.get("COLUMNS"):
            return ConsoleDimensions(max(dims.width, 400), dims.height)
        return dims

    @size.setter
    def size(self, new_size: tuple[int, int]) -> None:
        Console.size.fset(self, new_size)  # type: ignore[attr-defined]


def _wide(stderr: bool = False) -> Console:
    """The command line's console (stdout, or stderr): safe, and wide in a pipe."""
    return _WideConsole(stderr=stderr)


console = _wide()
err_console = _wide(stderr=True)

_STATE = {"debug": False, "verbose": False}


def _rule(r: object) -> str:
    if isinstance(r, RepairWarning):
        return r.rule
    if isinstance(r, str) and re.fullmatch(r"[A-Z]+\d+", r):  # a rule's code (listings)
        return r
    found = re.search(r"\(rule ([A-Z]+\d+)", str(r))
    return found.group(1) if found else "other"


def repair_summary(repairs: Any, world: str | None, year: int | None = None,
                   details: str | None = None) -> str:
    """The one line every command prints for the data repairs made (without 'note: ').

    How many repairs, by which rules, on which world, and where they are listed in full:
    ``autarky info WORLD --repairs``, the command's own ``details`` flag if it has one, and
    ``autarky --verbose``. ``repairs`` are RepairWarnings or their texts.
    """
    n = len(repairs)
    rules = list(dict.fromkeys(_rule(r) for r in repairs))
    where = f" on {world}{' ' + str(year) if year is not None else ''}" if world else ""
    how = []
    if world:
        how.append(f"autarky info {world}{' --year ' + str(year) if year is not None else ''}"
                   " --repairs")
    if details:
        how.append(details)
    how.append("--verbose")
    return (f"{n} data repair{'s' if n != 1 else ''}{where} "
            f"(rule{'s' if len(rules) != 1 else ''} {', '.join(rules)}); details: "
            + ", ".join(how[:-1]) + (" or " if len(how) > 1 else "") + how[-1])


def print_repairs(repairs: Any, world: str | None, year: int | None = None,
                  details: str | None = None) -> None:
    """The repairs as one line on stderr; each of them too under ``autarky --verbose``."""
    if not repairs:
        return
    err_console.print(f"note: {repair_summary(repairs, world, year, details)}",
                      highlight=False, soft_wrap=True, markup=False)
    if _STATE["verbose"]:
        for r in repairs:
            err_console.print(f"  repair: {r}", highlight=False, soft_wrap=True, markup=False)


def catch_repairs(caught: list[warnings.WarningMessage]) -> list[RepairWarning]:
    """The RepairWarnings among caught warnings; every other warning shown as usual."""
    found = []
    for w in caught:
        if isinstance(w.message, RepairWarning):
            found.append(w.message)
        else:
            warnings.showwarning(w.message, w.category, w.filename, w.lineno)
    return found


def load_world_repairs(world: str, year: int | None) -> tuple[ak.World, list[RepairWarning]]:
    """Load a World and the repairs made while loading it (one RepairWarning per rule)."""
    from autarky import run as run_

    loaded = run_.load(world, year)
    return loaded.world, list(loaded.warnings)


def load_world_cli(world: str, year: int | None) -> ak.World:
    """Load a World for a command; its data repairs as one summary line on stderr."""
    w, repairs = load_world_repairs(world, year)
    print_repairs(repairs, w.name, w.year)
    return w


def _options(scn: ak.Scenario, deficits: str | None, unavailable: str | None,
             extreme: bool = False) -> ak.SolveOptions:
    """Command-line flags over the scenario's own settings over the library's defaults."""
    from autarky import run as run_

    return run_.options(scn, deficits=deficits, unavailable=unavailable,
                        extreme_elasticities=extreme or None)


def _progress() -> Any:
    """A rich progress bar, silent when the console is not a terminal."""
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    return Progress(TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn(),
                    console=err_console, transient=True, disable=not err_console.is_terminal)


def _busy(message: str) -> Any:
    """A spinner on a terminal; nothing otherwise."""
    import contextlib

    if not err_console.is_terminal:
        return contextlib.nullcontext()
    return err_console.status(message)


DEFAULT_PRESET = "two-blocs"
"""``autarky run`` with no scenario: :data:`autarky.presets.DEFAULT` (equal: tests/test_cli_fast.py;
written out so that building the commands does not import the preset registry)."""
DEFAULT_ELASTICITIES = "median"
"""``--elasticities`` default: :data:`autarky.run.DEFAULT_ELASTICITIES` (equal: same test)."""

_WORLD = typer.Option(help="Embedded dataset name or a .csv/.parquet file.")
_OVERWRITE = typer.Option("--overwrite", help="Replace an existing --out (a non-empty folder, "
                          "or a file); without it an existing --out is refused (exit 2).")
_COUNTRY_HELP = "Country code, e.g. DEU (any case)."


def deprecated(message: str) -> None:
    """One line on stderr for a form of an option that still works but is on its way out."""
    err_console.print(f"note: {message}", highlight=False, soft_wrap=True, markup=False)


def one_country(option: str | None, positional: str | None, example: str = "DEU") -> str:
    """The country of a command given as ``--country`` (or, deprecated, as an argument)."""
    if option is not None and positional is not None and \
            option.strip().upper() != positional.strip().upper():
        raise ak.DataError(f"--country {option!r} and the argument {positional!r} differ: "
                           "give the country once, as --country")
    if option is None and positional is not None:
        deprecated(f"the country as an argument is deprecated; use --country {positional}")
        option = positional
    if option is None or not option.strip():
        raise ak.DataError(f"--country: a country code is required, e.g. --country {example}")
    return option.strip().upper()
_YEAR = typer.Option(help="Base year (default: latest).")
_ELAST = typer.Option(help="Elasticity source (see autarky elasticities) or one number "
                      "(plausible range 0.1 to 100).")
_EXTREME = typer.Option("--extreme-elasticities",
                        help="Accept elasticities outside 0.1 to 100 (a warning in the notes).")
_DEFICITS = typer.Option(help="Trade deficits: fixed | zero | proportional (default: the "
                         "scenario's setting, else fixed).")
_STORE = typer.Option(help="Result store folder (default: $AUTARKY_STORE or "
                      "~/.cache/autarky/results).")
_UNAVAIL = typer.Option(help="Goods left without any supplier: floor (a small domestic "
                        "supply, noted in the results) | raise (default: the scenario's "
                        "setting, else the library's: raise).")


# --- exit codes and the last line of defence (``autarky.cli.main``)
EXIT_INPUT = 2
"""Bad input: one line naming the file, field, country, sector or value."""
EXIT_NOT_CONVERGED = 3
"""An equilibrium did not converge: one line naming the equation furthest from holding."""
EXIT_ENVIRONMENT = 4
"""The environment refused: disk full, permission denied, out of memory, port in use."""
EXIT_INTERRUPTED = 130
"""Ctrl-C (SIGINT): one line 'interrupted', temporary files removed."""
EXIT_TERMINATED = 143
"""SIGTERM (timeouts, Slurm, docker stop, systemd): one line 'terminated', temporaries removed."""

_SIGNALLED: dict[str, bool] = {"term": False, "int": False}
_RESENT = [0]  # interrupts sent again by _resend_lost in this command (at most _MAX_RESENT)
_MAX_RESENT = 50


def _on_sigint(signum: int, frame: object) -> None:
    """Ctrl-C: Python's KeyboardInterrupt, and a note that it came (see :func:`_resend_lost`)."""
    _SIGNALLED["int"] = True
    raise KeyboardInterrupt


def _on_sigterm(signum: int, frame: object) -> None:
    """SIGTERM as Ctrl-C: unwind through every ``finally``, then exit 143 with one line.

    Temporary folders and files are removed on the way out, as for Ctrl-C.
    """
    _SIGNALLED["term"] = True
    raise KeyboardInterrupt


def _resend_lost(hook: Any) -> Any:
    """A ``sys.unraisablehook`` that sends a lost Ctrl-C or SIGTERM again.

    Python runs a signal's handler at the next instruction of whatever Python code runs.
    When that code is a weakref callback, a finaliser or a gc callback (importlib's module
    locks have one), the KeyboardInterrupt it raises cannot propagate: Python prints
    "Exception ignored" and goes on, and the command ran to its end and exited 0 (CI, once
    in several runs, a Ctrl-C 0.2 s after the start). Here the traceback is not printed and
    the signal is sent again 10 ms later, from a helper thread, to land in the command's own
    code; should every resend be lost too, :func:`run_main` still ends with the signal's
    line and exit code.
    """
    import signal
    import threading

    def resend(u: Any) -> None:
        if not (isinstance(u.exc_value, KeyboardInterrupt)
                and (_SIGNALLED["int"] or _SIGNALLED["term"])):
            hook(u)
            return
        if _RESENT[0] < _MAX_RESENT:
            _RESENT[0] += 1
            sig = signal.SIGTERM if _SIGNALLED["term"] else signal.SIGINT
            t = threading.Timer(0.01, signal.raise_signal, (sig,))
            t.daemon = True
            t.start()

    return resend


def _say(message: str) -> None:
    err_console.print(plain(message), highlight=False, soft_wrap=True, markup=False)


def exit_code(err: BaseException, debug: bool = False) -> int:
    """Print one line for an error that ended a command and return its exit code.

    Under ``--debug`` the error is raised again (a traceback), except for interrupts.
    """
    from autarky.errors import AutarkyError, ConvergenceError

    if isinstance(err, (typer.Abort, KeyboardInterrupt)):
        if isinstance(err.__cause__, EOFError):  # click turns EOFError into Abort
            _say(f"error: unexpected end of input ({err.__cause__})")
            return EXIT_INPUT
        if _SIGNALLED["term"]:
            _say("terminated")
            return EXIT_TERMINATED
        _say("interrupted")
        return EXIT_INTERRUPTED
    if debug:
        raise err
    if isinstance(err, ConvergenceError):
        _say(f"error: {err}")
        return EXIT_NOT_CONVERGED
    if isinstance(err, AutarkyError):
        _say(f"error: {err}")
        return EXIT_INPUT
    if isinstance(err, typer.TyperException):  # usage: unknown command, bad value
        fmt = getattr(err, "format_message", None)
        text = (fmt() if callable(fmt) else str(err)).rstrip(".")
        _say(f"error: {text}; see 'autarky --help'")
        return int(getattr(err, "exit_code", EXIT_INPUT)) or EXIT_INPUT
    if isinstance(err, MemoryError):
        _say("error: out of memory (the environment refused; a smaller world, fewer draws "
             "or a machine with more memory)")
        return EXIT_ENVIRONMENT
    if isinstance(err, OSError):
        where = f": {err.filename}" if getattr(err, "filename", None) else ""
        _say(f"error: {err.strerror or err}{where} (the environment refused)")
        return EXIT_ENVIRONMENT
    _say(f"internal error: {type(err).__name__}: {err} (run with --debug for a traceback)")
    return 1


def _one_line_warnings() -> None:
    """Warnings of autarky's own categories print as one line 'warning: ...' on stderr."""
    shown = warnings.showwarning

    def show(message: Any, category: type[Warning], filename: str, lineno: int,
             file: Any = None, line: str | None = None) -> None:
        if category.__module__.startswith("autarky."):
            _say(f"warning: {message}")
        else:
            shown(message, category, filename, lineno, file, line)

    warnings.showwarning = show


def run_main(app: Any) -> None:
    """Run the typer app: every error one stderr line and its documented exit code."""
    import signal
    import sys

    debug = "--debug" in sys.argv
    if "--verbose" in sys.argv[2:]:  # an option of the app, accepted after the command too
        sys.argv.remove("--verbose")
        sys.argv.insert(1, "--verbose")
    _one_line_warnings()
    _SIGNALLED.update(term=False, int=False)
    _RESENT[0] = 0
    before: dict[int, Any] = {}
    try:
        for sig, on in ((signal.SIGINT, _on_sigint), (signal.SIGTERM, _on_sigterm)):
            before[sig] = signal.signal(sig, on)
    except ValueError:  # not the main thread (an embedding application): leave it alone
        pass
    hook = sys.unraisablehook
    sys.unraisablehook = _resend_lost(hook)
    try:
        try:
            code = app(standalone_mode=False)
        except SystemExit:
            raise
        except BaseException as err:  # noqa: BLE001 - the last line of defence
            sys.exit(exit_code(err, debug))
        if code == EXIT_INTERRUPTED or _SIGNALLED["int"] or _SIGNALLED["term"]:
            # typer turns KeyboardInterrupt into Exit(130), returned here; or a signal came
            # and its KeyboardInterrupt was lost (_resend_lost): the command still ends as
            # interrupted
            sys.exit(exit_code(KeyboardInterrupt()))
        sys.exit(code if isinstance(code, int) else 0)
    finally:
        sys.unraisablehook = hook
        for num, was in before.items():  # the launcher's quiet handlers, in `autarky`
            signal.signal(num, was)
