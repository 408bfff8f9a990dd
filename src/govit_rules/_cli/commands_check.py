"""The commands that judge projects: ``check``, ``explain``, ``what-if``, ``boundaries`` and
``compare``.

Each parses its arguments, asks the engine (``_engine/evaluate.py``, ``explain.py``,
``compare.py``, ``whatif.py``, ``boundaries.py``) and renders the answer as text or JSON.
The exit code of ``check`` is the outcome (see ``common.EXIT``).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from .common import (
    AS_OF,
    EXIT,
    EXIT_OK,
    FORMAT,
    JURISDICTION,
    PACK,
    PROJECT,
    Fmt,
    choose_pack,
    dump,
    esc,
    fail,
    load_project_file,
    make_console,
    parse_date,
)
from .verdict_render import print_comparison, print_explanations, print_verdict

if TYPE_CHECKING:
    from .._packs.loader import CompiledPack
    from .._vocab.project import Project

__all__ = ["boundaries", "check", "compare", "explain", "what_if_cmd"]


def check(
    project: PROJECT,
    jurisdiction: JURISDICTION = None,
    as_of: AS_OF = None,
    pack: PACK = None,
    fmt: FORMAT = Fmt.text,
    show_all: Annotated[
        bool, typer.Option("--all", help="Also list not applicable findings.")
    ] = False,
    what_would_change: Annotated[
        bool,
        typer.Option(
            "--what-would-change",
            "-w",
            help="Also list the nearest changes of the facts that would change the verdict.",
        ),
    ] = False,
) -> int:
    """Check one project against one regulation and print the cited verdict.

    The exit code is the outcome: 0 compliant, 1 non-compliant, 2 prohibited,
    3 needs information, 4 not applicable or not in force, 64 bad input.
    """
    from .._engine.evaluate import evaluate_pack

    on = parse_date(as_of)
    compiled = choose_pack(jurisdiction, pack, on)
    p = load_project_file(project, compiled.project_model)
    verdict = evaluate_pack(compiled, p, on)
    if fmt is Fmt.json:
        sys.stdout.write(verdict.to_json(indent=2, counterfactuals=what_would_change) + "\n")
    else:
        print_verdict(verdict, show_all=show_all)
        if what_would_change:
            from .explain_render import print_counterfactuals

            c = make_console()
            c.print("\n[bold]What would change it[/bold]")
            print_counterfactuals(c, verdict.counterfactuals())
    return EXIT[verdict.outcome.value]


def explain(
    project: PROJECT,
    jurisdiction: JURISDICTION = None,
    rule: Annotated[
        str | None, typer.Option("--rule", "-r", help="A rule id, e.g. approval.tier-4.")
    ] = None,
    article: Annotated[
        str | None,
        typer.Option(
            "--article",
            "-a",
            help="Every rule citing this article or a part of it, e.g. 20(2)(i) or 第二十条.",
        ),
    ] = None,
    as_of: AS_OF = None,
    pack: PACK = None,
    fmt: FORMAT = Fmt.text,
    what_would_change: Annotated[
        bool,
        typer.Option(
            "--what-would-change",
            "-w",
            help="List the nearest changes of the project's facts that would change the "
            "verdict (of the --rule or --article given, or of every rule).",
        ),
    ] = False,
) -> int:
    """Show why rules fired: each condition with the fact's value, the threshold and the result.

    Every leaf test is shown with the project's value, the threshold it is compared
    with and its result (true, false or unknown), then the rule's final status and the
    missing facts that would decide it. With --what-would-change: the verified
    counterfactuals instead (docs/explain.md).
    """
    from .._engine.evaluate import evaluate_pack
    from .._engine.explain_view import explain_rule
    from .._law.citation import Citation

    if what_would_change and rule is not None and article is not None:
        fail("explain --what-would-change takes at most one of --rule ID or --article CITATION")
    if not what_would_change and (rule is None) == (article is None):
        fail("explain needs exactly one of --rule ID or --article CITATION")
    on = parse_date(as_of)
    compiled = choose_pack(jurisdiction, pack, on)
    p = load_project_file(project, compiled.project_model)
    if what_would_change and rule is None and article is None:
        return _what_would_change(compiled, p, on, None, fmt)
    if rule is not None:
        ids = [r.id for r in compiled.rules]
        if rule not in ids:
            from .._vocab.suggest import suggest

            fail(f"no rule {rule!r} in pack {compiled.id}{suggest(rule, ids)}")
        rules = [compiled.rule(rule)]
    else:
        assert article is not None
        cite = Citation.parse(article)
        rules = compiled.rules_citing(cite)
        if not rules:
            fail(f"no rule of pack {compiled.id} cites {cite.en()} ({cite.zh()}) or a part of it")
    if what_would_change:
        return _what_would_change(compiled, p, on, {r.id for r in rules}, fmt)
    verdict = evaluate_pack(compiled, p, on)
    views = [explain_rule(r, p, verdict, compiled.calendar) for r in rules]
    if fmt is Fmt.json:
        dump(
            {
                "pack": compiled.id,
                "as_of": verdict.as_of,
                "outcome": verdict.outcome.value,
                "rules": views,
            }
        )
        return EXIT_OK
    print_explanations(views, verdict)
    return EXIT_OK


def _what_would_change(
    compiled: CompiledPack, p: Project, on: date | None, rules: set[str] | None, fmt: Fmt
) -> int:
    from .._engine.evaluate import evaluate_pack
    from .._engine.explain_view import what_would_change
    from .explain_render import print_counterfactuals

    changes = what_would_change(evaluate_pack(compiled, p, on), rules)
    if fmt is Fmt.json:
        dump(changes.as_dict())
    else:
        c = make_console()
        c.print(f"[bold]{esc(compiled.id)}[/bold] as of {changes.as_of}: {changes.outcome}")
        print_counterfactuals(c, changes.counterfactuals)
    return EXIT_OK


def what_if_cmd(
    project: PROJECT,
    set_: Annotated[
        list[str],
        typer.Option(
            "--set",
            "-s",
            help="fact=value, repeatable; the value is read with the fact's type "
            "(money exact in 万元, dates YYYY-MM-DD, sets a,b,c, 'unknown' drops the fact).",
        ),
    ],
    jurisdiction: JURISDICTION = None,
    as_of: AS_OF = None,
    pack: PACK = None,
    fmt: FORMAT = Fmt.text,
) -> int:
    """The verdict diff between the project and the project with some facts changed.

    Lists the outcome, and every finding, approval route and deadline whose result
    differs, with its citation.
    """
    from .._engine.evaluate import evaluate_pack
    from .._engine.whatif import diff_verdicts, parse_assignments
    from .explain_render import print_diff

    on = parse_date(as_of)
    compiled = choose_pack(jurisdiction, pack, on)
    # After the pack: a pack with facts of its own makes them settable.
    updates = parse_assignments(set_)
    p = load_project_file(project, compiled.project_model)
    diff = diff_verdicts(compiled, p, updates, evaluate_pack(compiled, p, on))
    if fmt is Fmt.json:
        dump(diff.model_dump(mode="json"))
    else:
        print_diff(make_console(), diff)
    return EXIT_OK


def boundaries(
    jurisdiction: JURISDICTION = None,
    as_of: AS_OF = None,
    pack: PACK = None,
    fmt: FORMAT = Fmt.text,
) -> int:
    """Every threshold, period and exception of a pack, with its inclusive side and citation."""
    from .._engine.boundaries import boundaries as pack_boundaries
    from .explain_render import print_boundaries

    compiled = choose_pack(jurisdiction, pack, parse_date(as_of))
    items = pack_boundaries(compiled)
    if fmt is Fmt.json:
        dump({"pack": compiled.id, "boundaries": [b.model_dump(mode="json") for b in items]})
    else:
        print_boundaries(make_console(), compiled.id, items)
    return EXIT_OK


def compare(
    project: PROJECT,
    as_of: AS_OF = None,
    pack: Annotated[
        list[Path] | None,
        typer.Option(
            "--pack",
            "-p",
            help="Compare these pack folders (repeatable) instead of every shipped pack.",
        ),
    ] = None,
    fmt: FORMAT = Fmt.text,
) -> int:
    """The same project under every shipped jurisdiction, side by side.

    For each: whether the regulation applies, the outcome, the final approver of
    project_approval, deadlines (counted, missed) and prohibitions hit. A pack that
    fails to load shows as an error row.
    """
    from .._api import get_pack, jurisdictions, load_pack
    from .._engine.compare import compare_rows

    on = parse_date(as_of)
    packs: list[tuple[str, Callable[[], CompiledPack]]]
    if pack:
        packs = [(str(d), (lambda d=d: load_pack(d))) for d in pack]  # type: ignore[misc]
    else:
        packs = [(j, (lambda j=j: get_pack(j, on))) for j in jurisdictions()]  # type: ignore[misc]
    rows = compare_rows(lambda model: load_project_file(project, model), on, packs)
    if fmt is Fmt.json:
        dump({"as_of": on or date.today(), "rows": rows})
        return EXIT_OK
    print_comparison(rows, on)
    return EXIT_OK
