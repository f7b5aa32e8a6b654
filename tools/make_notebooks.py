"""Regenerate the report notebooks' skeleton (run once by developers; edit notebooks after).

Kept so the cell layout is reviewable as code; `python tools/make_notebooks.py` rewrites
the notebooks below (name some, e.g. `03_*`, to rewrite only those). Nothing else needs
to know their names: every notebooks/NN_name.ipynb is the page name.html, titled from its
first markdown heading (see carelib/notebook_pages.py).
"""

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

PARAMETERS = """month = "latest"  # reporting month: YYYY-MM, latest or previous
data_dir = "../data"  # data folder with one sub-folder per month
config_path = "../carelib.toml"  # carelib configuration file
output_dir = ""  # folder for the CSVs behind the page (empty: write none)
publication = False  # publication mode: suppress small numbers, show the marking"""


def notebook(title, intro, setup, sections):
    """Return a report notebook: hidden title, parameters, setup, then h2 sections."""
    cells = [
        new_markdown_cell(f"# {title}\n\n{intro}", metadata={"tags": ["remove_cell"]}),
        new_code_cell(PARAMETERS, metadata={"tags": ["parameters"]}),
        new_code_cell(setup, metadata={"tags": ["setup"]}),
    ]
    for heading, text, code in sections:
        cells.append(new_markdown_cell(f"## {heading}" + (f"\n\n{text}" if text else "")))
        cells.append(new_code_cell(code))
    nb = new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3 (ipykernel)",
        "language": "python",
    }
    nb.metadata["language_info"] = {"name": "python"}
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"cell-{i:02d}"  # stable ids keep diffs of regenerated notebooks small
    return nb


WORKFORCE = notebook(
    "Workforce stability",
    "Builds `workforce.html`. Run it top to bottom (the monthly run does the same with "
    "papermill in a fresh kernel). Every figure is computed by `carelib.workforce`; this "
    "notebook only lays out the page.",
    "from carelib import notebook\n"
    "from carelib.workforce_report import WorkforceReport\n\n"
    "ctx = notebook.setup(month, data_dir, config_path, output_dir, publication)\n"
    "report = WorkforceReport(ctx)\n"
    "report.publish_outputs()",
    [
        ("At a glance", None, "report.headline_tiles()"),
        ("What changed this month", None, "report.narrative()"),
        (
            "Agency reliance",
            "Agency social workers cost more and move on sooner; reducing reliance on them is "
            "the heart of the improvement plan.",
            "report.agency()",
        ),
        (
            "Real change or noise?",
            "Statistical process control charts separate real change from month-to-month "
            "noise, using the NHS *Making Data Count* rules.",
            "report.spc()",
        ),
        ("Turnover and leavers", None, "report.turnover()"),
        ("Vacancies and recruitment", None, "report.vacancies()"),
        ("Caseloads", None, "report.caseloads()"),
        ("Sickness absence", None, "report.absence()"),
        ("Newly qualified social workers", None, "report.nqsw()"),
        ("Agency spend against budget", None, "report.spend()"),
        ("Teams", None, "report.teams()"),
        ("How these figures are calculated", None, "report.definitions()"),
    ],
)

PLAN = notebook(
    "Improvement plan",
    "Builds `improvement_plan.html`. Run it top to bottom (the monthly run does the same "
    "with papermill in a fresh kernel). Ratings are computed by `carelib.plan` by the rules "
    "in docs/plan_rules.md; this notebook only lays out the page.",
    "from carelib import notebook\n"
    "from carelib.plan_report import PlanReport\n\n"
    "ctx = notebook.setup(month, data_dir, config_path, output_dir, publication)\n"
    "report = PlanReport(ctx)\n"
    "report.publish_outputs()",
    [
        ("At a glance", None, "report.headline_tiles()"),
        (
            "What needs attention",
            "Overdue, blocked, slipped and worsening items first.",
            "report.exceptions()",
        ),
        ("Statutory timeline", None, "report.timeline()"),
        ("Changes since last month", None, "report.changes()"),
        ("Progress by recommendation", None, "report.by_recommendation()"),
        ("Progress by theme", None, "report.by_theme()"),
        ("Plan burn-up", None, "report.burnup()"),
        ("Recommendations in detail", None, "report.recommendation_sections()"),
        ("How ratings are worked out", None, "report.rules()"),
    ],
)

PLANNING = notebook(
    "Workforce planning",
    "Builds `workforce_planning.html`. Run it top to bottom (the monthly run does the same "
    "with papermill in a fresh kernel). The projection is `carelib.projection` and "
    "`carelib.planning`, the time-in-post curves `carelib.retention`; this notebook only "
    "lays out the page.",
    "from carelib import notebook\n"
    "from carelib import planning_report as views\n\n"
    "ctx = notebook.setup(month, data_dir, config_path, output_dir, publication)\n"
    "plan = views.load(ctx)  # the month's forecast, computed once\n"
    "views.publish_outputs(plan)",
    [
        ("At the current pace", None, "views.summary(plan)"),
        (
            "When each target is met, and what it would take",
            "The month the projection first meets each target, the range of months it could "
            "be, and what would meet it by the month it is due.",
            "views.targets(plan)",
        ),
        ("The projections", None, "views.projections(plan, indicators=None, history_months=24)"),
        ("Scenarios", None, "views.scenarios(plan)"),
        ("How long social workers stay", None, "views.time_in_post(plan)"),
        ("When social workers leave", None, "views.leaving(plan)"),
        ("Newly qualified cohorts", None, "views.cohorts(plan)"),
        ("How the projection works and how well it did", None, "views.method(plan)"),
    ],
)

NOTEBOOKS = {
    "01_workforce.ipynb": WORKFORCE,
    "02_improvement_plan.ipynb": PLAN,
    "03_workforce_planning.ipynb": PLANNING,
}

if __name__ == "__main__":
    import sys

    root = Path(__file__).resolve().parent.parent / "notebooks"
    # Name notebooks to rewrite only those (``python tools/make_notebooks.py 03_*``).
    wanted = sys.argv[1:] or list(NOTEBOOKS)
    for name, nb in NOTEBOOKS.items():
        if any(Path(name).match(w) for w in wanted):
            nbformat.write(nb, str(root / name))
