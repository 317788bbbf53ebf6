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
