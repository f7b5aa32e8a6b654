"""carelib's performance benchmark (``make bench``): prints a table, writes results.json.

Everything is measured in the same run on the same machine, through subprocesses, on
the demo data (written into ``benchmarks/_work/data``; reports go under
``benchmarks/_work/``, which git ignores):

- the monthly pack, ``carelib report --month 2025-09 --force``, beside the *floor* (one
  process: import GX once, validate, run floor notebooks that only import and plot, in
  turn, with papermill's API, export with nbconvert's API; see ``floor/``) and the
  *naive way* (``carelib validate`` as its own process, then the ``papermill`` and
  ``jupyter nbconvert`` command-line tools per notebook). Rounds are interleaved (ours,
  floor, naive, ours, ...) so background load falls on all three alike; medians;
- the backfill of every demo month with ``--jobs 1`` and ``--jobs 2``;
- workforce indicators over a synthetic large council and a national-size history, and
  the privacy scan of a national-size month's output;
- validating one month once great_expectations is imported; ``carelib --help`` and
  ``carelib kpis`` start-up;
- the workforce projection (18 months, 2,000 Poisson runs) and its back-test error.

Usage: ``python benchmarks/run.py [--runs N] [--no-warmup] [--skip-backfill]
[--skip-scale]``. See benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
WORK = HERE / "_work"
DATA = WORK / "data"
MONTH = "2025-09"
BIN = Path(sys.executable).parent
NOTEBOOKS = ROOT / "notebooks"
REAL_NOTEBOOKS = ["01_workforce.ipynb", "02_improvement_plan.ipynb"]
PAGES = {
    "01_workforce.ipynb": "workforce.html",
    "02_improvement_plan.ipynb": "improvement_plan.html",
}

IMG = re.compile(r'<img\b[^>]*\bsrc="data:image/png')

TARGETS = {
    "monthly_vs_floor": 1.3,
    "monthly_s": 10.0,
    "backfill_ratio": 0.6,
    "large_council_s": 1.0,
    "national_s": 5.0,
    "national_peak_mb": 2048,
    "national_scan_s": 5.0,
    "validation_s": 1.5,
    "startup_s": 1.0,
    "projection_s": 1.0,
}


class BenchError(RuntimeError):
    """A measured command failed: the figures would mean nothing."""


# --- running and timing -------------------------------------------------------------------


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(cmd: list[str], **kwargs) -> tuple[float, float, subprocess.CompletedProcess]:
    """Run ``cmd``; return wall seconds, CPU seconds (it and its children) and the result."""
    env = dict(os.environ, GX_ANALYTICS_ENABLED="false", PYTHONWARNINGS="ignore")
    cpu = _children_cpu()
    t = time.perf_counter()
    result = subprocess.run(
        [str(c) for c in cmd], capture_output=True, text=True, env=env, **kwargs
    )
    wall = time.perf_counter() - t
    if result.returncode != 0:
        raise BenchError(
            f"{' '.join(map(str, cmd))} exited {result.returncode}:\n{result.stderr[-3000:]}"
        )
    return wall, _children_cpu() - cpu, result


def tool(name: str) -> Path:
    """A command-line tool of this environment (``jupyter`` falls back to jupyter-nbconvert)."""
    path = BIN / name
    if not path.exists():
        found = shutil.which(name)
        if found is None:
            raise BenchError(f"{name} is not installed in {BIN}")
        path = Path(found)
    return path


def say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def median(xs: list[float]) -> float:
    return round(statistics.median(xs), 3)


# --- set-up ----------------------------------------------------------------------------------


def ensure_demo_data() -> None:
    """Write the demo data into benchmarks/_work/data (never the analyst's data/).

    Rewritten every time (only files whose content differs change), so the benchmark
    always runs on the current demo data.
    """
    say(f"demo data in {DATA}")
    timed([BIN / "carelib", "demo-data", "--out", DATA, "--force"])


def machine() -> dict:
    return {
        "date": dt.datetime.now().isoformat(timespec="seconds"),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "load_average_start": [round(x, 2) for x in os.getloadavg()],
    }


# --- the monthly pack -------------------------------------------------------------------------


def run_ours(out: Path) -> tuple[float, float]:
    wall, cpu, _ = timed(
        [BIN / "carelib", "report", "--data", DATA, "--out", out, "--month", MONTH, "--force"],
        cwd=ROOT,
    )
    return wall, cpu


def page_shape(out: Path) -> dict:
    """Figures on each real page (and panels on the plan page) for the floor notebooks."""
    month_dir = out / MONTH
    # One <img> per chart (a phone rendition, when there is one, is a <source> beside it).
    figs = {
        nb: len(IMG.findall((month_dir / page).read_text(encoding="utf-8")))
        for nb, page in PAGES.items()
    }
    measures = max(0, len((DATA / MONTH / "measures.csv").read_text().splitlines()) - 1)
    plan_figs = figs["02_improvement_plan.ipynb"]
    return {
        "workforce_figures": figs["01_workforce.ipynb"],
        "workforce_panels": figs["01_workforce.ipynb"],
        "plan_figures": plan_figs,
        # The burn-up, then one small-multiple panel per progress measure.
        "plan_panels": max(plan_figs, 1 + measures),
    }


def run_floor(out: Path, shape: dict) -> tuple[float, float, dict]:
    wall, cpu, result = timed(
        [
            sys.executable,
            HERE / "floor" / "run_floor.py",
            DATA,
            MONTH,
            out,
            shape["workforce_figures"],
            shape["workforce_panels"],
            shape["plan_figures"],
            shape["plan_panels"],
        ]
    )
    return wall, cpu, json.loads(result.stdout.strip().splitlines()[-1])


def run_naive(out: Path) -> tuple[float, float, dict]:
    """carelib validate, then papermill and jupyter nbconvert per notebook: all CLIs."""
    out.mkdir(parents=True, exist_ok=True)
    steps = {}
    wall_total = cpu_total = 0.0
    wall, cpu, _ = timed([BIN / "carelib", "validate", "--data", DATA, "--month", MONTH], cwd=ROOT)
    steps["validate"] = round(wall, 3)
    wall_total, cpu_total = wall_total + wall, cpu_total + cpu
    jupyter = (
        [tool("jupyter"), "nbconvert"]
        if (BIN / "jupyter").exists()
        else [tool("jupyter-nbconvert")]
    )
    params = json.dumps(
        {
            "month": MONTH,
            "data_dir": str(DATA),
            "output_dir": str(out),
            "config_path": str(ROOT / "carelib.toml"),
            "publication": False,
        }
    )
    for name in REAL_NOTEBOOKS:
        executed = out / name
        wall, cpu, _ = timed(
            [
                tool("papermill"),
                NOTEBOOKS / name,
                executed,
                "-k",
                "python3",
                "--cwd",
                NOTEBOOKS,
                "-y",
                params,
            ],
            cwd=ROOT,
        )
        steps[f"papermill:{name}"] = round(wall, 3)
        wall_total, cpu_total = wall_total + wall, cpu_total + cpu
        wall, cpu, _ = timed(
            [*jupyter, "--to", "html", "--no-input", executed, "--output-dir", out], cwd=ROOT
        )
        steps[f"nbconvert:{name}"] = round(wall, 3)
        wall_total, cpu_total = wall_total + wall, cpu_total + cpu
    return wall_total, cpu_total, steps


def monthly(runs: int, warmup: bool) -> dict:
    ours_out, floor_out, naive_out = WORK / "monthly", WORK / "floor", WORK / "naive"
    say("monthly pack: warm-up run of carelib report (also sizes the floor notebooks)")
    run_ours(ours_out)
    shape = page_shape(ours_out)
    if warmup:
        say("monthly pack: warm-up runs of the floor and the naive way")
        run_floor(floor_out, shape)
        run_naive(naive_out)
    samples: dict[str, list] = {"ours": [], "floor": [], "naive": []}
    cpu: dict[str, list] = {"ours": [], "floor": [], "naive": []}
    detail: dict[str, list] = {"ours": [], "floor": [], "naive": []}
    for i in range(runs):
        # Interleaved, so that background load falls on all three alike.
        for name in ("ours", "floor", "naive"):
            say(f"monthly pack: round {i + 1}/{runs}: {name}")
            if name == "ours":
                wall, c = run_ours(ours_out)
                steps = json.loads((ours_out / MONTH / "manifest.json").read_text())[
                    "durations_seconds"
                ]
            elif name == "floor":
                wall, c, steps = run_floor(floor_out, shape)
            else:
                wall, c, steps = run_naive(naive_out)
            samples[name].append(wall)
            cpu[name].append(c)
            detail[name].append(steps)
    result = {
        "shape": shape,
        "samples_s": {k: [round(x, 3) for x in v] for k, v in samples.items()},
        "median_s": {k: median(v) for k, v in samples.items()},
        "cpu_median_s": {k: median(v) for k, v in cpu.items()},
        "steps": detail,
    }
    m = result["median_s"]
    result["ours_over_floor"] = round(m["ours"] / m["floor"], 3)
    result["ours_over_naive"] = round(m["ours"] / m["naive"], 3)
    return result


# --- backfill, scale, validation, start-up -------------------------------------------------


def backfill(runs: int) -> dict:
    months = sorted(p.name for p in DATA.iterdir() if p.is_dir())
    out: dict = {"months": len(months)}
    for jobs in (1, 2):
        walls, cpus = [], []
        for i in range(runs):
            say(f"backfill: --month all --jobs {jobs} ({len(months)} months), run {i + 1}/{runs}")
            wall, cpu, result = timed(
                [
                    BIN / "carelib",
                    "report",
                    "--data",
                    DATA,
                    "--out",
                    WORK / f"backfill_jobs{jobs}",
                    "--month",
                    "all",
                    "--force",
                    "--jobs",
                    jobs,
                ],
                cwd=ROOT,
            )
            published = result.stderr.count(" published in ")
            if published != len(months):
                raise BenchError(f"--jobs {jobs} published {published} of {len(months)} months")
            walls.append(wall)
            cpus.append(cpu)
        out[f"jobs{jobs}_s"] = median(walls)
        out[f"jobs{jobs}_samples_s"] = [round(x, 3) for x in walls]
        out[f"jobs{jobs}_per_month_s"] = round(median(walls) / len(months), 2)
        if jobs == 1:
            # CPU of the run and its kernels over its wall time: how busy one job keeps
            # the machine. (With --jobs 2 the workers are children of multiprocessing's
            # fork server, whose CPU time is not reported back, so it is not shown.)
            out["jobs1_cpu_s"] = median(cpus)
            out["jobs1_cores_used"] = round(median(cpus) / median(walls), 2)
    out["ratio"] = round(out["jobs2_s"] / out["jobs1_s"], 3)
    return out


def probe(*args) -> dict:
    _, _, result = timed([sys.executable, HERE / "probes.py", *args], cwd=ROOT)
    return json.loads(result.stdout.strip().splitlines()[-1])


def scale() -> dict:
    say("scale: large council (1,000 workers, 60 months)")
    large = probe("scale", 1000, 60, 3)
    say("scale: national (35,000 workers, 12 months)")
    national = probe("scale", 35000, 12, 3)
    say("scale: privacy scan of a national month's output (35,000 workers)")
    national_scan = probe("scan", 35000, 12, 3)
    return {"large_council": large, "national": national, "national_scan": national_scan}


def validation(runs: int) -> dict:
    samples = []
    for i in range(runs):
        say(f"validation: run {i + 1}/{runs}")
        samples.append(probe("validate", DATA, MONTH))
    keys = [k for k, v in samples[0].items() if k.endswith("_s")]
    out = {k: median([s[k] for s in samples]) for k in keys}
    out["rules"], out["errors"] = samples[0]["rules"], samples[0]["errors"]
    return out


def forecast(runs: int) -> dict:
    say("forecast: projection runtime and back-test error")
    return probe("forecast", DATA, MONTH, max(runs, 3))


def capacity(rounds: int = 2) -> dict:
    """How many cores' worth of work the machine does at once right now (others share it)."""
    n = os.cpu_count() or 1
    cmd = [sys.executable, HERE / "probes.py", "spin"]
    single, together = [], []
    for _ in range(rounds):
        single.append(json.loads(timed(cmd)[2].stdout)["spin_s"])
        t = time.perf_counter()
        procs = [subprocess.Popen([str(c) for c in cmd], stdout=subprocess.PIPE) for _ in range(n)]
        for p in procs:
            p.communicate()
        together.append(time.perf_counter() - t)
    # n loops at once in the time of one: n cores; in n times the time of one: 1 core.
    effective = n * statistics.median(single) / statistics.median(together)
    return {"cpus": n, "effective_cores": round(min(effective, n), 2)}


def startup(runs: int) -> dict:
    out = {}
    for label, cmd in [
        ("help", [BIN / "carelib", "--help"]),
        ("kpis", [BIN / "carelib", "kpis", "--data", DATA, "--month", MONTH]),
    ]:
        say(f"start-up: carelib {label}")
        timed(cmd, cwd=ROOT)  # warm the file cache
        out[f"{label}_s"] = median([timed(cmd, cwd=ROOT)[0] for _ in range(runs)])
    return out


# --- the table ---------------------------------------------------------------------------------


def verdict(ok: bool) -> str:
    return "met" if ok else "NOT MET"


def table(results: dict) -> str:
    rows: list[tuple[str, str, str, str]] = []
    t = TARGETS
    if "monthly" in results:
        m = results["monthly"]
        med = m["median_s"]
        rows += [
            (
                "Monthly pack: carelib report --force",
                f"{med['ours']:.2f} s",
                f"< {t['monthly_s']:.0f} s",
                verdict(med["ours"] < t["monthly_s"]),
            ),
            ("  floor (GX + plots, APIs, serial)", f"{med['floor']:.2f} s", "", ""),
            ("  naive (CLIs per notebook)", f"{med['naive']:.2f} s", "", ""),
            (
                "  ours / floor",
                f"{m['ours_over_floor']:.2f}x",
                f"<= {t['monthly_vs_floor']}x",
                verdict(m["ours_over_floor"] <= t["monthly_vs_floor"]),
            ),
            ("  ours / naive", f"{m['ours_over_naive']:.2f}x", "", ""),
            (
                "  CPU s: ours / floor / naive",
                " / ".join(f"{m['cpu_median_s'][k]:.1f}" for k in ("ours", "floor", "naive")),
                "",
                "",
            ),
        ]
    if "backfill" in results:
        b = results["backfill"]
        rows += [
            (f"Backfill {b['months']} months, --jobs 1", f"{b['jobs1_s']:.1f} s", "", ""),
            (
                "  cores kept busy by --jobs 1",
                f"{b['jobs1_cores_used']:.2f} of {os.cpu_count()}",
                f"(capacity {results['capacity_end']['effective_cores']})",
                "",
            ),
            (f"Backfill {b['months']} months, --jobs 2", f"{b['jobs2_s']:.1f} s", "", ""),
            (
                "  jobs 2 / jobs 1",
                f"{b['ratio']:.2f}x",
                f"<= {t['backfill_ratio']}x",
                verdict(b["ratio"] <= t["backfill_ratio"]),
            ),
        ]
    if "scale" in results:
        lc, nat = results["scale"]["large_council"], results["scale"]["national"]
        rows += [
            (
                "Indicators, 1,000 workers x 60 months",
                f"{lc['indicators_median_s']:.2f} s",
                f"< {t['large_council_s']:.0f} s",
                verdict(lc["indicators_median_s"] < t["large_council_s"]),
            ),
            ("  peak memory", f"{lc['peak_rss_mb']:.0f} MB", "", ""),
            (
                "Indicators, 35,000 workers x 12 months",
                f"{nat['indicators_median_s']:.2f} s",
                f"< {t['national_s']:.0f} s",
                verdict(nat["indicators_median_s"] < t["national_s"]),
            ),
            (
                "  peak memory",
                f"{nat['peak_rss_mb']:.0f} MB",
                f"< {t['national_peak_mb'] / 1024:.0f} GB",
                verdict(nat["peak_rss_mb"] < t["national_peak_mb"]),
            ),
        ]
        scan = results["scale"].get("national_scan")
        if scan:
            rows.append(
                (
                    f"Privacy scan, {scan['ids']:,} ids over {scan['output_mb']:.0f} MB",
                    f"{scan['scan_median_s']:.2f} s",
                    f"< {t['national_scan_s']:.0f} s",
                    verdict(scan["scan_median_s"] < t["national_scan_s"]),
                )
            )
    if "validation" in results:
        v = results["validation"]
        rows += [
            (
                "Validate one month after GX import",
                f"{v['build_and_first_validation_s']:.2f} s",
                f"<= {t['validation_s']} s",
                verdict(v["build_and_first_validation_s"] <= t["validation_s"]),
            ),
            (
                "  (suites built / first / second validation)",
                f"{v['validator_build_s']:.2f} / {v['first_validation_s']:.2f} / "
                f"{v['second_validation_s']:.2f} s",
                "",
                "",
            ),
            ("  import great_expectations", f"{v['gx_import_s']:.2f} s", "", ""),
        ]
    if "forecast" in results:
        f = results["forecast"]
        mae = f["backtest_mae"]
        rows += [
            (
                f"Projection, {f['horizon_months']} months x {f['simulations']:,} runs",
                f"{f['projection_s']:.3f} s",
                f"< {t['projection_s']:.0f} s",
                verdict(f["projection_s"] < t["projection_s"]),
            ),
            (
                f"  back-test from {f['backtest_origin']}: mean absolute error",
                " / ".join(f"{mae[k]:.1f}" for k in mae) + " pts",
                "agency / vacancy / turnover",
                "",
            ),
        ]
    if "startup" in results:
        s = results["startup"]
        rows += [
            (
                "carelib --help",
                f"{s['help_s']:.2f} s",
                f"< {t['startup_s']:.0f} s",
                verdict(s["help_s"] < t["startup_s"]),
            ),
            (
                "carelib kpis --month 2025-09",
                f"{s['kpis_s']:.2f} s",
                f"< {t['startup_s']:.0f} s",
                verdict(s["kpis_s"] < t["startup_s"]),
            ),
        ]
    widths = [
        max(len(r[i]) for r in rows + [("Measure", "Result", "Target", "")]) for i in range(4)
    ]
    lines = [
        f"{'Measure':<{widths[0]}}  {'Result':>{widths[1]}}  {'Target':<{widths[2]}}  ",
        "-" * (sum(widths) + 6),
    ]
    for r in rows:
        lines.append(f"{r[0]:<{widths[0]}}  {r[1]:>{widths[1]}}  {r[2]:<{widths[2]}}  {r[3]}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="runs per measure (median; >= 3)")
    parser.add_argument(
        "--backfill-runs", type=int, default=1, help="runs of each backfill (each is 24 months)"
    )
    parser.add_argument(
        "--no-warmup",
        action="store_true",
        help="skip the uncounted warm-up runs of the floor and the naive way",
    )
    parser.add_argument("--skip-backfill", action="store_true")
    parser.add_argument("--skip-scale", action="store_true")
    parser.add_argument("--only-monthly", action="store_true")
    args = parser.parse_args(argv)
    WORK.mkdir(parents=True, exist_ok=True)
    results: dict = {"machine": machine(), "targets": TARGETS}
    try:
        ensure_demo_data()
        results["capacity_start"] = capacity()
        results["startup"] = startup(max(args.runs, 5))
        results["validation"] = validation(args.runs)
        results["forecast"] = forecast(args.runs)
        if not args.skip_scale and not args.only_monthly:
            results["scale"] = scale()
        results["monthly"] = monthly(args.runs, warmup=not args.no_warmup)
        if not args.skip_backfill and not args.only_monthly:
            results["backfill"] = backfill(args.backfill_runs)
    except BenchError as exc:
        print(f"benchmark failed: {exc}", file=sys.stderr)
        return 1
    results["capacity_end"] = capacity()
    results["machine"]["load_average_end"] = [round(x, 2) for x in os.getloadavg()]
    text = table(results)
    results["table"] = text.splitlines()
    (HERE / "results.json").write_text(json.dumps(results, indent=2), encoding="utf-8")
    load = results["machine"]
    print(
        f"carelib benchmark, {load['date']}, {load['cpus']} CPUs, load average "
        f"{load['load_average_start'][0]} at start, {load['load_average_end'][0]} at end; "
        f"effective parallel capacity {results['capacity_start']['effective_cores']} cores "
        f"at start, {results['capacity_end']['effective_cores']} at end"
    )
    print(text)
    print(f"\nwritten {HERE / 'results.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
