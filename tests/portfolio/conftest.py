"""Portfolio tests: skipped where the ``portfolio`` extra (Polars) is not installed."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # tests/helpers.py

try:
    import polars  # noqa: F401
except ImportError:  # the portfolio extra is not installed: these tests do not apply
    collect_ignore_glob = ["test_*.py"]

AS_OF = date(2026, 11, 25)


@pytest.fixture(scope="session")
def dazhou():  # type: ignore[no-untyped-def]
    from govit_rules import get_pack

    return get_pack("dazhou", AS_OF)


@pytest.fixture(scope="session")
def generated():  # type: ignore[no-untyped-def]
    """A small generated Dazhou portfolio (boundaries, unknowns, shifted calendars)."""
    from govit_rules._portfolio.generate import generate_portfolio
    from helpers import ROOT

    return generate_portfolio(60, pack_dir=ROOT / "rulepacks" / "dazhou", seed=3)
