"""Did-you-mean hints for names a person can mistype: facts, rules, jurisdictions, documents.

Owns :func:`suggest`, the one place that decides what counts as "close": the same name in
another case first (``DAZHOU`` for ``dazhou``), then the closest spelling. Every message
that names an unknown identifier appends its result, so the hints read alike everywhere.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

__all__ = ["suggest", "suggestion"]

# difflib is quadratic in the length of the strings compared: a name this long is no
# typo of an identifier, and looking for one would let a hostile input cost seconds.
_MAX_NAME = 100


def suggestion(name: object, candidates: Iterable[object]) -> str | None:
    """The candidate the person most likely meant by ``name``, or ``None``.

    A candidate equal to ``name`` ignoring case wins; otherwise the closest spelling (ignoring
    case) with a similarity ratio of at least 0.6.
    """
    word = str(name)
    choices = [str(c) for c in candidates]
    if not word or len(word) > _MAX_NAME or not choices:
        return None
    folded = word.casefold()
    by_fold: dict[str, str] = {}
    for choice in choices:
        by_fold.setdefault(choice.casefold(), choice)
    if folded in by_fold and by_fold[folded] != word:
        return by_fold[folded]
    close = difflib.get_close_matches(folded, list(by_fold), n=1, cutoff=0.6)
    if close and by_fold[close[0]] != word:
        return by_fold[close[0]]
    return None


def suggest(name: object, candidates: Iterable[object]) -> str:
    """``"; did you mean 'x'?"`` to append to an unknown-name message, or ``""``."""
    match = suggestion(name, candidates)
    return f"; did you mean {match!r}?" if match is not None else ""
