"""Shared fixtures: the demo data (generated once per session) and reference paths."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = ROOT.parent / "shared" / "reference"


@pytest.fixture(scope="session")
def demo_data(tmp_path_factory) -> Path:
    """The 24 months of demo data, written once per test session (read-only use)."""
    from carelib import demo

    out = tmp_path_factory.mktemp("demo") / "data"
    demo.write_demo_data(out, seed=2025)
    return out


@pytest.fixture
def demo_copy(demo_data, tmp_path) -> Path:
    """A private copy of the demo data that a test may change."""
    out = tmp_path / "data"
    shutil.copytree(demo_data, out)
    return out


@pytest.fixture
def reference() -> Path:
    """The published DfE/Ofsted reference files, or skip when they are absent."""
    if not REFERENCE.is_dir():
        pytest.skip(f"reference data not found at {REFERENCE}")
    return REFERENCE
