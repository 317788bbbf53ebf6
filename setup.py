"""The one compiled part of rectifiers: the float loops of ``relu`` and ``relu_grad``
(src/rectifiers/_relu.c).

Everything else about the package is in pyproject.toml. The extension is optional: where
no C compiler is available the install still succeeds, ``rectifiers.COMPILED`` is False and
both functions use NumPy instead (the same bits, slower; see ``rectifiers.activations``).
With ``RECTIFIERS_COMPILED_REQUIRED=1`` (as in CI) a failed build fails the install.
"""

import os
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
    optional=os.environ.get("RECTIFIERS_COMPILED_REQUIRED") != "1",
)])
