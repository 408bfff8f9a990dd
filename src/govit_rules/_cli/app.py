"""The ``govit-rules`` command line: check, explain and compare projects; lint, test, cover
and document rule packs.

Owns the console script: arguments (Typer), human reports (Rich), ``--format json`` for
machines, the exit codes, and the wrapper that turns every expected failure into
``file:line:col: code: message`` lines on stderr, never a traceback. The work itself lives
in the engine and in ``_lint``, ``_coverage`` and ``_docs``, imported when a command needs
them so that ``--help`` stays quick.

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
from collections.abc import Callable, Iterable, Sequence
from datetime import date
from enum import Enum, StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer

if TYPE_CHECKING:
    from rich.console import Console

    from .._lang.conditions import Cond
    from .._packs.loader import CompiledPack, CompiledRule
    from .._vocab.project import Project
    from .._vocab.verdict import Verdict
    from ..errors import Problem

__all__ = ["EXIT", "app", "main", "run"]

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

_EXIT_HELP = (
    "Exit codes: 0 compliant / success, 1 non-compliant (lint problems, failed tests, "
    "coverage too low, stale docs), 2 prohibited, 3 needs information, "
    "4 not applicable or not in force, 64 usage or input error."
)


class Fmt(StrEnum):
    text = "text"
    json = "json"


class SchemaKind(StrEnum):
    project = "project"
    pack = "pack"
    articles = "articles"
    rules = "rules"
    tests = "tests"


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


# --- errors ---------------------------------------------------------------------------------


class CliError(Exception):
    """A usage or input problem: printed one line per problem, exit 64."""

    def __init__(self, lines: Sequence[str]) -> None:
        super().__init__("\n".join(lines))
        self.lines = list(lines)


def _fail(*lines: str) -> NoReturn:
    """Stop with a usage error (exit 64)."""
    raise CliError([f"govit-rules: error: {line}" for line in lines])


def _fail_at(where: str, message: str) -> NoReturn:
    """Stop with an input error located at a file (exit 64)."""
    raise CliError([f"{where}: {message}"])


def _err(line: str) -> None:
    print(line, file=sys.stderr)


# --- output helpers -------------------------------------------------------------------------


def _console() -> Console:
    from rich.console import Console

    width = None if sys.stdout.isatty() else int(os.environ.get("COLUMNS", "160"))
    return Console(highlight=False, soft_wrap=True, width=width)


def _esc(value: Any) -> str:
    from rich.markup import escape

    return escape(str(value))


def _dump(data: Any) -> None:
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


def _show(value: Any) -> str:
    """A fact value for people: unknown, true/false, sets in braces."""
    from .._engine.counterfactual import show_value

    return show_value(value)


def _tri(value: bool | None) -> str:
    return "unknown" if value is None else ("true" if value else "false")


# --- inputs ---------------------------------------------------------------------------------


def _parse_date(text: str | None, option: str = "--as-of") -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        _fail(f"{option}: {text!r} is not a date; write YYYY-MM-DD, e.g. 2026-11-25")


def load_project_file(spec: str) -> Project:
    """A validated project from a YAML or JSON file (``-``: standard input); see ``_input``."""
    from .._io.project_files import load_project_file as load

    return load(spec)


def _get_pack(jurisdiction: str | None, pack_dir: Path | None, as_of: date | None) -> CompiledPack:
    from .._api import get_pack, load_pack

    if pack_dir is not None:
        pack = load_pack(pack_dir)
        if jurisdiction is not None and jurisdiction != pack.jurisdiction:
            _fail(
                f"--pack {pack_dir} is the pack of jurisdiction {pack.jurisdiction!r}, "
                f"not {jurisdiction!r}; drop one of the two options"
            )
        return pack
    if jurisdiction is None:
        _fail("name the regulation: --jurisdiction J (one of the shipped packs) or --pack DIR")
    return get_pack(jurisdiction, as_of)


def _evaluate(pack: CompiledPack, project: Project, as_of: date | None) -> Verdict:
    from .._engine.evaluate import evaluate_pack

    return evaluate_pack(pack, project, as_of)


# --- check ----------------------------------------------------------------------------------

_JURISDICTION = Annotated[
    str | None,
    typer.Option("--jurisdiction", "-j", help="Jurisdiction id of a shipped pack, e.g. dazhou."),
]
_AS_OF = Annotated[
    str | None,
    typer.Option("--as-of", help="The date to judge at, YYYY-MM-DD (default: today)."),
]
_PACK = Annotated[
    Path | None,
    typer.Option("--pack", "-p", help="Use the rule pack in this folder instead of a shipped one."),
]
_FORMAT = Annotated[Fmt, typer.Option("--format", "-f", help="text for people, json for machines.")]
_PROJECT = Annotated[
    str,
    typer.Argument(
        help="Project file, YAML or JSON; '-' reads standard input.",
        show_default=False,
        metavar="PROJECT",
    ),
]
_PACK_DIRS = Annotated[
    list[Path] | None,
    typer.Argument(
        help="Rule pack folders (default: every shipped pack).",
        show_default=False,
        metavar="PACK_DIR",
    ),
]

_STATUS_ORDER = ("violated", "out_of_scope", "unknown", "required", "satisfied", "not_applicable")
_STATUS_STYLE = {
    "violated": "bold red",
    "out_of_scope": "yellow",
    "unknown": "yellow",
    "required": "cyan",
    "satisfied": "green",
    "not_applicable": "dim",
    "met": "green",
    "missed": "bold red",
    "too_early": "bold red",
    "upcoming": "cyan",
}
_OUTCOME_STYLE = {
    "compliant": "bold green",
    "non_compliant": "bold red",
    "prohibited": "bold red",
    "needs_information": "bold yellow",
    "not_applicable": "bold",
    "not_in_force": "bold",
}


def _cite(ref: Any) -> str:
    return f"{ref.zh} / {ref.en}"


def print_verdict(
    verdict: Verdict, *, show_all: bool = False, console: Console | None = None
) -> None:
    """The human report of a verdict."""
    c = console or _console()
    v = verdict
    info = v.pack
    title = f"[bold]{_esc(info.title.zh)}[/bold] — {_esc(info.title.en)}"
    if info.document_number:
        title += f" ({_esc(info.document_number)})"
    c.print(title)
    c.print(
        f"pack {_esc(info.id)} {_esc(info.version)} · hash {info.content_hash} · as of {v.as_of}"
    )
    if not v.in_force:
        c.print(f"[bold]Not in force[/bold] on {v.as_of}")
    else:
        applies = {
            True: "[green]yes[/green]",
            False: "[bold]no[/bold]",
            None: "[yellow]unknown[/yellow]",
        }[v.applies]
        cites = "; ".join(dict.fromkeys(_esc(_cite(r)) for r in v.applicability.citations))
        c.print(f"Applies: {applies}" + (f" — {cites}" if cites else ""))
        if v.applicability.missing_facts:
            c.print(f"  would be decided by: {_esc(', '.join(v.applicability.missing_facts))}")
    c.print(f"Outcome: [{_OUTCOME_STYLE[v.outcome.value]}]{v.outcome.value.upper()}[/]")

    groups: dict[str, list[Any]] = {}
    for f in v.findings:
        groups.setdefault(f.status.value, []).append(f)
    for status in _STATUS_ORDER:
        items = groups.get(status, [])
        if not items or (status == "not_applicable" and not show_all):
            continue
        style = _STATUS_STYLE.get(status, "")
        c.print()
        c.print(f"[{style}]{status.replace('_', ' ').capitalize()} ({len(items)})[/]")
        for f in items:
            c.print(
                f"  [{style}]●[/] [bold]{_esc(f.rule_id)}[/bold] ({f.kind}) "
                f"{_esc(_cite(f.citation))}"
            )
            for also in f.also_cites:
                c.print(f"      also {_esc(_cite(also))}")
            c.print(f"      {_esc(f.message.zh)}")
            c.print(f"      {_esc(f.message.en)}")
            if f.missing_facts:
                c.print(f"      [yellow]missing:[/yellow] {_esc(', '.join(f.missing_facts))}")
            if f.interpretation is not None:
                c.print(f"      [italic]interpretation:[/italic] {_esc(f.interpretation.zh)}")
                c.print(f"                      {_esc(f.interpretation.en)}")
    skipped = [
        r for r in getattr(v, "not_applicable", []) if r not in {f.rule_id for f in v.findings}
    ]
    if skipped and show_all:
        c.print()
        c.print(f"[dim]Not applicable, their conditions do not hold ({len(skipped)})[/dim]")
        c.print(f"  [dim]{_esc(', '.join(skipped))}[/dim]")
    hidden = len(groups.get("not_applicable", [])) + len(skipped)
    if hidden and not show_all:
        c.print(f"\n[dim]{hidden} not applicable finding(s) hidden; --all shows them[/dim]")

    if v.approval_routes:
        c.print("\n[bold]Approval routes[/bold]")
        for r in v.approval_routes:
            c.print(
                f"  {_esc(r.route)} {_esc(r.title.zh)} / {_esc(r.title.en)} — {_esc(r.rule_id)} "
                f"{_esc(_cite(r.citation))}"
            )
            for i, s in enumerate(r.steps, 1):
                c.print(
                    f"    {i}. {_esc(s.authority_zh)} ({_esc(s.authority_en)}) {_esc(s.action_zh)} "
                    f"[dim]{_esc(s.authority)} {s.action}[/dim]"
                )
            if r.final_approver:
                step = next(s for s in reversed(r.steps) if s.authority == r.final_approver)
                c.print(
                    f"    final approver: [bold]{_esc(r.final_approver)}[/bold] "
                    f"({_esc(step.authority_zh)} / {_esc(step.authority_en)})"
                )
    if v.deadlines:
        shown = [d for d in v.deadlines if show_all or d.status.value != "not_applicable"]
        if shown:
            c.print("\n[bold]Deadlines[/bold]")
        for d in shown:
            style = _STATUS_STYLE.get(d.status.value, "")
            if d.due:
                when = f"due {d.due}"
            elif d.earliest and d.latest:
                when = f"window {d.earliest} – {d.latest}"
            elif d.earliest:
                when = f"not before {d.earliest}"
            else:
                when = "no date yet"
            flags = []
            if d.provisional:
                flags.append("[yellow]provisional[/yellow]")
            if d.extended:
                flags.append("moved past a rest day")
            c.print(
                f"  [{style}]{d.status.value}[/] [bold]{_esc(d.rule_id)}[/bold] "
                f"{_esc(_cite(d.citation))}"
            )
            c.print(
                f"      {_esc(d.period)} from {_esc(d.anchor)} = "
                f"{d.anchor_date or d.anchor_year or 'not given'} → {when}"
                + (f"; done {_esc(d.done)} = {d.done_date or 'not given'}" if d.done else "")
                + (f" [{', '.join(flags)}]" if flags else "")
            )
            c.print(f"      [dim]calendar: {_esc(d.calendar)}[/dim]")
            c.print(f"      {_esc(d.message.zh)}")
            c.print(f"      {_esc(d.message.en)}")
            if d.missing_facts:
                c.print(f"      [yellow]missing:[/yellow] {_esc(', '.join(d.missing_facts))}")
            if d.interpretation is not None:
                c.print(
                    f"      [italic]interpretation:[/italic] {_esc(d.interpretation.zh)} / "
                    f"{_esc(d.interpretation.en)}"
                )
    if v.required_documents:
        c.print("\n[bold]Required documents[/bold]")
        for doc in v.required_documents:
            sub = {
                True: "[green]yes[/green]",
                False: "[red]no[/red]",
                None: "[yellow]unknown[/yellow]",
            }[doc.submitted]
            c.print(
                f"  {_esc(doc.id)} {_esc(doc.zh)} / {_esc(doc.en)} — submitted: {sub} "
                f"[dim]({_esc(doc.rule_id)}, {_esc(doc.citation.en)})[/dim]"
            )
    if v.missing_facts:
        c.print("\n[bold]Missing facts[/bold] (give them to decide the rules named)")
        for m in v.missing_facts:
            c.print(f"  {_esc(m.fact)} {_esc(m.zh)} — decides {_esc(', '.join(m.rules))}")
    if v.warnings:
        c.print("\n[bold yellow]Warnings[/bold yellow]")
        for w in v.warnings:
            c.print(f"  {_esc(w)}")


@app.command(epilog="Example:  govit-rules check project.yaml -j dazhou --as-of 2026-11-25")
def check(
    project: _PROJECT,
    jurisdiction: _JURISDICTION = None,
    as_of: _AS_OF = None,
    pack: _PACK = None,
    fmt: _FORMAT = Fmt.text,
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
    on = _parse_date(as_of)
    p = load_project_file(project)
    compiled = _get_pack(jurisdiction, pack, on)
    verdict = _evaluate(compiled, p, on)
    if fmt is Fmt.json:
        sys.stdout.write(verdict.to_json(indent=2, counterfactuals=what_would_change) + "\n")
    else:
        print_verdict(verdict, show_all=show_all)
        if what_would_change:
            from .explain_render import print_counterfactuals

            c = _console()
            c.print("\n[bold]What would change it[/bold]")
            print_counterfactuals(c, verdict.counterfactuals())
    return EXIT[verdict.outcome.value]


# --- explain --------------------------------------------------------------------------------


def _leaf_view(cond: Any, p: Project) -> dict[str, Any]:
    from .._lang.conditions import FactRef, Known, describe_test, interpret

    value = getattr(p, cond.fact)
    node: dict[str, Any] = {
        "node": "test",
        "test": describe_test(cond),
        "fact": cond.fact,
        "value": _show(value) if value is not None else None,
        "result": _tri(interpret(cond, p)),
    }
    if isinstance(cond, Known):
        node["op"] = "known"
        node["threshold"] = "given" if cond.expected else "not given"
    else:
        node["op"] = cond.op
        rhs = cond.value
        if isinstance(rhs, FactRef):
            other = getattr(p, rhs.fact)
            scale = f"{rhs.times} × " if rhs.times is not None else ""
            node["threshold"] = f"{scale}{rhs.fact} (= {_show(other)})"
        else:
            node["threshold"] = _show(rhs)
    return node


def explain_tree(cond: Cond, p: Project) -> dict[str, Any]:
    """A condition tree with every node's three-valued result for one project."""
    from .._lang.conditions import All, AnyOf, Known, Not, Test, TrueCond, interpret

    if isinstance(cond, TrueCond):
        return {"node": "always", "result": "true"}
    if isinstance(cond, Test | Known):
        return _leaf_view(cond, p)
    if isinstance(cond, Not):
        return {
            "node": "not",
            "result": _tri(interpret(cond, p)),
            "parts": [explain_tree(cond.part, p)],
        }
    if isinstance(cond, All | AnyOf):
        return {
            "node": "all" if isinstance(cond, All) else "any",
            "result": _tri(interpret(cond, p)),
            "parts": [explain_tree(part, p) for part in cond.parts],
        }
    raise TypeError(cond)  # pragma: no cover


def explain_rule(rule: CompiledRule, p: Project, verdict: Verdict) -> dict[str, Any]:
    """Everything ``explain`` says about one rule, as plain data."""
    from .._packs.loader import MAIN_KEY

    trees = [("when", rule.when)]
    if rule.kind in MAIN_KEY:
        trees.append((MAIN_KEY[rule.kind], rule.main))
    if rule.unless is not None:
        trees.append(("unless", rule.unless))
    status = None
    missing: list[str] = []
    message = None
    extra: dict[str, Any] = {}
    for f in verdict.findings:
        if f.rule_id == rule.id:
            status, missing, message = f.status.value, list(f.missing_facts), f.message
    for d in verdict.deadlines:
        if d.rule_id == rule.id:
            status, missing, message = d.status.value, list(d.missing_facts), d.message
            extra["deadline"] = {
                "anchor": d.anchor,
                "anchor_date": d.anchor_date,
                "period": d.period,
                "due": d.due,
                "earliest": d.earliest,
                "latest": d.latest,
                "done": d.done,
                "done_date": d.done_date,
                "provisional": d.provisional,
                "calendar": d.calendar,
            }
    if status is None and rule.id in getattr(verdict, "not_applicable", []):
        status = "not_applicable"
    if status is None and verdict.in_force and verdict.applies is not False:
        from .._lang.conditions import interpret

        if interpret(rule.when, p) is False:
            status = "not_applicable"  # the verdict may leave such findings out
    if rule.kind == "route":
        extra["steps"] = [{"authority": a, "action": act} for a, act in rule.steps]
    if rule.kind == "documents":
        submitted = p.submitted_documents
        extra["documents"] = {
            ("|".join(d) if isinstance(d, tuple) else d): (
                None
                if submitted is None
                else (not submitted.isdisjoint(d) if isinstance(d, tuple) else d in submitted)
            )
            for d in rule.documents
        }
    return {
        "rule": rule.id,
        "kind": rule.kind,
        "citation": {"zh": rule.citation.zh(), "en": rule.citation.en()},
        "source": rule.source,
        "conditions": [{"name": n, "tree": explain_tree(t, p)} for n, t in trees],
        "status": status,
        "evaluated": status is not None,
        "message": message.model_dump() if message is not None else None,
        "missing_facts": missing,
        "interpretation": {"zh": rule.interpretation[0], "en": rule.interpretation[1]}
        if rule.interpretation
        else None,
        **extra,
    }


def _print_tree(c: Console, node: dict[str, Any], indent: int) -> None:
    pad = "  " * indent
    res = node["result"]
    style = {"true": "green", "false": "red", "unknown": "yellow"}[res]
    if node["node"] == "always":
        c.print(f"{pad}(always) → [{style}]{res}[/]")
    elif node["node"] == "test":
        value = node["value"] if node["value"] is not None else "unknown"
        c.print(
            f"{pad}{_esc(node['test'])}   [dim]value[/dim] {_esc(value)}   "
            f"[dim]threshold[/dim] {_esc(node['threshold'])}   → [{style}]{res}[/]"
        )
    else:
        c.print(f"{pad}{node['node']} → [{style}]{res}[/]")
        for part in node["parts"]:
            _print_tree(c, part, indent + 1)


@app.command(
    epilog=(
        "Examples:  govit-rules explain project.yaml -j dazhou --article '10(2)(iv)'  ·  "
        "govit-rules explain project.yaml --pack rulepacks/dazhou --rule approval.tier-4"
    )
)
def explain(
    project: _PROJECT,
    jurisdiction: _JURISDICTION = None,
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
    as_of: _AS_OF = None,
    pack: _PACK = None,
    fmt: _FORMAT = Fmt.text,
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
    from .._law.citation import Citation

    if what_would_change and rule is not None and article is not None:
        _fail("explain --what-would-change takes at most one of --rule ID or --article CITATION")
    if not what_would_change and (rule is None) == (article is None):
        _fail("explain needs exactly one of --rule ID or --article CITATION")
    on = _parse_date(as_of)
    p = load_project_file(project)
    compiled = _get_pack(jurisdiction, pack, on)
    if what_would_change and rule is None and article is None:
        return _what_would_change(compiled, p, on, None, fmt)
    if rule is not None:
        if rule not in compiled._by_id:
            from .._vocab.suggest import suggest

            _fail(f"no rule {rule!r} in pack {compiled.id}{suggest(rule, compiled._by_id)}")
        rules = [compiled.rule(rule)]
    else:
        assert article is not None
        cite = Citation.parse(article)
        rules = compiled.rules_citing(cite)
        if not rules:
            _fail(f"no rule of pack {compiled.id} cites {cite.en()} ({cite.zh()}) or a part of it")
    if what_would_change:
        return _what_would_change(compiled, p, on, {r.id for r in rules}, fmt)
    verdict = _evaluate(compiled, p, on)
    views = [explain_rule(r, p, verdict) for r in rules]
    if fmt is Fmt.json:
        _dump(
            {
                "pack": compiled.id,
                "as_of": verdict.as_of,
                "outcome": verdict.outcome.value,
                "rules": views,
            }
        )
        return EXIT_OK
    c = _console()
    for i, view in enumerate(views):
        if i:
            c.print()
        cit = view["citation"]
        c.print(
            f"[bold]{_esc(view['rule'])}[/bold] ({view['kind']}) "
            f"{_esc(cit['zh'])} / {_esc(cit['en'])}"
            f"  [dim]{_esc(view['source'])}[/dim]"
        )
        for cond in view["conditions"]:
            c.print(f"  {cond['name']}:")
            _print_tree(c, cond["tree"], 2)
        if "deadline" in view:
            d = view["deadline"]
            c.print(
                f"  deadline: {_esc(d['period'])} from {_esc(d['anchor'])} = "
                f"{d['anchor_date'] or 'unknown'}"
                + (f"; due {d['due']}" if d["due"] else "")
                + (f"; window {d['earliest']} – {d['latest']}" if d["latest"] else "")
                + (f"; done {_esc(d['done'])} = {d['done_date'] or 'unknown'}" if d["done"] else "")
                + ("; provisional" if d["provisional"] else "")
            )
        if "steps" in view:
            c.print(
                "  steps: "
                + " → ".join(f"{_esc(s['authority'])} {s['action']}" for s in view["steps"])
            )
        if "documents" in view:
            docs = ", ".join(
                f"{_esc(k)}: {'unknown' if v is None else ('submitted' if v else 'not submitted')}"
                for k, v in view["documents"].items()
            )
            c.print(f"  documents: {docs}")
        if view["evaluated"]:
            style = _STATUS_STYLE.get(view["status"], "")
            c.print(f"  status: [{style}]{view['status']}[/]")
            if view["message"]:
                c.print(f"    {_esc(view['message']['zh'])}")
                c.print(f"    {_esc(view['message']['en'])}")
        else:
            why = (
                "the regulation does not apply"
                if verdict.applies is False
                else f"outcome {verdict.outcome.value}"
            )
            c.print(f"  status: not evaluated ({why})")
        missing = view["missing_facts"]
        c.print(f"  missing facts: {_esc(', '.join(missing)) if missing else 'none'}")
        if view["interpretation"]:
            c.print(
                f"  interpretation: {_esc(view['interpretation']['zh'])} / "
                f"{_esc(view['interpretation']['en'])}"
            )
    return EXIT_OK


def _what_would_change(
    compiled: CompiledPack, p: Project, on: date | None, rules: set[str] | None, fmt: Fmt
) -> int:
    from .explain_render import print_counterfactuals

    verdict = _evaluate(compiled, p, on)
    cfs = verdict.counterfactuals(rules)
    if fmt is Fmt.json:
        _dump(
            {
                "pack": compiled.id,
                "as_of": verdict.as_of,
                "outcome": verdict.outcome.value,
                "counterfactuals": [cf.model_dump(mode="json") for cf in cfs],
            }
        )
    else:
        c = _console()
        c.print(f"[bold]{_esc(compiled.id)}[/bold] as of {verdict.as_of}: {verdict.outcome.value}")
        print_counterfactuals(c, cfs)
    return EXIT_OK


@app.command(
    name="what-if",
    epilog="Example:  govit-rules what-if project.yaml -j dazhou --set total_investment=199.99",
)
def what_if_cmd(
    project: _PROJECT,
    set_: Annotated[
        list[str],
        typer.Option(
            "--set",
            "-s",
            help="fact=value, repeatable; the value is read with the fact's type "
            "(money exact in 万元, dates YYYY-MM-DD, sets a,b,c, 'unknown' drops the fact).",
        ),
    ],
    jurisdiction: _JURISDICTION = None,
    as_of: _AS_OF = None,
    pack: _PACK = None,
    fmt: _FORMAT = Fmt.text,
) -> int:
    """The verdict diff between the project and the project with some facts changed.

    Lists the outcome, and every finding, approval route and deadline whose result
    differs, with its citation.
    """
    from .._engine.whatif import diff_verdicts, parse_assignments
    from .explain_render import print_diff

    updates = parse_assignments(set_)
    on = _parse_date(as_of)
    p = load_project_file(project)
    compiled = _get_pack(jurisdiction, pack, on)
    diff = diff_verdicts(compiled, p, updates, _evaluate(compiled, p, on))
    if fmt is Fmt.json:
        _dump(diff.model_dump(mode="json"))
    else:
        print_diff(_console(), diff)
    return EXIT_OK


@app.command(epilog="Example:  govit-rules boundaries -j dazhou --format json")
def boundaries(
    jurisdiction: _JURISDICTION = None,
    as_of: _AS_OF = None,
    pack: _PACK = None,
    fmt: _FORMAT = Fmt.text,
) -> int:
    """Every threshold, period and exception of a pack, with its inclusive side and citation."""
    from .._engine.boundaries import boundaries as pack_boundaries
    from .explain_render import print_boundaries

    compiled = _get_pack(jurisdiction, pack, _parse_date(as_of))
    items = pack_boundaries(compiled)
    if fmt is Fmt.json:
        _dump({"pack": compiled.id, "boundaries": [b.model_dump(mode="json") for b in items]})
    else:
        print_boundaries(_console(), compiled.id, items)
    return EXIT_OK


# --- compare --------------------------------------------------------------------------------


def compare_rows(
    p: Project, as_of: date | None, packs: Sequence[tuple[str, Callable[[], CompiledPack]]]
) -> list[dict[str, Any]]:
    """One row per jurisdiction; a pack that fails to load gives an error row."""
    from ..errors import GovitRulesError, PackError

    rows: list[dict[str, Any]] = []
    for name, get in packs:
        foreign: list[str] = []
        try:
            compiled = get()
            judged = p
            if p.submitted_documents:
                # Document ids are each pack's own: a project written for one pack is
                # judged by another on the documents that pack knows, and the row says so.
                foreign = sorted(p.submitted_documents - compiled.documents.keys())
                if foreign:
                    judged = p.model_copy(
                        update={
                            "submitted_documents": p.submitted_documents & compiled.documents.keys()
                        }
                    )
            v = _evaluate(compiled, judged, as_of)
        except PackError as exc:
            first = str(exc.problems[0]) if exc.problems else exc.summary
            more = f" (+{len(exc.problems) - 1} more)" if len(exc.problems) > 1 else ""
            rows.append({"jurisdiction": name, "error": f"{exc.summary}: {first}{more}"})
            continue
        except (GovitRulesError, OSError) as exc:
            rows.append({"jurisdiction": name, "error": str(exc).splitlines()[0]})
            continue
        missed = [d.rule_id for d in v.deadlines if d.status.value in ("missed", "too_early")]
        prohibitions = [
            {"rule": f.rule_id, "citation": f.citation.en, "citation_zh": f.citation.zh}
            for f in v.findings
            if f.kind == "prohibition" and f.status.value == "violated"
        ]
        route = v.route("project_approval")
        rows.append(
            {
                "jurisdiction": name,
                "pack": v.pack.id,
                "version": v.pack.version,
                "applies": v.applies,
                "outcome": v.outcome.value,
                "final_approver": route.final_approver if route else None,
                "final_approver_citation": route.citation.en if route else None,
                "deadlines": sum(1 for d in v.deadlines if d.status.value != "not_applicable"),
                "missed": missed,
                "prohibitions": prohibitions,
                "documents_not_in_pack": foreign,
            }
        )
    return rows


@app.command(epilog="Example:  govit-rules compare project.yaml --as-of 2026-11-25 --format json")
def compare(
    project: _PROJECT,
    as_of: _AS_OF = None,
    pack: Annotated[
        list[Path] | None,
        typer.Option(
            "--pack",
            "-p",
            help="Compare these pack folders (repeatable) instead of every shipped pack.",
        ),
    ] = None,
    fmt: _FORMAT = Fmt.text,
) -> int:
    """The same project under every shipped jurisdiction, side by side.

    For each: whether the regulation applies, the outcome, the final approver of
    project_approval, deadlines (counted, missed) and prohibitions hit. A pack that
    fails to load shows as an error row.
    """
    from .._api import get_pack, jurisdictions, load_pack

    on = _parse_date(as_of)
    p = load_project_file(project)
    packs: list[tuple[str, Callable[[], CompiledPack]]]
    if pack:
        packs = [(str(d), (lambda d=d: load_pack(d))) for d in pack]  # type: ignore[misc]
    else:
        packs = [(j, (lambda j=j: get_pack(j, on))) for j in jurisdictions()]  # type: ignore[misc]
    rows = compare_rows(p, on, packs)
    if fmt is Fmt.json:
        _dump({"as_of": on or date.today(), "rows": rows})
        return EXIT_OK
    from rich.table import Table

    table = Table(title=f"as of {on or date.today()}", show_lines=False)
    for col in (
        "jurisdiction",
        "applies",
        "outcome",
        "final approver",
        "deadlines / missed",
        "prohibitions hit",
    ):
        table.add_column(col)
    for r in rows:
        if "error" in r:
            table.add_row(_esc(r["jurisdiction"]), "", "[red]error[/red]", _esc(r["error"]), "", "")
            continue
        applies = {True: "yes", False: "no", None: "unknown"}[r["applies"]]
        approver = r["final_approver"] or "—"
        if r["final_approver_citation"]:
            approver += f" ({r['final_approver_citation']})"
        prohib = ", ".join(f"{x['rule']} ({x['citation']})" for x in r["prohibitions"]) or "—"
        table.add_row(
            _esc(f"{r['jurisdiction']} ({r['pack']} {r['version']})"),
            applies,
            f"[{_OUTCOME_STYLE[r['outcome']]}]{r['outcome']}[/]",
            _esc(approver),
            f"{r['deadlines']} / {len(r['missed'])}",
            _esc(prohib),
        )
    _console().print(table)
    left_out = [
        f"{r['jurisdiction']} {len(r['documents_not_in_pack'])}"
        for r in rows
        if r.get("documents_not_in_pack")
    ]
    if left_out:
        print(
            "submitted documents a pack does not declare were left out for it: "
            + ", ".join(left_out)
        )
    return EXIT_OK


# --- lint -----------------------------------------------------------------------------------

_PACK_DIR = Annotated[
    Path,
    typer.Argument(
        help="A rule pack folder (holding pack.yaml).", show_default=False, metavar="PACK_DIR"
    ),
]


def _load(pack_dir: Path) -> CompiledPack:
    from .._packs.loader import load_pack

    return load_pack(pack_dir)


@app.command(epilog="Example:  govit-rules lint rulepacks/dazhou")
def lint(
    pack_dir: _PACK_DIR,
    fmt: _FORMAT = Fmt.text,
    regulations: Annotated[
        Path | None,
        typer.Option(
            "--regulations",
            help="A folder holding the regulation's text (pack.yaml document.source): "
            "also check the index's paragraph and item counts and copied wording.",
        ),
    ] = None,
) -> int:
    """Find what a schema cannot see: band gaps and overlaps, dead rules, untested articles.

    Reports, as path:line:col: code: message: route-gap / route-overlap (money bands of
    alternative routes), never-holds / always-holds (conditions), untested-article,
    untested-threshold (no case on the boundary), untested-anchor (deadline start never
    given), missing-interpretation (damaged article), pack-warning. Exit 1 when anything
    is found.
    """
    from .._tools.lint import lint_pack

    compiled = _load(pack_dir)
    problems = lint_pack(compiled, regulations=regulations)
    if fmt is Fmt.json:
        _dump(
            {
                "pack": compiled.id,
                "problems": [
                    {
                        "path": x.path,
                        "line": x.line,
                        "col": x.col,
                        "code": x.code,
                        "message": x.message,
                    }
                    for x in problems
                ],
            }
        )
    else:
        for x in problems:
            print(str(x))
        print(
            f"{len(problems)} problem(s) in pack {compiled.id}"
            if problems
            else f"pack {compiled.id}: no lint problems"
        )
    return 1 if problems else EXIT_OK


@app.command("new")
def new(
    pack_id: Annotated[str, typer.Argument(help="The new pack's id (lower case, e.g. wuhan).")],
    text: Annotated[
        Path, typer.Option("--text", help="The official text of the measures (UTF-8).")
    ],
    out: Annotated[
        Path | None,
        typer.Option("--out", help="The pack folder to create (default: rulepacks/<id>)."),
    ] = None,
) -> int:
    """Start a pack from a regulation's text: article index, metadata, rule candidates.

    Writes articles.yaml (every 章/条/款/项 of the text, each article marked not yet
    encoded), pack.yaml (title, document number, issuer and date where found) and
    rules/candidates.yaml (thresholds, periods, prohibitions and document lists found, as
    commented candidates with their citations). See docs/new-jurisdiction.md.
    """
    import re as _re

    from .._tools.newpack import new_pack, write_new_pack

    if not _re.fullmatch(r"[a-z0-9][a-z0-9_.-]*", pack_id):
        _fail(f"a pack id is lower-case letters, digits, '.', '_' or '-'; got {pack_id!r}")
    try:
        source = text.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        _fail(f"cannot read the text {text}: {exc}")
    folder = out or Path("rulepacks") / pack_id
    if folder.exists():
        _fail(f"{folder} exists already; name another folder with --out")
    made = new_pack(pack_id, source)
    if not made.parsed.articles:
        _fail(f"no article (第一条 …) found in {text}")
    written = write_new_pack(made, folder, text.name)
    kinds: dict[str, int] = {}
    for c in made.candidates:
        kinds[c.kind] = kinds.get(c.kind, 0) + 1
    print(
        f"{folder}: {len(made.parsed.articles)} articles in {len(made.parsed.chapters)} chapters; "
        f"candidates: " + (", ".join(f"{n} {k}" for k, n in sorted(kinds.items())) or "none")
    )
    for path in written:
        print(f"  wrote {path}")
    return EXIT_OK


# --- test -----------------------------------------------------------------------------------


@app.command(name="test", epilog="Example:  govit-rules test rulepacks/dazhou")
def test_cmd(
    pack_dirs: Annotated[
        list[Path],
        typer.Argument(
            help="One or more rule pack folders.", show_default=False, metavar="PACK_DIR"
        ),
    ],
    fmt: _FORMAT = Fmt.text,
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="Also list the cases that pass.")
    ] = False,
) -> int:
    """Run the packs' YAML test cases (tests/*.yaml) without pytest.

    Each failure shows the case name, file:line, the article it pins and what differed.
    The last line is 'N passed, M failed'. Exit 1 when a case fails.
    """
    from .._tools.coverage import load_cases
    from .._tools.testing import check_case

    passed = failed = 0
    results: list[dict[str, Any]] = []
    for d in pack_dirs:
        compiled = _load(d)
        cases, problems = load_cases(compiled)
        by_file: dict[str, list[Problem]] = {}
        for prob in problems:
            by_file.setdefault(prob.path, []).append(prob)
        for file, probs in by_file.items():  # a test file that does not load: one failure
            failed += 1
            lines = [str(x) for x in probs]
            results.append(
                {
                    "pack": compiled.id,
                    "file": file,
                    "line": probs[0].line,
                    "name": None,
                    "article": None,
                    "passed": False,
                    "failures": lines,
                }
            )
            if fmt is Fmt.text:
                print(f"FAIL {file}: the test file does not load")
                for line in lines:
                    print(f"     {line}")
        for lc in cases:
            r = check_case(compiled, lc)
            results.append(
                {
                    "pack": compiled.id,
                    "file": str(lc.file),
                    "line": lc.line,
                    "name": lc.name,
                    "article": lc.case.article,
                    "passed": r.passed,
                    "failures": list(r.failures),
                }
            )
            if r.passed:
                passed += 1
                if verbose and fmt is Fmt.text:
                    print(f"ok   {_display_path(lc.file)}:{lc.line}: {lc.name}")
                continue
            failed += 1
            if fmt is Fmt.text:
                print(
                    f"FAIL {_display_path(lc.file)}:{lc.line}: {lc.name} (pins {lc.case.article})"
                )
                for line in r.failures:
                    print(f"     {line}")
    if fmt is Fmt.json:
        _dump({"passed": passed, "failed": failed, "cases": results})
    else:
        print(f"{passed} passed, {failed} failed")
    return 1 if failed else EXIT_OK


def _display_path(path: Path) -> str:
    try:
        return str(Path(path).resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


# --- coverage -------------------------------------------------------------------------------


def _pack_dirs(given: Sequence[Path] | None) -> list[Path]:
    if given:
        return list(given)
    from .._packs.loader import iter_pack_dirs
    from .._packs.registry import shipped_packs_dir

    return list(iter_pack_dirs(shipped_packs_dir()))


@app.command(epilog="Example:  govit-rules coverage rulepacks/dazhou --fail-under 100")
def coverage(
    pack_dirs: _PACK_DIRS = None,
    fail_under: Annotated[
        float,
        typer.Option(
            "--fail-under",
            help="Exit 1 when a pack pins fewer than PCT% of its operative articles.",
        ),
    ] = 0.0,
    fmt: _FORMAT = Fmt.text,
    summary: Annotated[
        bool, typer.Option("--summary", help="Only the totals, not article by article.")
    ] = False,
) -> int:
    """Article coverage: which articles are encoded (by which rules) and tested (by which cases).

    Operative articles are those encoded by a rule; one is tested when a case's article
    lies within it or a case pins a rule citing it. Exit 1 when a pack's tested share is
    below --fail-under; 64 when a pack does not load.
    """
    from .._tools.coverage import pack_coverage
    from ..errors import GovitRulesError, PackError

    reports: list[Any] = []
    errors: list[tuple[Path, list[str]]] = []
    for d in _pack_dirs(pack_dirs):
        try:
            reports.append(pack_coverage(_load(d)))
        except PackError as exc:
            errors.append((d, [str(p) for p in exc.problems] or [exc.summary]))
        except GovitRulesError as exc:
            errors.append((d, [str(exc)]))
    below = [r for r in reports if r.percent < fail_under]
    if fmt is Fmt.json:
        _dump(
            {
                "fail_under": fail_under,
                "passed": not below and not errors,
                "packs": [r.as_dict() for r in reports],
                "errors": [{"path": str(d), "problems": lines} for d, lines in errors],
            }
        )
    else:
        _print_coverage(reports, errors, summary, fail_under)
    if errors:
        return EXIT_USAGE
    return 1 if below else EXIT_OK


def _print_coverage(
    reports: Sequence[Any],
    errors: Sequence[tuple[Path, list[str]]],
    summary: bool,
    fail_under: float,
) -> None:
    from rich.table import Table

    c = _console()
    if not summary:
        for r in reports:
            table = Table(title=f"{r.pack} {r.version}", title_justify="left")
            for col in ("article", "title", "encoded by / not checkable", "tested by"):
                table.add_column(col)
            for a in r.articles:
                enc = (
                    ", ".join(a.rules)
                    if a.operative
                    else f"[dim]text not known yet: {_esc(a.unknown_text)}[/dim]"
                    if a.unknown_text
                    else f"[dim]not checkable: {_esc(a.not_checkable)}[/dim]"
                )
                if a.operative:
                    tested = (
                        "; ".join(_esc(f"{t.name} ({t.file}:{t.line})") for t in a.tested_by)
                        or "[red]untested[/red]"
                    )
                else:
                    tested = "[dim]—[/dim]"
                table.add_row(
                    f"Art. {a.article}",
                    _esc(f"{a.title_zh} {a.title_en}"),
                    enc if not a.operative else _esc(enc),
                    tested,
                )
            c.print(table)
            for p in r.problems:
                c.print(f"[yellow]{_esc(p)}[/yellow]")
    totals = Table(
        title="coverage" + (f" (fail under {fail_under:g}%)" if fail_under else ""),
        title_justify="left",
    )
    for col in ("pack", "articles", "encoded", "not checkable", "operative tested", "%"):
        totals.add_column(col, justify="right" if col != "pack" else "left")
    for r in reports:
        style = "red" if r.percent < fail_under else "green"
        totals.add_row(
            r.pack,
            str(r.total),
            str(r.encoded),
            str(r.not_checkable),
            f"{r.tested}/{r.operative}",
            f"[{style}]{r.percent:.1f}%[/]",
        )
    for d, _lines in errors:
        totals.add_row(_esc(str(d)), "[red]does not load[/red]", "", "", "", "")
    c.print(totals)
    for d, lines in errors:
        _err(f"{d}: the pack does not load:")
        for line in lines:
            _err(line)


# --- docs -----------------------------------------------------------------------------------


@app.command(
    epilog=(
        "Examples:  govit-rules docs --out docs/packs/  ·  "
        "govit-rules docs --out docs/packs/ --check"
    )
)
def docs(
    pack_dirs: _PACK_DIRS = None,
    out: Annotated[
        Path, typer.Option("--out", "-o", help="Folder for the pack pages, <pack>.md each.")
    ] = Path("docs/packs"),
    model_out: Annotated[
        Path | None,
        typer.Option(
            "--model-out",
            help="Where to write the project model page (default: project-model.md next to --out).",
        ),
    ] = None,
    check_only: Annotated[
        bool,
        typer.Option(
            "--check",
            help="Write nothing; exit 1 when a committed page differs from the generated one.",
        ),
    ] = False,
) -> int:
    """Generate the Markdown reference pages: one per pack, and the project model.

    Output is deterministic, so --check can tell whether the committed pages are stale.
    A pack that does not load is reported (exit 64) and its page left alone.
    """
    from .._tools.docs import (
        DocFile,
        render_pack_page,
        render_project_model,
        stale_files,
        write_files,
    )
    from ..errors import GovitRulesError, PackError

    files: list[DocFile] = []
    errors = 0
    for d in _pack_dirs(pack_dirs):
        try:
            compiled = _load(d)
        except PackError as exc:
            errors += 1
            _err(f"{d}: the pack does not load; its page is left as it is:")
            for p in exc.problems:
                _err(str(p))
            continue
        except GovitRulesError as exc:
            errors += 1
            _err(f"{d}: {exc}")
            continue
        files.append(DocFile(out / f"{compiled.id}.md", render_pack_page(compiled)))
    model_path = model_out if model_out is not None else out.parent / "project-model.md"
    files.append(DocFile(model_path, render_project_model()))
    if check_only:
        stale = stale_files(files)
        for path in stale:
            state = "stale" if path.exists() else "missing"
            _err(f"{path}: {state}; run govit-rules docs --out {out}/ to write it")
        if stale:
            return 1
        print(f"{len(files)} page(s) up to date")
    else:
        changed = write_files(files)
        for path in changed:
            print(f"wrote {path}")
        print(f"{len(files)} page(s), {len(changed)} changed")
    return EXIT_USAGE if errors else EXIT_OK


# --- schema ---------------------------------------------------------------------------------


@app.command(epilog="Example:  govit-rules schema rules > schemas/rules.json")
def schema(
    kind: Annotated[
        SchemaKind,
        typer.Argument(
            help="project, pack, articles, rules or tests.", show_default=False, metavar="KIND"
        ),
    ],
) -> int:
    """Print the JSON Schema of project files or of one kind of pack file.

    Point your editor at it with a modeline on the first line of a YAML file:
    # yaml-language-server: $schema=./schemas/rules.json
    """
    from .._api import pack_schema, project_schema

    data = project_schema() if kind is SchemaKind.project else pack_schema(kind.value)  # type: ignore[arg-type]
    _dump(data)
    return EXIT_OK


# --- watch ----------------------------------------------------------------------------------


@app.command(epilog="Example:  govit-rules watch events.yaml --due-within 14")
def watch(
    events: Annotated[
        str,
        typer.Argument(
            help="The lifecycle events file ('-' reads standard input).",
            show_default=False,
            metavar="EVENTS",
        ),
    ],
    fmt: _FORMAT = Fmt.text,
    due_within: Annotated[
        int, typer.Option("--due-within", help="Alert on deadlines due within N days.")
    ] = 30,
) -> int:
    """Watch a project's lifecycle events and alert on deadlines due, missed or at risk.

    Provided by the lifecycle monitor (govit_rules._engine.monitor); exit 64 when it is not installed.
    """
    try:
        from .watch import watch_cli
    except ImportError:
        _fail(
            "the lifecycle monitor is not installed (govit_rules._engine.monitor could not be imported)"
        )
    code: int = watch_cli(events, fmt.value, due_within)
    return code


# --- serve ----------------------------------------------------------------------------------


@app.command(epilog="Example:  govit-rules serve --port 8000  (then open http://127.0.0.1:8000/)")
def serve(
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[
        int, typer.Option("--port", help="Port to listen on.", min=1, max=65535)
    ] = 8000,
    packs: Annotated[
        list[Path] | None,
        typer.Option(
            "--packs",
            help="Serve the packs in this folder (repeatable) instead of the shipped ones.",
        ),
    ] = None,
    workers: Annotated[int, typer.Option("--workers", help="Worker processes.", min=1, max=64)] = 1,
    reload_packs: Annotated[
        bool,
        typer.Option("--reload-packs", help="Watch the pack folders and swap changed packs in."),
    ] = False,
) -> int:
    """Serve the HTTP API (/v1, OpenAPI at /docs) and the analysts' workbench page at /.

    Needs the \\[serve] extra: pip install 'govit-rules\\[serve]'. See docs/service.md.
    """
    try:
        from .._service import serve as run_service
    except ImportError:  # pragma: no cover - the module ships with the library
        _fail("the service is not installed")
    try:
        import fastapi  # noqa: F401
        import uvicorn  # noqa: F401
    except ImportError:
        _fail("govit-rules serve needs the [serve] extra: pip install 'govit-rules[serve]'")
    run_service(host=host, port=port, packs=packs, workers=workers, reload_packs=reload_packs)
    return EXIT_OK


# --- audit, simulate (portfolios; the [portfolio] extra) ------------------------------------

from .portfolio import audit_cmd, simulate_cmd  # noqa: E402 - needs app's helpers

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
            _err(line)
        return
    problems = _problems_of(exc)
    if problems:
        for p in problems:
            _err(str(p))
        summary = getattr(exc, "summary", "")
        if summary:
            _err(f"govit-rules: {summary}")
        return
    if isinstance(exc, OSError):
        where = exc.filename or ""
        _err(f"{where}: {exc.strerror or exc}" if where else f"govit-rules: error: {exc}")
        return
    if isinstance(exc, yaml.YAMLError):
        mark = getattr(exc, "problem_mark", None)
        where = f"{mark.name}:{mark.line + 1}:{mark.column + 1}: " if mark else ""
        _err(f"{where}parse: {getattr(exc, 'problem', None) or exc}")
        return
    if isinstance(exc, json.JSONDecodeError):
        _err(f"{exc.lineno}:{exc.colno}: parse: {exc.msg}")
        return
    if isinstance(exc, GovitRulesError):
        for line in str(exc).splitlines() or [type(exc).__name__]:
            _err(f"govit-rules: error: {line}")
        return
    _err(f"govit-rules: error: {exc}")  # pragma: no cover


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
        _err("govit-rules: aborted")
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
        _err(f"govit-rules: internal error: {type(exc).__name__}: {exc}")
        _err(
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
