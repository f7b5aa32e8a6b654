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
    """Return a report notebook: hidden title, parameters, setup, then h2 sections.

    A section whose heading is None has no markdown cell: its view opens with its own
    level-2 heading (a finding built from the figures, listed in the contents).
    """
    cells = [
        new_markdown_cell(f"# {title}\n\n{intro}", metadata={"tags": ["remove_cell"]}),
        new_code_cell(PARAMETERS, metadata={"tags": ["parameters"]}),
        new_code_cell(setup, metadata={"tags": ["setup"]}),
    ]
    for heading, text, code in sections:
        # No heading: the view gives its own, which states its finding.
        if heading or text:
            head = f"## {heading}" if heading else ""
            cells.append(new_markdown_cell(head + (f"\n\n{text}" if text else "")))
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
    "papermill in a fresh kernel). The setup cell builds the month's tables once "
    "(`carelib.workforce_data`, suppressed there in publication mode); each section is "
    "then a view of them (`carelib.views.workforce`): change its arguments (months shown, "
    "title, comparators) or the words above it, or add a cell of your own that uses "
    "`data` and `carelib.charts`. Each section's view opens with its finding as its "
    "heading (`carelib.views.workforce_board`) and lists the improvement-plan actions on "
    "its theme (`carelib.workforce_plan`).",
    "from carelib import notebook\n"
    "from carelib.views import workforce as views\n\n"
    "ctx = notebook.setup(month, data_dir, config_path, output_dir, publication)\n"
    "# The plan's published tables (as 02_improvement_plan builds them; None without a plan)\n"
    "# give each section its plan actions and each chart its completed actions.\n"
    "plan = views.plan_tables(ctx)\n"
    "data = views.build(ctx, plan=plan)  # the month's tables, suppressed once if publishing\n"
    "views.publish_outputs(data)  # the CSVs behind the page; the overview page's tiles",
    [
        (None, None, "views.tiles(data)"),
        (None, None, "views.narrative(data)"),
        (None, None, "views.agency(data, months=24, target=True, england=True)"),
        (
            None,
            None,
            "views.spc(\n"
            "    data,\n"
            '    indicators=("agency_rate", "vacancy_rate", "average_caseload", '
            '"turnover_rate_12m"),\n'
            ")",
        ),
        (None, None, "views.turnover(data, months=24, title=None)  # None: the finding"),
        (None, None, "views.vacancies(data, months=24, title=None)"),
        (None, None, "views.caseloads(data, months=24, title=None)"),
        (None, None, "views.absence(data, months=24, title=None)"),
        (None, None, "views.nqsw(data)"),
        (None, None, "views.spend(data, months=24, title=None)"),
        (None, None, "views.teams(data)"),
        ("How these figures are calculated", None, "views.definitions(data)"),
    ],
)

PLAN = notebook(
    "Improvement plan",
    "Builds `improvement_plan.html`. Run it top to bottom (the monthly run does the same "
    "with papermill in a fresh kernel). The setup cell builds the month's plan tables once "
    "(`carelib.plan_data`, rated by the rules in docs/plan_rules.md); each section below is "
    "a view of those tables (`carelib.views.plan_*`): change a view's arguments, the "
    "headings and the narrative here, or add your own cells that use `plan_data`.",
    "from carelib import notebook, views\n"
    "from carelib.plan_data import from_context, write_csvs\n\n"
    "ctx = notebook.setup(month, data_dir, config_path, output_dir, publication)\n"
    "# The month's plan tables, built (and published) once: the page, the CSVs and\n"
    "# `carelib plan` all read them.\n"
    "plan_data = from_context(ctx)\n"
    "write_csvs(plan_data, ctx)  # actions.csv, measures.csv, plan_dictionary.csv\n"
    "ctx.headlines(views.plan_headlines(plan_data))  # the plan's tiles on the landing page",
    # Each view's heading states its finding, from the figures, so no section here has
    # a fixed heading of its own.
    [
        (None, None, "views.plan_tiles(plan_data)"),
        (
            None,
            None,
            "# Every red action and measure, then anything that slipped or got worse\n"
            'views.plan_exceptions(plan_data, kinds=("action", "measure"))',
        ),
        (None, None, "views.plan_timeline(plan_data)"),
        (None, None, "views.plan_changes(plan_data, kinds=views.CHANGE_KINDS)"),
        (
            None,
            None,
            "views.plan_by_recommendation(plan_data, recommendations=None)  # None: all",
        ),
        (None, None, "views.plan_by_theme(plan_data, themes=None)"),
        (
            None,
            None,
            "# months=12 shows the last 12 months only; title=None states the finding\n"
            "views.plan_burnup(plan_data, months=None, title=None)",
        ),
        (
            None,
            None,
            'views.plan_recommendation_sections(plan_data, recommendations=None)  # e.g. ["R1"]',
        ),
        (None, None, "views.plan_rules(plan_data)"),
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

AGENCY = notebook(
    "Agency rules and cost",
    "Builds `agency.html`. Run it top to bottom (the monthly run does the same with "
    "papermill in a fresh kernel). The month's agency tables are built once "
    "(`carelib.agency_data`, suppressed there in publication mode) from the optional "
    "`agency_assignments` file; the section is a view of them (`carelib.views.agency`). "
    "Without the file the page says it is not supplied.",
    "from carelib import agency_data, notebook\n"
    "from carelib.views import agency as views\n\n"
    "ctx = notebook.setup(month, data_dir, config_path, output_dir, publication)\n"
    "data = agency_data.build(ctx)  # the month's assignments checked against the rules",
    [
        (
            "Agency rules and cost",
            "The DfE agency rules (price caps, experience, cooling-off, project teams), the "
            "quarterly return's figures, and whether the fixed agency rate saves money.",
            "views.section(data)",
        ),
    ],
)

NOTEBOOKS = {
    "01_workforce.ipynb": WORKFORCE,
    "02_improvement_plan.ipynb": PLAN,
    "03_workforce_planning.ipynb": PLANNING,
    "04_agency.ipynb": AGENCY,
}

if __name__ == "__main__":
    import sys

    root = Path(__file__).resolve().parent.parent / "notebooks"
    # Name notebooks to rewrite only those (``python tools/make_notebooks.py 03_*``).
    wanted = sys.argv[1:] or list(NOTEBOOKS)
    for name, nb in NOTEBOOKS.items():
        if any(Path(name).match(w) for w in wanted):
            nbformat.write(nb, str(root / name))
