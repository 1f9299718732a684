"""cubie's C++ engine (internal: use the cubie package)"""

from collections.abc import Sequence
import os
from typing import Annotated

import numpy
from numpy.typing import NDArray


class CubieError(RuntimeError):
    """An error inside cubie's engine."""

class ModelError(ValueError):
    """
    A model's equations or declarations are malformed; the message points at the line.
    """

class DeviceError(CubieError):
    """A CUDA call failed."""

class InternalError(CubieError):
    """cubie itself is wrong (for example generated code failed to compile)."""

class OutOfMemoryError(MemoryError):
    """Not enough memory under the budget or on the device."""

class ModelDefinition:
    """A model as the engine's parser read it."""

    @property
    def name(self) -> str: ...

    @property
    def precision(self) -> str: ...

    @property
    def source_path(self) -> str: ...

    @property
    def source_text(self) -> str: ...

    @property
    def equations_text(self) -> str: ...

    @property
    def states(self) -> list: ...

    @property
    def parameters(self) -> list: ...

    @property
    def constants(self) -> list: ...

    @property
    def observables(self) -> list[str]: ...

    @property
    def auxiliaries(self) -> list[str]: ...

    @property
    def drivers(self) -> list[str]: ...

    @property
    def events(self) -> list[str]: ...

    @property
    def settings(self) -> SolverSettings:
        """The file's [solver] and [memory] settings."""

    @property
    def spec(self) -> SolveSpec:
        """The file's time span and save settings."""

    @property
    def sweep_grid(self) -> str: ...

    @property
    def sweep_axes(self) -> list: ...

def parse_model(text: str, source_name: str) -> ModelDefinition:
    """Parses model text (TOML); errors name source_name, line and column."""

def load_model(path: str) -> ModelDefinition:
    """Reads and checks a model file."""

class CompiledSystem:
    """A model compiled for the Solver (keeps its code loaded)."""

    @property
    def name(self) -> str: ...

    @property
    def states(self) -> list[str]: ...

    @property
    def parameters(self) -> list[str]: ...

    @property
    def observables(self) -> list[str]: ...

    @property
    def state_defaults(self) -> list[float]: ...

    @property
    def parameter_defaults(self) -> list[float]: ...

    @property
    def direct_linear_solver(self) -> bool: ...

    def cpu_methods(self, arg: str, /) -> list[str]: ...

    def gpu_methods(self, arg: str, /) -> list[str]: ...

def compile_model(model: ModelDefinition, methods: Sequence[str], precision: str, cpu: bool = True, gpu: str = 'if_available', cache_dir: str = '', verbosity: int = 0, extra_nvrtc_options: Sequence[str] = [], summary_groups: int | None = None) -> tuple[CompiledSystem, dict]:
    """
    Compiles (or loads from the cache) a model; returns (CompiledSystem, report dict).
    """

def gpu_compile_unavailable_reason() -> str:
    """Why models cannot be compiled for a GPU here ('' when they can)."""

def default_cache_directory() -> str:
    """The compile cache folder used when none is given."""

def set_include_dir(dir: str) -> None:
    """
    Makes `dir` the cubie headers run-time compilation uses ($CUBIE_INCLUDE_DIR still wins).
    """

def include_dir() -> str:
    """The cubie headers run-time compilation uses now."""

def method_names() -> list[str]:
    """Canonical names of every method."""

def method_aliases() -> list[tuple[str, str]]:
    """(alias, method) pairs."""

def find_method(name: str) -> dict:
    """
    Facts about a method by name or alias; ValueError listing the valid names.
    """

class MemorySettings:
    """cubie::memory::memory_settings"""

    def __init__(self) -> None: ...

    @property
    def allocator(self) -> str: ...

    @allocator.setter
    def allocator(self, arg: str, /) -> None: ...

    @property
    def mem_proportion(self) -> float | None: ...

    @mem_proportion.setter
    def mem_proportion(self, arg: float | None, /) -> None: ...

    @property
    def stream_group(self) -> str: ...

    @stream_group.setter
    def stream_group(self, arg: str, /) -> None: ...

    @property
    def pinned_pool_bytes(self) -> int: ...

    @pinned_pool_bytes.setter
    def pinned_pool_bytes(self, arg: int, /) -> None: ...

    @property
    def min_chunks(self) -> int: ...

    @min_chunks.setter
    def min_chunks(self, arg: int, /) -> None: ...

    @property
    def max_chunk_runs(self) -> int: ...

    @max_chunk_runs.setter
    def max_chunk_runs(self, arg: int, /) -> None: ...

    @property
    def host_budget_bytes(self) -> int: ...

    @host_budget_bytes.setter
    def host_budget_bytes(self, arg: int, /) -> None: ...

    @property
    def pinned_results(self) -> bool: ...

    @pinned_results.setter
    def pinned_results(self, arg: bool, /) -> None: ...

    @property
    def staging_ring(self) -> bool: ...

    @staging_ring.setter
    def staging_ring(self, arg: bool, /) -> None: ...

    @property
    def host_staging(self) -> str: ...

    @host_staging.setter
    def host_staging(self, arg: str, /) -> None: ...

    @property
    def devices(self) -> list[int]: ...

    @devices.setter
    def devices(self, arg: Sequence[int], /) -> None: ...

    def validate(self) -> None: ...

class SolverSettings:
    """cubie::solver_settings"""

    def __init__(self) -> None: ...

    def copy(self) -> SolverSettings: ...

    @property
    def algorithm(self) -> str: ...

    @algorithm.setter
    def algorithm(self, arg: str, /) -> None: ...

    @property
    def step_controller(self) -> str: ...

    @step_controller.setter
    def step_controller(self, arg: str, /) -> None: ...

    @property
    def atol(self) -> list[float]: ...

    @atol.setter
    def atol(self, arg: Sequence[float], /) -> None: ...

    @property
    def rtol(self) -> list[float]: ...

    @rtol.setter
    def rtol(self, arg: Sequence[float], /) -> None: ...

    @property
    def dt(self) -> float | None: ...

    @dt.setter
    def dt(self, arg: float | None, /) -> None: ...

    @property
    def dt_min(self) -> float | None: ...

    @dt_min.setter
    def dt_min(self, arg: float | None, /) -> None: ...

    @property
    def dt_max(self) -> float | None: ...

    @dt_max.setter
    def dt_max(self, arg: float | None, /) -> None: ...

    @property
    def safety(self) -> float | None: ...

    @safety.setter
    def safety(self, arg: float | None, /) -> None: ...

    @property
    def min_gain(self) -> float | None: ...

    @min_gain.setter
    def min_gain(self, arg: float | None, /) -> None: ...

    @property
    def max_gain(self) -> float | None: ...

    @max_gain.setter
    def max_gain(self, arg: float | None, /) -> None: ...

    @property
    def deadband_min(self) -> float | None: ...

    @deadband_min.setter
    def deadband_min(self, arg: float | None, /) -> None: ...

    @property
    def deadband_max(self) -> float | None: ...

    @deadband_max.setter
    def deadband_max(self, arg: float | None, /) -> None: ...

    @property
    def kp(self) -> float | None: ...

    @kp.setter
    def kp(self, arg: float | None, /) -> None: ...

    @property
    def ki(self) -> float | None: ...

    @ki.setter
    def ki(self, arg: float | None, /) -> None: ...

    @property
    def kd(self) -> float | None: ...

    @kd.setter
    def kd(self, arg: float | None, /) -> None: ...

    @property
    def max_steps(self) -> int: ...

    @max_steps.setter
    def max_steps(self, arg: int, /) -> None: ...

    @property
    def auto_passes(self) -> int: ...

    @auto_passes.setter
    def auto_passes(self, arg: int, /) -> None: ...

    @property
    def precision(self) -> str: ...

    @precision.setter
    def precision(self, arg: str, /) -> None: ...

    @property
    def backend(self) -> str: ...

    @backend.setter
    def backend(self, arg: str, /) -> None: ...

    @property
    def cpu_threads(self) -> int: ...

    @cpu_threads.setter
    def cpu_threads(self, arg: int, /) -> None: ...

    @property
    def nan_fill_failed(self) -> bool: ...

    @nan_fill_failed.setter
    def nan_fill_failed(self, arg: bool, /) -> None: ...

    @property
    def memory(self) -> MemorySettings: ...

    @memory.setter
    def memory(self, arg: MemorySettings, /) -> None: ...

class SolveSpec:
    """cubie::solve_spec"""

    def __init__(self) -> None: ...

    def copy(self) -> SolveSpec: ...

    @property
    def t0(self) -> float: ...

    @t0.setter
    def t0(self, arg: float, /) -> None: ...

    @property
    def duration(self) -> float: ...

    @duration.setter
    def duration(self, arg: float, /) -> None: ...

    @property
    def settling_time(self) -> float: ...

    @settling_time.setter
    def settling_time(self, arg: float, /) -> None: ...

    @property
    def save_every(self) -> float | None: ...

    @save_every.setter
    def save_every(self, arg: float | None, /) -> None: ...

    @property
    def save_times(self) -> list[float] | None: ...

    @save_times.setter
    def save_times(self, arg: list[float] | None, /) -> None: ...

    @property
    def output_types(self) -> list[str] | None: ...

    @output_types.setter
    def output_types(self, arg: list[str] | None, /) -> None: ...

    @property
    def save_variables(self) -> list[str] | None: ...

    @save_variables.setter
    def save_variables(self, arg: list[str] | None, /) -> None: ...

    @property
    def summarise_variables(self) -> list[str] | None: ...

    @summarise_variables.setter
    def summarise_variables(self, arg: list[str] | None, /) -> None: ...

    @property
    def summarise_every(self) -> float | None: ...

    @summarise_every.setter
    def summarise_every(self, arg: float | None, /) -> None: ...

    @property
    def sample_summaries_every(self) -> float | None: ...

    @sample_summaries_every.setter
    def sample_summaries_every(self, arg: float | None, /) -> None: ...

    @property
    def saved_states(self) -> list[str] | None: ...

    @saved_states.setter
    def saved_states(self, arg: Sequence[str] | None, /) -> None: ...

    @property
    def saved_observables(self) -> list[str] | None: ...

    @saved_observables.setter
    def saved_observables(self, arg: Sequence[str] | None, /) -> None: ...

    @property
    def save_initial(self) -> bool: ...

    @save_initial.setter
    def save_initial(self, arg: bool, /) -> None: ...

    @property
    def save_counters(self) -> bool: ...

    @save_counters.setter
    def save_counters(self, arg: bool, /) -> None: ...

    @property
    def land_on_samples(self) -> bool: ...

    @land_on_samples.setter
    def land_on_samples(self, arg: bool, /) -> None: ...

    @property
    def max_events(self) -> int: ...

    @max_events.setter
    def max_events(self, arg: int, /) -> None: ...

    @property
    def event_tolerance(self) -> float: ...

    @event_tolerance.setter
    def event_tolerance(self, arg: float, /) -> None: ...

    @property
    def save_event_states(self) -> bool: ...

    @save_event_states.setter
    def save_event_states(self, arg: bool, /) -> None: ...

    @property
    def driver_names(self) -> list[str]: ...

    def clear_drivers(self) -> None: ...

    def add_driver(self, name: str, samples: object, time: object | None = None, dt: float | None = None,
                   t0: float = 0.0, order: int = 3, wrap: bool = True,
                   boundary_condition: str | None = None) -> None:
        """Sets the signal of a driver (cubie::driver_signal): samples (n,) or (n, runs), times or dt/t0."""

    @property
    def grid(self) -> str: ...

    @grid.setter
    def grid(self, arg: str, /) -> None: ...

def summary_metric_names() -> list[str]:
    """The 18 summary metric names output_types accepts."""

def summary_groups_for(spec: SolveSpec) -> int:
    """The summary accumulator groups a solve of `spec` needs (0: none): what to compile."""

def settings_json(settings: SolverSettings, spec: SolveSpec, indent: int = 0) -> str:
    """Every setting as JSON, as result files store it."""

class Grid:
    """
    The runs of a batch (cubie::batch_grid): built once, reusable across solves.
    """

    @property
    def n_runs(self) -> int: ...

    @property
    def n_states(self) -> int: ...

    @property
    def system_name(self) -> str: ...

    @property
    def id(self) -> int: ...

    @property
    def names(self) -> list[str]: ...

    def column(self, index: int) -> Annotated[NDArray[numpy.float64], dict(shape=(None,))]:
        """
        Column `index` (states first, then parameters): one value (broadcast) or one per run.
        """

class Solver:
    """cubie::Solver: a compiled system with its settings."""

    def __init__(self, system: CompiledSystem, settings: SolverSettings) -> None: ...

    @property
    def backend(self) -> str: ...

    @property
    def warnings(self) -> list[str]: ...

    @property
    def settings(self) -> SolverSettings: ...

    @property
    def method(self) -> str: ...

    @property
    def adaptive(self) -> bool: ...

    @property
    def controller(self) -> dict: ...

def build_grid(solver: Solver, initial_values: Sequence[tuple[str, Annotated[NDArray[numpy.float64], dict(shape=(None,), order='C', device='cpu', writable=False)]]], parameters: Sequence[tuple[str, Annotated[NDArray[numpy.float64], dict(shape=(None,), order='C', device='cpu', writable=False)]]], grid_type: str) -> Grid:
    """
    Builds the grid of runs from named float64 columns (length 1 broadcasts).
    """

def build_grid_ordered(solver: Solver, values: Sequence[tuple[str, Annotated[NDArray[numpy.float64], dict(shape=(None,), order='C', device='cpu', writable=False)]]], grid_type: str) -> Grid:
    """
    Builds the grid from one list naming states and parameters in any order (a model file's [sweep]: a combinatorial grid follows this order, the last name fastest).
    """

def time_engine_solves(solver: Solver, initial_values: Sequence[tuple[str, Annotated[NDArray[numpy.float64], dict(shape=(None,), order='C', device='cpu', writable=False)]]], parameters: Sequence[tuple[str, Annotated[NDArray[numpy.float64], dict(shape=(None,), order='C', device='cpu', writable=False)]]], spec: SolveSpec, repeats: int) -> list[float]:
    """
    Benchmark helper: milliseconds of `repeats` Solver::solve calls made from C++.
    """

def time_engine_solve_parts(solver: Solver, initial_values: Sequence[tuple[str, Annotated[NDArray[numpy.float64], dict(shape=(None,), order='C', device='cpu', writable=False)]]], parameters: Sequence[tuple[str, Annotated[NDArray[numpy.float64], dict(shape=(None,), order='C', device='cpu', writable=False)]]], spec: SolveSpec) -> dict:
    """
    Benchmark helper: one Solver::solve from C++ in parts (ms): grid build, setup (prepared batch, result storage), run, the whole call, and the result's drop after it.
    """

def output_layout(solver: Solver, grid: Grid, spec: SolveSpec) -> dict:
    """The shape of a solve's output, without solving."""

def solve(solver: Solver, grid: Grid, spec: SolveSpec, progress: object | None, check_signals: bool, nan_fill: bool, model_name: str, model_text: str) -> tuple:
    """
    Solves `grid` with the GIL released. Returns (result, pending exception or None, (failure message, sticky) or None); a pending exception (Ctrl-C, a raising progress callback) stopped the solve after the chunk in flight.
    """

class Result:
    """One solve's results; its arrays view the engine's buffers."""

    @property
    def precision(self) -> str: ...

    @property
    def n_saves(self) -> int: ...

    @property
    def n_runs(self) -> int: ...

    @property
    def variables(self) -> list[str]: ...

    @property
    def n_saved_states(self) -> int: ...

    @property
    def committed_runs(self) -> int: ...

    def failure_summary(self, algorithm: str) -> str:
        """The failed runs in words, with the stiffness hint; '' when none failed."""

    @property
    def has_counters(self) -> bool: ...

    @property
    def statistics(self) -> dict: ...

    @property
    def settings_json(self) -> str: ...

    @property
    def backend(self) -> str: ...

    @property
    def grid(self) -> Grid: ...

    @property
    def time_domain(self) -> object:
        """(n_saves, n_vars, n_runs) over the result's own buffer."""

    @property
    def time_domain_address(self) -> int:
        """
        The address of the engine's time-domain buffer (tests prove arrays view it).
        """

    @property
    def status(self) -> object: ...

    @property
    def steps_accepted(self) -> object: ...

    @property
    def steps_rejected(self) -> object: ...

    @property
    def t_reached(self) -> object:
        """
        The time each run reached (NaN: never integrated), or None without counters.
        """

    @property
    def event_names(self) -> list[str]: ...

    @property
    def event_count(self) -> object: ...

    @property
    def event_times(self) -> object: ...

    @property
    def event_ids(self) -> object: ...

    @property
    def event_states(self) -> object: ...

    @property
    def event_terminated(self) -> object: ...

    @property
    def stiff_switches(self) -> object: ...

    @property
    def t_first_stiff(self) -> object: ...

    @property
    def stiff_steps(self) -> object: ...

    @property
    def dt_last(self) -> object:
        """
        The step size each run's controller held when it ended, or None without counters.
        """

    @property
    def summaries(self) -> object: ...

    @property
    def summary_legend(self) -> list[str]: ...

    @property
    def summarised_variables(self) -> list[str]: ...

    @property
    def summary_outputs(self) -> list[str]: ...

    @property
    def window_times(self) -> object: ...

    @property
    def times(self) -> object: ...

    def write_hdf5(self, path: str, compression_level: int = 0) -> None:
        """
        Writes the result file `cubie run` writes (FILE.partial.h5 renamed when complete).
        """

def copy_device_to_host(device_pointer: int, host: Annotated[NDArray, dict(order='C', device='cpu')]) -> None:
    """
    Copies host.nbytes bytes from a device address into the contiguous host array.
    """

def to_device(host: Annotated[NDArray, dict(order='C', device='cpu', writable=False)], device_id: int = 0) -> object:
    """
    Copies a contiguous host array into new device memory; returns (DLPack-capable array that frees it, device address).
    """

def cuda_backend_compiled() -> bool:
    """True when this build has the CUDA backend."""

def cuda_device_available() -> bool:
    """True when a CUDA device is usable now."""

def cuda_unavailable_reason() -> str:
    """Why no CUDA device is usable ('' when one is)."""

def list_gpus() -> list:
    """The GPUs this process can use, as dicts."""

def release_cached_memory() -> None:
    """
    Gives back device memory and pinned host memory kept for reuse across solves.
    """

def result_pool_stats() -> dict:
    """
    The result pool: bytes kept and their bound, results handed out from it (hits) or made afresh (misses), dropped results kept (returned) or freed (dropped), and the same for grid columns.
    """

def set_result_pool_bytes(bytes: int) -> None:
    """Bounds the storage of dropped results kept for reuse (0: keep none)."""

def release_result_pool() -> None:
    """Frees the storage of dropped results kept for reuse."""
