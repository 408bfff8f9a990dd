"""Message templates: a closed formatter of our own, checked when a pack loads.

A pack is data, so a rule's message can only show values the evaluator hands it (project
facts, ``status`` and the computed dates of a deadline); it can never reach Python objects,
loop, or call anything. The whole language:

- ``{{ name }}`` shows a value (an unknown one as ``?``);
- ``{{ name | join("、") }}`` joins a list; ``{{ name | default("未说明") }}`` shows the text
  when the value is unknown or empty; filters chain left to right;
- ``{% if name %}…{% else %}…{% endif %}`` keeps a part when the value is known, not false and
  not empty; the test is a bare name, and ``if`` nests at most :data:`MAX_DEPTH` deep.

Anything else is a :class:`TemplateSyntaxError` at load time. Rendering walks the parsed tree
once, so its cost is linear in the size of the template.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

from .._vocab.suggest import suggest

__all__ = ["FILTERS", "MAX_DEPTH", "MessageTemplate", "TemplateSyntaxError"]

MAX_DEPTH = 4
FILTERS = ("join", "default")

_TAG = re.compile(r"\{\{|\{%|\{#")
_NAME = r"[A-Za-z_][A-Za-z0-9_]*"
_FILTER = re.compile(r"\|\s*(" + _NAME + r')\s*(?:\(\s*(?:"([^"]*)"|\'([^\']*)\')\s*\))?\s*')
_EXPR = re.compile(r"\s*(" + _NAME + r")\s*((?:\|.*)?)$", re.DOTALL)
_STMT = re.compile(r"\s*(if|else|endif)\b\s*(.*?)\s*$", re.DOTALL)


class TemplateSyntaxError(ValueError):
    """A template the closed formatter does not accept, at character ``offset``."""

    def __init__(self, message: str, offset: int) -> None:
        super().__init__(message)
        self.message = message
        self.offset = offset


@dataclass(frozen=True, slots=True)
class _Sub:
    name: str
    filters: tuple[tuple[str, str], ...]


@dataclass(frozen=True, slots=True)
class _If:
    name: str
    then: tuple[Any, ...]
    other: tuple[Any, ...]


def _blank(value: Any) -> bool:
    # Unknown is not false, but a message has nothing to show for it either.
    if value is None or value is False:
        return True
    return isinstance(value, str | Collection) and len(value) == 0


def _shorten(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


class _Parser:
    def __init__(self, source: str) -> None:
        self.source = source
        self.pos = 0
        self.names: list[tuple[str, int]] = []

    def parse(self) -> tuple[Any, ...]:
        nodes, end = self.block(0)
        if end is not None:
            raise TemplateSyntaxError(f"{{% {end[0]} %}} without an open {{% if %}}", end[1])
        return nodes

    def block(self, depth: int) -> tuple[tuple[Any, ...], tuple[str, int] | None]:
        """Nodes up to the next ``else``/``endif`` (returned with its offset) or the end."""
        nodes: list[Any] = []
        src = self.source
        while self.pos < len(src):
            m = _TAG.search(src, self.pos)
            if m is None:
                nodes.append(src[self.pos :])
                self.pos = len(src)
                break
            if m.start() > self.pos:
                nodes.append(src[self.pos : m.start()])
            start, opener = m.start(), m.group()
            if opener == "{#":
                raise TemplateSyntaxError("comments ({# … #}) are not part of a message", start)
            closer = "}}" if opener == "{{" else "%}"
            stop = src.find(closer, m.end())
            if stop < 0:
                raise TemplateSyntaxError(f"{opener} is never closed by {closer}", start)
            inner = src[m.end() : stop]
            self.pos = stop + 2
            if opener == "{{":
                nodes.append(self.expression(inner, start))
                continue
            stmt = _STMT.match(inner)
            if stmt is None:
                word = _shorten(inner.strip().split(" ")[0] if inner.strip() else "")
                raise TemplateSyntaxError(
                    f"unknown statement {{% {word} %}}; a message allows only "
                    "{% if name %}, {% else %} and {% endif %}",
                    start,
                )
            kind, rest = stmt.group(1), stmt.group(2)
            if kind != "if":
                if rest:
                    raise TemplateSyntaxError(f"{{% {kind} %}} takes nothing after it", start)
                return tuple(nodes), (kind, start)
            if not re.fullmatch(_NAME, rest):
                raise TemplateSyntaxError(
                    f"the test of {{% if %}} must be one bare name, not {_shorten(rest)!r}", start
                )
            if depth + 1 > MAX_DEPTH:
                raise TemplateSyntaxError(f"{{% if %}} nests more than {MAX_DEPTH} deep", start)
            self.names.append((rest, start))
            then, end = self.block(depth + 1)
            other: tuple[Any, ...] = ()
            if end is not None and end[0] == "else":
                other, end = self.block(depth + 1)
                if end is not None and end[0] == "else":
                    raise TemplateSyntaxError("a second {% else %} in one {% if %}", end[1])
            if end is None:
                raise TemplateSyntaxError("{% if %} is never closed by {% endif %}", start)
            nodes.append(_If(rest, then, other))
        return tuple(nodes), None

    def expression(self, inner: str, start: int) -> _Sub:
        m = _EXPR.match(inner)
        if m is None:
            raise TemplateSyntaxError(
                f"{{{{ {_shorten(inner.strip())} }}}} is not a name with optional filters; "
                'write {{ name }}, {{ name | join("、") }} or {{ name | default("…") }}',
                start,
            )
        name, rest = m.group(1), m.group(2)
        filters: list[tuple[str, str]] = []
        at = 0
        while at < len(rest):
            f = _FILTER.match(rest, at)
            if f is None:
                raise TemplateSyntaxError(
                    f"cannot read the filter {_shorten(rest[at:].strip())!r}; "
                    'a filter is | join("text") or | default("text")',
                    start,
                )
            fname, arg = f.group(1), f.group(2) if f.group(2) is not None else f.group(3)
            if fname not in FILTERS:
                raise TemplateSyntaxError(
                    f"unknown filter {_shorten(fname)!r}{suggest(fname, FILTERS)}; "
                    f"filters: {', '.join(FILTERS)}",
                    start,
                )
            if arg is None:
                raise TemplateSyntaxError(
                    f'the filter {fname} takes one quoted text: {fname}("…")', start
                )
            filters.append((fname, arg))
            at = f.end()
        self.names.append((name, start))
        return _Sub(name, tuple(filters))


def _show(node: _Sub, ctx: Mapping[str, Any]) -> str:
    value = ctx.get(node.name)
    for fname, arg in node.filters:
        if fname == "join":
            if isinstance(value, list | tuple | frozenset | set):
                value = arg.join(str(x) for x in value)
        elif _blank(value) and value is not False:
            value = arg
    return "?" if value is None else str(value)


def _render(nodes: tuple[Any, ...], ctx: Mapping[str, Any], out: list[str]) -> None:
    for node in nodes:
        if isinstance(node, str):
            out.append(node)
        elif isinstance(node, _Sub):
            out.append(_show(node, ctx))
        else:
            _render(node.other if _blank(ctx.get(node.name)) else node.then, ctx, out)


class MessageTemplate:
    """One message template, parsed once; raises :class:`TemplateSyntaxError` if malformed."""

    __slots__ = ("_nodes", "name_offsets", "source")

    def __init__(self, source: str) -> None:
        self.source = source
        parser = _Parser(source)
        self._nodes = parser.parse()
        self.name_offsets: tuple[tuple[str, int], ...] = tuple(parser.names)

    @property
    def names(self) -> frozenset[str]:
        return frozenset(name for name, _ in self.name_offsets)

    def render(self, ctx: Mapping[str, Any]) -> str:
        out: list[str] = []
        _render(self._nodes, ctx, out)
        return "".join(out)
