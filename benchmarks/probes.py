"""Measurements that must run in a process of their own (called by ``benchmarks/run.py``).

``python benchmarks/probes.py scale N_WORKERS N_MONTHS REPEATS``
    Builds a synthetic History (see ``synthetic.py``) and times
    ``carelib.workforce.indicators`` over the whole of it; reports the peak resident
    memory of the process.

``python benchmarks/probes.py scan N_WORKERS N_MONTHS REPEATS``
    Builds the same synthetic History, writes a month's output as it would be
    published (the month's council and team indicators as a page, a CSV and an executed
    notebook, in a temporary folder) and times ``carelib.privacy.scan`` for every worker
    identifier in the History over it (the automaton built each time, as a run does).

``python benchmarks/probes.py spin``
    A fixed pure-Python loop, timed (run.py runs one, then one per CPU at once, to see
    how much parallel capacity the machine really has right now).

``python benchmarks/probes.py validate DATA_DIR MONTH``
    Times the great_expectations import, then building carelib's Validator (context and
    suites) and validating one month, then a second validation of the same month.

``python benchmarks/probes.py forecast DATA_DIR MONTH REPEATS``
    Times fitting the workforce projection and projecting it (median of REPEATS), the
    whole ``carelib forecast`` result, and reports the back-test's mean absolute error.

Each prints one JSON object on stdout.
"""

from __future__ import annotations

import gc
import json
import os
import resource
import statistics
import sys
import time
from pathlib import Path


def _peak_rss_mb() -> float:
    # ru_maxrss is in KiB on Linux (bytes on macOS).
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return round(peak / (1024 * 1024 if sys.platform == "darwin" else 1024), 1)


def scale(n_workers: int, n_months: int, repeats: int) -> dict:
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import synthetic

    from carelib import workforce

    t = time.perf_counter()
    history = synthetic.history(n_workers, n_months)
    generated = time.perf_counter() - t
    gc.collect()
    rss_history = _peak_rss_mb()
    times, rows = [], 0
    for _ in range(repeats):
        t = time.perf_counter()
        table = workforce.indicators(history)
        times.append(time.perf_counter() - t)
        rows = len(table)
        del table
        gc.collect()
    return {
        "workers": n_workers,
        "months": n_months,
        "workforce_rows": len(history.workforce),
        "leaver_rows": len(history.leavers),
        "teams": int(history.establishment["team"].nunique()),
        "indicator_rows": rows,
        "generate_s": round(generated, 3),
        "indicators_s": [round(x, 3) for x in times],
        "indicators_median_s": round(statistics.median(times), 3),
        "peak_rss_after_history_mb": rss_history,
        "peak_rss_mb": _peak_rss_mb(),
    }


def scan(n_workers: int, n_months: int, repeats: int) -> dict:
    import tempfile

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import nbformat
    import synthetic

    from carelib import privacy, workforce

    history = synthetic.history(n_workers, n_months)
    ids = privacy.worker_ids(history.workforce, history.leavers)
    month = history.months[-1]
    table = workforce.indicators(history, month, by_team=True)
    with tempfile.TemporaryDirectory(prefix="carelib-scan-") as tmp:
        out = Path(tmp)
        (out / "executed").mkdir()
        table.to_csv(out / "workforce_indicators.csv", index=False)
        page = table.to_html(index=False)
        (out / "workforce.html").write_text(f"<html><body>{page}</body></html>", encoding="utf-8")
        nb = nbformat.v4.new_notebook()
        cell = nbformat.v4.new_code_cell("table")
        cell.outputs = [
            nbformat.v4.new_output(
                "execute_result", {"text/html": page, "text/plain": table.to_string()}
            )
        ]
        nb.cells = [cell]
        nbformat.write(nb, str(out / "executed" / "01_workforce.ipynb"))
        size = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
        times, leaks = [], None
        for _ in range(repeats):
            t = time.perf_counter()
            leaks = privacy.scan(out, ids)
            times.append(time.perf_counter() - t)
    if leaks:
        raise SystemExit(f"the synthetic output holds identifiers: {leaks[:3]}")
    return {
        "workers": n_workers,
        "months": n_months,
        "ids": len(ids),
        "output_mb": round(size / 1e6, 2),
        "scan_s": [round(x, 3) for x in times],
        "scan_median_s": round(statistics.median(times), 3),
    }


def validate(data_dir: str, month: str) -> dict:
    os.environ["GX_ANALYTICS_ENABLED"] = "false"
    t = time.perf_counter()
    from carelib import contracts

    contracts._import_gx()
    gx_import = time.perf_counter() - t
    t = time.perf_counter()
    validator = contracts.Validator()
    built = time.perf_counter() - t
    t = time.perf_counter()
    report = contracts.validate_month(data_dir, month, validator=validator)
    first = time.perf_counter() - t
    t = time.perf_counter()
    contracts.validate_month(data_dir, month, validator=validator)
    second = time.perf_counter() - t
    return {
        "gx_import_s": round(gx_import, 3),
        "validator_build_s": round(built, 3),
        "first_validation_s": round(first, 3),
        "build_and_first_validation_s": round(built + first, 3),
        "second_validation_s": round(second, 3),
        "rules": len(report.checks),
        "errors": len(report.errors),
    }


def forecast(data_dir: str, month: str, repeats: int) -> dict:
    """The projection (fit once; project 18 months, 2,000 runs) and the back-test error."""
    from carelib import config, loading, planning, projection

    cfg = config.load(Path(__file__).resolve().parents[1] / "carelib.toml")
    planning_cfg = cfg["planning"]
    history = loading.load_history(data_dir, month)
    t = time.perf_counter()
    rates = projection.fit(history, month, planning_cfg)
    fit_s = time.perf_counter() - t
    runs = []
    for _ in range(repeats):
        t = time.perf_counter()
        projection.project(rates, planning_cfg["horizon_months"], planning_cfg["simulations"])
        runs.append(time.perf_counter() - t)
    t = time.perf_counter()
    result = planning.forecast(history, month, cfg)
    bt = result["backtest"]
    return {
        "fit_s": round(fit_s, 4),
        "projection_s": round(sorted(runs)[len(runs) // 2], 4),
        "forecast_s": round(time.perf_counter() - t, 3),
        "simulations": planning_cfg["simulations"],
        "horizon_months": planning_cfg["horizon_months"],
        "backtest_origin": bt["origin"],
        "backtest_mae": {k: round(v, 2) for k, v in bt["mae"].items()},
        "backtest_coverage": {k: round(v, 2) for k, v in bt["coverage"].items()},
    }


def spin() -> dict:
    t = time.perf_counter()
    x = 0
    for i in range(20_000_000):
        x += i
    return {"spin_s": round(time.perf_counter() - t, 3)}


def main(argv: list[str]) -> int:
    if argv[0] == "spin":
        out = spin()
    elif argv[0] == "scale":
        out = scale(int(argv[1]), int(argv[2]), int(argv[3]))
    elif argv[0] == "scan":
        out = scan(int(argv[1]), int(argv[2]), int(argv[3]))
    elif argv[0] == "validate":
        out = validate(argv[1], argv[2])
    elif argv[0] == "forecast":
        out = forecast(argv[1], argv[2], int(argv[3]))
    else:
        print(f"unknown probe {argv[0]!r}", file=sys.stderr)
        return 2
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
