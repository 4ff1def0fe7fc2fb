"""Shared fixtures: the real UPR Info exports beside the checkout, loaded once per session."""

import os
import tempfile
import warnings
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
UPR_INFO = ROOT.parent / "shared" / "data" / "upr-info"


def pytest_configure(config):
    """A fresh parse cache per test session (inherited by the CLI and kernels the tests start)."""
    os.environ["UPR_LAB_CACHE"] = tempfile.mkdtemp(prefix="upr-lab-cache-")


@pytest.fixture(scope="session")
def upr_info_dir():
    if not UPR_INFO.is_dir():
        pytest.fail(f"the real UPR Info exports are expected at {UPR_INFO}")
    return UPR_INFO


@pytest.fixture(scope="session")
def real_data(upr_info_dir):
    from upr_lab import load

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return load(upr_info_dir)
