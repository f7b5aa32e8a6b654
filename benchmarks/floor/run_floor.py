"""The floor of a monthly run: what the libraries cost, with no carelib logic.

One Python process imports great_expectations once, validates the month's six files
against the suites in ``data_contracts/`` (plain GX: an ephemeral context, the suites
from their JSON, pandas ``read_csv``), then executes each floor notebook (imports and
plots only) with papermill's Python API the way carelib's runner does, one after the
other, and exports each with nbconvert's ``HTMLExporter``.

Usage: ``python benchmarks/floor/run_floor.py DATA_DIR MONTH OUT_DIR WF_FIGS WF_PANELS
PLAN_FIGS PLAN_PANELS``. Prints a JSON line of step timings.
"""

from __future__ import annotations

import calendar
import datetime as dt
import json
import os
import sys
import time
from pathlib import Path

T0 = time.perf_counter()
HERE = Path(__file__).resolve().parent
CONTRACTS = HERE.parent.parent / "data_contracts"
DATASETS = ["workforce", "leavers", "establishment", "agency_spend", "actions", "measures"]
DATE_COLUMNS = {
    "workforce": ["start_date"],
    "leavers": ["start_date", "leave_date"],
    "actions": ["start_date", "due_date", "completed_date"],
    "measures": ["target_date"],
}


def validate(data_dir: Path, month: str) -> dict:
    os.environ["GX_ANALYTICS_ENABLED"] = "false"
    t = time.perf_counter()
    import great_expectations as gx
    import pandas as pd
    from great_expectations.data_context.types.base import ProgressBarsConfig

    times = {"gx_import": time.perf_counter() - t}
    t = time.perf_counter()
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    source = context.data_sources.add_pandas("floor")
    suites, batches = {}, {}
    for ds in DATASETS:
        contract = json.loads((CONTRACTS / f"{ds}.json").read_text(encoding="utf-8"))
        suites[ds] = context.suites.add(gx.ExpectationSuite(**contract))
        batches[ds] = source.add_dataframe_asset(ds).add_batch_definition_whole_dataframe(ds)
    year, mon = (int(x) for x in month.split("-"))
    last = dt.date(year, mon, calendar.monthrange(year, mon)[1])
    first = last.replace(day=1)
    weekdays = sum((first + dt.timedelta(d)).weekday() < 5 for d in range(last.day))
    params = {
        "reference_date": f"{last.isoformat()}T00:00:00",
        "month_start": f"{first.isoformat()}T00:00:00",
        "working_days": weekdays,
    }
    passed = total = 0
    for ds in DATASETS:
        frame = pd.read_csv(data_dir / month / f"{ds}.csv", parse_dates=DATE_COLUMNS.get(ds, []))
        batch = batches[ds].get_batch(batch_parameters={"dataframe": frame})
        result = batch.validate(
            suites[ds],
            expectation_parameters=params,
            result_format={"result_format": "BOOLEAN_ONLY"},
        )
        passed += sum(r.success for r in result.results)
        total += len(result.results)
    times["validate"] = time.perf_counter() - t
    times["expectations_passed"] = f"{passed}/{total}"
    return times


def main(argv: list[str]) -> int:
    data_dir, month, out_dir = Path(argv[0]).resolve(), argv[1], Path(argv[2]).resolve()
    wf_figs, wf_panels, plan_figs, plan_panels = (int(x) for x in argv[3:7])
    out_dir.mkdir(parents=True, exist_ok=True)
    times = validate(data_dir, month)

    import papermill
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(
        exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True
    )
    for name, figs, panels in [
        ("floor_workforce.ipynb", wf_figs, wf_panels),
        ("floor_plan.ipynb", plan_figs, plan_panels),
    ]:
        t = time.perf_counter()
        nb = papermill.execute_notebook(
            str(HERE / name),
            str(out_dir / name),
            parameters={
                "data_dir": str(data_dir),
                "month": month,
                "figures": figs,
                "panels": panels,
            },
            kernel_name="python3",
            resources={"metadata": {"path": str(HERE)}},
            progress_bar=False,
            log_output=False,
            request_save_on_cell_execute=False,
            shutdown_kernel="immediate",
        )
        times[f"execute:{name}"] = time.perf_counter() - t
        t = time.perf_counter()
        body, _ = exporter.from_notebook_node(nb)
        (out_dir / name.replace(".ipynb", ".html")).write_text(body, encoding="utf-8")
        times[f"export:{name}"] = time.perf_counter() - t
    times["total_in_process"] = time.perf_counter() - T0
    print(json.dumps({k: round(v, 3) if isinstance(v, float) else v for k, v in times.items()}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
