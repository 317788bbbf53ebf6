"""The one compiled part of rectifiers: the float loops of ``relu`` and ``relu_grad``
(src/rectifiers/_relu.c).

Everything else about the package is in pyproject.toml. The extension is optional: where
no C compiler is available the install still succeeds, and both functions use NumPy instead
(same results, slower; see ``rectifiers.activations``).
"""

import sys

import numpy
from setuptools import Extension, setup

flags = [] if sys.platform == "win32" else ["-O3", "-Wall", "-Wextra"]
setup(ext_modules=[Extension(
    "rectifiers._relu",
    sources=["src/rectifiers/_relu.c"],
    include_dirs=[numpy.get_include()],
    define_macros=[("NPY_TARGET_VERSION", "NPY_2_0_API_VERSION")],
    extra_compile_args=flags,
    optional=True,
)])
