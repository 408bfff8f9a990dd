"""``govit-rules --version``: the installed version and the shipped packs' versions."""

from __future__ import annotations

from importlib import metadata

import yaml

import govit_rules
from helpers import ROOT, run_cli


def test_version_prints_the_installed_version_and_exits_0() -> None:
    done = run_cli("--version")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0] == f"govit-rules {metadata.version('govit-rules')}"


def test_version_lists_every_shipped_pack_with_its_version() -> None:
    line = run_cli("--version").stdout.splitlines()[1]
    for pack_yaml in sorted((ROOT / "rulepacks").glob("*/pack.yaml")):
        head = yaml.safe_load(pack_yaml.read_text(encoding="utf-8"))
        assert f"{head['pack']} {head['version']}" in line


def test_the_package_version_attribute_agrees_with_the_installed_metadata() -> None:
    assert govit_rules.__version__ == metadata.version("govit-rules")


def test_version_wins_over_a_command_and_runs_nothing() -> None:
    done = run_cli("--version", "check", "no-such-file.yaml")
    assert done.returncode == 0
    assert done.stdout.startswith("govit-rules ")
