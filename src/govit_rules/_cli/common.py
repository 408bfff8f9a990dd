"""What every ``govit-rules`` command shares: exit codes, options, errors and output.

Owns the exit codes, the options several commands take (``--jurisdiction``, ``--pack``,
``--as-of``, ``--format``), the usage error that stops a command (:class:`CliError`, printed
one line per problem with exit 64), the console and JSON writers, and reading the
command's inputs: dates, project files and the pack to judge by.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Sequence
from datetime import date
from enum import Enum, StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer

if TYPE_CHECKING:
    from rich.console import Console

    from .._packs.loader import CompiledPack
    from .._vocab.project import Project

__all__ = [
    "AS_OF",
    "EXIT",
    "EXIT_INTERNAL",
    "EXIT_OK",
    "EXIT_USAGE",
    "FORMAT",
    "JURISDICTION",
    "PACK",
    "PACK_DIR",
    "PACK_DIRS",
    "PROJECT",
    "CliError",
    "Fmt",
    "choose_pack",
    "dump",
    "err",
    "esc",
    "fail",
    "fail_at",
    "load_pack_dir",
    "load_project_file",
    "make_console",
    "parse_date",
]

EXIT_OK = 0
EXIT_NON_COMPLIANT = 1
EXIT_PROHIBITED = 2
EXIT_NEEDS_INFORMATION = 3
EXIT_NOT_APPLICABLE = 4
EXIT_USAGE = 64
EXIT_INTERNAL = 70

EXIT: dict[str, int] = {
    "compliant": EXIT_OK,
    "non_compliant": EXIT_NON_COMPLIANT,
    "prohibited": EXIT_PROHIBITED,
    "needs_information": EXIT_NEEDS_INFORMATION,
    "not_applicable": EXIT_NOT_APPLICABLE,
    "not_in_force": EXIT_NOT_APPLICABLE,
}


class Fmt(StrEnum):
    text = "text"
    json = "json"


# --- errors ---------------------------------------------------------------------------------


class CliError(Exception):
    """A usage or input problem: printed one line per problem, exit 64."""

    def __init__(self, lines: Sequence[str]) -> None:
        super().__init__("\n".join(lines))
        self.lines = list(lines)


def fail(*lines: str) -> NoReturn:
    """Stop with a usage error (exit 64)."""
    raise CliError([f"govit-rules: error: {line}" for line in lines])


def fail_at(where: str, message: str) -> NoReturn:
    """Stop with an input error located at a file (exit 64)."""
    raise CliError([f"{where}: {message}"])


def err(line: str) -> None:
    print(line, file=sys.stderr)


# --- output helpers -------------------------------------------------------------------------


def make_console() -> Console:
    from rich.console import Console

    width = None if sys.stdout.isatty() else int(os.environ.get("COLUMNS", "160"))
    return Console(highlight=False, soft_wrap=True, width=width)


def esc(value: Any) -> str:
    from rich.markup import escape

    return escape(str(value))


def dump(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=_json_default) + "\n")


def _json_default(value: Any) -> Any:
    from decimal import Decimal

    if isinstance(value, Enum):
        return value.value
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, frozenset | set):
        return sorted(_json_default(v) if not isinstance(v, str) else v for v in value)
    return str(value)


# --- inputs ---------------------------------------------------------------------------------


def parse_date(text: str | None, option: str = "--as-of") -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        fail(f"{option}: {text!r} is not a date; write YYYY-MM-DD, e.g. 2026-11-25")


def load_project_file(spec: str, model: type[Project] | None = None) -> Project:
    """A validated project from a YAML or JSON file (``-``: standard input); see ``_input``."""
    from .._io.project_files import load_project_file as load

    return load(spec, model)


def choose_pack(
    jurisdiction: str | None, pack_dir: Path | None, as_of: date | None
) -> CompiledPack:
    from .._api import get_pack, load_pack

    if pack_dir is not None:
        pack = load_pack(pack_dir)
        if jurisdiction is not None and jurisdiction != pack.jurisdiction:
            fail(
                f"--pack {pack_dir} is the pack of jurisdiction {pack.jurisdiction!r}, "
                f"not {jurisdiction!r}; drop one of the two options"
            )
        return pack
    if jurisdiction is None:
        fail("name the regulation: --jurisdiction J (one of the shipped packs) or --pack DIR")
    return get_pack(jurisdiction, as_of)


# --- options --------------------------------------------------------------------------------

JURISDICTION = Annotated[
    str | None,
    typer.Option("--jurisdiction", "-j", help="Jurisdiction id of a shipped pack, e.g. dazhou."),
]
AS_OF = Annotated[
    str | None,
    typer.Option("--as-of", help="The date to judge at, YYYY-MM-DD (default: today)."),
]
PACK = Annotated[
    Path | None,
    typer.Option("--pack", "-p", help="Use the rule pack in this folder instead of a shipped one."),
]
FORMAT = Annotated[Fmt, typer.Option("--format", "-f", help="text for people, json for machines.")]
PROJECT = Annotated[
    str,
    typer.Argument(
        help="Project file, YAML or JSON; '-' reads standard input.",
        show_default=False,
        metavar="PROJECT",
    ),
]
PACK_DIRS = Annotated[
    list[Path] | None,
    typer.Argument(
        help="Rule pack folders (default: every shipped pack).",
        show_default=False,
        metavar="PACK_DIR",
    ),
]
PACK_DIR = Annotated[
    Path,
    typer.Argument(
        help="A rule pack folder (holding pack.yaml).", show_default=False, metavar="PACK_DIR"
    ),
]


def load_pack_dir(pack_dir: Path) -> CompiledPack:
    """The pack in a folder named on the command line (loaded, never from the registry)."""
    from .._packs.loader import load_pack

    return load_pack(pack_dir)
