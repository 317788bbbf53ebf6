"""Timing ReLU formulations against a plain copy (chapter 2, ``make bench``).

Each formulation is timed on the same array as ``np.copyto(out, x)``, which only reads
the input and writes the output. The copy is a yardstick, not a limit: the ratio
``time / copy time`` says how a formulation compares with moving the same bytes, and a
loop that writes its output differently from the copy can even beat it. NumPy's
ufuncs run on one thread (``OPENBLAS_NUM_THREADS`` and friends only affect BLAS calls
such as ``@``), so every number here is single-threaded.

:func:`compare` measures the package's functions against their plainest NumPy
formulations, as ratios taken within each interleaved round.

    python -m rectifiers.book.benchmarks --quick
"""

from __future__ import annotations

import argparse
import gc
import textwrap
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import numpy as np

import rectifiers
from rectifiers import leaky_relu, relu, relu_grad

__all__ = [
    "max_loop", "list_comprehension", "Formulation", "COPY", "FORMULATIONS", "Timing",
    "bandwidth", "time_formulations", "headline", "format_table", "cache_sizes",
    "Comparison", "Ratio", "COMPARISONS", "compare", "format_ratios", "machine", "main",
    "streaming_available", "relu_with_stores",
]


def max_loop(x, out):
    """ReLU of x into out, one call of the built-in max() per element."""
    for i in range(x.size):
        out[i] = max(0.0, x[i])
    return out


def list_comprehension(x, out):
    """The same loop as a list comprehension of floats (out is unused)."""
    return np.array([max(0.0, v) for v in x.tolist()])


def streaming_available() -> bool:
    """True where relu's compiled loop was built and has a streaming version here."""
    return rectifiers.STREAMING


def relu_with_stores(kind: str) -> Callable[[np.ndarray, np.ndarray], np.ndarray]:
    """``relu(x, out=out)`` made to write with ``"ordinary"`` or ``"streaming"`` stores.

    relu streams its stores only for outputs of at least 32 MiB. The function returned
    moves that threshold for the length of one call (to 0 bytes or out of reach) and puts
    it back. Raises ``RuntimeError`` where :func:`streaming_available` is false.
    """
    if kind not in ("ordinary", "streaming"):
        raise ValueError(f"kind must be 'ordinary' or 'streaming', got {kind!r}")
    if not streaming_available():
        raise RuntimeError("relu has no streaming loop here: it needs the compiled "
                           "rectifiers._relu on an x86-64 processor with AVX2")
    threshold = 0 if kind == "streaming" else 2**62

    def run(x, out):
        with rectifiers.streaming_threshold(threshold):
            return relu(x, out=out)

    return run


@dataclass(frozen=True)
class Formulation:
    """A way to write ReLU: ``run(x, out)`` returns ReLU of the 1-d array ``x``.

    ``name`` is the code as a reader would write it; formulations without ``out`` in their
    name ignore ``out`` and allocate their result. ``max_size`` skips slow Python loops.
    """

    name: str
    run: Callable[[np.ndarray, np.ndarray], np.ndarray]
    max_size: int | None = None


# Not a ReLU: the reference that reads x once and writes out once.
COPY = Formulation("np.copyto(out, x)", lambda x, out: np.copyto(out, x))

FORMULATIONS = (
    Formulation("max() loop", max_loop, max_size=2**14),
    Formulation("list comprehension", list_comprehension, max_size=2**14),
    Formulation("np.maximum(x, 0)", lambda x, out: np.maximum(x, 0)),
    Formulation("np.maximum(x, 0, out=out)", lambda x, out: np.maximum(x, 0, out=out)),
    Formulation("np.clip(x, 0, None)", lambda x, out: np.clip(x, 0, None)),
    Formulation("np.clip(x, 0, np.inf, out=out)", lambda x, out: np.clip(x, 0, np.inf, out=out)),
    Formulation("np.where(x > 0, x, 0)", lambda x, out: np.where(x > 0, x, 0)),
    Formulation("x * (x > 0)", lambda x, out: x * (x > 0)),
    Formulation("np.fmax(x, 0)", lambda x, out: np.fmax(x, 0)),
    Formulation("relu(x)", lambda x, out: relu(x)),
    Formulation("relu(x, out=out)", lambda x, out: relu(x, out=out)),
)


@dataclass(frozen=True)
class Timing:
    """One formulation at one size: median seconds per call, bytes/s, time / copy time."""

    name: str
    size: int
    seconds: float
    bandwidth: float
    ratio: float


def bandwidth(size: int, itemsize: int, seconds: float) -> float:
    """Effective bandwidth in bytes/s: the input read once plus the output written once.

    Extra traffic (temporaries, the cache reading a line before writing it) is not counted,
    so this is the rate the caller sees, comparable between formulations.

    >>> bandwidth(1000, 4, 1e-6)  # 1000 float32 in and out in a microsecond: 8 GB/s
    8000000000.0
    """
    return 2 * size * itemsize / seconds


def _seconds_per_call(call: Callable[[], object], number: int) -> float:
    start = time.perf_counter()
    for _ in range(number):
        call()
    return (time.perf_counter() - start) / number


def _calls_per_sample(call: Callable[[], object], min_seconds: float) -> int:
    """Calls per sample, so that one sample lasts at least ``min_seconds``."""
    number = 1
    while _seconds_per_call(call, number) * number < min_seconds:
        number *= 4
    return number


def time_formulations(
    sizes: Sequence[int],
    formulations: Sequence[Formulation] = FORMULATIONS,
    *,
    repeats: int = 7,
    dtype=np.float32,
    seed: int = 0,
    min_seconds: float = 1e-3,
) -> list[Timing]:
    """Time each formulation, and :data:`COPY`, on standard-normal arrays of each size.

    Rounds are interleaved (each round times every formulation once), so a slow spell of
    the machine hits all of them alike. ``seconds`` is the median round, which a few
    rounds slowed by other programs do not move. ``ratio`` is the median over rounds of
    ``seconds / copy seconds`` in the same round.
    """
    rng = np.random.default_rng(seed)
    rows = []
    for size in sizes:
        x = rng.standard_normal(size).astype(dtype)
        out = np.empty_like(x)
        todo = [COPY] + [f for f in formulations if f.max_size is None or size <= f.max_size]
        calls = {f.name: partial(f.run, x, out) for f in todo}
        for call in calls.values():
            call()  # a first call may do one-off work (page faults)
        numbers = {name: _calls_per_sample(call, min_seconds) for name, call in calls.items()}
        samples: dict[str, list[float]] = {name: [] for name in calls}
        gc_was_enabled = gc.isenabled()
        gc.disable()  # a garbage collection inside one sample would be charged to it
        try:
            for _ in range(repeats):
                for name, call in calls.items():
                    samples[name].append(_seconds_per_call(call, numbers[name]))
        finally:
            if gc_was_enabled:
                gc.enable()
        copy = samples[COPY.name]
        for name, times in samples.items():
            seconds = float(np.median(times))
            ratio = float(np.median(np.divide(times, copy)))
            rows.append(Timing(name, size, seconds, bandwidth(size, x.itemsize, seconds),
                               ratio))
    return rows


def headline(rows: Sequence[Timing]) -> dict[str, float]:
    """The two numbers the chapter quotes, at the largest size measured.

    ``relu_out_vs_copy``: time of ``relu(x, out=out)`` / time of the copy.
    ``loop_vs_relu``: time per element of the ``max()`` loop (at the largest size it ran)
    / time per element of ``relu(x, out=out)`` (at the largest size measured).
    ``loop_vs_relu_same_size`` and ``loop_size``: the same ratio with both timed at the
    loop's largest size, where ``relu(x, out=out)`` was timed there too. Quote this one:
    the other divides a time in cache by a time out of it.
    """
    size = max(r.size for r in rows)
    relu_outs = {r.size: r for r in rows if r.name == "relu(x, out=out)"}
    relu_out = relu_outs[size]
    loops = [r for r in rows if r.name == "max() loop"]
    result = {"size": float(size), "relu_out_vs_copy": relu_out.ratio}
    if loops:
        loop = max(loops, key=lambda r: r.size)
        result["loop_vs_relu"] = (loop.seconds / loop.size) / (relu_out.seconds / size)
        if loop.size in relu_outs:
            result["loop_size"] = float(loop.size)
            result["loop_vs_relu_same_size"] = loop.seconds / relu_outs[loop.size].seconds
    return result


def format_table(rows: Sequence[Timing]) -> str:
    """The timings as a fixed-width text table (80 columns), one block per size.

    Every column has one unit: time in microseconds, bandwidth in GB/s.
    """
    lines = [f"{'size':>9}  {'formulation':<31}{'time (µs)':>14}{'GB/s':>8}{'x copy':>8}"]
    for i, r in enumerate(rows):
        if i and r.size != rows[i - 1].size:
            lines.append("")
        lines.append(f"{r.size:>9}  {r.name:<31}{r.seconds * 1e6:14.1f}"
                     f"{r.bandwidth / 1e9:8.2f}{r.ratio:8.2f}")
    return "\n".join(lines)


def cache_sizes(root: str | Path = "/sys/devices/system/cpu/cpu0/cache") -> dict[str, int]:
    """Data cache sizes in bytes of this machine's first CPU, e.g. ``{"L1d": 32768, ...}``.

    Read from Linux's sysfs; an empty dict where that is not available.
    """
    sizes = {}
    for index in sorted(Path(root).glob("index*")):
        try:
            level = (index / "level").read_text().strip()
            kind = (index / "type").read_text().strip()
            text = (index / "size").read_text().strip()
        except OSError:
            continue
        if kind == "Instruction":
            continue
        units = {"K": 2**10, "M": 2**20, "G": 2**30}
        factor = units.get(text[-1:].upper(), 1)
        sizes[f"L{level}d" if kind == "Data" else f"L{level}"] = int(text.rstrip("KMGkmg")) * factor
    return sizes


@dataclass(frozen=True)
class Comparison:
    """A package function and the NumPy formulations it is measured against.

    Each callable takes ``(x, y)``: ``x`` the input, ``y`` an output array of the same
    shape and dtype (for ``in_place`` comparisons ``y`` is ``x`` itself).
    """

    name: str
    run: Callable[[np.ndarray, np.ndarray], object]
    baselines: tuple[Formulation, ...]
    in_place: bool = False


def _form(name, run):
    return Formulation(name, run)


COMPARISONS = (
    Comparison("relu(x, out=y)", lambda x, y: relu(x, out=y), (
        _form("np.maximum(x, 0, out=y)", lambda x, y: np.maximum(x, 0, out=y)),
        _form("np.clip(x, 0, np.inf, out=y)", lambda x, y: np.clip(x, 0, np.inf, out=y)))),
    Comparison("relu(x, out=x)", lambda x, y: relu(x, out=y), (
        _form("np.maximum(x, 0, out=x)", lambda x, y: np.maximum(x, 0, out=y)),),
        in_place=True),
    Comparison("relu_grad(x, out=y)", lambda x, y: relu_grad(x, out=y), (
        _form("np.heaviside(x, 0, out=y)", lambda x, y: np.heaviside(x, 0, out=y)),)),
    Comparison("leaky_relu(x, out=y)", lambda x, y: leaky_relu(x, out=y), (
        _form("np.where(x > 0, x, 0.01 * x)", lambda x, y: np.where(x > 0, x, 0.01 * x)),)),
)


@dataclass(frozen=True)
class Ratio:
    """One comparison at one size and dtype, medians over interleaved rounds.

    ``ratio``: median of (function time / faster baseline time) within each round.
    ``extra``: median of (function time - first baseline time), in seconds: the fixed
    cost that matters for small arrays.
    """

    name: str
    dtype: str
    size: int
    ratio: float
    extra: float
    seconds: float


def compare(
    sizes: Sequence[int],
    comparisons: Sequence[Comparison] = COMPARISONS,
    *,
    dtypes=(np.float32, np.float64),
    repeats: int = 7,
    seed: int = 0,
    min_seconds: float = 1e-3,
) -> list[Ratio]:
    """Time each comparison's function and its baselines in interleaved rounds.

    All callables of a comparison share one input and one output array, so that where
    the arrays happen to lie in memory (which changes how they share the caches) is the
    same for all of them. In place calls overwrite the input: after the first call it
    holds rectified data, for every callable alike.
    """
    rng = np.random.default_rng(seed)
    results = []
    for dtype in dtypes:
        for size in sizes:
            x = rng.standard_normal(size).astype(dtype)
            for c in comparisons:
                todo = [Formulation(c.name, c.run), *c.baselines]
                xi = x.copy()
                yi = xi if c.in_place else np.empty_like(x)
                calls = [partial(f.run, xi, yi) for f in todo]
                for call in calls:
                    call()  # one-off work (page faults) stays out
                numbers = [_calls_per_sample(call, min_seconds) for call in calls]
                times = np.empty((repeats, len(calls)))
                gc_was_enabled = gc.isenabled()
                gc.disable()
                try:
                    for r in range(repeats):
                        for j, (call, number) in enumerate(zip(calls, numbers, strict=True)):
                            times[r, j] = _seconds_per_call(call, number)
                finally:
                    if gc_was_enabled:
                        gc.enable()
                faster = times[:, 1:].min(axis=1)
                results.append(Ratio(
                    c.name, np.dtype(dtype).name, size,
                    float(np.median(times[:, 0] / faster)),
                    float(np.median(times[:, 0] - times[:, 1])),
                    float(np.median(times[:, 0])),
                ))
    return results


def _short(ratio: Ratio) -> str:
    """A column label: 'relu f32', 'grad f64', 'leaky f32', 'relu(x,x) f32'."""
    name = {"relu_grad": "grad", "leaky_relu": "leaky"}.get(*[ratio.name.split("(")[0]] * 2)
    return f"{name}{'(x,x)' if 'out=x' in ratio.name else ''} f{ratio.dtype[5:]}"


def format_ratios(ratios: Sequence[Ratio]) -> str:
    """Ratios as a table: one row per size, one column per function and dtype."""
    labels = list(dict.fromkeys(_short(r) for r in ratios))
    by = {(_short(r), r.size): r for r in ratios}
    lines = [f"{'size':>7}" + "".join(f"{label:>11}" for label in labels)]
    for size in sorted({r.size for r in ratios}):
        cells = [by.get((label, size)) for label in labels]
        lines.append(f"{'2**' + str(size.bit_length() - 1):>7}" + "".join(
            f"{c.ratio:11.2f}" if c else f"{'':>11}" for c in cells))
    return "\n".join(lines)


def machine() -> str:
    """Two lines about this machine: CPU model, cores, NumPy and its SIMD extensions; then
    which loop computes relu (``rectifiers.COMPILED``: the C loops or the NumPy fallback)."""
    import os
    import platform

    model = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    simd = ""
    try:
        from numpy._core._multiarray_umath import __cpu_dispatch__, __cpu_features__

        found = [f for f in __cpu_dispatch__ if __cpu_features__.get(f)]
        simd = f", SIMD {found[-1]}" if found else ""
    except ImportError:  # private NumPy module: only for the report
        pass
    loop = "compiled C loop" if rectifiers.COMPILED else "NumPy fallback (not compiled)"
    return (f"{model}, {os.cpu_count()} logical CPUs, Python {platform.python_version()}, "
            f"NumPy {np.__version__}{simd}\nrelu: {loop}")


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: the timing table, then the package against plain NumPy."""
    parser = argparse.ArgumentParser(
        prog="python -m bookkit.benchmarks",
        description="Time ReLU formulations on arrays of 2**lo .. 2**hi elements, one "
        "thread, against np.copyto; then relu, relu_grad and leaky_relu against NumPy.",
    )
    parser.add_argument("--exponents", nargs=2, type=int, default=(10, 24), metavar=("LO", "HI"),
                        help="table sizes 2**LO .. 2**HI (default: 10 24)")
    parser.add_argument("--step", type=int, default=1, help="step between exponents (default 1)")
    parser.add_argument("--repeats", type=int, default=7, help="interleaved rounds (default 7)")
    parser.add_argument("--dtype", default="float32", help="table's dtype (default float32)")
    parser.add_argument("--goal-exponents", nargs=2, type=int, default=(16, 26),
                        metavar=("LO", "HI"), help="ratio sizes (default: 16 26)")
    parser.add_argument("--no-table", action="store_true", help="only the ratios")
    parser.add_argument("--quick", action="store_true",
                        help="a fast smoke run: sizes up to 2**20 in steps of 2, 3 rounds")
    args = parser.parse_args(argv)
    (lo, hi), (glo, ghi) = args.exponents, args.goal_exponents
    step, repeats = (2, 3) if args.quick else (args.step, args.repeats)
    if args.quick:
        lo, hi, glo, ghi = 10, min(hi, 20), min(glo, 16), min(ghi, 20)
    dtype = np.dtype(args.dtype)
    caches = ", ".join(f"{k} {v // 1024} KiB" for k, v in cache_sizes().items()) or "unknown"
    print(textwrap.fill(machine(), 80))
    print(f"caches: {caches}; one thread")
    print(f"medians of {repeats} interleaved rounds")
    if not args.no_table:
        rows = time_formulations([2**e for e in range(lo, hi + 1, step)], repeats=repeats,
                                 dtype=dtype)
        print(f"\n{dtype}:")
        print(format_table(rows))
        top = headline(rows)
        print(f"\nat 2**{int(top['size']).bit_length() - 1} elements:")
        print(f"  relu(x, out=out) / np.copyto(out, x) time: {top['relu_out_vs_copy']:.2f}")
        if "loop_vs_relu_same_size" in top:
            print(f"  max() loop / relu(x, out=out) time, both at "
                  f"2**{int(top['loop_size']).bit_length() - 1}: "
                  f"{top['loop_vs_relu_same_size']:.0f}")
    out_of_place = [c for c in COMPARISONS if not c.in_place]
    big = compare([2**e for e in range(glo, ghi + 1, step)], out_of_place, repeats=repeats)
    print("\ntime / faster NumPy baseline (goal: at most 1.05):")
    for c in out_of_place:
        print(f"  {c.name} vs " + "\n    or ".join(b.name for b in c.baselines))
    print(format_ratios(big))
    small = compare([2**e for e in range(4, min(glo, 16), 2)], out_of_place,
                    repeats=repeats, min_seconds=2e-3)
    print("\nfixed cost below 2**16, function minus first baseline (goal: at most 1 µs):")
    for c in out_of_place:
        worst = max((r for r in small if r.name == c.name), key=lambda r: r.extra, default=None)
        if worst is not None:
            print(f"  {c.name:<22} at most {worst.extra * 1e6:+.2f} µs "
                  f"(at 2**{worst.size.bit_length() - 1}, {worst.dtype})")
    in_place = [c for c in COMPARISONS if c.in_place]
    if in_place:
        size = 2**min(24, ghi)
        print(f"\nin place at 2**{size.bit_length() - 1} (goal: at most 1.05):")
        for r in compare([size], in_place, repeats=repeats):
            print(f"  {r.dtype}: {r.name} / np.maximum(x, 0, out=x) = {r.ratio:.2f}")
    worst = max(big, key=lambda r: r.ratio)
    print(f"\nworst ratio: {worst.ratio:.2f} ({worst.name}, {worst.dtype}, "
          f"2**{worst.size.bit_length() - 1})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
