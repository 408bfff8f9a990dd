"""Text rendering of counterfactuals, what-if diffs and pack boundaries for the CLI.

Owns how ``explain --what-would-change``, ``what-if`` and ``boundaries`` look to people;
the commands themselves only parse their arguments and call these.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.console import Console
from rich.markup import escape

from .._engine.boundaries import Boundary
from .._engine.counterfactual import Counterfactual, _show
from .._engine.whatif import VerdictDiff

__all__ = ["print_boundaries", "print_counterfactuals", "print_diff"]

_LABEL = {"finding": "", "route": "route ", "deadline": "deadline "}


def _cites(refs: Sequence[Any]) -> str:
    return ", ".join(escape(r.en) for r in refs)


def print_counterfactuals(c: Console, cfs: Sequence[Counterfactual]) -> None:
    """One block per finding, route or deadline: each change, what it gives, its citation."""
    if not cfs:
        c.print("No change of the project's own facts would change this verdict.")
        return
    current = None
    for cf in cfs:
        head = (cf.target, cf.name)
        if head != current:
            current = head
            c.print(
                f"\n[bold]{_LABEL[cf.target]}{escape(cf.name)}[/bold]  now: {escape(cf.before)}"
            )
        if cf.kind == "unknown":
            fact = cf.changes[0].fact
            c.print(f"  [yellow]{escape(fact)} unknown[/yellow]; each value would give:")
            for a in cf.answers:
                c.print(
                    f"    {escape(_show(a.value))} → {escape(a.after)}  [dim](outcome {a.outcome})[/dim]"
                )
        else:
            what = "; ".join(
                f"{escape(ch.fact)} {escape(_show(ch.before))} → {escape(_show(ch.after))}"
                for ch in cf.changes
            )
            c.print(
                f"  [cyan]{cf.kind}[/cyan] {what}  ⇒  {escape(str(cf.after))}"
                f"  [dim](outcome {cf.outcome_after})[/dim]"
            )
            for x in cf.crossing:
                if x.side is not None:
                    c.print(f"    {escape(x.side.en)} [dim]{escape(f'[{x.rule_id}]')}[/dim]")
            if cf.calendar is not None:
                c.print(f"    {escape(cf.calendar.en)}")
        c.print(f"    [dim]cites {_cites(cf.cites)}[/dim]")


def print_diff(c: Console, diff: VerdictDiff) -> None:
    """The what-if diff: the changes made, then everything they change."""
    what = "; ".join(
        f"{escape(ch.fact)} {escape(_show(ch.before))} → {escape(_show(ch.after))}"
        for ch in diff.changes
    )
    c.print(f"[bold]what if[/bold] {what}  [dim]({escape(diff.pack)}, as of {diff.as_of})[/dim]")
    outcome = (
        f"{diff.outcome_before} → {diff.outcome_after}"
        if diff.outcome_before != diff.outcome_after
        else f"{diff.outcome_before} (unchanged)"
    )
    c.print(f"outcome: {outcome}")
    if not diff.changed:
        c.print("nothing else changes")
        return
    for title, rows in (
        ("findings", diff.findings),
        ("routes", diff.routes),
        ("deadlines", diff.deadlines),
    ):
        if rows:
            c.print(f"\n[bold]{title}[/bold]")
            for r in rows:
                cite = f"  [dim]({escape(r.citation.en)})[/dim]" if r.citation else ""
                c.print(f"  {escape(r.name)}: {escape(r.before)} → {escape(r.after)}{cite}")


def print_boundaries(c: Console, pack_id: str, items: Sequence[Boundary]) -> None:
    """Every threshold, period and exception of a pack with its side and citation."""
    c.print(f"[bold]{escape(pack_id)}[/bold]: {len(items)} boundaries")
    for b in items:
        c.print(
            f"  [cyan]{b.kind}[/cyan] {escape(b.rule_id)} ({b.condition}): {escape(b.test)}"
            f"  [dim]{_cites(b.cites)}[/dim]"
        )
        c.print(f"    {escape(b.side.en)}")
