"""Chapter 2's speed experiment: ReLU formulations against np.copyto on float32 arrays.

Run with ``make bench`` or ``python benchmarks/relu_arrays.py [--quick] [--exponents 10 24]
[--repeats 7]``. The measuring code lives in :mod:`rectifiers.benchmarks`, which the
chapter imports too; this script is only its command line.
"""

from rectifiers.benchmarks import main

if __name__ == "__main__":
    raise SystemExit(main())
