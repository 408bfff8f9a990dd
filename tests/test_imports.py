"""What importing the library costs: none of the CLI, the docs, the engines' optional parts."""

from __future__ import annotations

import subprocess
import sys

HEAVY = (
    "jinja2",
    "rich",
    "typer",
    "durable",
    "fastapi",
    "uvicorn",
    "polars",
    "pyarrow",
    "dask",
    "matplotlib",
)


def test_importing_govit_rules_and_evaluating_loads_no_cli_docs_service_or_portfolio_library() -> (
    None
):
    code = (
        "import sys, govit_rules\n"
        "govit_rules.evaluate({'funding_sources': ['local_budget'], 'total_investment': 100}, 'dazhou')\n"
        f"print(sorted({{m.split('.')[0] for m in sys.modules}} & set({HEAVY!r})))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
