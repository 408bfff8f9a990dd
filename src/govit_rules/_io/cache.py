"""The load cache: parsed pack files and compiled code, keyed by content and versions.

Owns what makes a warm load fast. A pack file's parsed, located YAML tree and the code
object compiled from a pack's generated source are stored under the user cache directory
(platformdirs; ``GOVIT_RULES_CACHE_DIR`` overrides it, ``GOVIT_RULES_CACHE=0`` turns the
cache off), keyed by the SHA-256 of the input together with the library, Python and
PyYAML versions. Entries are written atomically and carry a checksum of their payload: an
entry that is corrupt, truncated, stale or unreadable is ignored and rebuilt, never
trusted. Only data is stored with :mod:`marshal` (no pickle); a compiled code object is
as trusted as Python's own ``__pycache__``: it is the compilation of source the loader
generated from checked trees, and its key is the hash of that source.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import marshal
import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from types import CodeType
from typing import Any, TypeVar

__all__ = ["cache_dir", "cached_code", "cached_tree"]

_T = TypeVar("_T")
_FORMAT = b"govit-rules-cache-1\n"


@functools.cache
def _version() -> str:
    try:
        from importlib.metadata import version

        return version("govit-rules")
    except Exception:  # pragma: no cover - running from a bare source tree
        return "0"


def cache_dir() -> Path | None:
    """Where cache entries live, or None when the cache is off."""
    if os.environ.get("GOVIT_RULES_CACHE", "1").strip().lower() in {"0", "off", "no", "false"}:
        return None
    explicit = os.environ.get("GOVIT_RULES_CACHE_DIR")
    if explicit:
        return Path(explicit)
    try:
        from platformdirs import user_cache_dir
    except ImportError:  # pragma: no cover - platformdirs is a dependency
        return None
    return Path(user_cache_dir("govit-rules", appauthor=False))


@functools.cache
def _salt(kind: str) -> bytes:
    import yaml

    parts = (kind, _version(), sys.version, getattr(yaml, "__version__", ""))
    return "\0".join(parts).encode() + b"\0"


def _key(kind: str, payload: bytes) -> str:
    return hashlib.sha256(_salt(kind) + payload).hexdigest()


def _read(path: Path) -> bytes | None:
    try:
        blob = path.read_bytes()
    except OSError:
        return None
    if not blob.startswith(_FORMAT) or len(blob) < len(_FORMAT) + 32:
        return None
    digest = blob[len(_FORMAT) : len(_FORMAT) + 32]
    data = blob[len(_FORMAT) + 32 :]
    if hashlib.sha256(data).digest() != digest:
        return None
    return data


def _write(path: Path, data: bytes) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        with os.fdopen(fd, "wb") as fh:
            fh.write(_FORMAT + hashlib.sha256(data).digest() + data)
        os.replace(tmp, path)
    except OSError:  # a read-only or full disk only costs the next load its speed
        return


def _cached(
    kind: str,
    key_bytes: bytes,
    build: Callable[[], _T],
    dump: Callable[[_T], bytes],
    load: Callable[[bytes], _T],
    keep: Callable[[_T], bool],
) -> _T:
    folder = cache_dir()
    if folder is None:
        return build()
    path = folder / kind / _key(kind, key_bytes)
    data = _read(path)
    if data is not None:
        try:
            return load(data)
        except Exception:  # corrupt in a way the checksum cannot see: rebuild
            pass
    value = build()
    if keep(value):
        # A value marshal cannot carry is simply not cached.
        with contextlib.suppress(ValueError, TypeError):
            _write(path, dump(value))
    return value


def cached_code(source: str, filename: str) -> CodeType:
    """``compile(source, filename, "exec")``, from the cache when this source was seen."""

    def load(data: bytes) -> CodeType:
        code = marshal.loads(data)
        if not isinstance(code, CodeType) or code.co_filename != filename:
            raise ValueError("not this source's code")
        return code

    return _cached(
        "code",
        filename.encode() + b"\0" + source.encode(),
        lambda: compile(source, filename, "exec"),
        marshal.dumps,
        load,
        lambda _c: True,
    )


def cached_tree(
    text: str,
    build: Callable[[], tuple[Any, list[Any]]],
    encode: Callable[[Any], Any],
    decode: Callable[[Any], Any],
) -> tuple[Any, list[Any]]:
    """A parsed file ``(tree, problems)``, from the cache when this text was seen.

    Only trees parsed without problems are stored; ``encode``/``decode`` turn a tree into
    marshal-safe plain values and back.
    """
    return _cached(
        "yaml",
        text.encode("utf-8", "surrogatepass"),
        build,
        lambda tp: marshal.dumps(encode(tp[0])),
        lambda data: (decode(marshal.loads(data)), []),
        lambda tp: not tp[1],
    )
