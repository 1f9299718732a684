"""The memory-management document's three code blocks run unchanged with and without a
GPU; on the CPU the device settings are accepted and reported as not applicable."""

import warnings

import numpy as np
import pytest

import cubie as qb

from conftest import requires_gpu


def run_the_documents_blocks(system):
    solvers = [
        qb.Solver(system, algorithm="dormand_prince_54", memory_settings={"allocator": "cupy"}),
        qb.Solver(system, algorithm="dormand_prince_54", memory_settings={"mem_proportion": 0.7}),
        qb.Solver(system, algorithm="dormand_prince_54", memory_settings={"stream_group": "sweeps"}),
    ]
    return solvers


def test_blocks_on_the_cpu_report_not_applicable(lorenz32):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        solvers = [
            qb.Solver(lorenz32, algorithm="dormand_prince_54", memory_settings={"allocator": "cupy"}, backend="cpu"),
            qb.Solver(lorenz32, algorithm="dormand_prince_54", memory_settings={"mem_proportion": 0.7},
                      backend="cpu"),
            qb.Solver(lorenz32, algorithm="dormand_prince_54", memory_settings={"stream_group": "sweeps"},
                      backend="cpu"),
        ]
    notes = [str(w.message) for w in caught if issubclass(w.category, qb.NotApplicableWarning)]
    assert len(notes) == 3
    assert "allocator='cupy'" in notes[0] and "runs on the CPU" in notes[0]
    assert "mem_proportion=0.7" in notes[1] and "stream_group='sweeps'" in notes[2]
    # Accepted, recorded, and the solves run.
    assert solvers[0].memory_settings["allocator"] == "cupy"
    assert solvers[1].memory_settings["mem_proportion"] == 0.7
    assert solvers[2].memory_settings["applies_to"] == "cpu"
    assert set(solvers[1].not_applicable) == {"mem_proportion"}
    for s in solvers:
        assert s.solve({}, {"rho": [28.0]}, duration=0.1).status_codes[0] == 0


def test_blocks_run_unchanged(lorenz32):
    # Exactly as the document writes them (auto backend: GPU where there is one).
    for s in run_the_documents_blocks(lorenz32):
        r = s.solve({}, {"rho": np.linspace(0, 30, 64)}, duration=0.2)
        assert r.failed_runs == 0


@requires_gpu
def test_blocks_on_the_gpu_apply(lorenz32):
    with warnings.catch_warnings():
        warnings.simplefilter("error", qb.NotApplicableWarning)
        solvers = run_the_documents_blocks(lorenz32)
    for s in solvers:
        assert s.backend == "cuda" and s.not_applicable == {}
    r = solvers[1].solve({}, {"rho": np.linspace(0, 30, 100_000)}, duration=0.5)
    total = qb.devices()[0]["total_bytes"]
    assert r.statistics["budget_bytes"] <= 0.7 * total + 1


def test_host_staging_is_checked_and_accepted(lorenz32):
    with pytest.raises(ValueError, match='host_staging = "sometimes"'):
        qb.Solver(lorenz32, algorithm="dormand_prince_54", memory_settings={"host_staging": "sometimes"})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", qb.NotApplicableWarning)
        for mode in ("pinned", "pageable", "first_pageable"):
            s = qb.Solver(lorenz32, algorithm="dormand_prince_54", memory_settings={"host_staging": mode})
            assert s.memory_settings["host_staging"] == mode
            assert s.solve({}, {"rho": np.linspace(0, 30, 64)}, duration=0.2).failed_runs == 0


@requires_gpu
def test_host_staging_modes_give_the_same_results_on_the_gpu(lorenz32):
    rho = np.linspace(0, 30, 50_000)
    out = {}
    for mode in ("pinned", "pageable", "first_pageable"):
        s = qb.Solver(lorenz32, algorithm="dormand_prince_54", memory_settings={"host_staging": mode,
                                                                                "max_chunk_runs": 8192})
        out[mode] = [np.array(s.solve({}, {"rho": rho}, duration=0.5).time_domain_array) for _ in range(2)]
    for mode in ("pageable", "first_pageable"):
        for i in range(2):
            np.testing.assert_array_equal(out[mode][i], out["pinned"][0])
