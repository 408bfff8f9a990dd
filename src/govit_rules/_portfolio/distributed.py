"""Portfolios beyond one machine: the same evaluator over a Dask DataFrame.

Owns :func:`evaluate_dask`. Each partition (a pandas frame, Arrow-backed when read from
Parquet) is turned into the typed input frame of the pack's project model, evaluated by
the chosen backend and turned back; the result is a Dask DataFrame with the portfolio
output columns, lazily computed.

The pack travels as its source (:class:`PackSource`: the text of its YAML files and its
content hash), never as compiled code: workers compile it once each and keep it in a
per-process cache keyed by the content hash, so a pack (or a reformed pack whose folder
was temporary) reaches every worker whatever the shared storage. With a
``distributed.Client`` the source is scattered to the workers once.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import polars as pl

from .._packs.loader import CompiledPack, load_pack
from .backend import Backend, evaluator
from .files import to_input_frame

__all__ = ["PackSource", "evaluate_dask"]

_CACHE: dict[str, CompiledPack] = {}  # per worker process: content hash -> compiled pack


@dataclass(frozen=True)
class PackSource:
    """A pack as data: its files' text by relative path, and the hash of what it compiles to."""

    content_hash: str
    files: tuple[tuple[str, str], ...]

    @classmethod
    def of(cls, pack: CompiledPack) -> PackSource:
        root = pack.path
        files = tuple(
            (p.relative_to(root).as_posix(), p.read_text(encoding="utf-8"))
            for p in sorted(root.rglob("*.y*ml"))
            if p.relative_to(root).parts[0] not in ("tests", "examples")
        )
        return cls(pack.content_hash, files)

    def compiled(self) -> CompiledPack:
        """The compiled pack, built at most once per process."""
        pack = _CACHE.get(self.content_hash)
        if pack is None:
            with tempfile.TemporaryDirectory(prefix="govit-pack-") as tmp:
                root = Path(tmp) / "pack"
                for rel, text in self.files:
                    target = root / rel
                    target.parent.mkdir(parents=True, exist_ok=True)
                    target.write_text(text, encoding="utf-8")
                pack = load_pack(root)
            _CACHE[self.content_hash] = pack
        return pack


def _partition(part: Any, source: PackSource, as_of: date, backend: Backend | None) -> Any:
    pack = source.compiled()
    frame = to_input_frame(pl.from_pandas(part, include_index=False), pack=pack)
    out = evaluator(backend)(pack, frame, as_of)
    return out.to_pandas(use_pyarrow_extension_array=True)


def evaluate_dask(
    pack: CompiledPack,
    frame: Any,
    as_of: date,
    *,
    backend: Backend | None = None,
    client: Any = None,
) -> Any:
    """The portfolio output of a Dask DataFrame of projects, one partition at a time.

    ``frame`` has the columns of the portfolio layout (docs/portfolio.md); pass the
    ``distributed.Client`` to scatter the pack to its workers once.
    """
    source = PackSource.of(pack)
    empty = to_input_frame(pl.from_pandas(frame._meta, include_index=False), pack=pack)
    meta = evaluator(backend)(pack, empty, as_of).to_pandas(use_pyarrow_extension_array=True)
    shipped: Any = client.scatter(source, broadcast=True) if client is not None else source
    return frame.map_partitions(
        _partition, shipped, as_of, backend, meta=meta, enforce_metadata=False
    )
