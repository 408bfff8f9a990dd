"""The route kind: the approval route a project takes (``route``, ``steps``).

A route that applies is ``required`` and listed among the verdict's approval routes; one
whose ``when`` is unknown is unknown. The route itself never depends on the project.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..._lang.clock import Clock
from ..._vocab.project import Project
from ..._vocab.suggest import suggest
from ..._vocab.verdict import Status
from ._base import Emitter, Entry, Preparing, RuleKind, StatusRun, Tri

if TYPE_CHECKING:
    from ..compiled import CompiledRule

__all__ = ["ROUTE"]

S = Status


class Route(RuleKind):
    name = "route"
    required = frozenset({"route", "steps"})
    optional = frozenset({"when"})

    def prepare(self, prep: Preparing) -> dict[str, Any]:
        spec = prep.spec
        if spec.route not in prep.routes:
            prep.report(
                prep.at("route"),
                "unknown-route",
                f"no route {spec.route!r} in pack.yaml routes{suggest(spec.route, prep.routes)}",
            )
        for i, step in enumerate(spec.steps or []):
            for key, who in (("authority", step.authority), ("to", step.to)):
                if who is not None and who not in prep.authorities:
                    prep.report(
                        prep.at("steps", i, key),
                        "unknown-authority",
                        f"no authority {who!r} in pack.yaml{suggest(who, prep.authorities)}",
                    )
        if not spec.steps:
            prep.report(prep.at("steps"), "missing-key", "a route needs at least one step")
        return {
            "route": spec.route,
            "steps": tuple((s.authority, s.action) for s in spec.steps or ()),
            "step_to": tuple(s.to for s in spec.steps or ()),
        }

    def missing(self, p: Project, entry: Entry, clock: Clock) -> list[str]:
        rule, st = entry[0], entry[1]
        return rule.when_missing(p, clock) if st is S.unknown else []

    def status(self, rule: CompiledRule, w: Tri, not_due: bool, run: StatusRun) -> Entry:
        if w is True:
            run.add_route(rule)
            return (rule, S.required, w, True, False, None)
        return (rule, S.unknown, w, True, False, None)

    def emit(self, rule: CompiledRule, r: str, indent: int, due: str, out: Emitter) -> None:
        out.line(indent, "if w is True:")
        out.line(indent + 1, f"routes.append(_route(ctx.pack, {r}))")
        out.line(indent + 1, f"add(({r}, _REQ, w, True, False, None))")
        out.line(indent, "else:")
        out.line(indent + 1, "unknown = True")
        out.line(indent + 1, f"add(({r}, _UNK, w, True, False, None))")


ROUTE = Route()
