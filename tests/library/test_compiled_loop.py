"""The compiled loop of relu and relu_grad (src/rectifiers/_relu.c), and its NumPy fallback.

Every way the float loops can run (compiled with ordinary or streaming stores, NumPy) on
every layout NumPy hands a ufunc, bit for bit; how the package imports the module (and
what it does when the module is missing or broken); the portable build; the streaming
threshold. relu and relu_grad's rules for Python callers are in test_activations.py.
"""

from __future__ import annotations

import importlib.util
import os
import shlex
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path
from unittest.mock import patch

import numpy as np
import pytest
from helpers import EDGES, FLOATS, NEG_NAN, assert_same_floats, every_float16, scalar_path

import rectifiers
import rectifiers.activations as activations
from rectifiers import relu, relu_grad

compiled = activations._relu  # None where it was not built (no C compiler)
LOOPS = ["compiled, plain stores", "compiled, streaming stores", "numpy"]


@pytest.fixture(params=LOOPS)
def float_loop(request):
    """Each way relu and relu_grad can work on floats: the compiled loops, with relu's
    ordinary stores and its streaming stores (forced for every size), and the NumPy
    fallbacks (no C compiler)."""
    if request.param == "numpy":
        with (patch.object(activations, "_relu_float", activations._relu_numpy),
              patch.object(activations, "_relu_grad_float", activations._relu_grad_numpy)):
            yield request.param
        return
    if compiled is None:
        pytest.skip("rectifiers._relu was not built (no C compiler)")
    streaming = request.param.endswith("streaming stores")
    if streaming and not rectifiers.STREAMING:
        pytest.skip("this processor has no streaming loop (x86-64 with AVX2 only)")
    with rectifiers.streaming_threshold(0 if streaming else 2**62):
        yield request.param


# --- the float loops: compiled (relu with both kinds of store) and the NumPy fallbacks ---------


def layouts(values):
    """The same values laid out the ways NumPy's loops differ: (name, x) pairs."""
    n, dtype = values.size, values.dtype
    raw = np.zeros(n * dtype.itemsize + 1, np.uint8)
    misaligned = raw[1:].view(dtype)
    misaligned[...] = values
    offset = np.zeros(n + 1, dtype)[1:]  # contiguous, one element off a 32-byte boundary
    offset[...] = values
    return [
        ("contiguous", values.copy()),
        ("offset", offset),
        ("strided", np.repeat(values, 2)[::2]),
        ("reversed", values[::-1].copy()[::-1]),
        ("misaligned", misaligned),
        ("2-D transposed", np.tile(values, (3, 1)).T),
    ]


def test_the_compiled_loop_is_used_where_it_was_built():
    """CI sets RECTIFIERS_COMPILED_REQUIRED=1: there a missing build is a failure."""
    assert rectifiers.COMPILED is (compiled is not None)
    if compiled is None:
        if os.environ.get("RECTIFIERS_COMPILED_REQUIRED") == "1":
            pytest.fail("rectifiers._relu was not built; see setup.py")
        pytest.skip("rectifiers._relu was not built (no C compiler)")
    assert activations._relu_float is compiled.relu
    assert activations._relu_grad_float is compiled.relu_grad
    assert compiled.relu.types == compiled.relu_grad.types == ["e->e", "f->f", "d->d"]


def import_a_copy(tmp_path, compiled_module: bytes | None):
    """Import a copy of the library whose rectifiers._relu is missing (None) or is a file
    with the given bytes; returns the finished process."""
    package = Path(activations.__file__).parent
    copy = tmp_path / "rectifiers"
    shutil.copytree(package, copy, ignore=shutil.ignore_patterns("*.so", "*.pyd", "book"))
    if compiled_module is not None:
        (copy / f"_relu{sysconfig.get_config_var('EXT_SUFFIX')}").write_bytes(compiled_module)
    code = "import rectifiers; print(rectifiers.COMPILED, rectifiers.relu([-0.0, 2.0]))"
    return subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True,
                          text=True, env={**os.environ, "PYTHONPATH": str(tmp_path)})


def test_a_missing_compiled_module_falls_back_to_numpy(tmp_path):
    run = import_a_copy(tmp_path, None)
    assert run.returncode == 0, run.stderr
    assert run.stdout.split() == ["False", "[0.", "2.]"]


def test_a_broken_compiled_module_is_an_import_error_not_a_fallback(tmp_path):
    run = import_a_copy(tmp_path, b"not a shared object")
    assert run.returncode != 0
    assert "ImportError" in run.stderr and "_relu" in run.stderr


@pytest.mark.parametrize("f", [relu, relu_grad], ids=lambda f: f.__name__)
@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("n", [1, 7, 8, 15, 16, 17, 31, 33, 64, 100, 1000, 4097])
def test_every_loop_matches_the_scalar_path_on_every_layout(float_loop, f, dtype, n):
    """Sizes around vector widths, every layout, a new, a given and the same output:
    equal values, NaN where NaN, and +0.0 (never -0.0) for every zero."""
    values = np.resize(np.array(EDGES + [NEG_NAN, -3e-8, 5e-8], dtype=dtype), n)
    for _, x in layouts(values):
        expected = scalar_path(f, x, dtype)
        for out in ("new", "given", "strided", "in place"):
            target = {"new": None, "given": np.empty(x.shape, dtype),
                      "strided": np.empty(x.shape + (2,), dtype)[..., 0],
                      "in place": x.copy()}[out]
            source = target if out == "in place" else x
            result = f(source, out=target)
            assert target is None or result is target
            assert_same_floats(result, expected)


@pytest.mark.parametrize("f", [relu, relu_grad], ids=lambda f: f.__name__)
@pytest.mark.parametrize("dtype", FLOATS)
def test_every_loop_raises_no_floating_point_warning(float_loop, f, dtype):
    x = np.array(EDGES * 20 + [NEG_NAN], dtype=dtype)
    with np.errstate(all="raise"):
        f(x)
        f(x, out=x)


@pytest.mark.parametrize("f", [relu, relu_grad], ids=lambda f: f.__name__)
@pytest.mark.parametrize("dtype", FLOATS)
def test_every_loop_handles_an_output_that_overlaps_the_input(float_loop, f, dtype):
    """NumPy copies where in and out overlap without being the same array: the result is
    that of the input as it was before the call."""
    buffer = np.array(EDGES * 20 + [NEG_NAN], dtype=dtype)
    x, out = buffer[:-3], buffer[3:]
    expected = scalar_path(f, x, dtype)
    f(x, out=out)
    assert_same_floats(out, expected)


@pytest.fixture(scope="module")
def portable_build(tmp_path_factory):
    """rectifiers._relu compiled with -DRECTIFIERS_PORTABLE: the plain C loops that
    processors other than x86-64 (and compilers other than GCC) get, with warnings as
    errors. Loaded under its own name, beside the installed module."""
    # Compiled and linked as the platform builds extensions: its CC and its LDSHARED (on
    # macOS, say, LDSHARED adds -bundle -undefined dynamic_lookup, which cc -shared lacks).
    cc = shlex.split(sysconfig.get_config_var("CC") or "cc")
    ldshared = shlex.split(sysconfig.get_config_var("LDSHARED") or "cc -shared")
    if compiled is None or shutil.which(cc[0]) is None or shutil.which(ldshared[0]) is None:
        pytest.skip("no C compiler")
    source = Path(activations.__file__).with_name("_relu.c")
    folder = tmp_path_factory.mktemp("portable")
    target = folder / f"_relu{sysconfig.get_config_var('EXT_SUFFIX')}"
    subprocess.run([*cc, "-O2", "-Wall", "-Wextra", "-Werror", "-fPIC", "-DRECTIFIERS_PORTABLE",
                    f"-I{sysconfig.get_paths()['include']}", f"-I{np.get_include()}",
                    "-c", str(source), "-o", str(folder / "_relu.o")], check=True)
    subprocess.run([*ldshared, str(folder / "_relu.o"), "-o", str(target)], check=True)
    spec = importlib.util.spec_from_file_location("portable._relu", target)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("name", ["relu", "relu_grad"])
@pytest.mark.parametrize("dtype", FLOATS)
def test_the_portable_loops_give_the_same_bits(portable_build, name, dtype):
    assert portable_build.streaming == 0
    values = np.resize(np.array(EDGES + [NEG_NAN, -3e-8, 5e-8], dtype=dtype), 1001)
    for _, x in layouts(values):
        expected = getattr(compiled, name)(x)
        result = getattr(portable_build, name)(x)
        np.testing.assert_array_equal(np.ascontiguousarray(result).view(np.uint8),
                                      np.ascontiguousarray(expected).view(np.uint8))


def test_the_streaming_threshold_starts_at_32_mib_and_set_returns_the_previous_one():
    assert rectifiers.get_streaming_threshold() == 32 * 2**20
    previous = rectifiers.set_streaming_threshold(2**20)
    try:
        assert rectifiers.get_streaming_threshold() == 2**20
        if compiled is not None:  # the setting reaches the compiled loop
            assert compiled.get_streaming_threshold() == 2**20
    finally:
        assert rectifiers.set_streaming_threshold(previous) == 2**20
    assert rectifiers.get_streaming_threshold() == previous


def test_the_streaming_threshold_context_restores_the_old_value_even_after_an_error():
    before = rectifiers.get_streaming_threshold()
    with pytest.raises(RuntimeError), rectifiers.streaming_threshold(0):
        assert rectifiers.get_streaming_threshold() == 0
        raise RuntimeError
    assert rectifiers.get_streaming_threshold() == before


@pytest.mark.parametrize(("bad", "error"), [(-1, ValueError), ("16 MiB", TypeError),
                                            (None, TypeError), (1.5, TypeError),
                                            (True, TypeError), (np.array([1]), TypeError)])
def test_a_streaming_threshold_that_is_not_an_int_of_at_least_0_is_refused(bad, error):
    before = rectifiers.get_streaming_threshold()
    with pytest.raises(error, match="nbytes"):
        rectifiers.set_streaming_threshold(bad)
    assert rectifiers.get_streaming_threshold() == before


def test_streaming_is_reported_only_with_the_compiled_loop():
    assert rectifiers.STREAMING == (compiled is not None and bool(compiled.streaming))


def test_relu_of_a_large_array_matches_the_scalar_path():
    x = np.random.default_rng(1).standard_normal(3 * 2**18 + 17).astype(np.float32)
    x[[5, -3]] = -0.0
    x[[100, -100]] = [np.nan, NEG_NAN]
    assert_same_floats(relu(x), scalar_path(relu, x, np.float32))


@pytest.mark.parametrize("dtype", FLOATS)
def test_relu_in_place_turns_negative_zero_positive(dtype):
    x = np.array(EDGES * 5 + [NEG_NAN], dtype=dtype)
    expected = scalar_path(relu, x, dtype)
    relu(x, out=x)
    assert_same_floats(x, expected)


@pytest.mark.parametrize(
    "make",
    [
        lambda a: a[::2],  # strided
        lambda a: a.reshape(6, 6).T,  # Fortran order
        lambda a: a.reshape(6, 6)[:, 1:4],  # a non-contiguous window
    ],
)
def test_relu_of_non_contiguous_arrays_matches_the_scalar_path(make):
    a = np.array(EDGES * 5 + [NEG_NAN], dtype=np.float32)
    x = make(a)
    assert_same_floats(relu(x), scalar_path(relu, x, np.float32))
    out = np.empty(x.shape[::-1], dtype=np.float32).T  # a non-contiguous out as well
    relu(x, out=out)
    assert_same_floats(out, scalar_path(relu, x, np.float32))


def test_relu_takes_the_general_path_for_arrays_that_need_converting():
    big_endian = np.array([-0.0, -1.0, np.nan, 2.0], dtype=">f8")
    result = relu(big_endian)
    assert_same_floats(result, scalar_path(relu, big_endian, np.float64))
    with pytest.raises(TypeError, match="masked"):
        relu(np.ma.masked_array([1.0, -1.0], mask=[True, False]))


def test_relu_grad_of_a_large_array_matches_the_scalar_path():
    x = np.random.default_rng(2).standard_normal(3 * 2**17 + 5)
    x[[2**17 + 3, 7]] = [np.nan, NEG_NAN]
    x[[11, 13]] = [0.0, -0.0]
    assert_same_floats(relu_grad(x), scalar_path(relu_grad, x, np.float64))


# --- bit for bit: every loop gives the bits the C loop's rule specifies ----------------------

UINTS = {np.float16: np.uint16, np.float32: np.uint32, np.float64: np.uint64}


def bit_patterns(dtype):
    """Every float16 pattern; for float32 and float64 the specials (signalling NaNs with
    payloads, of both signs, zeros, infinities, subnormals) and 200,000 random patterns."""
    u = UINTS[dtype]
    if dtype is np.float16:
        return every_float16()
    width = 8 * np.dtype(u).itemsize
    mantissa = np.finfo(dtype).nmant
    exponent = ((1 << (width - 1 - mantissa)) - 1) << mantissa
    sign, quiet = u(1) << u(width - 1), u(1) << u(mantissa - 1)
    payloads = [u(1), u(2), quiet - u(1), quiet, quiet + u(1), quiet | u(0x5a5)]
    nans = [u(exponent) | p for p in payloads]
    specials = nans + [n | sign for n in nans] + [
        u(0), sign, u(exponent), u(exponent) | sign, u(1), u(1) | sign, quiet - u(1)]
    random = np.random.default_rng(width).integers(
        0, np.iinfo(u).max, 200_000, dtype=u, endpoint=True)
    return np.concatenate([np.array(specials, u), random]).view(dtype)


def specified_bits(name, x):
    """The rule of _relu.c, written with float predicates: relu keeps NaN (its bits) and
    x > 0, else +0.0; relu_grad keeps NaN, gives 1.0 for x > 0, else +0.0."""
    u = UINTS[x.dtype.type]
    bits, nan = x.view(u), np.isnan(x)
    if name == "relu":
        return np.where(nan | (x > 0), bits, u(0))
    return np.where(nan, bits, np.where(x > 0, np.array(1.0, x.dtype).view(u), u(0)))


@pytest.mark.parametrize("name", ["relu", "relu_grad"])
@pytest.mark.parametrize("dtype", FLOATS)
def test_every_loop_gives_the_specified_bits_nan_payloads_and_signs_included(
        float_loop, name, dtype):
    x = bit_patterns(dtype)
    expected = specified_bits(name, x)
    f = {"relu": relu, "relu_grad": relu_grad}[name]
    with np.errstate(all="raise"):
        np.testing.assert_array_equal(f(x).view(expected.dtype), expected)
        out = np.empty(x.shape + (2,), dtype)[..., 1]  # strided output
        f(x[::-1], out=out)
        np.testing.assert_array_equal(out.view(expected.dtype), expected[::-1])
