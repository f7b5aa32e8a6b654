"""The ``carelib`` command: demo-data, validate, report, kpis and plan.

Start-up stays light: only argparse and carelib's small modules are imported before a
command runs; pandas, great_expectations, papermill and nbconvert are imported by the
commands that need them.

Exit codes: 0 done, 1 data invalid, 2 usage or config error (or another run holds the
reports folder), 3 a notebook failed or personal data was found in the output.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from carelib import __version__

EXIT_OK, EXIT_INVALID, EXIT_USAGE, EXIT_NOTEBOOK = 0, 1, 2, 3


class UsageError(Exception):
    """Bad arguments or configuration (exit code 2)."""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="carelib",
        description="Monthly workforce-stability and Ofsted improvement-plan reports for "
        "children's social care.",
        epilog="Exit codes: 0 done, 1 data invalid, 2 usage or config error, "
        "3 a notebook failed or personal data reached the output.",
    )
    parser.add_argument("--version", action="version", version=f"carelib {__version__}")
    parser.add_argument(
        "--config", metavar="PATH", help="configuration file (default: ./carelib.toml)"
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True

    def data_options(p, month_default="latest", all_months=False):
        p.add_argument("--data", metavar="DIR", help="data folder (default: paths.data)")
        choices = "YYYY-MM, latest, previous" + (" or all" if all_months else "")
        p.add_argument(
            "--month",
            default=month_default,
            metavar="MONTH",
            help=f"reporting month: {choices} (default: {month_default})",
        )

    p = sub.add_parser("demo-data", help="write the synthetic demo data (24 months)")
    p.add_argument(
        "--out", default=None, metavar="DIR", help="where to write it (default: paths.data)"
    )
    p.add_argument("--seed", type=int, default=2025, help="random seed (default: 2025)")
    p.add_argument(
        "--force",
        action="store_true",
        help="overwrite demo files that already exist with different content",
    )

    p = sub.add_parser("validate", help="check a month's data against the data contracts")
    data_options(p)
    p.add_argument("--json", action="store_true", help="print the result as JSON")

    p = sub.add_parser("report", help="validate and build the month's HTML reports")
    data_options(p, all_months=True)
    p.add_argument("--out", metavar="DIR", help="reports folder (default: paths.reports)")
    p.add_argument(
        "--jobs",
        type=int,
        default=None,
        metavar="N",
        help="months built in parallel with --month all (default: run.jobs)",
    )
    p.add_argument(
        "--force", action="store_true", help="rebuild months even when their inputs are unchanged"
    )
    p.add_argument(
        "--publication",
        action="store_true",
        help="publication mode: suppress small numbers, show the protective marking",
    )
    p.add_argument(
        "--notebooks",
        metavar="DIR",
        help="folder of report notebooks (default: the notebooks/ shipped with "
        "carelib); a council's customised copies can live elsewhere",
    )
    p.add_argument("--quiet", action="store_true", help="print only the result")

    p = sub.add_parser("kpis", help="print the month's council-level workforce indicators")
    data_options(p)
    p.add_argument("--json", action="store_true", help="print a JSON object")

    p = sub.add_parser("plan", help="print the month's improvement-plan summary")
    data_options(p)
    p.add_argument("--json", action="store_true", help="print a JSON object")
    return parser


def _config(args):
    from carelib import config

    return config.load(args.config)


def _data_dir(args, cfg) -> Path:
    return Path(args.data) if getattr(args, "data", None) else cfg.data_dir


def _months(args, cfg, data_dir: Path) -> list[str]:
    from carelib import dates, loading
    from carelib.notebook import resolve_month

    if not data_dir.is_dir():
        raise UsageError(f"data folder {data_dir} does not exist")
    if args.month == "all":
        months = loading.available_months(data_dir)
        if not months:
            raise UsageError(f"no month folders (YYYY-MM) in {data_dir}")
        return months
    if args.month not in ("latest", "previous") and not dates.is_month(args.month):
        raise UsageError(f"--month {args.month!r}: write YYYY-MM, latest, previous or all")
    try:
        return [resolve_month(args.month, data_dir)]
    except FileNotFoundError as exc:
        raise UsageError(str(exc)) from None


def cmd_demo_data(args) -> int:
    """Write the demo data."""
    from carelib import demo

    cfg = _config(args)
    out = Path(args.out) if args.out else cfg.data_dir
    try:
        written = demo.write_demo_data(out, seed=args.seed, overwrite=args.force)
    except (FileExistsError, NotADirectoryError, ValueError) as exc:
        raise UsageError(f"{exc} (use --force to overwrite demo files)") from None
    print(f"Wrote {len(written)} months of demo data to {out}")
    return EXIT_OK


def cmd_validate(args) -> int:
    """Validate a month's data and print what failed."""
    from carelib import history_validation

    cfg = _config(args)
    data_dir = _data_dir(args, cfg)
    (month,) = _months(args, cfg, data_dir)
    cache = history_validation.cache_dir(cfg.reports_dir, data_dir)
    report = history_validation.validate_upto(data_dir, month, cache_dir=cache, config=cfg)
    if args.json:
        print(json.dumps(report.to_json(), indent=2, default=str))
    else:
        print(report.to_text())
    return EXIT_INVALID if report.has_errors else EXIT_OK


def cmd_report(args) -> int:
    """Validate and build the reports for one or more months."""
    from carelib import runner
    from carelib.publish import LockHeld

    cfg = _config(args)
    data_dir = _data_dir(args, cfg)
    reports_dir = Path(args.out) if args.out else cfg.reports_dir
    months = _months(args, cfg, data_dir)
    jobs = args.jobs if args.jobs is not None else cfg["run"]["jobs"]
    if jobs < 1:
        raise UsageError("--jobs must be 1 or more")
    opts = runner.RunOptions(
        config=cfg,
        data_dir=data_dir,
        reports_dir=reports_dir,
        notebooks_dir=Path(args.notebooks) if args.notebooks else runner.default_notebooks_dir(),
        publication=args.publication or cfg["publication"]["enabled"],
        force=args.force,
        kernel_name=cfg["run"]["kernel_name"],
        jobs=jobs,
        quiet=args.quiet,
    )
    try:
        results = runner.run(months, opts)
    except LockHeld as exc:
        print(f"carelib: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except runner.RunFailure as exc:
        print(f"carelib: {exc}", file=sys.stderr)
        return exc.exit_code
    for result in results:
        if len(results) == 1 or result is results[-1]:
            print(result.path / "index.html")
    if len(results) > 1:
        print(reports_dir / "index.html")
    return EXIT_OK


def cmd_kpis(args) -> int:
    """Print the month's council-level workforce indicators."""
    from carelib import loading, workforce

    cfg = _config(args)
    data_dir = _data_dir(args, cfg)
    (month,) = _months(args, cfg, data_dir)
    history = loading.load_history(data_dir, month, n_months=25)
    kpis = workforce.council_kpis(
        history, month, fy_start_month=cfg["targets"]["financial_year_start_month"]
    )
    if args.json:
        print(json.dumps(kpis, indent=2, default=str))
        return EXIT_OK
    print(f"{cfg['council']['name']}: workforce indicators at {month}")
    for name, item in kpis.items():
        print("  " + _kpi_line(name, item))
    return EXIT_OK


def _number(value) -> str:
    if value is None:
        return "-"
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def _kpi_line(name: str, item: dict) -> str:
    value = item.get("value")
    if value is None:
        shown = f"{item.get('symbol') or 'z'} (not applicable)"
    elif item.get("unit") == "percent":
        shown = f"{value:.1f}%"
    else:
        shown = _number(value)
    ratio = _number(item.get("numerator"))
    if item.get("denominator") is not None:
        ratio += f" / {_number(item.get('denominator'))}"
    covered, window = item.get("months_covered"), item.get("window_months")
    note = ""
    if window and window > 1:
        note = f"  ({covered} of {window} months)" if covered != window else f"  ({window} months)"
    return f"{item.get('label', name):<52} {shown:>10}   {ratio}{note}"


def cmd_plan(args) -> int:
    """Print the month's improvement-plan summary."""
    from carelib import loading, plan, workforce

    cfg = _config(args)
    data_dir = _data_dir(args, cfg)
    (month,) = _months(args, cfg, data_dir)
    history = loading.load_history(data_dir, month)
    fy_start = cfg["targets"]["financial_year_start_month"]
    kpis = workforce.council_kpis(history, month, fy_start_month=fy_start)
    assessment = plan.assess(history, month, cfg, kpi_values=kpis)
    summary = assessment.summary()
    if args.json:
        print(json.dumps(summary, indent=2, default=str))
        return EXIT_OK
    print(plan.summary_text(summary))
    return EXIT_OK


COMMANDS = {
    "demo-data": cmd_demo_data,
    "validate": cmd_validate,
    "report": cmd_report,
    "kpis": cmd_kpis,
    "plan": cmd_plan,
}


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse exits 2 on usage errors, 0 on --help
        return int(exc.code or 0)
    from carelib.config import ConfigError
    from carelib.contracts import ContractError
    from carelib.loading import DataError

    try:
        return COMMANDS[args.command](args)
    except (UsageError, ConfigError, ContractError) as exc:
        print(f"carelib: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except DataError as exc:  # the data folder or a month in it cannot be used at all
        print(f"carelib: {exc}\nNothing was published.", file=sys.stderr)
        return EXIT_INVALID
    except KeyboardInterrupt:
        print("carelib: interrupted; nothing half-built was published", file=sys.stderr)
        return 130


def script() -> None:
    """Run the command line as a program and end the process at once with its exit code.

    For the ``carelib`` console script and ``python -m carelib``: once a command has
    finished, Python's own shutdown (tearing down every module great_expectations and
    pandas loaded) takes most of a second more and changes nothing; the output is
    flushed, every report was already published and every kernel stopped, so the
    process ends there. Call :func:`main` to run a command from Python.
    """
    code = main()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


if __name__ == "__main__":
    script()
