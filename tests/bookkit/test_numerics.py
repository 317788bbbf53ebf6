"""Tests for bookkit.numerics: the fingerprint tells machines apart, the record is current."""

from __future__ import annotations

from bookkit import numerics, settings


def fingerprint_under(**env) -> str:
    return numerics.measure({**settings.numerics_env(), **env})["fingerprint"]


def test_the_fingerprint_is_repeatable():
    assert numerics.fingerprint() == numerics.fingerprint()
    assert fingerprint_under() == fingerprint_under()


def test_other_blas_kernels_give_another_fingerprint():
    if "OPENBLAS_CORETYPE" not in settings.numerics_env():
        return  # not x86-64: the kernels are not pinned here
    assert fingerprint_under(OPENBLAS_CORETYPE="Nehalem") != fingerprint_under()


def test_the_record_names_the_settings_the_outputs_were_stored_under():
    ref = numerics.reference()
    assert len(ref["fingerprint"]) == 16
    for name, value in settings.numerics_env("x86_64").items():
        assert ref["settings"][name] == value, name


def test_matches_reference_says_why_in_one_line():
    same, why = numerics.matches_reference()
    assert "\n" not in why and why
