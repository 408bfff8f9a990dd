"""Finding rule packs: the packs shipped in the wheel, and picking the version in force.

Owns :class:`PackRegistry`, a thread-safe, lazily filled cache of compiled packs keyed by
folder. Compiled packs are immutable, so sharing them between threads and callers is
safe; the module-level default registry is only such a cache, never mutable state that
changes results.
"""

from __future__ import annotations

import threading
from datetime import date
from pathlib import Path

import yaml

from .._vocab.suggest import suggest
from .._vocab.vocabulary import shipped_packs_dir
from ..errors import PackNotFoundError, UnknownJurisdictionError
from .loader import CompiledPack, iter_pack_dirs, load_pack

__all__ = ["PackRegistry", "default_registry", "shipped_pack_versions", "shipped_packs_dir"]


def _pack_head(folder: Path) -> dict[str, object]:
    """The parsed ``pack.yaml`` of a folder, without loading the pack; ``{}`` if unreadable."""
    try:
        with (folder / "pack.yaml").open(encoding="utf-8") as fh:
            head = yaml.safe_load(fh)
    except Exception:  # a broken pack shows its problems when it is loaded
        return {}
    return head if isinstance(head, dict) else {}


def shipped_pack_versions() -> list[tuple[str, str]]:
    """``(pack id, version)`` of every shipped pack, read from the headers (nothing compiled)."""
    out = []
    for folder in iter_pack_dirs(shipped_packs_dir()):
        head = _pack_head(folder)
        out.append((str(head.get("pack", folder.name)), str(head.get("version", "?"))))
    return sorted(out)


class PackRegistry:
    """Packs under one folder, by jurisdiction id, each loaded and compiled once."""

    def __init__(self, root: Path | str | None = None) -> None:
        self.root = Path(root) if root is not None else shipped_packs_dir()
        self._lock = threading.Lock()
        self._dirs: dict[str, list[Path]] | None = None
        self._packs: dict[Path, CompiledPack] = {}

    def _index(self) -> dict[str, list[Path]]:
        with self._lock:
            if self._dirs is None:
                found: dict[str, list[Path]] = {}
                for d in iter_pack_dirs(self.root):
                    place = _pack_head(d).get("jurisdiction")
                    jid = str(place.get("id", d.name)) if isinstance(place, dict) else d.name
                    found.setdefault(jid, []).append(d)
                self._dirs = found
            return self._dirs

    def jurisdictions(self) -> list[str]:
        """Every jurisdiction id with at least one pack."""
        return sorted(self._index())

    def load(self, folder: Path) -> CompiledPack:
        with self._lock:
            pack = self._packs.get(folder)
        if pack is None:
            pack = load_pack(folder)
            with self._lock:
                pack = self._packs.setdefault(folder, pack)
        return pack

    def versions(self, jurisdiction: str) -> list[CompiledPack]:
        """Every version of a jurisdiction's pack, oldest first."""
        dirs = self._index().get(jurisdiction)
        if not dirs:
            # Ids are matched exactly: 'DAZHOU' is refused with a hint rather than folded,
            # so that one spelling of an id names a pack in files, verdicts and events alike.
            hint = suggest(jurisdiction, self.jurisdictions())
            raise UnknownJurisdictionError(
                f"no rule pack for jurisdiction {jurisdiction!r}{hint} "
                f"(available: {', '.join(self.jurisdictions()) or 'none'})"
            )
        return sorted((self.load(d) for d in dirs), key=lambda p: p.in_force_from)

    def get(self, jurisdiction: str, as_of: date | None = None) -> CompiledPack:
        """The version in force on ``as_of`` (today by default).

        When no version is in force then, the closest one is returned, so that the verdict
        can say the regulation was not (yet, or any longer) in force.
        """
        on = as_of or date.today()
        versions = self.versions(jurisdiction)
        for pack in reversed(versions):
            if pack.in_force(on):
                return pack
        if not versions:  # pragma: no cover - versions() raises first
            raise PackNotFoundError(jurisdiction)
        if on < versions[0].in_force_from:
            return versions[0]
        return versions[-1]


_default: PackRegistry | None = None
_default_lock = threading.Lock()


def default_registry() -> PackRegistry:
    """The registry of shipped packs (created on first use)."""
    global _default
    with _default_lock:
        if _default is None:
            _default = PackRegistry()
        return _default
