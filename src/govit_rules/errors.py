"""The exceptions govit-rules raises, and the located problems they carry.

Every exception derives from :class:`GovitRulesError`, so a caller can catch one type::

    GovitRulesError
    ├── PackError                 a rule pack failed to load; .problems lists every problem
    ├── ProjectValidationError    a project is invalid; .problems lists every bad field
    ├── UnknownJurisdictionError  no shipped pack has that jurisdiction id
    ├── PackNotFoundError         no pack is in force at the requested date, or no pack folder
    ├── CitationSyntaxError       a citation string could not be parsed (also a ValueError)
    ├── InvalidArgumentError      an API argument of the wrong type or value (also a TypeError)
    ├── ReteUnavailableError      durable-rules is missing (the [rete] extra; not on Python 3.13)
    ├── ReteEncodingError         a value cannot be carried exactly into durable-rules
    ├── PortfolioError            a portfolio file is unreadable; .problems locates each bad cell
    ├── ReformError               a reform overlay is invalid or breaks its pack (a PackError)
    └── VerdictDetachedError      a verdict read back from JSON cannot say what would change it

Problems are collected, never thrown one at a time: a broken pack reports all its problems
as ``path:line:col: code: message`` lines in one error.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = [
    "CitationSyntaxError",
    "GovitRulesError",
    "InvalidArgumentError",
    "PackError",
    "PackNotFoundError",
    "PortfolioError",
    "Problem",
    "ProjectValidationError",
    "ReformError",
    "ReteEncodingError",
    "ReteUnavailableError",
    "UnknownJurisdictionError",
    "VerdictDetachedError",
]


@dataclass(frozen=True, slots=True)
class Problem:
    """One located problem: where, a stable code, and what is wrong and what is allowed."""

    path: str
    line: int
    col: int
    code: str
    message: str

    def __str__(self) -> str:
        where = self.path
        if self.line:
            where += f":{self.line}:{self.col}"
        return f"{where}: {self.code}: {self.message}"


class GovitRulesError(Exception):
    """Base of every govit-rules error."""


class _ProblemsError(GovitRulesError):
    problems: tuple[Problem, ...]

    def __init__(self, summary: str, problems: list[Problem] | tuple[Problem, ...]) -> None:
        self.problems = tuple(problems)
        self.summary = summary
        lines = [summary, *(str(p) for p in self.problems)]
        super().__init__("\n".join(lines))

    def __reduce__(self) -> tuple[Any, ...]:
        # Errors cross process boundaries (evaluate_many's workers) with their problems.
        return (type(self), (self.summary, self.problems))


class PackError(_ProblemsError):
    """A rule pack could not be loaded; ``problems`` holds every problem found."""


class ProjectValidationError(_ProblemsError):
    """A project failed validation; ``problems`` names every bad field by its path."""


class UnknownJurisdictionError(GovitRulesError, LookupError):
    """No shipped rule pack has the requested jurisdiction id."""


class PackNotFoundError(GovitRulesError, LookupError):
    """No pack folder at a path, or no version of a jurisdiction's pack at a date."""


class CitationSyntaxError(GovitRulesError, ValueError):
    """A citation string is in none of the accepted forms."""


class InvalidArgumentError(GovitRulesError, TypeError, ValueError):
    """A function of the public API was called with an argument it cannot take."""


class ReteUnavailableError(GovitRulesError, ImportError):
    """durable-rules is not installed or cannot be imported (it fails on Python 3.13)."""


class ReteEncodingError(GovitRulesError, ValueError):
    """A project value cannot be carried exactly in durable-rules' int64 numbers."""


class PortfolioError(_ProblemsError):
    """A portfolio file could not be read; ``problems`` locates each bad column or cell."""


class ReformError(PackError):
    """A reform overlay is invalid or breaks its pack; ``problems`` point into the reform."""


class VerdictDetachedError(GovitRulesError, LookupError):
    """A verdict that no longer knows its pack and project (read from JSON, unpickled)."""
