"""Rule kinds: one module per kind, each owning its keys, preparation and statuses.

``KINDS`` is the table by name (in the order the pack format lists them); ``MAIN_KEY``,
the key of each kind's main condition, is derived from it for the tools that show trees.
A new kind is one new module here, named once in ``KINDS``.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from ._base import COMMON_KEYS, Emitter, Entry, Preparing, RuleKind, StatusRun, Tri, undecided
from .deadline import DEADLINE, DeadlineSpec
from .documents import DOCUMENTS, lacking_documents
from .exemption import EXEMPTION
from .obligation import OBLIGATION
from .prohibition import PROHIBITION
from .route import ROUTE
from .scope import SCOPE

__all__ = [
    "COMMON_KEYS",
    "KINDS",
    "KIND_KEYS",
    "MAIN_KEY",
    "DeadlineSpec",
    "Emitter",
    "Entry",
    "Preparing",
    "RuleKind",
    "StatusRun",
    "Tri",
    "lacking_documents",
    "undecided",
]

KINDS: Mapping[str, RuleKind] = MappingProxyType(
    {k.name: k for k in (SCOPE, PROHIBITION, OBLIGATION, DOCUMENTS, ROUTE, DEADLINE, EXEMPTION)}
)
# The key that holds each kind's main condition (the others have none but ``when``).
MAIN_KEY: Mapping[str, str] = MappingProxyType(
    {name: k.main_key for name, k in KINDS.items() if k.main_key is not None}
)
# Every key some kind has beyond the common ones.
KIND_KEYS: frozenset[str] = frozenset(
    key for k in KINDS.values() for key in k.required | k.optional
)
