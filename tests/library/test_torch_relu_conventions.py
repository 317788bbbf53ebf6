"""The PyTorch rows of the framework table in the chapter on gradients (ReLU'(0) by expression).

The chapter states which value PyTorch's autograd gives at exactly 0 for ReLU written
four ways; these tests run each expression and compare with ``rectifiers.relu_grad``
where the chapter says they agree. PyTorch is optional (not in requirements.lock):
the tests are skipped without it, unless ``RECTIFIERS_TORCH_REQUIRED=1`` (CI), where a
missing torch must fail. Install the CPU build with ``make torch``.
"""

from __future__ import annotations

import os

import numpy as np
import pytest

from rectifiers import relu_grad

if os.environ.get("RECTIFIERS_TORCH_REQUIRED") == "1":
    import torch  # CI installs it: a missing torch must fail there, not skip
else:
    torch = pytest.importorskip(
        "torch", reason="PyTorch is optional: install the CPU build with `make torch`"
    )

# Away from 0 every expression is ReLU with slope 1 or 0; at the tie they differ.
POINTS = [-1.5, -1e-300, -0.0, 0.0, 1e-300, 2.0]


def autograd_slope(expression, x: float) -> float:
    """d expression / dx at ``x``, by PyTorch's autograd in float64."""
    t = torch.tensor([x], dtype=torch.float64, requires_grad=True)
    expression(t).sum().backward()
    return float(t.grad.item())


EXPRESSIONS = {
    # id: (expression, the value the chapter's table states at 0)
    "torch.relu": (torch.relu, 0.0),
    "torch.nn.functional.relu": (torch.nn.functional.relu, 0.0),
    "torch.maximum(x, zeros)": (lambda t: torch.maximum(t, torch.zeros_like(t)), 0.5),
    "torch.clamp(x, min=0)": (lambda t: torch.clamp(t, min=0), 1.0),
}


@pytest.mark.parametrize("name", EXPRESSIONS)
@pytest.mark.parametrize("zero", [0.0, -0.0], ids=["+0", "-0"])
def test_gradient_at_zero_is_the_one_in_the_chapters_table(name, zero):
    expression, stated = EXPRESSIONS[name]
    assert autograd_slope(expression, zero) == stated


@pytest.mark.parametrize("name", EXPRESSIONS)
def test_every_expression_has_relus_slope_away_from_zero(name):
    expression, _ = EXPRESSIONS[name]
    away = [x for x in POINTS if x != 0.0]
    got = [autograd_slope(expression, x) for x in away]
    assert got == [relu_grad(x) for x in away]


def test_torch_relu_agrees_with_relu_grad_at_every_point_including_zero():
    got = np.array([autograd_slope(torch.relu, x) for x in POINTS])
    np.testing.assert_array_equal(got, relu_grad(np.array(POINTS)))
