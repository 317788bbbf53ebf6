"""The numerics the book's outputs are defined under, and whether this machine computes them.

    python -m bookkit.numerics        # make numerics: settings, SIMD paths, BLAS kernels, hash

NumPy picks SIMD code for its elementwise functions at run time and OpenBLAS picks matrix
kernels by processor; each sums or rounds a little differently, and training amplifies the
last bit. The book pins both (bookkit.settings.numerics_env). :func:`fingerprint` hashes the
book's kinds of arithmetic (ufuncs, reductions, matrix products, random draws, a chaotic
training run); ``make notebooks`` records it beside the outputs it stores, and a machine
that prints the same hash reproduces the stored outputs bit for bit.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import subprocess
import sys

import numpy as np

from . import settings


def _digest(*arrays) -> str:
    h = hashlib.sha256()
    for a in arrays:
        a = np.ascontiguousarray(a)
        h.update(f"{a.dtype}{a.shape}".encode())
        h.update(a.tobytes())
    return h.hexdigest()[:12]


def _ufuncs(dtype) -> str:
    x = np.random.default_rng(1).normal(0.0, 4.0, 20_000).astype(dtype)
    with np.errstate(all="ignore"):
        return _digest(np.exp(x), np.log1p(np.abs(x)), np.tanh(x), np.expm1(x),
                       np.logaddexp(0, x), np.power(np.abs(x), dtype(1.5)), np.sin(x))


def _reductions() -> str:
    rng = np.random.default_rng(2)
    a, m = rng.normal(size=100_003), rng.normal(size=(1347, 64))
    return _digest(np.array([a.sum(), a.var(), np.linalg.norm(a)]), m.mean(axis=0), m.std(axis=1))


def _products() -> str:
    rng = np.random.default_rng(3)
    shapes = [((256, 2), (2, 32)), ((256, 32), (32, 32)), ((1347, 64), (64, 32)),
              ((32, 1347), (1347, 32)), ((64, 32), (32, 10))]
    return _digest(*[rng.normal(size=a) @ rng.normal(size=b) for a, b in shapes])


def _training() -> str:
    """A deep ReLU network at a high learning rate: chaotic, so it amplifies the last bit."""
    from rectifiers import MLP

    rng = np.random.default_rng(4)
    X = rng.uniform(-1, 1, (256, 2))
    y = np.sin(np.pi * X[:, :1]) * np.cos(np.pi * X[:, 1:])
    net = MLP([2, 32, 32, 32, 32, 1], activation="relu", seed=0)
    net.fit(X, y, epochs=15, lr=0.1, batch_size=16, seed=0)
    return _digest(*net.parameters())


def parts() -> dict[str, str]:
    return {"ufuncs float64": _ufuncs(np.float64), "ufuncs float32": _ufuncs(np.float32),
            "reductions": _reductions(), "matrix products": _products(),
            "random draws": _digest(np.random.default_rng(5).normal(size=1000)),
            "training": _training()}


def fingerprint(of: dict[str, str] | None = None) -> str:
    of = parts() if of is None else of
    return hashlib.sha256(" ".join(of.values()).encode()).hexdigest()[:16]


def in_effect() -> dict[str, object]:
    """What decides this process's last bits: settings, SIMD paths, BLAS kernels, versions."""
    from numpy._core._multiarray_umath import __cpu_dispatch__, __cpu_features__

    try:
        from threadpoolctl import threadpool_info
        blas = sorted({f"{p.get('internal_api')} {p.get('architecture')} "
                       f"({p.get('num_threads')} threads)" for p in threadpool_info()
                       if p.get("user_api") == "blas"})
    except ImportError:
        blas = ["unknown (threadpoolctl missing)"]
    names = [*settings.X86_64_NUMERICS, *settings.THREADS, "PYTHONHASHSEED"]
    return {
        "platform": f"{platform.system()} {platform.machine()}",
        "python": platform.python_version(),
        "numpy": np.__version__,
        "simd": [k for k in __cpu_dispatch__ if __cpu_features__.get(k)] or ["baseline only"],
        "blas": blas,
        "settings": {name: os.environ.get(name, "") for name in names},
    }


def measure(env: dict[str, str] | None = None) -> dict[str, object]:
    """:func:`in_effect` and :func:`fingerprint` in a fresh interpreter under ``env`` (default:
    the book's numerics), since NumPy and OpenBLAS read their settings once, at import."""
    env = {**os.environ, **(settings.numerics_env() if env is None else env)}
    done = subprocess.run([sys.executable, "-m", "bookkit.numerics", "--json"], env=env,
                          capture_output=True, text=True, check=True, cwd=settings.ROOT)
    return json.loads(done.stdout)


def record() -> None:
    """Write the fingerprint of the book's numerics here as the stored outputs' own."""
    settings.NUMERICS_RECORD.write_text(json.dumps(measure(), indent=2) + "\n")


def reference() -> dict:
    return json.loads(settings.NUMERICS_RECORD.read_text())


def matches_reference() -> tuple[bool, str]:
    """Whether this machine reproduces the stored outputs' numerics, and a one-line reason."""
    ref, here = reference(), measure()
    if here["fingerprint"] == ref["fingerprint"]:
        return True, f"numerics fingerprint {here['fingerprint']} equals the stored outputs'"
    return False, (f"this machine's numerics (fingerprint {here['fingerprint']}, "
                   f"{here['platform']}, NumPy SIMD {' '.join(here['simd'])}, "
                   f"{' '.join(here['blas'])}) differ from those the stored outputs are "
                   f"defined under ({ref['fingerprint']}, {ref['platform']}, NumPy SIMD "
                   f"{' '.join(ref['simd'])}, {' '.join(ref['blas'])})")


def main(argv: list[str]) -> None:
    if argv == ["--json"]:
        print(json.dumps({"fingerprint": fingerprint(), **in_effect()}))
        return
    now = measure()
    print(f"{now['platform']}, Python {now['python']}, NumPy {now['numpy']}")
    print("settings:  " + " ".join(f"{k}={v!r}" for k, v in now["settings"].items()))
    print(f"SIMD paths NumPy dispatches to: {', '.join(now['simd'])}")
    print(f"BLAS: {', '.join(now['blas'])}")
    print(f"fingerprint: {now['fingerprint']}")
    same, why = matches_reference()
    print(("reference numerics: " if same else "NOT the reference numerics: ") + why)


if __name__ == "__main__":
    main(sys.argv[1:])
