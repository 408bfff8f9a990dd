"""The ``audit`` and ``simulate`` commands: argument parsing and rendering only.

Owns the command-line face of portfolios; the work is done in ``_portfolio`` (``audit.py``,
``simulate.py``, ``report.py``, ``files.py``). Importing this module imports neither
Polars nor Dask (``govit-rules --help`` stays fast and works without the extra).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

if TYPE_CHECKING:
    from .._portfolio.audit import Audit
    from .._portfolio.backend import Progress
    from .._portfolio.simulate import Simulation

__all__ = ["audit_cmd", "simulate_cmd"]

_PORTFOLIO = Annotated[
    Path,
    typer.Argument(
        help="Portfolio file: .csv, .jsonl or .parquet (see docs/portfolio.md).",
        show_default=False,
        metavar="PORTFOLIO",
    ),
]
_OUT = Annotated[
    Path | None,
    typer.Option("--out", "-o", help="Write per-project results (.parquet, .csv or .jsonl)."),
]
_REPORT = Annotated[
    Path | None, typer.Option("--report", help="Write a self-contained HTML report with charts.")
]
_BACKEND = Annotated[
    str | None,
    typer.Option("--backend", help="columnar (default when installed) or rows (the reference)."),
]
_AS_OF = Annotated[
    str | None, typer.Option("--as-of", help="The date to judge at (default: today).")
]
_PACK = Annotated[
    Path | None,
    typer.Option(
        "--pack",
        "-p",
        help="The rule pack in this folder (its own facts are columns too).",
    ),
]
_PACKS = Annotated[
    list[Path] | None,
    typer.Option(
        "--pack",
        "-p",
        help="A rule pack folder, for the rows of its jurisdiction (its own facts are "
        "columns too); repeat for several.",
    ),
]
_FMT = Annotated[str, typer.Option("--format", "-f", help="text for people, json for machines.")]
_TOP = Annotated[int, typer.Option("--top", help="How many articles to list.")]


# Usage errors are raised as click errors (exit 64 from the CLI's runner), not through the
# CLI module's own error type: this module may run beside ``python -m govit_rules._cli``.


def _start(as_of: str | None, backend: str | None, fmt: str) -> tuple[date, Any]:
    """Check the extra is installed and parse the shared options."""
    try:
        import polars  # noqa: F401
    except ImportError:
        raise typer.BadParameter(
            "portfolios need the portfolio extra: pip install 'govit-rules[portfolio]'"
        ) from None
    try:
        on = date.fromisoformat(as_of) if as_of is not None else date.today()
    except ValueError:
        raise typer.BadParameter(
            f"{as_of!r} is not a date; write YYYY-MM-DD", param_hint="--as-of"
        ) from None
    if fmt not in ("text", "json"):
        raise typer.BadParameter(f"{fmt!r}: use text or json", param_hint="--format")
    if backend not in (None, "columnar", "rows"):
        raise typer.BadParameter(f"{backend!r}: use columnar or rows", param_hint="--backend")
    if backend == "columnar":
        from .._portfolio.backend import default_backend

        if default_backend() != "columnar":
            raise typer.BadParameter(
                "the columnar evaluator is not installed; use rows", param_hint="--backend"
            )
    return on, backend


def _pack_of(pack_dir: Path | None, jurisdiction: str | None) -> Any:
    """The pack of ``--pack DIR``, if given (a pack outside the library, with its facts)."""
    if pack_dir is None:
        return None
    from .._api import load_pack

    pack = load_pack(pack_dir)
    if jurisdiction is not None and jurisdiction != pack.jurisdiction:
        raise typer.BadParameter(
            f"{pack_dir} is the pack of {pack.jurisdiction!r}, not {jurisdiction!r}; "
            "drop one of the two options",
            param_hint="--pack",
        )
    return pack


def _progress(total: int) -> tuple[AbstractContextManager[Any], Progress | None]:
    """A Rich progress bar on standard error for long runs at a terminal."""
    if total < 20_000 or not sys.stderr.isatty():
        return nullcontext(), None
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    bar = Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=Console(stderr=True),
        transient=True,
    )
    task = bar.add_task("projects", total=total)
    return bar, lambda n: bar.advance(task, n)


def audit_cmd(
    portfolio: _PORTFOLIO,
    jurisdiction: Annotated[
        str | None,
        typer.Option(
            "--jurisdiction",
            "-j",
            help="Pack for rows without a jurisdiction column value, e.g. dazhou.",
        ),
    ] = None,
    as_of: _AS_OF = None,
    out: _OUT = None,
    report: _REPORT = None,
    backend: _BACKEND = None,
    fmt: _FMT = "text",
    top: _TOP = 10,
    pack_dirs: _PACKS = None,
) -> int:
    """Audit a whole portfolio of projects and summarise it.

    Prints outcomes by jurisdiction, the articles most often violated, approvals by
    authority and deadlines missed; writes per-project results with --out and an HTML
    report with --report. Exit 0 once the audit ran, 64 on bad input.
    """
    on, chosen = _start(as_of, backend, fmt)
    from .._portfolio.audit import audit
    from .._portfolio.files import read_portfolio

    dirs = pack_dirs or []
    packs = [_pack_of(d, jurisdiction if len(dirs) == 1 else None) for d in dirs]
    frame = read_portfolio(portfolio, pack=packs)
    bar, tick = _progress(frame.height)
    with bar:
        result = audit(
            frame,
            on,
            jurisdiction=jurisdiction,
            pack=packs,
            backend=chosen,
            progress=tick,
            source=str(portfolio),
        )
    from .._portfolio.report import audit_report

    page = lambda: audit_report(result, title=portfolio.name)  # noqa: E731
    return _finish(
        (out, result.results),
        (report, page),
        fmt,
        lambda: summary_json(result, top),
        lambda: print_audit(result, top),
    )


def simulate_cmd(
    portfolio: _PORTFOLIO,
    reform: Annotated[
        Path, typer.Option("--reform", "-r", help="The reform file (YAML overlay on the pack).")
    ],
    jurisdiction: Annotated[
        str | None, typer.Option("--jurisdiction", "-j", help="The pack the reform changes.")
    ] = None,
    as_of: _AS_OF = None,
    out: _OUT = None,
    report: _REPORT = None,
    backend: _BACKEND = None,
    fmt: _FMT = "text",
    show: Annotated[int, typer.Option("--show", help="How many changed projects to list.")] = 20,
    pack_dir: _PACK = None,
) -> int:
    """Simulate a reform over a portfolio: which projects change outcome, approver, deadline.

    Evaluates the portfolio under the pack and under the pack with the reform applied; a
    reform that breaks the pack is reported at its place in the reform file (exit 64).
    With --out, writes the changed projects; with --report, both audits side by side.
    """
    from .._api import get_pack

    on, chosen = _start(as_of, backend, fmt)
    from .._portfolio.files import read_portfolio
    from .._portfolio.reform import load_reform
    from .._portfolio.simulate import simulate

    ref = load_reform(reform)
    pack = _pack_of(pack_dir, jurisdiction) or get_pack(jurisdiction or ref.pack, on)
    frame = read_portfolio(portfolio, pack=pack)
    bar, tick = _progress(2 * frame.height)
    with bar:
        sim = simulate(frame, on, pack, ref, backend=chosen, progress=tick)
    from .._portfolio.report import simulation_report

    page = lambda: simulation_report(sim, title=portfolio.name)  # noqa: E731
    return _finish(
        (out, sim.changes),
        (report, page),
        fmt,
        lambda: simulation_json(sim, show),
        lambda: print_simulation(sim, show),
    )


def _finish(
    out: tuple[Path | None, Any],
    html: tuple[Path | None, Callable[[], str]],
    fmt: str,
    as_json: Callable[[], dict[str, Any]],
    as_text: Callable[[], None],
) -> int:
    """Write the results and the HTML report if asked, then print the summary."""
    from .._portfolio.files import write_results

    if out[0] is not None:
        write_results(out[1], out[0])
    report, page = html
    if report is not None:
        report.write_text(page(), encoding="utf-8")
    if fmt == "json":
        from .common import dump

        dump(as_json())
    else:
        as_text()
    return 0


# --- rendering ------------------------------------------------------------------------------


def summary_json(a: Audit, top: int) -> dict[str, Any]:
    return {
        "as_of": a.as_of.isoformat(),
        "projects": a.projects,
        "packs": {j: f"{p.id} {p.version}" for j, p in a.packs.items()},
        "outcomes": a.outcomes.to_dicts(),
        "violated_articles": a.violated.head(top).to_dicts(),
        "approvals": a.approvals.to_dicts(),
        "deadlines_missed": a.missed().to_dicts(),
    }


def simulation_json(s: Simulation, show: int) -> dict[str, Any]:
    ch = s.changes
    return {
        "reform": s.reform.id,
        "projects": s.projects,
        "changed": {w: s.count(w) for w in ("outcome", "approver", "deadline")},
        "examples": ch.head(show).select(_shown(ch)).to_dicts(),
    }


def _shown(ch: Any) -> list[str]:
    return [c for c in ch.columns if not c.endswith("_changed")]


def _table(title: str, headers: list[str], rows: list[list[Any]]) -> Any:
    from rich.table import Table

    t = Table(title=title, title_justify="left", show_edge=False)
    for n, h in enumerate(headers):
        t.add_column(h, justify="right" if n == len(headers) - 1 else "left")
    for r in rows:
        t.add_row(*(str(v) if v is not None else "—" for v in r))
    return t


def print_audit(a: Audit, top: int) -> None:
    from .common import make_console

    c = make_console()
    packs = ", ".join(f"{p.id} {p.version}" for p in a.packs.values())
    c.print(f"audit  {a.projects} projects as of {a.as_of}  ({packs})")
    c.print(
        _table(
            "Outcomes by jurisdiction",
            ["jurisdiction", "outcome", "projects"],
            [list(r) for r in a.outcomes.iter_rows()],
        )
    )
    c.print(
        _table(
            f"Articles most often violated (top {top})",
            ["jurisdiction", "article", "", "rules", "projects"],
            [list(r) for r in a.violated.head(top).iter_rows()],
        )
    )
    c.print(
        _table(
            "Approvals by authority (final approver)",
            ["jurisdiction", "route", "authority", "projects"],
            [
                [
                    r["jurisdiction"],
                    r["route"],
                    f"{r['authority_zh']} / {r['authority_en']}",
                    r["projects"],
                ]
                for r in a.approvals.iter_rows(named=True)
            ],
        )
    )
    c.print(
        _table(
            "Deadlines missed",
            ["jurisdiction", "rule", "article", "projects"],
            [list(r) for r in a.missed().iter_rows()],
        )
    )


def print_simulation(s: Simulation, show: int) -> None:
    from .common import make_console

    c = make_console()
    r = s.reform
    c.print(f"reform {r.id}: {r.title_zh} / {r.title_en}")
    c.print(f"over {s.projects} projects of {s.packs[0].jurisdiction} as of {s.as_of}:")
    for what in ("outcome", "approver", "deadline"):
        c.print(f"  {s.count(what):>8}  change {what}")
    ch = s.changes.head(show)
    cols = _shown(ch)
    c.print(
        _table(
            f"Changed projects (first {min(show, s.changes.height)} of {s.changes.height})",
            cols,
            [list(x) for x in ch.select(cols).iter_rows()],
        )
    )
