"""bookkit: the book's own code, apart from the library ``rectifiers``.

Two kinds of module live here, both only for the book:

- what the chapters import: ``plotting`` (figure style), ``experiments`` and ``digits`` (the
  training runs chapters 5 to 7 re-run), ``benchmarks`` (chapter 3 and ``make bench``), and
  ``claims`` (a chapter's conclusions asserted beside their sentences, and the seeds);
- the pipeline that executes, checks and builds the book: ``settings`` (every setting, once),
  ``numerics`` (the numerics the outputs are defined under), and ``pipeline`` and
  ``sphinx_ext`` (execution, nbval, the builds, the editions, the Sphinx extensions).

``rectifiers`` never imports ``bookkit``; ``bookkit`` uses only the public API of ``rectifiers``.
"""
