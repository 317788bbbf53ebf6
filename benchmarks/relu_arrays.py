"""Chapter 2's speed experiment, a thin entry point: ``make bench``.

Same as ``python -m rectifiers.book.benchmarks [--quick] [--exponents 10 24] [--repeats 7]``;
the measuring code lives in :mod:`rectifiers.book.benchmarks`, which the chapter imports too.
"""

from rectifiers.book.benchmarks import main

if __name__ == "__main__":
    raise SystemExit(main())
