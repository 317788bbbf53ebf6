"""The book's own helpers, apart from the library: figure style, benchmarks, experiments.

The chapters import these (``from rectifiers.book.plotting import use_book_style``);
``import rectifiers`` does not, so the library never loads matplotlib. The
submodules are imported on demand, not here, for the same reason.
"""

__all__ = ["plotting", "benchmarks", "experiments", "digits"]
