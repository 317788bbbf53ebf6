"""A chapter's computed conclusions, asserted beside the sentences that state them.

The prose says "ReLU trains and the sigmoid does not"; a hidden cell beside it says the same in
code, with a margin. A run where it stops being true (another seed, other numerics: ``make
robustness``) fails at that cell instead of printing other numbers under an unchanged sentence.

>>> claim(0.02 < 0.5 * 0.3, "the loss falls below half of its start")
>>> seed(3) == 3 + seed_offset()
True
"""

from __future__ import annotations

from .settings import seed_offset


class ClaimFailed(AssertionError):
    """A sentence of the book that this run's numbers contradict."""


def claim(holds, statement: str) -> None:
    """Raise :class:`ClaimFailed` with ``statement`` unless ``holds`` is true."""
    if not bool(holds):
        raise ClaimFailed(f"the book says: {statement!r}; this run says otherwise")


def seed(n: int) -> int:
    """The seed the chapters use for ``n``: ``n`` plus ``RECTIFIERS_SEED_OFFSET`` (default 0)."""
    return int(n) + seed_offset()
