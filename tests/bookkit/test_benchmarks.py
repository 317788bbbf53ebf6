"""The measuring code of chapter 2: what it computes, never how fast (timings are not asserted)."""

from __future__ import annotations

from unittest.mock import patch

import numpy as np
import pytest

from bookkit.benchmarks import (
    COMPARISONS,
    COPY,
    FORMULATIONS,
    Comparison,
    Formulation,
    Ratio,
    Timing,
    bandwidth,
    cache_sizes,
    compare,
    format_ratios,
    format_table,
    headline,
    machine,
    main,
    relu_with_stores,
    streaming_available,
    time_formulations,
)
from rectifiers import relu


def agreed_subset(dtype, n=257, seed=3):
    """Finite, non-zero values: where every formulation agrees (NaN, -0.0, ±inf are where they
    differ, chapter 2)."""
    x = np.random.default_rng(seed).standard_normal(n).astype(dtype)
    x[x == 0] = 1.0
    return x


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("formulation", FORMULATIONS, ids=lambda f: f.name)
def test_every_formulation_computes_relu_on_the_agreed_subset(formulation, dtype):
    x = agreed_subset(dtype)
    expected = np.array([relu(float(v)) for v in x])  # the scalar path, element by element
    result = formulation.run(x, np.empty_like(x))
    np.testing.assert_array_equal(np.asarray(result, dtype=np.float64), expected)


@pytest.mark.parametrize(
    "formulation", [f for f in FORMULATIONS if "out=out" in f.name], ids=lambda f: f.name
)
def test_formulations_with_out_write_into_out(formulation):
    x = agreed_subset(np.float32)
    out = np.full_like(x, np.nan)
    formulation.run(x, out)
    np.testing.assert_array_equal(out, np.maximum(x, 0))


def test_formulations_do_not_modify_their_input():
    x = agreed_subset(np.float32)
    before = x.copy()
    for formulation in FORMULATIONS:
        formulation.run(x, np.empty_like(x))
    np.testing.assert_array_equal(x, before)


def test_copy_reference_copies():
    x = agreed_subset(np.float32)
    out = np.zeros_like(x)
    COPY.run(x, out)
    np.testing.assert_array_equal(out, x)


def test_bandwidth_counts_one_read_and_one_write():
    assert bandwidth(1000, 4, 1e-6) == pytest.approx(8e9)
    assert bandwidth(2**24, 4, 0.5) == pytest.approx(2 * 2**24 * 4 / 0.5)


def test_time_formulations_reports_every_formulation_and_skips_loops_beyond_max_size():
    small_only = Formulation("loop", lambda x, out: np.maximum(x, 0), max_size=16)
    always = Formulation("maximum", lambda x, out: np.maximum(x, 0, out=out))
    rows = time_formulations([8, 64], [small_only, always], repeats=2, min_seconds=0.0)
    assert [(r.size, r.name) for r in rows] == [
        (8, COPY.name), (8, "loop"), (8, "maximum"), (64, COPY.name), (64, "maximum"),
    ]
    for r in rows:
        assert r.seconds > 0
        assert r.bandwidth == pytest.approx(bandwidth(r.size, 4, r.seconds))
        if r.name == COPY.name:
            assert r.ratio == 1.0  # the copy against itself, round by round


def test_headline_arithmetic():
    rows = [
        Timing(COPY.name, 1024, 1e-6, 0.0, 1.0),
        Timing("max() loop", 1024, 1e-4, 0.0, 100.0),
        Timing(COPY.name, 4096, 2e-6, 0.0, 1.0),
        Timing("relu(x, out=out)", 4096, 4e-6, 0.0, 2.0),
    ]
    top = headline(rows)
    assert top["size"] == 4096
    assert top["relu_out_vs_copy"] == 2.0
    # loop: 1e-4 s / 1024 elements; relu: 4e-6 s / 4096 elements.
    assert top["loop_vs_relu"] == pytest.approx((1e-4 / 1024) / (4e-6 / 4096))


def test_format_table_lists_every_row():
    rows = [Timing(COPY.name, 1024, 1e-6, 8.2e9, 1.0), Timing("relu(x)", 1024, 3e-6, 2.7e9, 3.0)]
    text = format_table(rows)
    assert COPY.name in text and "relu(x)" in text
    assert len(text.splitlines()) == 3


def test_cache_sizes_reads_sysfs_layout(tmp_path):
    layout = [("index0", 1, "Data", "32K"), ("index1", 1, "Instruction", "32K"),
              ("index2", 2, "Unified", "1024K"), ("index3", 3, "Unified", "32M")]
    for name, level, kind, size in layout:
        d = tmp_path / name
        d.mkdir()
        (d / "level").write_text(f"{level}\n")
        (d / "type").write_text(f"{kind}\n")
        (d / "size").write_text(f"{size}\n")
    assert cache_sizes(tmp_path) == {"L1d": 32 * 1024, "L2": 1024 * 1024, "L3": 32 * 2**20}


def test_cache_sizes_is_empty_where_sysfs_is_missing(tmp_path):
    assert cache_sizes(tmp_path / "nowhere") == {}


def test_command_line_prints_table_and_headline(capsys):
    assert main(["--exponents", "4", "6", "--step", "2", "--repeats", "1",
                 "--goal-exponents", "6", "8"]) == 0
    printed = capsys.readouterr().out
    for formulation in FORMULATIONS:
        assert formulation.name in printed
    assert "relu(x, out=out) / np.copyto(out, x)" in printed
    assert "max() loop / relu(x, out=out)" in printed
    for comparison in COMPARISONS:
        assert comparison.name in printed
    assert "fixed cost" in printed and "in place at 2**8" in printed
    assert max(len(line) for line in printed.splitlines()) <= 80


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("comparison", COMPARISONS, ids=lambda c: c.name)
def test_each_comparison_computes_the_same_values_as_its_baselines(comparison, dtype):
    """A ratio only means something if both sides compute the same function."""
    x = agreed_subset(dtype)
    results = []
    for run in [comparison.run] + [b.run for b in comparison.baselines]:
        xi = x.copy()
        yi = xi if comparison.in_place else np.empty_like(xi)
        result = run(xi, yi)
        results.append(np.asarray(yi if result is None else result))
    for other in results[1:]:
        np.testing.assert_array_equal(results[0], other)


def test_compare_reports_one_ratio_per_comparison_size_and_dtype():
    fast = Formulation("copy", lambda x, y: np.copyto(y, x))
    c = Comparison("maximum", lambda x, y: np.maximum(x, 0, out=y), (fast, fast))
    ratios = compare([8, 64], [c], dtypes=(np.float32, np.float64), repeats=3, min_seconds=0.0)
    assert [(r.dtype, r.size) for r in ratios] == [
        ("float32", 8), ("float32", 64), ("float64", 8), ("float64", 64)]
    for r in ratios:
        assert r.name == "maximum" and r.ratio > 0 and r.seconds > 0


def test_compare_in_place_hands_the_input_as_out():
    seen = []
    c = Comparison("f(x, out=x)", lambda x, y: seen.append(x is y),
                   (Formulation("g", lambda x, y: seen.append(x is y)),), in_place=True)
    compare([4], [c], dtypes=(np.float32,), repeats=1, min_seconds=0.0)
    assert seen and all(seen)


def test_compare_hands_every_callable_the_same_arrays():
    """Where the arrays lie in memory changes their timing: all callables share them."""
    seen = []
    record = lambda x, y: seen.append((id(x), id(y)))  # noqa: E731
    c = Comparison("f", record, (Formulation("g", record), Formulation("h", record)))
    compare([8], [c], dtypes=(np.float64,), repeats=2, min_seconds=0.0)
    assert len(seen) > 3 and len(set(seen)) == 1


def test_format_ratios_has_one_column_per_function_and_dtype():
    ratios = [Ratio("relu(x, out=y)", "float32", 2**16, 1.01, 0.0, 1e-5),
              Ratio("relu(x, out=y)", "float64", 2**16, 0.98, 0.0, 2e-5),
              Ratio("leaky_relu(x, out=y)", "float32", 2**18, 0.5, 0.0, 1e-4)]
    lines = format_ratios(ratios).splitlines()
    assert lines[0].split() == ["size", "relu", "f32", "relu", "f64", "leaky", "f32"]
    assert lines[1].split() == ["2**16", "1.01", "0.98"]
    assert lines[2].split() == ["2**18", "0.50"]


def test_machine_names_numpy():
    assert f"NumPy {np.__version__}" in machine()


def test_machine_says_which_loop_computes_relu(monkeypatch):
    import rectifiers

    assert machine().endswith("relu: compiled C loop" if rectifiers.COMPILED
                              else "relu: NumPy fallback (not compiled)")
    monkeypatch.setattr(rectifiers, "COMPILED", not rectifiers.COMPILED)
    assert machine().endswith("relu: NumPy fallback (not compiled)" if not rectifiers.COMPILED
                              else "relu: compiled C loop")


@pytest.mark.parametrize("kind", ["ordinary", "streaming"])
def test_relu_with_stores_refuses_where_there_is_no_streaming_loop(kind):
    if streaming_available():
        pytest.skip("this machine has the streaming loop")
    with pytest.raises(RuntimeError, match="no streaming loop"):
        relu_with_stores(kind)


@pytest.mark.parametrize("kind", ["ordinary", "streaming"])
def test_relu_with_stores_computes_relu_and_restores_the_threshold(kind):
    if not streaming_available():
        pytest.skip("relu has no streaming loop here (compiled, x86-64 with AVX2 only)")
    import rectifiers.activations as activations

    x = np.array([-np.inf, -1.5, -0.0, 0.0, 2.0, np.inf, np.nan] * 9, np.float32)
    out = np.full_like(x, 7.0)
    set_threshold, seen = activations.set_streaming_threshold, []

    def recording(value):
        seen.append(value)
        return set_threshold(value)

    before = set_threshold(12345)
    try:
        with patch.object(activations, "set_streaming_threshold", recording):
            assert relu_with_stores(kind)(x, out) is out
        assert seen == [0 if kind == "streaming" else 2**62, 12345]  # and put back
    finally:
        set_threshold(before)
    expected = relu(x)
    np.testing.assert_array_equal(out, expected)
    assert not np.signbit(out[~np.isnan(out)]).any()


def test_relu_with_stores_refuses_an_unknown_kind():
    with pytest.raises(ValueError, match="'ordinary' or 'streaming'"):
        relu_with_stores("fast")
