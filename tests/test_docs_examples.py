"""Every example in README.md and docs/ runs here, so that the docs cannot drift.

The conventions (documented for writers in docs/testing.md, "Examples in the docs are
tests"):

* Every ``*.md`` page of the repository's top level and of ``docs/`` (sub-folders included)
  is read; a new page is picked up without touching this file.
* A page runs in a scratch copy of the repository's data (``rulepacks``, ``tests/fixtures``,
  ``examples``, ``schemas``, ``docs``), so its examples see the paths of the repository root
  and may write files without touching the checkout. The blocks of a page run in order in
  that one folder: a block may use a file an earlier block made.
* ``python`` blocks run as they stand, each in a fresh namespace; what they print is not
  checked (their ``assert`` statements are).
* ``sh``, ``console``, ``shell`` and ``bash`` blocks run command by command. When a block
  has ``$ `` prompt lines, those are the commands and the lines after each are its output,
  compared after stripping trailing whitespace; a line holding only ``...`` (or ``…``)
  stands for any number of lines, and ``...`` or ``…`` inside a line for any text. Without
  prompts, every line that is not blank or a comment is a command and its output is not
  shown. A command exits 0 unless ``# exit N`` ends its line or an ``echo $?`` after it
  shows the code; a ``govit-rules check`` whose shown output has an ``Outcome:`` line
  exits with that outcome's code. ``govit-rules ...`` commands run in-process; anything
  else (pipes, ``cp``, ``pytest``) through ``bash`` with the installed scripts on the PATH.
* A fence without a language must not hold a ``$ `` prompt or a line starting
  ``govit-rules``: a command that is not marked ``sh`` or ``console`` would silently escape
  the check (a command synopsis goes in a ``text`` fence).
* An HTML comment on the line before a fence steers it:
  ``<!-- docs-test: skip (reason) -->`` leaves the block out (the reason is mandatory and
  the number of skips is capped); ``<!-- docs-test: write PATH -->`` and
  ``<!-- docs-test: append PATH -->`` save the block's text to ``PATH`` instead of running
  it. A comment ``<!-- docs-test: run COMMAND -->`` on a line of its own runs ``COMMAND``
  through ``bash`` at that point of the page: an edit the prose describes in words.
"""

from __future__ import annotations

import contextlib
import difflib
import io
import itertools
import os
import re
import shlex
import shutil
import subprocess
import sys
import traceback
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import yaml

from govit_rules._cli.app import EXIT, run
from govit_rules._packs import registry as _registry
from helpers import ROOT

PAGES = sorted([*ROOT.glob("*.md"), *(ROOT / "docs").rglob("*.md")])
COPIED = ("rulepacks", "tests/fixtures", "examples", "schemas", "docs")
RUN_LANGS = {"sh", "console", "shell", "bash"}
# Blocks that cannot run in the suite (installing, starting a server, long campaigns).
# Keep this small: a skipped example is one that can drift.
MAX_SKIPS = 10

_DIRECTIVE = re.compile(r"^\s*<!--\s*docs-test:\s*(?P<verb>\w+)\s*(?P<arg>.*?)\s*-->\s*$")
_FENCE = re.compile(r"^(?P<indent>\s*)(?P<ticks>```+)\s*(?P<lang>[\w+-]*)\s*$")
_ELLIPSIS_LINE = {"...", "…"}
_ELLIPSIS = re.compile(r"\.\.\.|…")
_SHELL_SYNTAX = re.compile(r"[|<>;&$`*]")


@dataclass
class Block:
    page: Path
    line: int  # 1-based line of the opening fence
    lang: str
    text: str
    directive: tuple[str, str] | None = None  # (verb, argument) of the comment above


@dataclass
class Step:
    """One thing a page does, in order: a fenced block or a hidden ``run`` directive."""

    line: int
    block: Block | None = None
    command: str | None = None


@dataclass
class Page:
    path: Path
    steps: list[Step] = field(default_factory=list)
    skips: list[tuple[int, str]] = field(default_factory=list)


def parse_page(path: Path) -> Page:
    """The blocks and directives of a Markdown page, in order.

    Raises ``ValueError`` (naming the line) for a directive it does not know, a skip
    without a reason, or an unterminated fence.
    """
    lines = path.read_text(encoding="utf-8").splitlines()
    page = Page(path)
    pending: tuple[str, str] | None = None
    pending_line = 0
    i = 0
    while i < len(lines):
        line = lines[i]
        m = _DIRECTIVE.match(line)
        if m:
            verb, arg = m["verb"], m["arg"]
            where = f"{path.name}:{i + 1}"
            if verb == "run":
                if not arg:
                    raise ValueError(f"{where}: docs-test run needs a command")
                page.steps.append(Step(i + 1, command=arg))
            elif verb == "skip":
                if not re.fullmatch(r"\(.*\S.*\)", arg):
                    raise ValueError(f"{where}: docs-test skip needs a reason: skip (why)")
                pending, pending_line = (verb, arg[1:-1]), i + 1
            elif verb in {"write", "append"}:
                if not arg:
                    raise ValueError(f"{where}: docs-test {verb} needs a path")
                pending, pending_line = (verb, arg), i + 1
            elif verb == "elsewhere":
                # Run by another test (e.g. against a live server): that test must exist.
                if not arg or not (ROOT / arg).is_file():
                    raise ValueError(
                        f"{where}: docs-test elsewhere names the test file that runs it"
                    )
                pending, pending_line = (verb, arg), i + 1
            else:
                raise ValueError(f"{where}: unknown docs-test directive {verb!r}")
            i += 1
            continue
        f = _FENCE.match(line)
        if f:
            ticks, indent = f["ticks"], f["indent"]
            start = i
            body: list[str] = []
            i += 1
            while i < len(lines) and not re.fullmatch(rf"\s*{ticks}`*\s*", lines[i]):
                body.append(lines[i][len(indent) :] if lines[i].startswith(indent) else lines[i])
                i += 1
            if i == len(lines):
                raise ValueError(f"{path.name}:{start + 1}: fence never closed")
            directive = pending if pending and pending_line == start else None
            if pending and not directive:
                raise ValueError(
                    f"{path.name}:{pending_line}: a docs-test directive must be on the line "
                    "just before its fence"
                )
            pending = None
            block = Block(path, start + 1, f["lang"].lower(), "\n".join(body) + "\n", directive)
            if directive and directive[0] == "skip":
                page.skips.append((block.line, directive[1]))
            elif directive and directive[0] == "elsewhere":
                pass
            else:
                page.steps.append(Step(block.line, block=block))
        elif pending and line.strip():
            raise ValueError(
                f"{path.name}:{pending_line}: a docs-test directive must be on the line "
                "just before its fence"
            )
        i += 1
    return page


# --- comparing shown output --------------------------------------------------------------


def output_pattern(expected: str) -> re.Pattern[str]:
    """A regex for shown output: ``...`` lines match any lines, ``...`` in a line any text."""
    parts: list[str] = []
    for line in expected.rstrip("\n").splitlines():
        if line.strip() in _ELLIPSIS_LINE:
            parts.append(r"(?:[^\n]*\n)*?")
        else:
            pieces = _ELLIPSIS.split(line.rstrip())
            parts.append(".*?".join(re.escape(p) for p in pieces) + r"[ \t]*\n")
    return re.compile("".join(parts))


def normalise(output: str) -> str:
    lines = [line.rstrip() for line in output.splitlines()]
    while lines and not lines[-1]:
        lines.pop()
    return "".join(line + "\n" for line in lines)


def output_matches(expected: str, actual: str) -> bool:
    return output_pattern(expected).fullmatch(normalise(actual)) is not None


# --- running a page ----------------------------------------------------------------------


@dataclass
class Command:
    line: int
    text: str
    shown: str | None  # the output the page shows, None when it shows none
    exit_code: int | None  # what the page says it exits with (None: work it out)


def commands_of(block: Block) -> list[Command]:
    lines = block.text.splitlines()
    out: list[Command] = []
    if any(line.startswith("$ ") for line in lines):
        current: Command | None = None
        shown: list[str] = []
        for n, line in enumerate(lines, start=block.line + 1):
            if line.startswith("$ "):
                if current is not None:
                    current.shown = "\n".join(shown) if shown else None
                    out.append(current)
                current, shown = Command(n, line[2:].strip(), None, None), []
            elif current is None:
                if line.strip():
                    raise ValueError(f"{block.page.name}:{n}: output before the first $ prompt")
            else:
                shown.append(line)
        if current is not None:
            current.shown = "\n".join(shown) if shown else None
            out.append(current)
    else:
        for n, line in enumerate(lines, start=block.line + 1):
            if line.strip() and not line.lstrip().startswith("#"):
                out.append(Command(n, line.strip(), None, None))
    # `echo $?` shows the exit code of the command before it.
    for before, after in itertools.pairwise(out):
        if after.text == "echo $?" and after.shown is not None:
            before.exit_code = int(after.shown.strip())
    for cmd in out:
        m = re.search(r"#\s*exit\s+(\d+)\s*$", cmd.text)
        if m:
            cmd.exit_code = int(m[1])
        if cmd.exit_code is None and cmd.text.startswith("govit-rules check") and cmd.shown:
            outcome = re.search(r"^Outcome: (\w+)", cmd.shown, re.MULTILINE)
            if outcome:
                cmd.exit_code = EXIT[outcome[1].lower()]
    return out


def _bash(command: str, cwd: Path) -> tuple[int, str]:
    env = dict(os.environ)
    env.pop("GOVIT_RULES_DEBUG", None)
    bindir = str(Path(sys.executable).parent)
    env.update({"NO_COLOR": "1", "COLUMNS": "160", "PATH": bindir + os.pathsep + env["PATH"]})
    done = subprocess.run(
        ["bash", "-c", command],
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=300,
    )
    return done.returncode, done.stdout


def _in_process(argv: list[str]) -> tuple[int, str]:
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer), contextlib.redirect_stderr(buffer):
        code = run(argv)
    return code, buffer.getvalue()


def run_command(command: str, cwd: Path) -> tuple[int, str]:
    """Run one command line of a page: ``govit-rules`` in-process, the rest in bash."""
    words = shlex.split(command, comments=True)
    plain = _SHELL_SYNTAX.search(command.split("#", 1)[0]) is None
    if words and words[0] == "govit-rules" and plain:
        return _in_process(words[1:])
    return _bash(command, cwd)


def _rel(path: Path) -> str:
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else path.name


def run_page(page: Page, cwd: Path) -> list[str]:
    """Run every step of a page in ``cwd``; return one message per failure."""
    failures: list[str] = []
    name = _rel(page.path)
    for step in page.steps:
        if step.command is not None:
            code, output = _bash(step.command, cwd)
            if code != 0:
                failures.append(f"{name}:{step.line}: run {step.command!r} exited {code}\n{output}")
            continue
        block = step.block
        assert block is not None
        where = f"{name}:{block.line}"
        if block.directive and block.directive[0] in {"write", "append"}:
            target = cwd / block.directive[1]
            target.parent.mkdir(parents=True, exist_ok=True)
            with target.open(
                "a" if block.directive[0] == "append" else "w", encoding="utf-8"
            ) as fh:
                fh.write(block.text)
            continue
        if block.lang == "python":
            try:
                with contextlib.redirect_stdout(io.StringIO()):
                    exec(compile(block.text, where, "exec"), {"__name__": "__docs__"})
            except Exception as exc:
                frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename == where]
                at = f"{name}:{block.line + frames[-1].lineno}" if frames else where
                failures.append(f"{at}: python block raised {type(exc).__name__}: {exc}")
            continue
        if block.lang in RUN_LANGS:
            failures.extend(_run_shell_block(block, cwd))
        elif not block.lang and re.search(r"^(\$ |govit-rules )", block.text, re.MULTILINE):
            failures.append(
                f"{where}: a command in a fence without a language: mark it ```console or "
                "```sh so that it runs, ```text if it is a synopsis, or skip it with a reason"
            )
    return failures


def _run_shell_block(block: Block, cwd: Path) -> list[str]:
    failures: list[str] = []
    last = 0
    for cmd in commands_of(block):
        here = f"{_rel(block.page)}:{cmd.line}"
        if cmd.text == "echo $?":
            code, output = 0, f"{last}\n"
        else:
            with contextlib.chdir(cwd):
                code, output = run_command(cmd.text, cwd)
            last = code
            expected = cmd.exit_code if cmd.exit_code is not None else 0
            if code != expected:
                failures.append(
                    f"{here}: `{cmd.text}` exited {code}, the page implies {expected}\n{output}"
                )
                continue
        if cmd.shown is not None and not output_matches(cmd.shown, output):
            diff = "\n".join(
                difflib.unified_diff(
                    cmd.shown.splitlines(),
                    normalise(output).splitlines(),
                    "shown",
                    "actual",
                    lineterm="",
                )
            )
            failures.append(f"{here}: the output of `{cmd.text}` differs from the page\n{diff}")
    return failures


def scratch_root(tmp_path: Path) -> Path:
    """A copy of the repository's data, laid out as in the checkout."""
    for part in COPIED:
        shutil.copytree(ROOT / part, tmp_path / part)
    return tmp_path


# --- the tests ---------------------------------------------------------------------------


@pytest.mark.parametrize("path", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_example_on_the_page_runs_as_shown(
    path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("GOVIT_RULES_DEBUG", raising=False)
    monkeypatch.setenv("COLUMNS", "160")
    monkeypatch.setenv("NO_COLOR", "1")
    page = parse_page(path)
    if not page.steps:
        pytest.skip("no examples on this page")
    cwd = scratch_root(tmp_path)
    monkeypatch.chdir(cwd)
    # The shipped packs are the scratch copy's, so that paths print as from the repo root.
    monkeypatch.setattr(_registry, "_default", _registry.PackRegistry(cwd / "rulepacks"))
    monkeypatch.setattr(_registry, "shipped_packs_dir", lambda: cwd / "rulepacks")
    failures = run_page(page, cwd)
    assert not failures, "\n\n".join(failures)


def test_skipped_examples_are_few_and_each_says_why() -> None:
    skips = [(p, line, why) for p in PAGES for line, why in parse_page(p).skips]
    assert all(why.strip() for _, _, why in skips)
    assert len(skips) <= MAX_SKIPS, "\n".join(
        f"{p.relative_to(ROOT)}:{line}: skip ({why})" for p, line, why in skips
    )


def test_every_page_of_the_docs_folder_is_checked() -> None:
    names = {p.relative_to(ROOT).as_posix() for p in PAGES}
    assert "README.md" in names
    assert {f"docs/{p.name}" for p in (ROOT / "docs").glob("*.md")} <= names


def test_an_ellipsis_line_stands_for_any_number_of_lines() -> None:
    shown = "first\n...\nlast"
    assert output_matches(shown, "first\nlast\n")
    assert output_matches(shown, "first\na\nb\nlast\n")
    assert not output_matches(shown, "first\na\n")


def test_an_ellipsis_inside_a_line_stands_for_any_text_of_that_line_only() -> None:
    assert output_matches("hash … · as of 2026-11-25", "hash 37125bf96995666a · as of 2026-11-25")
    assert not output_matches("hash … · as of 2026-11-25", "hash x\n · as of 2026-11-25")
    assert not output_matches("hash … · as of 2026-11-25", "hash x · as of 2026-11-26")


def test_output_comparison_ignores_trailing_whitespace_but_not_missing_lines() -> None:
    assert output_matches("a\nb", "a   \nb\n\n")
    assert not output_matches("a\nb", "a\nb\nc\n")
    assert not output_matches("a\nb\nc", "a\nb\n")


def test_a_directive_not_followed_by_its_fence_is_an_error(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text("<!-- docs-test: skip (needs a server) -->\n\ntext\n```sh\nx\n```\n")
    with pytest.raises(ValueError, match="line just before its fence"):
        parse_page(page)


def test_a_skip_without_a_reason_is_an_error(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text("<!-- docs-test: skip -->\n```sh\nx\n```\n")
    with pytest.raises(ValueError, match="needs a reason"):
        parse_page(page)


def test_the_exit_code_comes_from_echo_a_comment_or_the_shown_outcome(tmp_path: Path) -> None:
    block = Block(
        tmp_path / "p.md",
        1,
        "console",
        "$ govit-rules lint x   # exit 1\n"
        "$ govit-rules check p.yaml -j dazhou\nOutcome: PROHIBITED\n"
        "$ govit-rules test y\n$ echo $?\n3\n"
        "$ govit-rules schema project\n",
    )
    assert [c.exit_code for c in commands_of(block)] == [1, 2, 3, None, None]


def test_a_failing_python_block_is_reported_at_its_line_of_the_page(tmp_path: Path) -> None:
    page = tmp_path / "p.md"
    page.write_text("text\n\n```python\nx = 1\nassert x == 2\n```\n")
    failures = run_page(parse_page(page), tmp_path)
    assert len(failures) == 1 and failures[0].startswith(
        "p.md:5: python block raised AssertionError"
    )


def test_a_transcript_in_a_fence_without_a_language_fails(tmp_path: Path) -> None:
    page = tmp_path / "p.md"
    page.write_text("```\n$ govit-rules --help\n```\n")
    failures = run_page(Page(page, parse_page(page).steps), tmp_path)
    assert failures and "mark it ```console" in failures[0]
    page.write_text("```\ngovit-rules check P -j dazhou\n```\n```text\ngovit-rules check P\n```\n")
    assert len(run_page(Page(page, parse_page(page).steps), tmp_path)) == 1


# --- the README's pack table -------------------------------------------------------------


_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _count(files: list[Path], key: str) -> int:
    total = 0
    for f in files:
        data = yaml.load(f.read_text(encoding="utf-8"), Loader=_LOADER) or {}
        total += len(data.get(key) or [])
    return total


def pack_table() -> str:
    """The README's table of shipped packs, counted from the pack files themselves."""
    rows = [
        "| pack | regulation | articles | rules | test cases |",
        "|---|---|---:|---:|---:|",
    ]
    for folder in sorted(p.parent for p in (ROOT / "rulepacks").glob("*/pack.yaml")):
        head = yaml.safe_load((folder / "pack.yaml").read_text(encoding="utf-8"))
        doc = head["document"]
        issued = doc["number"] or str(doc["issued"])[:4]
        articles = _count([folder / "articles.yaml"], "articles")
        rules = _count(sorted(folder.glob("rules/*.yaml")), "rules")
        cases = _count(sorted(folder.glob("tests/*.yaml")), "cases")
        rows.append(
            f"| `{head['pack']}` | {doc['title']['zh']} ({issued}) | {articles} | {rules} | {cases} |"
        )
    return "\n".join(rows) + "\n"


def test_the_readme_pack_table_counts_what_the_packs_hold() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = pack_table()
    assert table in readme, f"README.md's pack table is stale; replace it with:\n\n{table}"
