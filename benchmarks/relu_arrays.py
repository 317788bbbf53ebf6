"""Chapter 2's speed experiment, a thin entry point: ``make bench``.

Same as ``python -m bookkit.benchmarks [--quick] [--exponents 10 24] [--repeats 7]``;
the measuring code lives in :mod:`bookkit.benchmarks`, which the chapter imports too.
"""

from bookkit.benchmarks import main

if __name__ == "__main__":
    raise SystemExit(main())
