"""The library apart from the book: what `import rectifiers` loads, and what it exports."""

import subprocess
import sys

import rectifiers


def test_import_rectifiers_loads_neither_matplotlib_nor_the_book_helpers():
    code = (
        "import sys, rectifiers\n"
        "heavy = [m for m in ('matplotlib', 'sklearn', 'bookkit') if m in sys.modules]\n"
        "print(','.join(heavy))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_every_name_in_all_is_importable_and_every_record_function_is_exported():
    for name in rectifiers.__all__:
        assert hasattr(rectifiers, name), name
    for act in rectifiers.ACTIVATIONS.values():
        assert act.function.__name__ in rectifiers.__all__
        assert act.derivative.fn.__name__ in rectifiers.__all__


def test_the_library_imports_only_numpy_scipy_and_the_standard_library():
    import ast
    import sys
    from pathlib import Path

    allowed = {"numpy", "scipy", "rectifiers"} | set(sys.stdlib_module_names)
    found = {}
    for path in Path(rectifiers.__file__).parent.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                names = [node.module]
            else:
                continue
            for name in names:
                if name.split(".")[0] not in allowed:
                    found.setdefault(name, []).append(path.name)
    assert not found, f"the library imports {found}: it may need only NumPy and SciPy"


def test_the_library_declares_only_numpy_and_scipy():
    import tomllib
    from pathlib import Path

    project = Path(__file__).resolve().parents[2] / "pyproject.toml"
    dependencies = tomllib.loads(project.read_text())["project"]["dependencies"]
    assert sorted(d.split(">")[0].split("=")[0] for d in dependencies) == ["numpy", "scipy"]
