"""How the book is executed, checked and built; each module is run with ``python -m``."""
