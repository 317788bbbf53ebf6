"""The PyTorch rows of chapter 5's table of Leaky ReLU defaults, checked against PyTorch.

The chapter's table (``tbl-leaky-defaults`` in ``book/05_leaky_relu.ipynb``) lists the
default slope of each framework's Leaky ReLU; the PyTorch rows are checked here, both as
declared (the signature or the module's attribute) and as behaviour (what the default
computes, and its derivative at the kink). The other frameworks' rows cite their
documentation. PyTorch is optional: these tests are skipped without it, except where
``RECTIFIERS_TORCH_REQUIRED=1`` (CI), where a missing torch fails.
"""

from __future__ import annotations

import inspect
import os

import pytest

import rectifiers as r

if os.environ.get("RECTIFIERS_TORCH_REQUIRED") == "1":
    import torch
else:
    torch = pytest.importorskip(
        "torch", reason="PyTorch is optional: install the CPU build with `make torch`"
    )
F = torch.nn.functional

BOOK_SLOPE = inspect.signature(r.leaky_relu).parameters["negative_slope"].default


def test_torch_leakyrelu_module_default_slope_is_the_books():
    assert torch.nn.LeakyReLU().negative_slope == BOOK_SLOPE == 0.01


def test_torch_functional_leaky_relu_default_slope_is_the_books():
    default = inspect.signature(F.leaky_relu).parameters["negative_slope"].default
    assert default == BOOK_SLOPE


def test_torch_default_leaky_relu_computes_slope_times_x_on_the_left():
    x = torch.tensor([-3.0, -1.0, 2.0], dtype=torch.float64)
    expected = [r.leaky_relu(v) for v in x.tolist()]
    assert F.leaky_relu(x).tolist() == expected
    assert torch.nn.LeakyReLU()(x).tolist() == expected


@pytest.mark.parametrize("zero", [0.0, -0.0])
def test_torch_leaky_relu_derivative_at_zero_is_the_left_slope(zero):
    t = torch.tensor(zero, dtype=torch.float64, requires_grad=True)
    (g,) = torch.autograd.grad(F.leaky_relu(t), t)
    assert g.item() == r.leaky_relu_grad(zero) == BOOK_SLOPE


def test_torch_prelu_initial_slope_is_one_shared_quarter():
    prelu = torch.nn.PReLU()
    assert prelu.num_parameters == 1  # one slope shared by all channels by default
    assert prelu.weight.tolist() == [0.25]
    assert r.ACTIVATIONS["prelu"].learnable.init == 0.25
