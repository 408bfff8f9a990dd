"""The verdict JSON is the same for the same project in every process and every set order.

The service promises callers the library's ``Verdict.to_json()``; a load test comparing
answers byte for byte found set-valued facts (components) serialised in hash order.
"""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from govit_rules import Component, evaluate

CODE = """
from datetime import date
from govit_rules import evaluate
p = {"total_investment": 100, "is_secret": False,
     "components": ["storage_backup_platform", "e_signature", "e_license", "server_room"]}
print(evaluate(p, "dazhou", as_of=date(2026, 11, 25)).to_json())
"""


def test_two_processes_with_different_string_hashing_write_the_same_verdict_json() -> None:
    outs = set()
    for seed in ("1", "2", "3"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        run = subprocess.run(
            [sys.executable, "-c", CODE], capture_output=True, text=True, env=env, check=True
        )
        outs.add(run.stdout)
    assert len(outs) == 1


@settings(max_examples=25, deadline=None)
@given(st.permutations(list(Component)[:12]))
def test_the_order_a_set_fact_is_given_in_does_not_change_the_json(order: list[Component]) -> None:
    base = {"total_investment": 100, "is_secret": False}
    a = evaluate({**base, "components": order}, "dazhou", as_of=date(2026, 11, 25))
    b = evaluate({**base, "components": sorted(order)}, "dazhou", as_of=date(2026, 11, 25))
    assert a.to_json() == b.to_json()
