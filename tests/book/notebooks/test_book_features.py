"""Book features that each chapter must keep by construction.

- The hidden first cell installs what Colab lacks, from the one repository URL in _config.yml.
- Binder's environment (binder/) holds everything the chapters import, pinned by the lock.
- Stored figures have an opaque white background, so they read well in the dark theme.
"""

from __future__ import annotations

import base64
import io
import re
import sys
import tomllib

import yaml
from conftest import ROOT
from PIL import Image

CONFIG = yaml.safe_load((ROOT / "_config.yml").read_text())
BINDER = ROOT / "binder"
# `git+https://host/org/repo@ref` (the @ref is optional).
GIT_URL = re.compile(r"git\+(https?://[^\s\"'@#]+?)(?:\.git)?/?(?:@([\w./-]+))?(?=[\s\"'#]|$)")
VERSION = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
# Installing the book's helpers (distribution rectified-bookkit) provides `bookkit` and what
# its pyproject lists (matplotlib, scikit-learn, myst-nb).
BOOKKIT = {"bookkit", "sklearn", *(
    re.split(r"[<>=!~;\[ ]", spec)[0].replace("-", "_") for spec in
    tomllib.loads((ROOT / "bookkit" / "pyproject.toml").read_text())["project"]["dependencies"])}
IMPORT = re.compile(r"^\s*(?:from|import)\s+([A-Za-z_]\w*)", re.MULTILINE)
# Installed by the package's own dependencies (pyproject.toml) or by any Jupyter kernel.
PROVIDED = {"rectifiers", "numpy", "matplotlib", "IPython"}
# Colab has scikit-learn too; myst_nb and bookkit the first cell installs.
# Colab's preinstalled packages that a chapter may import without installing them.
COLAB_HAS = PROVIDED | {"scipy", "pandas", "torch", "sklearn"}
# Background pixels: every channel at least this bright (white is 255).
WHITE_ENOUGH = 240


def normalise(name: str) -> str:
    """Distribution or import name in one spelling: ``myst-nb``, ``myst_nb`` -> ``myst_nb``."""
    return re.sub(r"[-.]+", "_", name).lower()


def first_cell(nb):
    assert nb.cells, "empty notebook"
    return nb.cells[0]


def pip_lines(source: str) -> list[str]:
    """The pip install commands of ``source``, each with its continuation lines."""
    joined = re.sub(r"\\\n\s*", " ", source)
    return [line for line in joined.splitlines() if re.search(r"[%!]pip\s+install", line)]


def third_party_imports(nb) -> set[str]:
    """Top-level modules the code cells import, other than the standard library's."""
    found = set()
    for cell in nb.cells:
        if cell.cell_type == "code":
            found.update(IMPORT.findall(cell.source))
    return {name for name in found if name not in sys.stdlib_module_names}


def png_outputs(nb):
    """(cell number, PNG bytes) for every stored PNG, shown or glued (glue prefixes its MIME)."""
    code = [c for c in nb.cells if c.cell_type == "code"]
    for number, cell in enumerate(code, start=1):
        for output in cell.get("outputs", []):
            for mime, data in output.get("data", {}).items():
                if mime.endswith("image/png"):
                    yield number, base64.b64decode(data)


def test_repository_url_is_set():
    url = CONFIG.get("repository", {}).get("url", "")
    assert url.startswith("https://"), "_config.yml: repository.url must be the https URL"


def test_first_cell_is_hidden_and_skipped_by_nbval(chapter):
    path, nb = chapter
    cell = first_cell(nb)
    tags = set(cell.metadata.get("tags", []))
    assert cell.cell_type == "code", f"{path.name}: the first cell must be the set-up code cell"
    assert {"remove-cell", "nbval-skip"} <= tags, (
        f"{path.name}: the first cell needs tags remove-cell and nbval-skip, has {sorted(tags)}"
    )
    assert pip_lines(cell.source), f"{path.name}: the first cell installs nothing"
    conditional = ('find_spec("bookkit")', "import bookkit")
    assert any(test in cell.source for test in conditional), (
        f"{path.name}: the first cell should install only when the book's code is missing"
    )


def test_first_cell_installs_from_the_configured_repository(chapter):
    path, nb = chapter
    repository = CONFIG["repository"]
    urls = [m.groups() for m in GIT_URL.finditer(first_cell(nb).source)]
    assert urls, f"{path.name}: the first cell does not pip install from a git+https URL"
    for url, ref in urls:
        assert url == repository["url"].rstrip("/").removesuffix(".git"), (
            f"{path.name}: installs from {url}, but _config.yml's repository.url is "
            f"{repository['url']}"
        )
        # The book's own version, not the moving default branch.
        assert ref == f"v{VERSION}", (
            f"{path.name}: installs {ref!r}; the book is version {VERSION} (tag v{VERSION})"
        )


def test_first_cell_installs_what_colab_lacks(chapter):
    path, nb = chapter
    installed = " ".join(pip_lines(first_cell(nb).source))
    spelled = {normalise(word) for word in re.findall(r"[A-Za-z][\w.-]*", installed)}
    if "rectified_bookkit" in spelled:
        spelled |= BOOKKIT
    missing = sorted(m for m in third_party_imports(nb) - COLAB_HAS if normalise(m) not in spelled)
    assert not missing, (
        f"{path.name} imports {missing}, which Colab lacks; install them in the first cell"
    )


def binder_requirements() -> list[str]:
    lines = (BINDER / "requirements.txt").read_text().splitlines()
    return [line.split(" #")[0].strip() for line in lines if line.strip()
            and not line.lstrip().startswith("#")]


def test_binder_installs_the_package_pinned_by_the_lock():
    lines = binder_requirements()
    assert "-e ." in lines or "." in lines, "binder/requirements.txt must install the package"
    assert any(line.startswith("-e ./bookkit") for line in lines), (
        "binder/requirements.txt must install the book's helpers")
    constraints = [line.split(None, 1)[1] for line in lines if line.startswith(("-c ", "-r "))]
    assert constraints, "binder/requirements.txt must take its versions from requirements.lock"
    for relative in constraints:
        # pip resolves -c/-r paths against the requirements file's own folder.
        assert (BINDER / relative).resolve() == ROOT / "requirements.lock", relative


def test_binder_python_is_the_locked_python():
    runtime = (BINDER / "runtime.txt").read_text().strip()
    locked = re.search(r"--python-version (\d+\.\d+)", (ROOT / "requirements.lock").read_text())
    assert locked, "requirements.lock does not say which Python it was compiled for"
    assert runtime == f"python-{locked.group(1)}", (
        f"binder/runtime.txt says {runtime}; requirements.lock is for Python {locked.group(1)}"
    )
    requires = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["requires-python"]
    assert requires == f">={locked.group(1)}", f"pyproject requires-python {requires}"


def test_binder_has_everything_the_chapters_import(chapter):
    path, nb = chapter
    listed = {normalise(re.split(r"[<>=!~;\[ ]", line)[0]) for line in binder_requirements()
              if not line.startswith("-")}
    if any(line.startswith("-e ./bookkit") for line in binder_requirements()):
        listed |= BOOKKIT
    missing = sorted(m for m in third_party_imports(nb) - PROVIDED if normalise(m) not in listed)
    assert not missing, f"{path.name} imports {missing}; add them to binder/requirements.txt"


def test_stored_figures_are_opaque_on_white(chapter):
    path, nb = chapter
    figures = list(png_outputs(nb))
    assert figures, f"{path.name} stores no PNG figure (every chapter has an experiment figure)"
    for number, data in figures:
        image = Image.open(io.BytesIO(data)).convert("RGBA")
        low, _ = image.getchannel("A").getextrema()
        assert low == 255, (
            f"{path.name} code cell {number}: the figure is transparent (alpha down to {low}); "
            "draw it under bookkit.plotting.use_book_style() (readable in dark mode)"
        )
        width, height = image.size
        for corner in [(0, 0), (width - 1, 0), (0, height - 1), (width - 1, height - 1)]:
            pixel = image.getpixel(corner)[:3]
            assert min(pixel) >= WHITE_ENOUGH, (
                f"{path.name} code cell {number}: background {pixel} at {corner} is not white; "
                "use bookkit.plotting.use_book_style() (BOOK_STYLE sets white backgrounds)"
            )

