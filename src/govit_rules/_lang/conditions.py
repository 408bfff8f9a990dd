"""The condition language under one name, for the rooms that import it whole.

The language lives in named modules: the tree and its walks (``nodes.py``), fact types
(``facts.py``), parsing with type checking (``parser.py``), compilation to Python
(``compiler.py``), the reference interpreter (``interpreter.py``) and conditions as text
(``text.py``). This module only re-exports them, so the loader, the engines and the
portfolio code keep one import.
"""

from __future__ import annotations

# The did-you-mean hint under its old name, for the loader and the portfolio code.
from .compiler import ConditionCompiler
from .facts import FactKind, FactType, fact_types, known_fact_types
from .interpreter import deciding_missing, interpret
from .nodes import (
    ALL_OPS,
    COMBINATORS,
    DATE_OPS,
    NUMERIC_OPS,
    OP_SYMBOLS,
    PERIOD_UNITS,
    SET_OPS,
    TODAY,
    All,
    AnyOf,
    Cond,
    FactRef,
    Known,
    Not,
    Period,
    Test,
    Tri,
    TrueCond,
    children,
    dated,
    expanded_size,
    facts_of,
    leaves_of,
    reads_today,
    tests_of,
)
from .parser import MAX_DEPTH, MAX_MESSAGE, MAX_NODES, ConditionParser, clip
from .text import cond_text, describe_test

__all__ = [
    "ALL_OPS",
    "COMBINATORS",
    "DATE_OPS",
    "MAX_DEPTH",
    "MAX_MESSAGE",
    "MAX_NODES",
    "NUMERIC_OPS",
    "OP_SYMBOLS",
    "PERIOD_UNITS",
    "SET_OPS",
    "TODAY",
    "All",
    "AnyOf",
    "Cond",
    "ConditionCompiler",
    "ConditionParser",
    "FactKind",
    "FactRef",
    "FactType",
    "Known",
    "Not",
    "Period",
    "Test",
    "Tri",
    "TrueCond",
    "children",
    "clip",
    "cond_text",
    "dated",
    "deciding_missing",
    "describe_test",
    "expanded_size",
    "fact_types",
    "facts_of",
    "interpret",
    "known_fact_types",
    "leaves_of",
    "reads_today",
    "tests_of",
]
