"""The service's packs: loaded once per worker, swapped atomically when a pack folder changes.

Owns :class:`ServicePacks`. Each pack folder keeps its last good compiled pack and the
problems of its latest load. ``reload()`` (called by the watcher thread of
``--reload-packs``, or by a test) reloads only the folders whose files changed; a change
that does not load keeps the last good pack serving, and its problems are reported at
``GET /v1/packs/{id}/problems``. Compiled packs are immutable, so a request that already
holds one finishes on it while the next request sees the new one.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from .._packs.loader import CompiledPack, load_pack
from .._vocab.suggest import suggestion
from ..errors import (
    GovitRulesError,
    PackError,
    PackNotFoundError,
    Problem,
    UnknownJurisdictionError,
)

__all__ = ["FolderState", "ServicePacks"]

Stamp = tuple[tuple[str, int, int], ...]


def _stamp(folder: Path) -> Stamp:
    """What changes when a pack file is edited, added or removed: names, sizes and times."""
    out = []
    for f in sorted(folder.rglob("*")):
        try:
            if f.is_file():
                st = f.stat()
                out.append((f.relative_to(folder).as_posix(), st.st_mtime_ns, st.st_size))
        except OSError:  # a file removed while we walk: the next poll sees the new state
            continue
    return tuple(out)


def _pack_dirs(root: Path) -> list[Path]:
    """The pack folders under ``root`` (or ``root`` itself when it is one)."""
    if (root / "pack.yaml").is_file():
        return [root.resolve()]
    if not root.is_dir():
        return []
    return [c.resolve() for c in sorted(root.iterdir()) if (c / "pack.yaml").is_file()]


@dataclass
class FolderState:
    """One pack folder: its last good pack and the problems of its latest load."""

    folder: Path
    stamp: Stamp = ()
    pack: CompiledPack | None = None
    problems: tuple[Problem, ...] = ()
    reloads: int = 0
    name: str = field(default="")

    @property
    def pack_id(self) -> str:
        return self.pack.jurisdiction if self.pack is not None else self.name


class ServicePacks:
    """Every pack under some folders, by jurisdiction id, with reload on change."""

    def __init__(self, roots: list[Path]) -> None:
        self.roots = [Path(r) for r in roots]
        self._lock = threading.Lock()
        self._folders: dict[Path, FolderState] = {}
        self.reload()

    # -- loading -------------------------------------------------------------------------

    def reload(self) -> list[str]:
        """Reload the folders that changed (and find new ones); return their pack ids."""
        changed: list[str] = []
        seen: set[Path] = set()
        for root in self.roots:
            for folder in _pack_dirs(root):
                seen.add(folder)
                stamp = _stamp(folder)
                with self._lock:
                    old = self._folders.get(folder)
                if old is not None and old.stamp == stamp:
                    continue
                state = self._load(folder, stamp, old)
                with self._lock:  # the swap: readers see the old state or the new, whole
                    self._folders[folder] = state
                changed.append(state.pack_id)
        with self._lock:
            for gone in set(self._folders) - seen:
                # A deleted folder keeps serving its last good pack, with a problem saying so.
                st = self._folders[gone]
                if not st.problems or st.problems[0].code != "pack-removed":
                    self._folders[gone] = FolderState(
                        gone,
                        (),
                        st.pack,
                        (Problem(str(gone), 0, 0, "pack-removed", "the pack folder is gone"),),
                        st.reloads + 1,
                        st.name,
                    )
        return changed

    @staticmethod
    def _load(folder: Path, stamp: Stamp, old: FolderState | None) -> FolderState:
        name = _head_id(folder)
        reloads = old.reloads + 1 if old is not None else 0
        last_good = old.pack if old is not None else None
        try:
            pack = load_pack(folder)
        except PackError as exc:
            return FolderState(folder, stamp, last_good, exc.problems, reloads, name)
        except (GovitRulesError, OSError) as exc:
            problem = Problem(str(folder), 0, 0, "pack-unreadable", str(exc).splitlines()[0])
            return FolderState(folder, stamp, last_good, (problem,), reloads, name)
        return FolderState(folder, stamp, pack, (), reloads, pack.jurisdiction)

    # -- lookup --------------------------------------------------------------------------

    def states(self) -> list[FolderState]:
        with self._lock:
            return list(self._folders.values())

    def jurisdictions(self) -> list[str]:
        return sorted({s.pack_id for s in self.states()})

    def states_of(self, jurisdiction: str) -> list[FolderState]:
        found = [s for s in self.states() if s.pack_id == jurisdiction]
        if not found:
            raise UnknownJurisdictionError(self.unknown_message(jurisdiction))
        return found

    def suggestion(self, jurisdiction: str) -> str | None:
        return suggestion(jurisdiction, self.jurisdictions())

    def unknown_message(self, jurisdiction: str) -> str:
        hint = self.suggestion(jurisdiction)
        did = f"; did you mean {hint!r}?" if hint else ""
        return (
            f"no rule pack for jurisdiction {jurisdiction!r}{did} "
            f"(available: {', '.join(self.jurisdictions()) or 'none'})"
        )

    def versions(self, jurisdiction: str) -> list[CompiledPack]:
        packs = [s.pack for s in self.states_of(jurisdiction) if s.pack is not None]
        return sorted(packs, key=lambda p: p.in_force_from)

    def get(self, jurisdiction: str, as_of: date | None = None) -> CompiledPack:
        """The version in force on ``as_of`` (today by default), as the library picks it."""
        versions = self.versions(jurisdiction)
        if not versions:
            raise PackNotFoundError(
                f"the pack of {jurisdiction!r} has never loaded; "
                f"see GET /v1/packs/{jurisdiction}/problems"
            )
        on = as_of or date.today()
        for pack in reversed(versions):
            if pack.in_force(on):
                return pack
        return versions[0] if on < versions[0].in_force_from else versions[-1]


def _head_id(folder: Path) -> str:
    """The jurisdiction id a pack folder declares, read without loading the pack."""
    import yaml

    try:
        head = yaml.safe_load((folder / "pack.yaml").read_text(encoding="utf-8"))
        return str(head["jurisdiction"]["id"])
    except Exception:  # a broken head: the folder's name stands in; its problems say why
        return folder.name
