"""Lint for rule packs: the problems a schema and the loader cannot see.

Owns ``govit-rules lint``. A pack that loads is well formed; lint looks for what is
probably wrong in a well-formed pack:

* ``route-gap`` / ``route-overlap``: route rules sharing one ``route`` name are
  alternatives picked by their ``when``; lint walks every money band (``at_least``,
  ``above``, ``at_most``, ``below`` on one numeric fact) and reports values no rule picks
  (between the bands, or above the top one) and values several rules pick;
* ``never-holds`` / ``always-holds``: a condition no project can satisfy (contradictory
  bands in one ``all``) or that every project satisfies (an absent ``when`` is fine);
* ``untested-article``: a rule's citation that no test case's ``article:`` pins;
* ``untested-rule``: a rule no test case names (by id in ``findings``, ``deadlines`` or
  ``interpretations``, or through its route in ``final_approver`` or ``route_steps``);
* ``untested-threshold``: a numeric or date threshold that no test case sits exactly on;
* ``untested-anchor``: a deadline whose anchor fact no test case gives;
* ``missing-interpretation``: a rule citing a damaged article (also through
  ``also_cite``) without an interpretation note;
* ``pack-warning``: the loader's warnings; plus the problems of test files that do not load;
* ``literal-words``: a rule listing kinds of work (``project_nature``) or of delivery
  (``delivery_mode``) instead of naming the regulation's word as a set in pack.yaml
  ``sets``; ``set-differs``: a set whose word another shipped pack defines with other
  values, without an interpretation saying why;
* with the regulation's text at hand (``--regulations DIR``): ``index-mismatch``, an
  article whose paragraphs or items the index counts otherwise than the text, and
  ``copied-text``, a message sharing 16 or more consecutive characters with the text.

A problem that is intended is acknowledged with a YAML comment on the rule's first line
or on the line just above it: ``# lint: allow route-gap`` (several codes: comma-separated).

Conditions are piecewise constant between the literals they test, so lint decides them
exactly by evaluating each at every literal, between literals and beyond them, for every
combination of the values the other facts are tested against (bounded in size; a condition
comparing two facts is left alone).
"""

from __future__ import annotations

from pathlib import Path

from ..._lang.facts import fact_types
from ..._packs.loader import CompiledPack
from ...errors import Problem
from ..coverage import load_cases
from .cases import case_projects, check_tests
from .places import allowed
from .regulation import check_damaged, check_text, regulation_text
from .routes import check_routes
from .satisfiable import check_satisfiable
from .words import check_words

__all__ = ["lint_pack", "regulation_text"]


def lint_pack(pack: CompiledPack, *, regulations: Path | str | None = None) -> list[Problem]:
    """Every lint problem of a loaded pack, sorted by place.

    With ``regulations`` (a folder holding the pack's ``document.source`` file), the
    index and the messages are also checked against the regulation's text.
    """
    types = fact_types(pack.project_model)
    cases, problems = load_cases(pack)
    projects = case_projects(cases, pack.project_model)
    out: list[Problem] = list(problems)
    out += check_routes(pack, types)
    for rule in pack.rules:
        out += check_satisfiable(rule, types)
    out += check_tests(pack, cases, projects)
    out += check_damaged(pack)
    out += check_words(pack)
    text = regulation_text(pack, regulations)
    if text is not None:
        out += check_text(pack, text)
    pack_yaml = pack.path / "pack.yaml"
    try:
        shown = str(pack_yaml.relative_to(Path.cwd()))
    except ValueError:
        shown = str(pack_yaml)
    out += [Problem(shown, 1, 1, "pack-warning", w) for w in pack.warnings]
    out = [p for p in out if not allowed(p)]
    return sorted(out, key=lambda p: (p.path, p.line, p.col, p.code))
