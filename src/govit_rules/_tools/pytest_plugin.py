"""The pytest plugin: pack YAML tests as test items, and fixtures for users' own suites.

Owns collection of ``<pack>/tests/*.yaml`` (any folder whose parent holds a
``pack.yaml``), one pytest item per case, named by the case's sentence, with a failure
report that lists every expectation that differed. Registered through the ``pytest11``
entry point, so installing govit-rules is enough.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from .._packs.loader import CompiledPack, load_pack
from ..errors import GovitRulesError
from .testing import LoadedCase, check_case, load_test_file

_PACKS: dict[Path, CompiledPack] = {}


def _pack_for(test_file: Path) -> CompiledPack:
    root = test_file.parent.parent.resolve()
    if root not in _PACKS:
        _PACKS[root] = load_pack(root)
    return _PACKS[root]


def pytest_collect_file(parent: pytest.Collector, file_path: Path) -> pytest.Collector | None:
    if (
        file_path.suffix in (".yaml", ".yml")
        and file_path.parent.name == "tests"
        and (file_path.parent.parent / "pack.yaml").is_file()
    ):
        return PackTestFile.from_parent(parent, path=file_path)
    return None


class PackTestFile(pytest.File):
    def collect(self) -> Iterator[pytest.Item]:
        try:
            pack = _pack_for(self.path)
            cases = load_test_file(self.path, pack)
        except GovitRulesError as exc:
            yield PackLoadItem.from_parent(
                self, name="the pack and its test file load", error=str(exc)
            )
            return
        for lc in cases:
            yield PackCaseItem.from_parent(self, name=lc.name, pack=pack, case=lc)


class PackLoadItem(pytest.Item):
    def __init__(self, *, error: str, **kw: Any) -> None:
        super().__init__(**kw)
        self.error = error

    def runtest(self) -> None:
        raise PackCaseFailure(self.error)

    def repr_failure(self, excinfo: Any, style: Any = None) -> str:
        return str(excinfo.value)

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.path, 0, self.name


class PackCaseFailure(Exception):
    pass


class PackCaseItem(pytest.Item):
    def __init__(self, *, pack: CompiledPack, case: LoadedCase, **kw: Any) -> None:
        super().__init__(**kw)
        self.pack = pack
        self.case = case

    def runtest(self) -> None:
        result = check_case(self.pack, self.case)
        if result.failures:
            raise PackCaseFailure("\n".join(result.failures))

    def repr_failure(self, excinfo: Any, style: Any = None) -> str:
        if isinstance(excinfo.value, PackCaseFailure):
            c = self.case
            return f"{c.file}:{c.line}: case {c.name!r} (pins {c.case.article})\n  " + str(
                excinfo.value
            ).replace("\n", "\n  ")
        return str(super().repr_failure(excinfo))

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.path, self.case.line - 1, f"{self.case.case.article}: {self.name}"


@pytest.fixture
def govit_pack() -> Any:
    """A function returning the shipped pack of a jurisdiction: ``govit_pack("dazhou")``."""
    from .._api import get_pack

    return get_pack


@pytest.fixture
def govit_evaluate() -> Any:
    """``govit_evaluate(project, "dazhou", as_of=...)``: evaluate and return the verdict."""
    from .._api import evaluate

    return evaluate
