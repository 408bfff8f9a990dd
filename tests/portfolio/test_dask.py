"""Dask: the portfolio evaluator over partitions on two worker processes, same answers."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from conftest import AS_OF

dd = pytest.importorskip("dask.dataframe")
distributed = pytest.importorskip("distributed")

from govit_rules._portfolio.backend import evaluate_frame  # noqa: E402
from govit_rules._portfolio.distributed import _CACHE, PackSource, evaluate_dask  # noqa: E402


def _cached() -> int:
    return len(_CACHE)


def test_two_worker_processes_give_the_single_process_answer_and_compile_once_each(
    dazhou, generated, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "portfolio.parquet"
    generated.write_parquet(path)
    expected = evaluate_frame(dazhou, generated, AS_OF, backend="rows")
    with (
        distributed.LocalCluster(
            n_workers=2, processes=True, threads_per_worker=1, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        frame = dd.read_parquet(path, dtype_backend="pyarrow").repartition(npartitions=4)
        result = evaluate_dask(dazhou, frame, AS_OF, backend="rows", client=client).compute()
        compiled = client.run(_cached)
    got = pl.from_pandas(result, include_index=False)
    assert got.schema == expected.schema
    assert got.equals(expected)
    # The pack reached each worker that got work once, never more (under load the scheduler
    # may give every partition to one worker).
    counts = sorted(compiled.values())
    assert counts in ([0, 1], [1, 1]) and sum(counts) >= 1


def test_a_pack_travels_as_its_source_and_compiles_to_the_same_hash(dazhou) -> None:  # type: ignore[no-untyped-def]
    source = PackSource.of(dazhou)
    assert not any(rel.startswith(("tests/", "examples/")) for rel, _ in source.files)
    _CACHE.clear()
    assert source.compiled().content_hash == dazhou.content_hash
    assert source.compiled() is source.compiled()
