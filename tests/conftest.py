"""Shared fixtures: the demo data (generated once per session) and reference paths."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = ROOT.parent / "shared" / "reference"


@pytest.fixture(scope="session", autouse=True)
def shared_validation_cache(tmp_path_factory):
    """One validation cache for every build of the run (``CARELIB_CACHE_DIR``).

    Verdicts are keyed by the files' checksums, so a build on a copy of the demo data
    validates only the months its test changed, as a council's monthly run does; the
    cache's own tests set or clear the variable themselves. Both pytest workers share it.
    """
    from carelib import history_validation

    name = history_validation.CACHE_VARIABLE
    before = os.environ.get(name)
    root, _ = _session_root(tmp_path_factory)
    os.environ[name] = str(root / "cache")
    yield
    if before is None:
        os.environ.pop(name, None)
    else:
        os.environ[name] = before


@pytest.fixture(scope="session")
def demo_data(tmp_path_factory) -> Path:
    """The 24 months of demo data, written once per test session (read-only use).

    Its history is validated once per run, before any build starts, so the shared cache
    serves every build and copy (each worker writes the same data: the same checksums).
    """
    from filelock import FileLock

    from carelib import demo, history_validation

    out = tmp_path_factory.mktemp("demo") / "data"
    demo.write_demo_data(out, seed=2025)
    root, _ = _session_root(tmp_path_factory)
    done = root / "demo-validated"
    cache = history_validation.cache_dir(root / "reports", out)
    if not done.exists():
        _validate_share_of_months(out, cache)
    with FileLock(root / "demo-validated.lock"):
        if not done.exists():
            history_validation.validate_upto(out, "2025-09", cache_dir=cache)
            done.touch()
    return out


def _validate_share_of_months(data: Path, cache: Path) -> None:
    """Run the suites on this worker's share of the demo months (every other month).

    Each suite run that passes is remembered by file checksum
    (:class:`carelib.history_validation.TableVerdicts`), so the two workers validate
    half the history each, side by side, and the one full ``validate_upto`` that follows
    runs only the rules across files and months. Without workers this does nothing.
    """
    count = int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1"))
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    if count < 2 or not worker.startswith("gw"):
        return
    from carelib import contracts, history_validation, loading

    validator = contracts.default_validator()
    verdicts = history_validation.TableVerdicts(cache, history_validation.rules_version(validator))
    for month in loading.available_months(data)[int(worker[2:]) :: count]:
        validator.validate(loading.load_month(data, month), verdicts=verdicts)


@pytest.fixture
def demo_copy(demo_data, tmp_path) -> Path:
    """A private copy of the demo data that a test may change."""
    out = tmp_path / "data"
    shutil.copytree(demo_data, out)
    return out


@pytest.fixture(scope="session")
def validator():
    """One Great Expectations validator (context and six suites built once) per session."""
    from carelib import contracts

    return contracts.Validator()


@pytest.fixture
def month_dir(demo_data, tmp_path) -> Path:
    """A private copy of the demo's last two months (2025-08 and 2025-09)."""
    out = tmp_path / "data"
    for month in ("2025-08", "2025-09"):
        shutil.copytree(demo_data / month, out / month)
    return out


@pytest.fixture
def reference() -> Path:
    """The published DfE/Ofsted reference files, or skip when they are absent."""
    if not REFERENCE.is_dir():
        pytest.skip(f"reference data not found at {REFERENCE}")
    return REFERENCE


# --- Built reports and the browser (tests/browser_support.py has the helpers) -----------


def _session_root(tmp_path_factory) -> tuple[Path, bool]:
    """The folder every pytest worker of this run shares, and whether there are workers.

    ``make test`` runs two workers (pytest-xdist); each has its own temporary folder
    inside one shared by the run, where the report builds go, so each distinct build
    is made once per run, not once per worker.
    """
    base = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        return base.parent, True
    return base, False


@pytest.fixture(scope="session")
def report_builds(request, demo_data, tmp_path_factory):
    """The report builds this session's tests ask for, started together in the background."""
    import browser_support

    wanted = {name for item in request.session.items for name in item.fixturenames}
    root, shared = _session_root(tmp_path_factory)
    folder = root / "builds"
    folder.mkdir(exist_ok=True)
    builds = browser_support.Builds(folder, shared=shared)
    with builds.lock:  # another worker may be starting the same builds
        if "demo_reports" in wanted and not builds.started("demo"):
            builds.start("demo", demo_data)
        if "publication_reports" in wanted and not builds.started("publication"):
            config = browser_support.config_with_marking(folder / "publication.toml")
            builds.start("publication", demo_data, "--publication", config=config)
        if "hostile_reports" in wanted and not builds.started("hostile"):
            data = folder / "hostile-data"
            shutil.copytree(demo_data, data)
            browser_support.poison(data, since="2025-08")
            browser_support.plant_personal_data(data)
            builds.start("hostile", data)
    yield builds
    builds.stop()


@pytest.fixture(scope="session")
def demo_reports(report_builds) -> Path:
    """The demo month (2025-09) built by the real `carelib report` (a reports folder)."""
    return report_builds.wait("demo")


@pytest.fixture(scope="session")
def publication_reports(report_builds) -> Path:
    """The demo month built with `carelib report --publication`.

    Its configuration sets a protective marking with characters that need escaping,
    ``browser_support.MARKING``.
    """
    return report_builds.wait("publication")


@pytest.fixture(scope="session")
def hostile_reports(report_builds) -> Path:
    """The demo month built from data full of HTML and script in free text.

    Its free text also holds an email address, a Social Work England number and a phone
    number (``browser_support.plant_personal_data``): outside publication mode those are
    warnings, in the run's output (``report_builds.stderr("hostile")``) and on the page.
    """
    return report_builds.wait("hostile")


@pytest.fixture(scope="session")
def chromium():
    """One headless Chromium for the whole session, or skip saying how to install it."""
    import browser_support

    reason = browser_support.browser_missing()
    if reason:
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = browser_support.launch(playwright)
        yield browser
        browser.close()
