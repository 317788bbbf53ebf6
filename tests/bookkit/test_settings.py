"""Tests for bookkit.settings: one place for every setting, and everything reads it."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from bookkit import claims, settings

# Where the project's own files may read environment variables.
SOURCES = ["src", "bookkit", "tests", "benchmarks", "setup.py", "Makefile", ".ci/run"]


def project_files():
    for name in SOURCES:
        path = settings.ROOT / name
        files = [path] if path.is_file() else sorted(path.rglob("*"))
        for file in files:
            if file.is_file() and file.suffix in ("", ".py", ".c") and "fixtures" not in file.parts:
                yield file


def test_every_rectifiers_variable_read_anywhere_is_listed_in_settings():
    found = set()
    for file in project_files():
        found |= set(re.findall(r"RECTIFIERS_[A-Z_]+[A-Z]", file.read_text(errors="ignore")))
    # RECTIFIERS_PORTABLE is a C macro of the compiled loop, not an environment variable.
    found.discard("RECTIFIERS_PORTABLE")
    assert found <= set(settings.ENVIRONMENT), sorted(found - set(settings.ENVIRONMENT))


def test_readme_lists_every_environment_variable():
    readme = (settings.ROOT / "README.md").read_text()
    missing = [name for name in settings.ENVIRONMENT if f"`{name}`" not in readme]
    assert not missing, f"README.md does not list {missing}"


def test_env_refuses_a_name_that_is_not_the_projects():
    unknown = "RECTIFIERS_" + "UNKNOWN"  # spelled apart: the scan above reads this file too
    with pytest.raises(KeyError, match=unknown):
        settings.env(unknown)


def test_make_exports_the_numerics_over_the_callers_environment():
    lines = settings._make_include().splitlines()
    for name, value in settings.numerics_env().items():
        assert f"export {name} := {value}" in lines
    # `make` itself: a caller's OPENBLAS_CORETYPE does not survive.
    done = subprocess.run(
        ["make", "-s", "--no-print-directory", "--eval", "show: ; @echo $$OPENBLAS_CORETYPE",
         "show"], cwd=settings.ROOT, capture_output=True, text=True,
        env={"PATH": "/usr/bin:/bin", "OPENBLAS_CORETYPE": "Nehalem", "PYTHON": sys.executable})
    expected = settings.numerics_env().get("OPENBLAS_CORETYPE", "Nehalem")
    assert done.stdout.strip().splitlines()[-1] == expected, done.stdout + done.stderr


def test_make_runs_as_many_steps_at_once_as_the_settings_say():
    done = subprocess.run(
        ["make", "-s", "--no-print-directory", "--eval", "show: ; @echo $(PARALLEL)", "show"],
        cwd=settings.ROOT, capture_output=True, text=True,
        env={"PATH": "/usr/bin:/bin", "PYTHON": sys.executable})
    assert done.stdout.strip().splitlines()[-1] == str(settings.PARALLEL), done.stderr


def test_numerics_are_pinned_on_x86_64_only():
    assert settings.numerics_env("x86_64")["OPENBLAS_CORETYPE"] == "Haswell"
    assert "NPY_DISABLE_CPU_FEATURES" not in settings.numerics_env("arm64")
    assert settings.numerics_env("arm64")["OPENBLAS_NUM_THREADS"] == "1"


def test_chapters_are_the_numbered_entries_of_the_toc_in_order():
    names = [path.stem for path in settings.chapters()]
    assert names == sorted(names) and len(names) == 7
    assert all(path.is_file() for path in settings.chapters())


def test_seed_shifts_by_the_offset(monkeypatch):
    monkeypatch.setenv("RECTIFIERS_SEED_OFFSET", "3")
    assert claims.seed(0) == 3 and claims.seed(4) == 7
    monkeypatch.setenv("RECTIFIERS_SEED_OFFSET", "x")
    with pytest.raises(ValueError, match="integer"):
        claims.seed(0)


def test_a_claim_that_does_not_hold_raises_with_its_sentence():
    claims.claim(True, "holds")
    with pytest.raises(claims.ClaimFailed, match="ReLU trains"):
        claims.claim(False, "ReLU trains")


def test_the_experiment_helpers_shift_their_seeds(monkeypatch):
    from bookkit.experiments import toy_regression

    X0, _ = toy_regression(8, seed=1)
    monkeypatch.setenv("RECTIFIERS_SEED_OFFSET", "1")
    X1, _ = toy_regression(8, seed=0)
    assert (X0 == X1).all()
