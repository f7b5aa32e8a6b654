"""The ``carelib`` command: init, demo-data, validate, report, kpis, plan, forecast, ...

The commands: init, demo-data, validate, report, kpis, plan, forecast, agency-return and
benchmarks.

A thin layer over :mod:`carelib.api`: the command turns its options into an API call,
prints the outcome, and exits with the outcome's code (see :mod:`carelib.errors`).

Start-up stays light: only argparse and carelib's small modules are imported before a
command runs; pandas, great_expectations, papermill and nbconvert are imported by the
commands that need them.

Global options (``--config``, ``--data``, ``--out``, ``--quiet``, ``--log-file``) may
be given before or after the command: ``carelib --config C report`` and ``carelib
report --config C`` are the same.

Adding a command: write ``_x_arguments(parser)`` and ``cmd_x(args) -> int`` and add
``"x": Command(help, _x_arguments, cmd_x)`` to :data:`COMMANDS`. A command with
commands of its own (``carelib benchmarks update``) adds a subparser in its arguments
function and dispatches on it.

Exit codes: 0 done, 1 data invalid, 2 usage, config or lock, 3 a notebook failed or an
identifier reached the output, 4 the month's data is not there yet, 5 the reports folder
cannot be written, 70 an unexpected error (a bug), 130 interrupted.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from carelib import __version__, runlog
from carelib.errors import (
    EXIT_INTERRUPTED,
    EXIT_INVALID,
    EXIT_NOTEBOOK,
    EXIT_OK,
    EXIT_UNEXPECTED,
    EXIT_USAGE,
    CarelibError,
    UsageError,
)

__all__ = ["COMMANDS", "EXIT_INVALID", "EXIT_NOTEBOOK", "EXIT_OK", "EXIT_USAGE", "main"]

EPILOG = (
    "Global options (--config, --data, --out, --quiet, --log-file) go before or after "
    "the command. Exit codes: 0 done, 1 data invalid, 2 usage, config or lock, "
    "3 a notebook failed or an identifier reached the output, 4 the month's data is not "
    "there yet, 5 the reports folder cannot be written, 70 unexpected error, 130 "
    "interrupted. CARELIB_TODAY=YYYY-MM-DD overrides today's date (for --month previous)."
)


@dataclass(frozen=True)
class Command:
    """A subcommand: its one-line help, its options, and what it runs."""

    help: str
    arguments: Callable[[argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace], int]


def _global_options(parser: argparse.ArgumentParser, *, suppress: bool) -> None:
    """Add the options every command takes.

    On the subcommands their default is ``SUPPRESS``, so a value given before the
    command is not overwritten by the subcommand's default.
    """

    def default(value):
        return argparse.SUPPRESS if suppress else value

    parser.add_argument(
        "--config",
        metavar="PATH",
        default=default(None),
        help="configuration file (default: ./carelib.toml)",
    )
    parser.add_argument(
        "--data", metavar="DIR", default=default(None), help="data folder (default: paths.data)"
    )
    parser.add_argument(
        "--out",
        metavar="DIR",
        default=default(None),
        help="output folder: the reports folder (default: paths.reports); for demo-data, "
        "where the data is written; for agency-return, the CSV file",
    )
    parser.add_argument(
        "--quiet",
        action="store_true",
        default=default(False),
        help="print only the result (no progress lines)",
    )
    parser.add_argument(
        "--log-file",
        metavar="PATH",
        default=default(None),
        help="append one JSON line per run event to PATH (default: run.log_file)",
    )


def _month_option(p, all_months: bool = False) -> None:
    choices = "YYYY-MM, latest (newest folder), previous (last calendar month)"
    p.add_argument(
        "--month",
        default="latest",
        metavar="MONTH",
        help=f"reporting month: {choices}{' or all' if all_months else ''} (default: latest)",
    )


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="carelib",
        description="Monthly workforce-stability and Ofsted improvement-plan reports for "
        "children's social care.",
        epilog=EPILOG,
    )
    parser.add_argument("--version", action="version", version=f"carelib {__version__}")
    _global_options(parser, suppress=False)
    common = argparse.ArgumentParser(add_help=False)
    _global_options(common, suppress=True)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for name, command in COMMANDS.items():
        p = sub.add_parser(name, help=command.help, parents=[common], epilog=EPILOG)
        command.arguments(p)
    return parser


# --- The commands ---------------------------------------------------------------------


def _demo_data_arguments(p) -> None:
    p.add_argument("--seed", type=int, default=2025, help="random seed (default: 2025)")
    p.add_argument(
        "--force",
        action="store_true",
        help="overwrite demo files that already exist with different content",
    )


def _validate_arguments(p) -> None:
    _month_option(p)
    p.add_argument("--json", action="store_true", help="print the result as JSON")


def _report_arguments(p) -> None:
    _month_option(p, all_months=True)
    p.add_argument(
        "--jobs",
        type=int,
        default=None,
        metavar="N",
        help="months built in parallel with --month all (default: run.jobs; at most the "
        "machine's cores)",
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


def _json_arguments(p) -> None:
    _month_option(p)
    p.add_argument("--json", action="store_true", help="print a JSON object")


def _config(args, required: bool = True):
    from carelib import api

    return api.load_config(args.config, required=required)


def _data_dir(args, cfg) -> Path:
    return Path(args.data) if args.data else cfg.data_dir


def _month(args, data_dir: Path) -> str:
    from carelib import api

    if args.month == "all":
        raise UsageError("--month all is for `carelib report`: give one month here")
    (month,) = api.resolve_months(args.month, data_dir)
    return month


def cmd_demo_data(args) -> int:
    """Write the demo data (into --out, else --data, else paths.data)."""
    from carelib import demo

    cfg = _config(args, required=False)
    out = Path(args.out or args.data) if (args.out or args.data) else cfg.data_dir
    try:
        written = demo.write_demo_data(out, seed=args.seed, overwrite=args.force)
    except (FileExistsError, NotADirectoryError, ValueError) as exc:
        raise UsageError(f"{exc} (use --force to overwrite demo files)") from None
    print(f"Wrote {len(written)} months of demo data to {out}")
    return EXIT_OK


def cmd_validate(args) -> int:
    """Validate a month's data and print what failed."""
    from carelib import api

    cfg = _config(args, required=not args.data)  # checking data needs no council settings
    report = api.validate_month(args.month, args.data, cfg, raise_on_error=False)
    if args.json:
        print(json.dumps(report.to_json(), indent=2, default=str))
    else:
        print(report.to_text())
    return EXIT_INVALID if report.has_errors else EXIT_OK


def _print_outcome(result, single_path: bool = True) -> None:
    """Print each month's outcome, then the path to open (the last line)."""
    for month in result.months:
        if month in result.published:
            print(f"{month}: published")
        elif month in result.skipped:
            print(f"{month}: skipped, unchanged since it was published (--force rebuilds it)")
        elif month in result.failed:
            print(f"{month}: failed, nothing published for it")
    done = result.published + result.skipped
    if len(result.months) == 1 and done and single_path:
        print(result.pages[done[0]][0])
    elif done:
        print(result.reports_dir / "index.html")


def cmd_report(args) -> int:
    """Validate and build the reports for one or more months."""
    from carelib import api

    try:
        result = api.build_reports(
            month=args.month,
            data=args.data,
            out=args.out,
            config=args.config,
            publication=args.publication,
            force=args.force,
            jobs=args.jobs,
            notebooks=args.notebooks,
            log_file=args.log_file,
            quiet=args.quiet,
        )
    except CarelibError as exc:
        if exc.result is not None and (exc.result.published or exc.result.skipped):
            _print_outcome(exc.result)
        raise
    _print_outcome(result)
    return result.exit_code


def cmd_kpis(args) -> int:
    """Print the month's council-level workforce indicators, as the workforce page shows them.

    The figures are the page's own published tables (:func:`carelib.workforce_data.build`
    on the same history), so the command line, the page and ``workforce_indicators.csv``
    agree; with ``--publication`` (or ``publication.enabled``) suppressed figures show
    ``c``.
    """
    from carelib import agency_data, loading, notebook, workforce_data

    cfg = _config(args)
    data_dir = _data_dir(args, cfg)
    month = _month(args, data_dir)
    ctx = notebook.ReportContext(
        month=month,
        config=cfg,
        history=loading.load_history(data_dir, month),
        data_dir=data_dir,
        publication=bool(args.publication or cfg["publication"]["enabled"]),
    )
    kpis = workforce_data.headline_kpis(workforce_data.build(ctx))
    kpis.update(agency_data.kpis(agency_data.build(ctx)))  # when assignments are supplied
    if args.json:
        print(json.dumps(kpis, indent=2, default=str))
        return EXIT_OK
    print(f"{cfg['council']['name']}: workforce indicators at {month}")
    for name, item in kpis.items():
        print("  " + _kpi_line(name, item))
    return EXIT_OK


def _kpis_arguments(p) -> None:
    _json_arguments(p)
    p.add_argument(
        "--publication",
        action="store_true",
        help="publication mode: figures resting on small numbers show c (suppressed)",
    )


#: What a missing figure's symbol means, on the command line.
_SYMBOL_WORDS = {"z": "not applicable", "x": "not available", "c": "suppressed"}


def _kpi_line(name: str, item: dict) -> str:
    from carelib import formatting

    value = item.get("value")
    if value is None:
        symbol = item.get("symbol") or "z"
        shown = f"{symbol} ({_SYMBOL_WORDS.get(symbol, 'not applicable')})"
    elif item.get("unit") == "percent":
        shown = formatting.percent(value)
    elif item.get("unit") == "gbp_hour":
        shown = formatting.hourly(value)
    elif item.get("unit") == "gbp":
        shown = formatting.value(value, "gbp")
    else:
        shown = formatting.plain(value)
    ratio = formatting.plain(item.get("numerator"))
    if item.get("denominator") is not None:
        ratio += f" / {formatting.plain(item.get('denominator'))}"
    covered, window = item.get("months_covered"), item.get("window_months")
    note = ""
    if window and window > 1:
        note = f"  ({covered} of {window} months)" if covered != window else f"  ({window} months)"
    return f"{item.get('label', name):<52} {shown:>10}   {ratio}{note}"


def cmd_plan(args) -> int:
    """Print the month's improvement-plan summary, from the tables the page reads.

    The summary comes from :func:`carelib.plan_data.build`, as ``improvement_plan.html``,
    ``actions.csv`` and ``measures.csv`` do, so the command line and the page agree.
    """
    from carelib import loading, plan, plan_data

    cfg = _config(args)
    data_dir = _data_dir(args, cfg)
    month = _month(args, data_dir)
    history = loading.load_history(data_dir, month)
    data = plan_data.build(history, month, cfg, publication=bool(cfg["publication"]["enabled"]))
    summary = data.summary
    if args.json:
        print(json.dumps(summary, indent=2, default=str))
        return EXIT_OK
    print(plan.summary_text(summary))
    return EXIT_OK


def cmd_forecast(args) -> int:
    """Print when each target is met at the current pace, and what it takes."""
    from carelib import loading, planning

    cfg = _config(args)
    data_dir = _data_dir(args, cfg)
    month = _month(args, data_dir)
    result = planning.forecast(loading.load_history(data_dir, month), month, cfg)
    if args.json:
        print(json.dumps(result, indent=2, default=str))
    else:
        print(planning.forecast_text(result, cfg["council"]["name"]))
    return EXIT_OK


# --- carelib benchmarks: the DfE files behind England/region/neighbour comparisons ------


def _benchmarks_arguments(p) -> None:
    bsub = p.add_subparsers(dest="benchmarks_command", metavar="ACTION")
    bsub.required = True
    bsub.add_parser("show", help="print the release, region and neighbours in use")
    u = bsub.add_parser(
        "update",
        help="check a newer DfE download (indicators file or statistical-neighbour model), "
        "copy it to reference/ beside the configuration file and point the config at it",
    )
    u.add_argument(
        "file", metavar="FILE", help="the DfE workforce indicators or neighbour model CSV"
    )


def cmd_benchmarks(args) -> int:
    """Show the DfE benchmark release in use, or switch to a newer download."""
    from carelib import benchmarks, dfe_files

    cfg = _config(args)
    if args.benchmarks_command == "update":
        source = Path(args.file)
        if not source.is_file():
            raise UsageError(f"{source} does not exist")
        problems = dfe_files.check(source)
        if problems:
            print(f"carelib: {source} cannot be used:", file=sys.stderr)
            for problem in problems:
                print(f"  {problem}", file=sys.stderr)
            return EXIT_INVALID
        target = dfe_files.install(source, cfg)
        where = cfg.path or "no configuration file: add it under [benchmarks]"
        print(f"copied to {target}")
        key = dfe_files.CONFIG_KEYS[dfe_files.kind_of(target)]
        print(f'benchmarks.{key} = "{dfe_files.PROJECT_FOLDER}/{target.name}" ({where})')
        cfg = _config(args)
    bench = benchmarks.load_benchmarks(cfg)
    print(bench.source)
    print(f"la_code {bench.la_code or '(not set)'}; region {bench.region_name or '(not set)'}")
    names = [bench.name(code) for code in bench.neighbours]
    print(f"statistical neighbours ({len(names)}): {', '.join(names) or '(none)'}")
    fig = bench.latest("agency_rate", "neighbours")
    if fig.of:
        print(f"agency rate {fig.year}: {fig.coverage()}")
        for note in fig.matched:
            print(f"  {note}")
    return EXIT_OK


# --- carelib init: a council project folder (the logic is in carelib/project.py) -------


def _init_arguments(p) -> None:
    p.description = (
        "Make a council project folder: a filled-in carelib.toml (region and "
        "statistical neighbours looked up from the DfE LA code), data/ and reports/. "
        "Without --la-code the project is for the fictional demo council."
    )
    p.add_argument("folder", metavar="DIR", help="the project folder (made if missing)")
    p.add_argument("--la-code", metavar="N", help='DfE "old" 3-digit LA code, e.g. 340')
    p.add_argument("--council", metavar="NAME", help="council name (default: the DfE LA name)")
    p.add_argument(
        "--with-notebooks",
        action="store_true",
        help="copy the report notebooks into DIR/notebooks/ to adapt (the run uses them)",
    )


def cmd_agency_return(args) -> int:
    """Write the quarter's DfE agency return (CSV) and print its compliance by rule."""
    import pandas as pd

    from carelib import agency_rules, api

    cfg = _config(args)
    path = api.agency_return(args.quarter, data=_data_dir(args, cfg), config=cfg, out=args.out)
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    rows = frame[frame["record_type"] == "assignment"]
    print(
        f"{cfg['council']['name']}: agency return {args.quarter.upper()}, {len(rows)} assignments"
    )
    for rec in frame[frame["record_type"] == "compliance"].to_dict("records"):
        breaches = int(rec["breaches"])
        print(
            f"  {agency_rules.RULE_LABELS[rec['rule']]:<58} {rec['compliant']:>4} of "
            f"{rec['assessed']:>4} compliant, {breaches} breach{'es' if breaches != 1 else ''}"
            f" ({rec['unapproved']} without approval)"
        )
    print(path)
    return EXIT_OK


def _agency_return_arguments(p) -> None:
    p.add_argument(
        "--quarter",
        required=True,
        help="calendar quarter, YYYY-Qn (2025-Q3 is July to September); --out FILE names the "
        "CSV (default: agency_return_YYYY-Qn.csv here; never in the data folder)",
    )


def cmd_init(args) -> int:
    """Make a council project folder."""
    from carelib import project

    try:
        made = project.init(args.folder, args.la_code, args.council, args.with_notebooks)
    except project.ProjectError as exc:
        raise UsageError(str(exc)) from None
    print(f"Made the carelib project for {made.council} (LA code {made.la_code}) in {made.folder}")
    print(f"  settings: {made.config_path}  (check the [inspection] and [targets] sections)")
    if made.notebooks:
        print(f"  notebooks: {made.notebooks}  (the run uses these copies)")
    print(f"Next: put each month's data in {made.folder / 'data'}/YYYY-MM/ (or run")
    print("`carelib demo-data` there), then run `carelib report` in that folder.")
    return EXIT_OK


#: The subcommands, in the order ``carelib --help`` lists them.
COMMANDS: dict[str, Command] = {
    "demo-data": Command(
        "write the synthetic demo data (24 months)", _demo_data_arguments, cmd_demo_data
    ),
    "validate": Command(
        "check a month's data against the data contracts", _validate_arguments, cmd_validate
    ),
    "report": Command("validate and build the month's HTML reports", _report_arguments, cmd_report),
    "kpis": Command(
        "print the month's council-level workforce indicators", _kpis_arguments, cmd_kpis
    ),
    "plan": Command("print the month's improvement-plan summary", _json_arguments, cmd_plan),
    "forecast": Command(
        "project agency, vacancy and turnover rates: when each target is met, what it takes",
        _json_arguments,
        cmd_forecast,
    ),
    "agency-return": Command(
        "write the quarter's DfE return on agency social workers (CSV)",
        _agency_return_arguments,
        cmd_agency_return,
    ),
    "benchmarks": Command(
        "show or update the DfE benchmark files in use", _benchmarks_arguments, cmd_benchmarks
    ),
    "init": Command(
        "make a council project folder: carelib.toml, data/ and reports/",
        _init_arguments,
        cmd_init,
    ),
}


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit code.

    Every outcome is an exit code, never a traceback: a :class:`CarelibError` prints its
    message and exits with its code; anything else is a bug, exit 70, with the
    traceback printed (and written to the run log when there is one); Ctrl-C is 130.
    """
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse exits 2 on usage errors, 0 on --help
        return int(exc.code or 0)
    from carelib.contracts import ContractError

    try:
        with runlog.to_file(args.log_file):
            return _run(args, ContractError)
    except OSError as exc:  # the log file itself cannot be opened
        print(f"carelib: --log-file {args.log_file}: {exc}", file=sys.stderr)
        return EXIT_USAGE


def _run(args, contract_error) -> int:
    from carelib.loading import DataError

    try:
        return COMMANDS[args.command].run(args)
    except CarelibError as exc:
        print(f"carelib: {exc}", file=sys.stderr)
        if exc.exit_code == EXIT_UNEXPECTED:
            print("".join(traceback.format_exception(exc.__cause__ or exc)), file=sys.stderr)
        return exc.exit_code
    except contract_error as exc:
        print(f"carelib: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:  # the output was piped into `head` or similar
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - so the final flush is silent
        return EXIT_OK
    except DataError as exc:  # the data folder or a month in it cannot be used at all
        print(f"carelib: {exc}\nNothing was published.", file=sys.stderr)
        return EXIT_INVALID
    except KeyboardInterrupt:
        print("carelib: interrupted; nothing half-built was published", file=sys.stderr)
        return EXIT_INTERRUPTED
    except Exception as exc:  # a bug: say so, never "data invalid"
        text = traceback.format_exc()
        print(
            f"carelib: unexpected error (a bug in carelib, please report it): "
            f"{type(exc).__name__}: {exc}\n{text}",
            file=sys.stderr,
        )
        runlog.event(
            "run_finished", command=args.command, exit_code=EXIT_UNEXPECTED, traceback=text
        )
        return EXIT_UNEXPECTED


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
