"""Rendering verdicts for people: the ``check`` report, ``explain`` views and ``compare``.

Owns the Rich text of a verdict (findings grouped by status, approval routes, deadlines,
documents, missing facts), of the explanation views built by ``_engine/explain_view.py`` and of
the rows built by ``_engine/compare.py``. Nothing here decides anything.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from .common import esc, make_console

if TYPE_CHECKING:
    from rich.console import Console

    from .._vocab.verdict import Verdict

__all__ = [
    "OUTCOME_STYLE",
    "STATUS_STYLE",
    "print_comparison",
    "print_explanations",
    "print_verdict",
]

_STATUS_ORDER = ("violated", "out_of_scope", "unknown", "required", "satisfied", "not_applicable")
STATUS_STYLE = {
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
OUTCOME_STYLE = {
    "compliant": "bold green",
    "non_compliant": "bold red",
    "prohibited": "bold red",
    "needs_information": "bold yellow",
    "not_applicable": "bold",
    "not_in_force": "bold",
}


def _cite(ref: Any) -> str:
    return f"{ref.zh} / {ref.en}"


# A long cycle shows its first and last years; the compact JSON lists every one.
_SHOWN_YEARS = 12


def occurrences_text(occurrences: Sequence[dict[str, Any]]) -> str:
    """A yearly deadline's years: ``2022 missed (due 2022-12-31); 2023 met on 2023-12-20``."""
    parts = []
    for o in occurrences:
        status = str(getattr(o["status"], "value", o["status"]))
        on = f" on {o['done_date']}" if o.get("done_date") else f" (due {o['due']})"
        parts.append(f"{o['year']} {status}{on}")
    if len(parts) > _SHOWN_YEARS:
        half = _SHOWN_YEARS // 2
        parts = [*parts[:half], f"… {len(parts) - 2 * half} more", *parts[-half:]]
    return "; ".join(parts)


def print_verdict(
    verdict: Verdict, *, show_all: bool = False, console: Console | None = None
) -> None:
    """The human report of a verdict."""
    c = console or make_console()
    v = verdict
    info = v.pack
    title = f"[bold]{esc(info.title.zh)}[/bold] — {esc(info.title.en)}"
    if info.document_number:
        title += f" ({esc(info.document_number)})"
    c.print(title)
    c.print(f"pack {esc(info.id)} {esc(info.version)} · hash {info.content_hash} · as of {v.as_of}")
    if not v.in_force:
        c.print(f"[bold]Not in force[/bold] on {v.as_of}")
    else:
        applies = {
            True: "[green]yes[/green]",
            False: "[bold]no[/bold]",
            None: "[yellow]unknown[/yellow]",
        }[v.applies]
        cites = "; ".join(dict.fromkeys(esc(_cite(r)) for r in v.applicability.citations))
        c.print(f"Applies: {applies}" + (f" — {cites}" if cites else ""))
        if v.applicability.missing_facts:
            c.print(f"  would be decided by: {esc(', '.join(v.applicability.missing_facts))}")
    c.print(f"Outcome: [{OUTCOME_STYLE[v.outcome.value]}]{v.outcome.value.upper()}[/]")

    groups: dict[str, list[Any]] = {}
    for f in v.findings:
        groups.setdefault(f.status.value, []).append(f)
    for status in _STATUS_ORDER:
        items = groups.get(status, [])
        if not items or (status == "not_applicable" and not show_all):
            continue
        style = STATUS_STYLE.get(status, "")
        c.print()
        c.print(f"[{style}]{status.replace('_', ' ').capitalize()} ({len(items)})[/]")
        for f in items:
            c.print(
                f"  [{style}]●[/] [bold]{esc(f.rule_id)}[/bold] ({f.kind}) {esc(_cite(f.citation))}"
            )
            for also in f.also_cites:
                c.print(f"      also {esc(_cite(also))}")
            c.print(f"      {esc(f.message.zh)}")
            c.print(f"      {esc(f.message.en)}")
            if f.missing_facts:
                c.print(f"      [yellow]missing:[/yellow] {esc(', '.join(f.missing_facts))}")
            if f.interpretation is not None:
                c.print(f"      [italic]interpretation:[/italic] {esc(f.interpretation.zh)}")
                c.print(f"                      {esc(f.interpretation.en)}")
    skipped = [
        r for r in getattr(v, "not_applicable", []) if r not in {f.rule_id for f in v.findings}
    ]
    if skipped and show_all:
        c.print()
        c.print(f"[dim]Not applicable, their conditions do not hold ({len(skipped)})[/dim]")
        c.print(f"  [dim]{esc(', '.join(skipped))}[/dim]")
    hidden = len(groups.get("not_applicable", [])) + len(skipped)
    if hidden and not show_all:
        c.print(f"\n[dim]{hidden} not applicable finding(s) hidden; --all shows them[/dim]")

    if v.approval_routes:
        c.print("\n[bold]Approval routes[/bold]")
        for r in v.approval_routes:
            c.print(
                f"  {esc(r.route)} {esc(r.title.zh)} / {esc(r.title.en)} — {esc(r.rule_id)} "
                f"{esc(_cite(r.citation))}"
            )
            for i, s in enumerate(r.steps, 1):
                to = f" → {esc(s.to_zh)} ({esc(s.to_en)})" if s.to else ""
                c.print(
                    f"    {i}. {esc(s.authority_zh)} ({esc(s.authority_en)}) {esc(s.action_zh)}"
                    f"{to} [dim]{esc(s.authority)} {s.action}{' ' + esc(s.to) if s.to else ''}[/dim]"
                )
            if r.final_approver:
                step = next(s for s in reversed(r.steps) if s.authority == r.final_approver)
                c.print(
                    f"    final approver: [bold]{esc(r.final_approver)}[/bold] "
                    f"({esc(step.authority_zh)} / {esc(step.authority_en)})"
                )
            elif r.filed_with:
                c.print(
                    f"    no approval: the route ends in a filing with [bold]{esc(r.filed_with)}[/bold]"
                )
    if v.deadlines:
        shown = [d for d in v.deadlines if show_all or d.status.value != "not_applicable"]
        if shown:
            c.print("\n[bold]Deadlines[/bold]")
        for d in shown:
            style = STATUS_STYLE.get(d.status.value, "")
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
                f"  [{style}]{d.status.value}[/] [bold]{esc(d.rule_id)}[/bold] "
                f"{esc(_cite(d.citation))}"
            )
            c.print(
                f"      {esc(d.period)} from {esc(d.anchor)} = "
                f"{d.anchor_date or d.anchor_year or 'not given'} → {when}"
                + (
                    f"; done {esc(d.done)}"
                    + ("" if d.occurrences else f" = {d.done_date or 'not given'}")
                    if d.done
                    else ""
                )
                + (f" [{', '.join(flags)}]" if flags else "")
            )
            if d.occurrences:
                c.print(
                    f"      each year: {esc(occurrences_text([o.model_dump() for o in d.occurrences]))}"
                )
            c.print(f"      [dim]calendar: {esc(d.calendar)}[/dim]")
            c.print(f"      {esc(d.message.zh)}")
            c.print(f"      {esc(d.message.en)}")
            if d.missing_facts:
                c.print(f"      [yellow]missing:[/yellow] {esc(', '.join(d.missing_facts))}")
            if d.interpretation is not None:
                c.print(
                    f"      [italic]interpretation:[/italic] {esc(d.interpretation.zh)} / "
                    f"{esc(d.interpretation.en)}"
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
                f"  {esc(doc.id)} {esc(doc.zh)} / {esc(doc.en)} — submitted: {sub} "
                f"[dim]({esc(doc.rule_id)}, {esc(doc.citation.en)})[/dim]"
            )
    if v.missing_facts:
        c.print("\n[bold]Missing facts[/bold] (give them to decide the rules named)")
        for m in v.missing_facts:
            c.print(f"  {esc(m.fact)} {esc(m.zh)} — decides {esc(', '.join(m.rules))}")
    if v.warnings:
        c.print("\n[bold yellow]Warnings[/bold yellow]")
        for w in v.warnings:
            c.print(f"  {esc(w)}")


def _print_tree(c: Console, node: dict[str, Any], indent: int) -> None:
    pad = "  " * indent
    res = node["result"]
    style = {"true": "green", "false": "red", "unknown": "yellow"}[res]
    if node["node"] == "always":
        c.print(f"{pad}(always) → [{style}]{res}[/]")
    elif node["node"] == "test":
        value = node["value"] if node["value"] is not None else "unknown"
        c.print(
            f"{pad}{esc(node['test'])}   [dim]value[/dim] {esc(value)}   "
            f"[dim]threshold[/dim] {esc(node['threshold'])}   → [{style}]{res}[/]"
        )
    else:
        c.print(f"{pad}{node['node']} → [{style}]{res}[/]")
        for part in node["parts"]:
            _print_tree(c, part, indent + 1)


def print_explanations(views: Sequence[dict[str, Any]], verdict: Verdict) -> None:
    """The ``explain`` views of some rules, one block each."""
    c = make_console()
    for i, view in enumerate(views):
        if i:
            c.print()
        cit = view["citation"]
        c.print(
            f"[bold]{esc(view['rule'])}[/bold] ({view['kind']}) "
            f"{esc(cit['zh'])} / {esc(cit['en'])}"
            f"  [dim]{esc(view['source'])}[/dim]"
        )
        for cond in view["conditions"]:
            c.print(f"  {cond['name']}:")
            _print_tree(c, cond["tree"], 2)
        if "deadline" in view:
            d = view["deadline"]
            c.print(
                f"  deadline: {esc(d['period'])} from {esc(d['anchor'])} = "
                f"{d['anchor_date'] or 'unknown'}"
                + (f"; due {d['due']}" if d["due"] else "")
                + (f"; window {d['earliest']} – {d['latest']}" if d["latest"] else "")
                + (
                    f"; done {esc(d['done'])}"
                    # A yearly deadline's reports are listed year by year below.
                    + ("" if d.get("occurrences") else f" = {d['done_date'] or 'unknown'}")
                    if d["done"]
                    else ""
                )
                + ("; provisional" if d["provisional"] else "")
            )
            if d.get("occurrences"):
                c.print(f"  each year: {esc(occurrences_text(d['occurrences']))}")
        if "steps" in view:
            c.print(
                "  steps: "
                + " → ".join(f"{esc(s['authority'])} {s['action']}" for s in view["steps"])
            )
        if "documents" in view:
            docs = ", ".join(
                f"{esc(k)}: {'unknown' if v is None else ('submitted' if v else 'not submitted')}"
                for k, v in view["documents"].items()
            )
            c.print(f"  documents: {docs}")
        if view["evaluated"]:
            style = STATUS_STYLE.get(view["status"], "")
            c.print(f"  status: [{style}]{view['status']}[/]")
            if view["message"]:
                c.print(f"    {esc(view['message']['zh'])}")
                c.print(f"    {esc(view['message']['en'])}")
        else:
            why = (
                "the regulation does not apply"
                if verdict.applies is False
                else f"outcome {verdict.outcome.value}"
            )
            c.print(f"  status: not evaluated ({why})")
        missing = view["missing_facts"]
        c.print(f"  missing facts: {esc(', '.join(missing)) if missing else 'none'}")
        if view["interpretation"]:
            c.print(
                f"  interpretation: {esc(view['interpretation']['zh'])} / "
                f"{esc(view['interpretation']['en'])}"
            )


def print_comparison(rows: Sequence[dict[str, Any]], on: date | None) -> None:
    """The ``compare`` table, then the documents left out and the facts needed per pack."""
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
            table.add_row(esc(r["jurisdiction"]), "", "[red]error[/red]", esc(r["error"]), "", "")
            continue
        applies = {True: "yes", False: "no", None: "unknown"}[r["applies"]]
        approver = r["final_approver"] or "—"
        if r["final_approver_citation"]:
            approver += f" ({r['final_approver_citation']})"
        prohib = ", ".join(f"{x['rule']} ({x['citation']})" for x in r["prohibitions"]) or "—"
        table.add_row(
            esc(f"{r['jurisdiction']} ({r['pack']} {r['version']})"),
            applies,
            f"[{OUTCOME_STYLE[r['outcome']]}]{r['outcome']}[/]",
            esc(approver),
            f"{r['deadlines']} / {len(r['missed'])}",
            esc(prohib),
        )
    make_console().print(table)
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
    unread = [
        f"{r['jurisdiction']} ({', '.join(r['facts_not_read'])})"
        for r in rows
        if r.get("facts_not_read")
    ]
    if unread:
        print("facts of other packs that a pack does not read: " + "; ".join(unread))
    needed = [
        f"{r['jurisdiction']} {len(r['facts_needed'])}" for r in rows if r.get("facts_needed")
    ]
    if needed:
        print(
            "facts a pack needs that the project does not give (--format json lists them): "
            + ", ".join(needed)
        )
