"""Ctrl-C stops a solve after the chunk in flight; the GIL is free while it runs."""

import os
import signal
import threading
import time
import _thread

import numpy as np
import pytest

import cubie as qb

from conftest import requires_gpu

N_RUNS = 20_000
CHUNK = 512
DURATION = 20.0


@pytest.fixture(scope="module", params=[
    pytest.param("cpu", id="cpu"),
    pytest.param("cuda", id="cuda", marks=requires_gpu),
])
def slow_solver(lorenz64, request):
    # Many small chunks so that the interrupt lands mid-solve. Both backends: the CPU one
    # checks Ctrl-C at each commit on the main thread, the CUDA one (commits from the staging
    # ring's writer) has the main thread watch while a worker thread solves.
    return qb.Solver(lorenz64, algorithm="dormand_prince_54", atol=1e-9, rtol=1e-9, max_chunk_runs=CHUNK,
                     backend=request.param)


@pytest.fixture
def default_sigint():
    # A shell without job control starts background commands with SIGINT ignored (POSIX), and
    # Python then keeps SIG_IGN: Ctrl-C would never reach the solve. These tests are about
    # Python's own Ctrl-C, so they run under its default handler and restore what was there.
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    yield
    signal.signal(signal.SIGINT, previous)


@pytest.mark.parametrize("how", ["interrupt_main", "sigint"])
def test_ctrl_c_from_a_thread_keeps_finished_runs(slow_solver, how, default_sigint):
    interrupt = _thread.interrupt_main if how == "interrupt_main" else (lambda: os.kill(os.getpid(), signal.SIGINT))
    rho = np.linspace(20.0, 40.0, N_RUNS)
    started = threading.Event()

    def press_ctrl_c():
        started.wait(30)
        interrupt()

    presser = threading.Thread(target=press_ctrl_c)
    presser.start()
    try:
        with pytest.raises(KeyboardInterrupt) as info:
            # The progress callback only tells the other thread the solve is under way.
            slow_solver.solve({}, {"rho": rho}, duration=DURATION, save_every=5.0,
                              progress=lambda done, total: started.set())
    finally:
        started.set()
        presser.join()
    partial = info.value.partial_result
    done = partial.finished_runs
    assert 0 < done < N_RUNS, done
    assert done % CHUNK == 0
    assert np.all(partial.status_codes[:done] == 0)
    assert np.all(partial.status_codes[done:] == qb.CUBIE_RESULT_CODES.NOT_INTEGRATED)
    assert np.all(np.isnan(partial.time_domain_array[:, :, done:]))
    # The finished runs are exactly what an uninterrupted solve gives for them.
    full = slow_solver.solve({}, {"rho": rho[:done]}, duration=DURATION, save_every=5.0)
    np.testing.assert_array_equal(partial.time_domain_array[:, :, :done], full.time_domain_array)


def test_raising_progress_callback_stops_the_solve(lorenz64):
    solver = qb.Solver(lorenz64, algorithm="rk4", dt=1e-3, max_chunk_runs=256)
    calls = []

    def progress(done, total):
        calls.append(done)
        if done >= 512:
            raise RuntimeError("enough")

    with pytest.raises(RuntimeError, match="enough") as info:
        solver.solve({}, {"rho": np.linspace(1, 30, 4096)}, duration=0.1, progress=progress)
    assert calls == [256, 512]
    assert info.value.partial_result.finished_runs == 512


def test_progress_callback_sees_every_chunk(lorenz64):
    solver = qb.Solver(lorenz64, algorithm="rk4", dt=1e-3, max_chunk_runs=1000)
    seen = []
    r = solver.solve({}, {"rho": np.linspace(1, 30, 2500)}, duration=0.05, progress=lambda d, t: seen.append((d, t)))
    assert [d for d, _ in seen][-1] == 2500 and all(t == 2500 for _, t in seen)
    assert r.statistics["chunks"] == len(seen)


def test_gil_is_released_during_a_solve(slow_solver):
    ticks = [0]
    stop = threading.Event()

    def count():
        while not stop.is_set():
            ticks[0] += 1
            time.sleep(0.001)

    t = threading.Thread(target=count)
    t.start()
    try:
        t0 = time.perf_counter()
        slow_solver.solve({}, {"rho": np.linspace(20, 40, 4096)}, duration=DURATION, save_every=5.0)
        elapsed = time.perf_counter() - t0
    finally:
        stop.set()
        t.join()
    # Holding the GIL would leave the counter at ~1 tick per switch interval (5 ms).
    assert ticks[0] > 0.3 * elapsed / 0.0011, (ticks[0], elapsed)
