"""What several test modules share: the fixture packs, a features project, running the CLI."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MINI = ROOT / "tests" / "fixtures" / "mini"
# A non-secret project of an organ of the regulation's own level paid from the local budget:
# inside the scope of every shipped pack. Tests add the facts they pin.
PLAIN_PROJECT: dict[str, object] = {
    "unit_type": "government_organ",
    "unit_level": "own_level",
    "funding_sources": ["local_budget"],
    "is_secret": False,
}
FEATURES = ROOT / "tests" / "fixtures" / "features"
# The date and the project the features pack's tests start from.
FEATURES_AS_OF = date(2026, 6, 1)
FEATURES_BASE = {
    "funding_sources": ["local_budget"],
    "total_investment": 100,
    "delivery_mode": "self_build",
    "approved_on": "2026-01-05",
}


def run_cli(
    *args: str, stdin: str | None = None, cwd: Path = ROOT
) -> subprocess.CompletedProcess[str]:
    """``govit-rules ARGS`` as a subprocess: plain text (no colours, no debug traces)."""
    env = dict(os.environ)
    env.pop("GOVIT_RULES_DEBUG", None)
    env.update({"NO_COLOR": "1", "COLUMNS": "200"})
    return subprocess.run(
        [sys.executable, "-m", "govit_rules._cli", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=120,
        env=env,
    )


def copy_mini(tmp_path: Path) -> Path:
    """A scratch copy of the mini pack that a test may break."""
    dest = tmp_path / "mini"
    shutil.copytree(MINI, dest)
    return dest


def copy_fixture(folder: Path, tmp_path: Path) -> Path:
    """A scratch copy of a fixture pack that a test may break."""
    dest = tmp_path / folder.name
    shutil.copytree(folder, dest)
    return dest
