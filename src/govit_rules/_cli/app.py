"""The ``govit-rules`` command line: check, explain and compare projects; lint, test, cover
and document rule packs.

Owns the Typer app and its command table, ``--version``, and the wrapper that turns every
expected failure into ``file:line:col: code: message`` lines on stderr, never a traceback.
The commands live in ``commands_check.py`` (projects), ``commands_pack.py`` (pack authors),
``commands_run.py`` (watch, serve) and ``portfolio.py`` (audit, simulate); they only parse
and render, the work itself lives in the engine and the tools, imported when a command
needs them so that ``--help`` stays quick.

Exit codes: 0 compliant (and success for the other commands), 1 non-compliant (or: lint
found problems, a test failed, coverage is under ``--fail-under``, docs are stale),
2 prohibited, 3 needs information, 4 not applicable or not in force, 64 usage or input
error, 70 internal error (a bug: please report it).
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer

from . import commands_check, commands_pack, commands_run
from .common import EXIT, EXIT_INTERNAL, EXIT_OK, EXIT_USAGE, CliError, err
from .portfolio import audit_cmd, simulate_cmd

if TYPE_CHECKING:
    from ..errors import Problem

__all__ = ["EXIT", "app", "main", "run"]

_EXIT_HELP = (
    "Exit codes: 0 compliant / success, 1 non-compliant (lint problems, failed tests, "
    "coverage too low, stale docs), 2 prohibited, 3 needs information, "
    "4 not applicable or not in force, 64 usage or input error."
)


app = typer.Typer(
    name="govit-rules",
    help=(
        "Check government IT projects against Chinese regulations encoded as YAML rule "
        "packs, and write, lint, test and document those packs.\n\n"
        "Every finding cites its article, e.g. 第十条第二款第（四）项 / Art. 10(2)(iv).\n\n"
        + _EXIT_HELP
    ),
    epilog=(
        "Examples:  govit-rules check project.yaml --jurisdiction dazhou  ·  "
        "govit-rules lint rulepacks/dazhou  ·  govit-rules test rulepacks/dazhou  ·  "
        "govit-rules coverage --fail-under 100.  See docs/cli.md."
    ),
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="rich",
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    """``--version``: the installed version and the shipped packs' ids and versions."""
    if not value:
        return
    from importlib import metadata

    from .. import __version__
    from .._packs.registry import shipped_pack_versions

    try:
        version = metadata.version("govit-rules")
    except metadata.PackageNotFoundError:  # pragma: no cover - running from a bare source tree
        version = __version__
    print(f"govit-rules {version}")
    packs = ", ".join(f"{pid} {ver}" for pid, ver in shipped_pack_versions())
    print(f"rule packs: {packs or 'none'}")
    raise typer.Exit(EXIT_OK)


@app.callback()
def _options(
    version: Annotated[
        bool,
        typer.Option(
            "--version",
            callback=_version,
            is_eager=True,
            help="Print the version and the shipped rule packs' versions, and exit.",
        ),
    ] = False,
) -> None:
    """Options that apply before any command."""


# --- the commands, in the order --help lists them ---------------------------------------

app.command(epilog="Example:  govit-rules check project.yaml -j dazhou --as-of 2026-11-25")(
    commands_check.check
)
app.command(
    epilog=(
        "Examples:  govit-rules explain project.yaml -j dazhou --article '10(2)(iv)'  ·  "
        "govit-rules explain project.yaml --pack rulepacks/dazhou --rule approval.tier-4"
    )
)(commands_check.explain)
app.command(
    name="what-if",
    epilog="Example:  govit-rules what-if project.yaml -j dazhou --set total_investment=199.99",
)(commands_check.what_if_cmd)
app.command(epilog="Example:  govit-rules boundaries -j dazhou --format json")(
    commands_check.boundaries
)
app.command(epilog="Example:  govit-rules compare project.yaml --as-of 2026-11-25 --format json")(
    commands_check.compare
)
app.command(epilog="Example:  govit-rules lint rulepacks/dazhou")(commands_pack.lint)
app.command("new")(commands_pack.new)
app.command(name="test", epilog="Example:  govit-rules test rulepacks/dazhou")(
    commands_pack.test_cmd
)
app.command(epilog="Example:  govit-rules coverage rulepacks/dazhou --fail-under 100")(
    commands_pack.coverage
)
app.command(
    epilog=(
        "Examples:  govit-rules docs --out docs/packs/  ·  "
        "govit-rules docs --out docs/packs/ --check"
    )
)(commands_pack.docs)
app.command(epilog="Example:  govit-rules schema rules > schemas/rules.json")(commands_pack.schema)
app.command(epilog="Example:  govit-rules watch events.yaml --due-within 14")(commands_run.watch)
app.command(epilog="Example:  govit-rules serve --port 8000  (then open http://127.0.0.1:8000/)")(
    commands_run.serve
)
app.command(
    name="audit", epilog="Example:  govit-rules audit portfolio.csv -j dazhou --report audit.html"
)(audit_cmd)
app.command(
    name="simulate",
    epilog="Example:  govit-rules simulate portfolio.csv --reform reform.yaml --report sim.html",
)(simulate_cmd)


# --- entry point ----------------------------------------------------------------------------


def _problems_of(exc: BaseException) -> list[Problem]:
    return list(getattr(exc, "problems", ()) or ())


def _report(exc: BaseException) -> None:
    """Print an expected error, one line per problem."""
    import yaml

    from ..errors import GovitRulesError

    if isinstance(exc, CliError):
        for line in exc.lines:
            err(line)
        return
    problems = _problems_of(exc)
    if problems:
        for p in problems:
            err(str(p))
        summary = getattr(exc, "summary", "")
        if summary:
            err(f"govit-rules: {summary}")
        return
    if isinstance(exc, OSError):
        where = exc.filename or ""
        err(f"{where}: {exc.strerror or exc}" if where else f"govit-rules: error: {exc}")
        return
    if isinstance(exc, yaml.YAMLError):
        mark = getattr(exc, "problem_mark", None)
        where = f"{mark.name}:{mark.line + 1}:{mark.column + 1}: " if mark else ""
        err(f"{where}parse: {getattr(exc, 'problem', None) or exc}")
        return
    if isinstance(exc, json.JSONDecodeError):
        err(f"{exc.lineno}:{exc.colno}: parse: {exc.msg}")
        return
    if isinstance(exc, GovitRulesError):
        for line in str(exc).splitlines() or [type(exc).__name__]:
            err(f"govit-rules: error: {line}")
        return
    err(f"govit-rules: error: {exc}")  # pragma: no cover


def run(argv: Sequence[str] | None = None) -> int:
    """Run the command line with ``argv`` (default: ``sys.argv[1:]``); return the exit code."""
    import yaml

    from ..errors import GovitRulesError

    click = _click()
    try:
        rv = app(
            args=list(argv) if argv is not None else None,
            prog_name="govit-rules",
            standalone_mode=False,
        )
    except click.exceptions.NoArgsIsHelpError as exc:
        _print_click_error(exc, show=False)
        return EXIT_USAGE
    except click.exceptions.ClickException as exc:
        _print_click_error(exc)
        return EXIT_USAGE
    except typer.Abort:
        err("govit-rules: aborted")
        return 130
    except (
        CliError,
        GovitRulesError,
        OSError,
        yaml.YAMLError,
        json.JSONDecodeError,
        UnicodeDecodeError,
    ) as exc:
        _report(exc)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130
    except Exception as exc:
        if os.environ.get("GOVIT_RULES_DEBUG"):
            raise
        err(f"govit-rules: internal error: {type(exc).__name__}: {exc}")
        err(
            "govit-rules: this is a bug; set GOVIT_RULES_DEBUG=1 to see the traceback, "
            "and please report it"
        )
        return EXIT_INTERNAL
    if rv is None:
        return EXIT_OK
    if isinstance(rv, bool):
        return int(rv)
    if isinstance(rv, int):
        return rv
    return EXIT_OK


def _click() -> Any:
    """The click that Typer runs on (vendored as ``typer._click`` in recent Typer)."""
    import typer.core

    return getattr(typer.core, "_click", None) or typer.core.click  # type: ignore[attr-defined]


def _print_click_error(exc: Any, show: bool = True) -> None:
    if show:
        try:
            from typer import rich_utils

            rich_utils.rich_format_error(exc)
            return
        except Exception:  # pragma: no cover - fall back to click's plain form
            pass
        exc.show()


def main(argv: Iterable[str] | None = None) -> NoReturn:
    """The ``govit-rules`` console script."""
    code = run(list(argv) if argv is not None else None)
    with contextlib.suppress(BrokenPipeError):  # e.g. piped into head
        sys.stdout.flush()
    sys.exit(code)


if __name__ == "__main__":
    main()
