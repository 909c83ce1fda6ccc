"""An argument parser that speaks Dutch: headings, ``-h`` and argparse's own error messages.

argparse's words ("usage:", "options:", "show this help message and exit",
"the following arguments are required") come from its English source. The
parser below replaces them without gettext: its own ``-h/--help``, Dutch
section titles, a Dutch usage prefix and a table that rewrites argparse's
error messages before they are printed. Sub-parsers inherit the class
(argparse creates them with the class of their parent).
"""

from __future__ import annotations

import argparse
import logging
import re
import sys
from collections.abc import Iterable
from typing import Any, NoReturn

from spreiding.vocabulary import fmt_int

__all__ = ["DutchLogFormatter", "DutchParser", "dutch_error"]

_USAGE = "gebruik: "

_LEVELS = {"DEBUG": "debug", "INFO": "info", "WARNING": "waarschuwing", "ERROR": "fout", "CRITICAL": "ernstig"}

_METAVARS = {
    "age_weight": "GROEP=FACTOR",
    "areas": "BESTAND",
    "candidates": "KANDIDATEN",
    "cbs": "CBS",
    "cbs_metadata": "BESTAND",
    "data_dir": "MAP",
    "description": "TEKST",
    "detour": "FACTOR",
    "facilities": "BESTAND",
    "from_file": "BESTAND",
    "gemeente": "GEMEENTE",
    "kinds": "SOORTEN",
    "max_km": "KM",
    "max_min": "MIN",
    "name": "NAAM",
    "network": "BESTAND",
    "out": "BESTAND",
    "out_dir": "MAP",
    "p": "AANTAL",
    "population": "BESTAND",
    "region": "REGIO",
    "save_as": "NAAM",
    "scenario": "SCENARIO",
    "store": "BESTAND",
    "target": "AANDEEL",
    "target_pct": "PCT",
    "time_limit": "SECONDEN",
    "uncovered_out": "BESTAND",
    "address": "ADRES",
    "port": "POORT",
}
"""Dutch placeholders for the options without an explicit metavar (argparse would show the upper-case name)."""

_ERRORS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), dutch)
    for pattern, dutch in (
        (r"^the following arguments are required: (.*)$", r"deze argumenten ontbreken: \1"),
        (r"^unrecognized arguments: (.*)$", r"onbekende argumenten: \1; zie --help voor de opties"),
        (r"^argument (.*?): invalid choice: (.*?) \(choose from (.*)\)$", r"argument \1: \2 kan niet; kies uit \3"),
        (r"^argument (.*?): invalid float value: (.*)$", r"argument \1: \2 is geen getal"),
        (r"^argument (.*?): invalid int value: (.*)$", r"argument \1: \2 is geen geheel getal"),
        (r"^argument (.*?): invalid (\w+) value: (.*)$", r"argument \1: \3 is geen geldige waarde (\2)"),
        (r"^argument (.*?): expected one argument$", r"argument \1: geef er één waarde bij"),
        (r"^argument (.*?): expected at most one argument$", r"argument \1: geef er hoogstens één waarde bij"),
        (r"^argument (.*?): expected at least one argument$", r"argument \1: geef er minstens één waarde bij"),
        (r"^argument (.*?): expected (\d+) arguments?$", r"argument \1: geef er \2 waarden bij"),
        (r"^argument (.*?): not allowed with argument (.*)$", r"argument \1: gaat niet samen met \2; kies er één"),
        (r"^one of the arguments (.*) is required$", r"geef één van deze argumenten: \1"),
        (r"^ambiguous option: (.*) could match (.*)$", r"optie \1 is niet eenduidig; bedoeld is één van \2"),
        (r"^argument (.*?): ignored explicit argument (.*)$", r"argument \1: neemt geen waarde (\2)"),
    )
)


def dutch_error(message: str) -> str:
    """argparse's English error ``message`` in Dutch (unchanged when it is not one of argparse's own)."""
    for pattern, dutch in _ERRORS:
        if pattern.match(message):
            return pattern.sub(dutch, message)
    return message


_SPEC = re.compile(r"%(?:\([^)]*\))?[#0\- +]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa%]")


def _dutch_counts(msg: str, args: tuple[Any, ...]) -> tuple[str, tuple[Any, ...]]:
    """``%d`` counts as Dutch text (``21.098``); other conversions and ``%%`` unchanged."""
    out, parts, pos, i = list(args), [], 0, 0
    for match in _SPEC.finditer(msg):
        spec = match.group(0)
        if spec == "%%":
            continue
        if spec.endswith("d") and i < len(out) and isinstance(out[i], int) and not isinstance(out[i], bool):
            parts += [msg[pos : match.start()], "%s"]
            out[i], pos = fmt_int(out[i]), match.end()
        i += 1
    return "".join(parts) + msg[pos:], tuple(out)


class DutchLogFormatter(logging.Formatter):
    """Log lines as ``waarschuwing spreiding.x: ...``: the level in Dutch, counts with Dutch thousands separators.

    Levels are not renamed process-wide and the record itself is left unchanged.
    """

    def format(self, record: logging.LogRecord) -> str:
        """The line, with ``%d`` arguments written the Dutch way (``21.098``)."""
        args = record.args
        if isinstance(args, tuple) and args and isinstance(record.msg, str):
            record = logging.makeLogRecord(record.__dict__)
            record.msg, record.args = _dutch_counts(record.msg, args)
        return super().format(record)

    def formatMessage(self, record: logging.LogRecord) -> str:  # noqa: N802 (logging's name)
        """The record with its level name in Dutch (the record itself is left unchanged)."""
        level = _LEVELS.get(record.levelname, record.levelname.lower())
        return f"{level} {record.name}: {record.message}"


class _DutchFormatter(argparse.HelpFormatter):
    """Help formatter with a Dutch usage prefix and Dutch placeholders."""

    def add_usage(
        self,
        usage: str | None,
        actions: Iterable[argparse.Action],
        groups: Iterable[argparse._MutuallyExclusiveGroup],
        prefix: str | None = None,
    ) -> None:
        super().add_usage(usage, actions, groups, _USAGE if prefix is None else prefix)

    def _get_default_metavar_for_optional(self, action: argparse.Action) -> str:
        return _METAVARS.get(action.dest, "WAARDE")


class DutchParser(argparse.ArgumentParser):
    """``argparse.ArgumentParser`` with Dutch headings, ``-h/--help`` and error messages.

    Parameters
    ----------
    add_help, **kwargs
        As for :class:`argparse.ArgumentParser` (by keyword); ``add_help`` adds the Dutch
        ``-h/--help`` and ``formatter_class`` defaults to the Dutch formatter.
    """

    def __init__(self, *, add_help: bool = True, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", _DutchFormatter)
        super().__init__(add_help=False, **kwargs)
        self._positionals.title = "argumenten"
        self._optionals.title = "opties"
        if add_help:
            self.add_argument("-h", "--help", action="help", help="toon deze hulp en stop")

    def error(self, message: str) -> NoReturn:
        """Print the usage and the Dutch message to stderr; exit with status 2."""
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: fout: {dutch_error(message)}\n")
