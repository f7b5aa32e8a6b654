"""A file that passed its suite is not run through Great Expectations again.

:class:`carelib.history_validation.TableVerdicts` remembers, by the file's checksum, the
month and the rules, the tables whose every rule passed. The checks it gives back must be
exactly those a run of the suite gives; a changed file, month or rule runs the suite; a
failing table is never remembered; and a month whose every table passed before is
validated without importing Great Expectations.
"""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys

from carelib import contracts, history_validation
from tests.conftest import ROOT

MONTH = "2025-09"


def checks_of(report) -> list[dict]:
    return [dataclasses.asdict(c) for c in report.checks]


def tables_run(validator, monkeypatch) -> list[str]:
    """Record the datasets whose suite Great Expectations actually runs.

    The session's validator (conftest) has its GX context built already.
    """
    ran: list[str] = []
    for ds, batch in list(validator._batches.items()):
        monkeypatch.setitem(validator._batches, ds, _Counting(batch, ds, ran))
    return ran


class _Counting:
    """A GX batch definition that notes each batch asked of it (the suite then runs)."""

    def __init__(self, batch, dataset: str, ran: list[str]):
        self._batch, self._dataset, self._ran = batch, dataset, ran

    def get_batch(self, **kwargs):
        self._ran.append(self._dataset)
        return self._batch.get_batch(**kwargs)


def test_remembered_passes_give_the_same_checks_as_running_the_suites(
    month_dir, tmp_path, validator, monkeypatch
):
    cache = tmp_path / "cache"
    ran = tables_run(validator, monkeypatch)
    first = history_validation.validate_upto(month_dir, MONTH, validator=validator, cache_dir=cache)
    assert not first.has_errors and len(ran) >= 12  # both months, every table
    ran.clear()

    again = history_validation.validate_upto(month_dir, MONTH, validator=validator, cache_dir=cache)

    assert ran == []  # nothing run through Great Expectations
    assert checks_of(again) == checks_of(first)
    assert again.completeness == first.completeness
    remembered = sorted(p.name for p in (cache / "tables").iterdir())
    assert "2025-09-workforce.json" in remembered and "2025-08-leavers.json" in remembered
    for path in (cache / "tables").iterdir():
        entry = json.loads(path.read_text(encoding="utf-8"))
        assert entry["summary"] == {"passed": True}  # a checksum key, nothing from the data


def test_a_changed_file_is_run_again_and_a_failing_one_is_never_remembered(
    month_dir, tmp_path, validator, monkeypatch
):
    cache = tmp_path / "cache"
    history_validation.validate_upto(month_dir, MONTH, validator=validator, cache_dir=cache)
    ran = tables_run(validator, monkeypatch)
    path = month_dir / MONTH / "workforce.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    row = lines[3].split(",")
    row[header.index("fte")] = "1.4"  # over 1: an error
    lines[3] = ",".join(row)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")

    for _ in range(2):
        report = history_validation.validate_upto(
            month_dir, MONTH, validator=validator, cache_dir=cache
        )
        assert report.has_errors
        assert any(c.dataset == "workforce" and c.failed for c in report.checks)
    # Only the changed file is run, and run every time: its failure is not remembered.
    assert ran == ["workforce"] * len(ran) and len(ran) >= 2


def test_another_month_or_other_rules_run_the_suite(month_dir, tmp_path, validator):
    cache = tmp_path / "cache"
    history_validation.validate_upto(month_dir, MONTH, validator=validator, cache_dir=cache)
    version = history_validation.rules_version(validator)
    table = contracts.load_table(month_dir / MONTH, "workforce")
    verdicts = history_validation.TableVerdicts(cache, version)
    assert verdicts.passed(table, MONTH)
    # The same bytes in another month: its month-relative bounds differ.
    assert not verdicts.passed(table, "2025-10")
    # Other rules (a changed contract, carelib or GX version): not the same verdict.
    assert not history_validation.TableVerdicts(cache, "other rules").passed(table, MONTH)
    assert not history_validation.TableVerdicts(None, version).passed(table, MONTH)


def test_the_rules_digest_is_the_same_before_and_after_gx_is_built(validator):
    """A process that has run a suite serves the verdicts of one that had not.

    Great Expectations writes its version into the suite metadata it is given; were
    that the contract itself, every verdict remembered before the first suite ran (and
    by every process that never needed GX) would be missed once it had run.
    """
    fresh = contracts.Validator(lazy=True)
    before = history_validation.rules_version(fresh)
    assert fresh.context is None
    assert history_validation.rules_version(validator) == before  # built this session
    fresh._build_context()
    assert history_validation.rules_version(fresh) == before


def test_a_month_that_passed_before_is_validated_without_importing_gx(month_dir, tmp_path):
    data = month_dir  # a private copy (tmp_path/data)
    code = (
        "import sys\n"
        "from carelib import cli\n"
        f"code = cli.main(['validate', '--data', {str(data)!r}, '--month', {MONTH!r}])\n"
        "print('GX imported' if 'great_expectations' in sys.modules else 'GX not imported')\n"
        "sys.exit(code)\n"
    )
    env = dict(os.environ, CARELIB_CACHE_DIR=str(tmp_path / "cache"))
    runs = [
        subprocess.run(
            [sys.executable, "-c", code],
            cwd=ROOT,
            capture_output=True,
            text=True,
            env=env,
            timeout=300,
        )
        for _ in range(2)
    ]
    assert [r.returncode for r in runs] == [0, 0], runs[0].stderr + runs[1].stderr
    assert runs[0].stdout.strip().endswith("GX imported")
    assert runs[1].stdout.strip().endswith("GX not imported")
    assert runs[0].stdout.replace("GX imported", "") == runs[1].stdout.replace(
        "GX not imported", ""
    )
