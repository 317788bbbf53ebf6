"""Timing ReLU formulations against the memory-copy limit (chapter 2, ``make bench``).

Each formulation is timed on the same float32 array as ``np.copyto(out, x)``, which only
reads the input and writes the output: a ReLU that does the same traffic can hardly beat
it, so the ratio ``time / copy time`` says how far a formulation is from that limit.
NumPy's ufuncs run on one thread (``OPENBLAS_NUM_THREADS`` and friends only affect BLAS
calls such as ``@``), so every number here is single-threaded.

    python -m rectifiers.benchmarks --quick
"""

from __future__ import annotations

import argparse
import gc
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import numpy as np

from .activations import relu

__all__ = [
    "max_loop", "list_comprehension", "Formulation", "COPY", "FORMULATIONS", "Timing",
    "bandwidth", "time_formulations", "headline", "format_table", "cache_sizes", "main",
]


def max_loop(x, out):
    """ReLU of ``x`` into ``out``, one call to the built-in ``max()`` per element."""
    for i in range(x.size):
        out[i] = max(0.0, x[i])
    return out


def list_comprehension(x, out):
    """The same loop as a list comprehension over Python floats (``out`` is not used)."""
    return np.array([max(0.0, v) for v in x.tolist()])


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
    """One formulation at one size: best seconds per call, bytes/s, and time / copy time."""

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
    the machine hits all of them alike. ``seconds`` is the best round, as ``timeit``
    advises: other programs only ever add time. ``ratio`` is ``seconds / copy seconds``.
    """
    rng = np.random.default_rng(seed)
    rows = []
    for size in sizes:
        x = rng.standard_normal(size).astype(dtype)
        out = np.empty_like(x)
        todo = [COPY] + [f for f in formulations if f.max_size is None or size <= f.max_size]
        calls = {f.name: partial(f.run, x, out) for f in todo}
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
        copy = min(samples[COPY.name])
        for name, times in samples.items():
            seconds = min(times)
            rows.append(Timing(name, size, seconds, bandwidth(size, x.itemsize, seconds),
                               seconds / copy))
    return rows


def headline(rows: Sequence[Timing]) -> dict[str, float]:
    """The two numbers the chapter quotes, at the largest size measured.

    ``relu_out_vs_copy``: time of ``relu(x, out=out)`` / time of the copy.
    ``loop_vs_relu``: time per element of the ``max()`` loop (at the largest size it ran)
    / time per element of ``relu(x, out=out)``.
    """
    size = max(r.size for r in rows)
    relu_out = next(r for r in rows if r.name == "relu(x, out=out)" and r.size == size)
    loops = [r for r in rows if r.name == "max() loop"]
    result = {"size": float(size), "relu_out_vs_copy": relu_out.ratio}
    if loops:
        loop = max(loops, key=lambda r: r.size)
        result["loop_vs_relu"] = (loop.seconds / loop.size) / (relu_out.seconds / size)
    return result


def format_table(rows: Sequence[Timing]) -> str:
    """The timings as a fixed-width text table, one block per size."""
    lines = [f"{'size':>10}  {'formulation':<32}{'time':>12}{'GB/s':>9}{'x copy':>9}"]
    for i, r in enumerate(rows):
        if i and r.size != rows[i - 1].size:
            lines.append("")
        time_text = f"{r.seconds * 1e6:10.1f} us" if r.seconds < 1e-2 else f"{r.seconds:10.3f} s "
        lines.append(
            f"{r.size:>10}  {r.name:<32}{time_text:>12}{r.bandwidth / 1e9:9.2f}{r.ratio:9.2f}"
        )
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


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: print the timing table and the headline ratios."""
    parser = argparse.ArgumentParser(
        prog="python -m rectifiers.benchmarks",
        description="Time ReLU formulations on float32 arrays of 2**lo .. 2**hi elements, "
        "one thread, against np.copyto.",
    )
    parser.add_argument("--exponents", nargs=2, type=int, default=(10, 24), metavar=("LO", "HI"),
                        help="sizes 2**LO .. 2**HI (default: 10 24)")
    parser.add_argument("--step", type=int, default=1, help="step between exponents (default 1)")
    parser.add_argument("--repeats", type=int, default=7, help="interleaved rounds (default 7)")
    parser.add_argument("--dtype", default="float32", help="floating dtype (default float32)")
    parser.add_argument("--quick", action="store_true",
                        help="a fast smoke run: sizes 2**10 .. 2**20 in steps of 2, 3 rounds")
    args = parser.parse_args(argv)
    lo, hi = args.exponents
    step, repeats = (2, 3) if args.quick else (args.step, args.repeats)
    if args.quick:
        lo, hi = 10, min(hi, 20)
    sizes = [2**e for e in range(lo, hi + 1, step)]
    dtype = np.dtype(args.dtype)
    caches = ", ".join(f"{k} {v // 1024} KiB" for k, v in cache_sizes().items()) or "unknown"
    print(f"numpy {np.__version__}, dtype {dtype}, one thread, {repeats} rounds; caches: {caches}")
    rows = time_formulations(sizes, repeats=repeats, dtype=dtype)
    print(format_table(rows))
    top = headline(rows)
    print(f"\nat 2**{int(top['size']).bit_length() - 1} elements:")
    print(f"  relu(x, out=out) / np.copyto(out, x) time: {top['relu_out_vs_copy']:.2f}")
    if "loop_vs_relu" in top:
        print(f"  max() loop / relu(x, out=out) time per element: {top['loop_vs_relu']:.0f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
