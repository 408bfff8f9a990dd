"""The commands for pack authors: ``lint``, ``new``, ``test``, ``coverage``, ``docs`` and
``schema``.

Each parses its arguments, asks the analysts' tools (``_tools/``) and prints their answer:
problems as ``path:line:col: code: message``, test results, coverage tables, the pages
written and the JSON schemas.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from .common import (
    EXIT_OK,
    EXIT_USAGE,
    FORMAT,
    JURISDICTION,
    PACK,
    PACK_DIR,
    PACK_DIRS,
    Fmt,
    choose_pack,
    dump,
    err,
    esc,
    fail,
    load_pack_dir,
    make_console,
)

if TYPE_CHECKING:
    from ..errors import Problem

__all__ = ["coverage", "docs", "lint", "new", "schema", "test_cmd"]


class SchemaKind(StrEnum):
    project = "project"
    pack = "pack"
    articles = "articles"
    rules = "rules"
    tests = "tests"


def lint(
    pack_dir: PACK_DIR,
    fmt: FORMAT = Fmt.text,
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

    compiled = load_pack_dir(pack_dir)
    problems = lint_pack(compiled, regulations=regulations)
    if fmt is Fmt.json:
        dump(
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
        fail(f"a pack id is lower-case letters, digits, '.', '_' or '-'; got {pack_id!r}")
    try:
        source = text.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        fail(f"cannot read the text {text}: {exc}")
    folder = out or Path("rulepacks") / pack_id
    if folder.exists():
        fail(f"{folder} exists already; name another folder with --out")
    made = new_pack(pack_id, source)
    if not made.parsed.articles:
        fail(f"no article (第一条 …) found in {text}")
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


def test_cmd(
    pack_dirs: Annotated[
        list[Path],
        typer.Argument(
            help="One or more rule pack folders.", show_default=False, metavar="PACK_DIR"
        ),
    ],
    fmt: FORMAT = Fmt.text,
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
        compiled = load_pack_dir(d)
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
        dump({"passed": passed, "failed": failed, "cases": results})
    else:
        print(f"{passed} passed, {failed} failed")
    return 1 if failed else EXIT_OK


def _display_path(path: Path) -> str:
    try:
        return str(Path(path).resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _pack_dirs(given: Sequence[Path] | None) -> list[Path]:
    if given:
        return list(given)
    from .._packs.loader import iter_pack_dirs
    from .._packs.registry import shipped_packs_dir

    return list(iter_pack_dirs(shipped_packs_dir()))


def coverage(
    pack_dirs: PACK_DIRS = None,
    fail_under: Annotated[
        float,
        typer.Option(
            "--fail-under",
            help="Exit 1 when a pack pins fewer than PCT% of its operative articles.",
        ),
    ] = 0.0,
    fmt: FORMAT = Fmt.text,
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
            reports.append(pack_coverage(load_pack_dir(d)))
        except PackError as exc:
            errors.append((d, [str(p) for p in exc.problems] or [exc.summary]))
        except GovitRulesError as exc:
            errors.append((d, [str(exc)]))
    below = [r for r in reports if r.percent < fail_under]
    if fmt is Fmt.json:
        dump(
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

    c = make_console()
    if not summary:
        for r in reports:
            table = Table(title=f"{r.pack} {r.version}", title_justify="left")
            for col in ("article", "title", "encoded by / not checkable", "tested by"):
                table.add_column(col)
            for a in r.articles:
                enc = (
                    ", ".join(a.rules)
                    if a.operative
                    else f"[dim]text not known yet: {esc(a.unknown_text)}[/dim]"
                    if a.unknown_text
                    else f"[dim]not checkable: {esc(a.not_checkable)}[/dim]"
                )
                if a.operative:
                    tested = (
                        "; ".join(esc(f"{t.name} ({t.file}:{t.line})") for t in a.tested_by)
                        or "[red]untested[/red]"
                    )
                else:
                    tested = "[dim]—[/dim]"
                table.add_row(
                    f"Art. {a.article}",
                    esc(f"{a.title_zh} {a.title_en}"),
                    enc if not a.operative else esc(enc),
                    tested,
                )
            c.print(table)
            for p in r.problems:
                c.print(f"[yellow]{esc(p)}[/yellow]")
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
        totals.add_row(esc(str(d)), "[red]does not load[/red]", "", "", "", "")
    c.print(totals)
    for d, lines in errors:
        err(f"{d}: the pack does not load:")
        for line in lines:
            err(line)


def docs(
    pack_dirs: PACK_DIRS = None,
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
            compiled = load_pack_dir(d)
        except PackError as exc:
            errors += 1
            err(f"{d}: the pack does not load; its page is left as it is:")
            for p in exc.problems:
                err(str(p))
            continue
        except GovitRulesError as exc:
            errors += 1
            err(f"{d}: {exc}")
            continue
        files.append(DocFile(out / f"{compiled.id}.md", render_pack_page(compiled)))
    model_path = model_out if model_out is not None else out.parent / "project-model.md"
    files.append(DocFile(model_path, render_project_model()))
    if check_only:
        stale = stale_files(files)
        for path in stale:
            state = "stale" if path.exists() else "missing"
            err(f"{path}: {state}; run govit-rules docs --out {out}/ to write it")
        if stale:
            return 1
        print(f"{len(files)} page(s) up to date")
    else:
        changed = write_files(files)
        for path in changed:
            print(f"wrote {path}")
        print(f"{len(files)} page(s), {len(changed)} changed")
    return EXIT_USAGE if errors else EXIT_OK


def schema(
    kind: Annotated[
        SchemaKind,
        typer.Argument(
            help="project, pack, articles, rules or tests.", show_default=False, metavar="KIND"
        ),
    ],
    jurisdiction: JURISDICTION = None,
    pack: PACK = None,
) -> int:
    """Print the JSON Schema of project files or of one kind of pack file.

    Point your editor at it with a modeline on the first line of a YAML file:
    # yaml-language-server: $schema=./schemas/rules.json
    With -j or --pack, the project schema is that pack's: its own facts included, and the
    facts its rules read marked x-used-by.
    """
    from .._api import pack_schema, project_schema

    if kind is SchemaKind.project:
        data = (
            project_schema(pack=choose_pack(jurisdiction, pack, None))
            if jurisdiction or pack
            else project_schema()
        )
    elif jurisdiction or pack:
        fail("-j and --pack choose the project schema of a pack; the pack file schemas are one")
    else:
        data = pack_schema(kind.value)  # type: ignore[arg-type]
    dump(data)
    return EXIT_OK
