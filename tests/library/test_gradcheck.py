"""Central differences and gradient checking: error order, ReLU's kink, and the API's rules."""

from __future__ import annotations

import math

import numpy as np
import pytest

from rectifiers import check_grad, numerical_derivative, numerical_gradient, relu, relu_grad


@pytest.mark.parametrize(("f", "df", "x"), [(math.sin, math.cos, 0.7), (math.exp, math.exp, -0.3)])
def test_halving_h_quarters_the_error_on_a_smooth_function(f, df, x):
    for h in (1e-2, 5e-3, 2.5e-3):
        coarse = abs(numerical_derivative(f, x, h) - df(x))
        fine = abs(numerical_derivative(f, x, h / 2) - df(x))
        assert 3.8 < coarse / fine < 4.2


def test_default_step_beats_much_larger_and_much_smaller_steps():
    x = 1.3
    err = {h: abs(numerical_derivative(math.exp, x, h) - math.exp(x)) for h in (1e-3, 1e-9)}
    default = abs(numerical_derivative(math.exp, x) - math.exp(x))
    assert default < err[1e-3] and default < err[1e-9]
    assert default < 1e-9


def test_default_step_scales_with_x():
    # At |x| = 1e8 a fixed step of 6e-6 would be lost in rounding; the scaled one is not.
    assert numerical_derivative(lambda t: 3.0 * t, 1e8) == pytest.approx(3.0, rel=1e-9)


@pytest.mark.parametrize("h", [None, 1e-1, 1e-4, 1e-8])
def test_relu_at_exactly_zero_gives_one_half(h):
    assert numerical_derivative(relu, 0.0, h) == 0.5
    assert numerical_derivative(relu, -0.0, h) == 0.5
    assert np.all(numerical_derivative(relu, np.zeros(3), h) == 0.5)


def test_central_difference_agrees_with_relu_grad_away_from_zero():
    x = np.array([-3.0, -0.5, -1e-3, 1e-3, 0.25, 7.0])
    np.testing.assert_array_equal(numerical_derivative(relu, x), relu_grad(x))


def test_numerical_derivative_of_scalar_is_float_and_of_array_keeps_shape():
    assert type(numerical_derivative(math.sin, 1)) is float
    x = np.linspace(-1.0, 1.0, 6).reshape(2, 3)
    d = numerical_derivative(np.sin, x)
    assert d.shape == (2, 3) and d.dtype == np.float64
    np.testing.assert_allclose(d, np.cos(x), rtol=1e-9)


def test_numerical_derivative_is_nan_where_x_is_not_finite():
    assert math.isnan(numerical_derivative(relu, float("nan")))
    assert math.isnan(numerical_derivative(relu, float("inf")))
    d = numerical_derivative(relu, np.array([np.nan, np.inf, -np.inf, 1.0]))
    assert np.all(np.isnan(d[:3])) and d[3] == 1.0


@pytest.mark.parametrize("h", [0.0, -1e-3, float("nan"), float("inf")])
def test_numerical_derivative_refuses_a_bad_step(h):
    with pytest.raises(ValueError):
        numerical_derivative(math.sin, 0.5, h)


def test_numerical_derivative_refuses_a_step_lost_in_rounding():
    with pytest.raises(ValueError, match="too small"):
        numerical_derivative(math.sin, 1.0, 1e-20)


def test_numerical_derivative_refuses_a_non_elementwise_f():
    with pytest.raises(ValueError, match="elementwise"):
        numerical_derivative(np.sum, np.ones(3))


@pytest.mark.parametrize("bad", ["1.0", None, True, 1j])
def test_numerical_derivative_refuses_non_real_x(bad):
    with pytest.raises(TypeError):
        numerical_derivative(math.sin, bad)


def test_numerical_gradient_of_a_quadratic_form():
    rng = np.random.default_rng(3)
    A = rng.normal(size=(4, 4))
    x = rng.normal(size=4)
    g = numerical_gradient(lambda v: float(v @ A @ v), x)
    np.testing.assert_allclose(g, (A + A.T) @ x, rtol=1e-8)


def test_numerical_gradient_restores_x_bit_for_bit_even_if_f_raises():
    x = np.array([0.1, -2.3, 1e-300, 5e10])
    before = x.copy()
    numerical_gradient(lambda v: float(np.sum(np.sin(v))), x)
    np.testing.assert_array_equal(x, before)

    def explode(v):
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        numerical_gradient(explode, x)
    np.testing.assert_array_equal(x, before)


def test_numerical_gradient_reads_x_through_a_closure():
    W = np.array([[1.0, 2.0], [3.0, -1.0]])
    g = numerical_gradient(lambda _: float(np.sum(W**2)), W)
    np.testing.assert_allclose(g, 2 * W, rtol=1e-9)


def test_numerical_gradient_refuses_arrays_it_cannot_perturb():
    with pytest.raises(TypeError):
        numerical_gradient(np.sum, np.arange(3))
    with pytest.raises(TypeError):
        numerical_gradient(np.sum, [1.0, 2.0])
    frozen = np.ones(3)
    frozen.flags.writeable = False
    with pytest.raises(ValueError, match="read-only"):
        numerical_gradient(np.sum, frozen)


def test_numerical_gradient_refuses_a_non_scalar_f():
    with pytest.raises(ValueError, match="scalar"):
        numerical_gradient(np.sin, np.ones(3))


def test_check_grad_passes_a_correct_gradient_and_fails_a_wrong_one():
    x = np.linspace(-2.0, 2.0, 7)
    assert check_grad(np.sin, np.cos, x).max_rel_error < 1e-8
    wrong = check_grad(np.sin, lambda v: 2 * np.cos(v), x)
    assert wrong.max_rel_error == pytest.approx(0.5, rel=1e-6)


def test_check_grad_reports_where_the_worst_entry_is():
    x = np.array([[1.0, 2.0], [3.0, 4.0]])
    analytic = 2 * x
    analytic[1, 0] += 0.5
    result = check_grad(lambda v: float(np.sum(v**2)), analytic, x)
    assert result.index == (1, 0)
    assert result.numeric[1, 0] == pytest.approx(6.0, rel=1e-8)
    assert result.max_rel_error == pytest.approx(0.5 / 6.5, rel=1e-6)


def test_check_grad_at_relu_kink_shows_the_convention_gap():
    result = check_grad(relu, relu_grad, 0.0)
    assert result.analytic == 0.0 and result.numeric == 0.5
    assert result.max_rel_error == 1.0 and result.index is None


def test_check_grad_judges_tiny_gradients_on_an_absolute_scale():
    # True gradient 0, numeric estimate around 1e-12: an absolute error, not a 100% one.
    result = check_grad(lambda v: float(np.sum(v**2)), np.zeros(2), np.array([1e-12, 0.0]))
    assert result.max_rel_error < 1e-3
    strict = check_grad(lambda v: float(np.sum(v**2)), np.zeros(2), np.array([1e-12, 0.0]),
                        floor=0.0)
    assert strict.max_rel_error == 1.0


def test_check_grad_propagates_nan():
    result = check_grad(np.sin, lambda v: np.where(v > 0, np.nan, np.cos(v)), [-1.0, 1.0])
    assert math.isnan(result.max_rel_error) and result.index == (1,)


def test_check_grad_refuses_a_gradient_of_the_wrong_shape():
    with pytest.raises(ValueError, match=r"expected \(3,\)"):
        check_grad(np.sin, np.ones(2), np.zeros(3))


# --- the callables' results are checked; 0-d, empty and huge inputs work -----------------


@pytest.mark.parametrize(("result", "match"), [
    (lambda x: 1j * x, "complex"), (lambda x: "1.0", "str"), (lambda x: None, "NoneType"),
    (lambda x: np.asarray(x, dtype=complex), "complex128"),
    (lambda x: np.asarray(x, dtype=object), "object"),
])
@pytest.mark.parametrize("x", [0.5, np.array([0.5, 1.5])], ids=["scalar", "array"])
def test_a_callable_returning_non_real_numbers_is_a_clear_error(result, match, x):
    with pytest.raises(TypeError, match=f"f must return real numbers, got .*{match}"):
        numerical_derivative(result, x)
    with pytest.raises(TypeError, match=f"must return real numbers, got .*{match}"):
        check_grad(relu, result, x)
    with pytest.raises(TypeError, match=f"must return real numbers, got .*{match}"):
        check_grad(result, relu_grad, x)


def test_numerical_gradient_checks_what_f_returns():
    for bad in ("2.0", None, 1j):
        with pytest.raises(TypeError, match="f must return real numbers"):
            numerical_gradient(lambda w, bad=bad: bad, np.ones(2))


def test_f_that_is_not_callable_is_refused():
    with pytest.raises(TypeError, match="f must be callable"):
        numerical_derivative(3.0, 1.0)


def test_zero_dimensional_input_gives_a_zero_dimensional_result():
    d = numerical_derivative(relu, np.array(2.0))
    assert isinstance(d, np.ndarray) and d.shape == () and d == pytest.approx(1.0)
    result = check_grad(relu, relu_grad, np.array(-3.0))
    assert result.max_rel_error == 0.0 and result.index == ()


def test_empty_input_gives_an_empty_result_and_no_error():
    assert numerical_derivative(relu, np.empty((0, 3))).shape == (0, 3)
    result = check_grad(relu, relu_grad, [])
    assert result.max_rel_error == 0.0 and result.index is None


@pytest.mark.parametrize("x", [np.finfo(np.float64).max, -np.finfo(np.float64).max, 1.7e308])
def test_numerical_derivative_near_the_float_maximum_is_finite(x):
    assert numerical_derivative(relu, x) == pytest.approx(1.0 if x > 0 else 0.0)
    assert numerical_derivative(lambda v: -v, x) == pytest.approx(-1.0)
    np.testing.assert_allclose(numerical_derivative(relu, np.array([x, 1.0])),
                               [1.0 if x > 0 else 0.0, 1.0])
