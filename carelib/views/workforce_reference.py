"""The reference views of the workforce page: comparisons with DfE figures, definitions.

:func:`benchmarks` sets the council's figures (by DfE's definitions) beside England, the
region and the statistical neighbours; :func:`definitions` says how each figure is worked
out, what the symbols mean and where the comparisons come from.
"""

from __future__ import annotations

from carelib import blocks, dates, formatting, workforce
from carelib.views import workforce_board as board
from carelib.workforce_data import WorkforceData, census_label

#: The indicators set beside DfE's figures, in order.
BENCHMARKED = (
    "agency_rate",
    "vacancy_rate",
    "turnover_rate_12m",
    "average_caseload",
    "absence_rate_dfe",
)

#: How each figure is calculated: (figure, definition); ``{hires_target}`` is filled in.
DEFINITIONS = [
    (
        "Social workers",
        "Qualified (registered) children and family social workers "
        "employed by the council, permanent or fixed term. Alternatively qualified staff "
        "(for example family support workers) are not counted.",
    ),
    (
        "Agency rate",
        "Agency qualified social workers' FTE as a share of all qualified "
        "social-worker FTE (agency plus council-employed), at the month end.",
    ),
    (
        "Vacancy rate",
        "Vacant FTE as a share of vacant plus filled FTE. A team's "
        "vacancies are its funded posts minus its council-employed social workers (never "
        "below zero); posts covered by agency staff count as vacant.",
    ),
    (
        "Turnover rate (12 months)",
        "FTE of social workers who left in the 12 months to "
        "the month end, as a share of social-worker FTE at the month end.",
    ),
    (
        "Average caseload",
        "Cases held at the month end divided by the FTE of the "
        "qualified workers (agency included) who hold at least one case.",
    ),
    (
        "Sickness absence rate (12 months)",
        "Monthly-weighted: working days lost to sickness by social "
        "workers over 12 months as a share of the working days available (each "
        "month's FTE times its working days: weekdays less England and Wales bank "
        "holidays). Used for the monthly trend and the target.",
    ),
    (
        "Sickness absence rate, DfE definition",
        "Working days lost to sickness by social workers over 12 months divided by "
        "(social-worker FTE at the month end times 253 working days), as DfE "
        "publishes it. This is the figure set beside England, the region and the "
        "statistical neighbours.",
    ),
    (
        "In post under 2 years",
        "Share of social-worker FTE who started with the council "
        "less than 2 years before the month end.",
    ),
    ("Agency cover rate", "Share of agency FTE covering a funded vacant post."),
    (
        "Starters (12 months)",
        "Social workers (headcount) whose start date is in the 12 "
        "months to the month end, including any who have since left.",
    ),
    (
        "Newly qualified social workers retained into year two",
        "Of the social workers "
        "who joined as newly qualified 13 to 24 months before the month end, the share "
        "(headcount) still in post.",
    ),
    (
        "Recruitment against target",
        "Social workers who started in the financial year "
        "so far, against the year's target ({hires_target}); the straight-line profile "
        "is the target times the months elapsed over 12.",
    ),
    (
        "Agency spend",
        "Spend and budget from the monthly agency spend return; the "
        "projected year end is spend so far divided by the months with data, times 12.",
    ),
]


def benchmarks(data: WorkforceData, indicators=BENCHMARKED) -> blocks.View:
    """The council's figures by DfE's definitions beside England, region and neighbours.

    Each comparator names its census; the neighbour median says how many of the
    neighbours it covers, names any with no published figure, and says where a joint
    return or a former council's figure stands in.

    Parameters
    ----------
    data : carelib.workforce_data.WorkforceData
    indicators : sequence of str
        The rows, in order (default :data:`BENCHMARKED`).
    """
    rows: list[dict] = []
    notes: dict[str, list[str]] = {}
    for indicator in indicators:
        ind = workforce.INDICATORS[indicator]
        row = {"Indicator": ind.label, data.council: data.shown(indicator)}
        for which, name in (
            ("england", "England"),
            ("region", data.bench.region_name or "Region"),
            ("neighbours", "Statistical neighbours (median)"),
        ):
            fig = data.benchmark(indicator, which)
            shown = "x" if fig is None else formatting.value(fig.value, ind.unit, fig.symbol)
            row[name] = shown if fig is None else f"{shown} ({census_label(fig.year)})"
            if which == "neighbours" and fig is not None and fig.of is not None:
                row["Neighbours covered"] = f"{fig.n} of {fig.of}"
                for note in ([fig.coverage()] if fig.missing else []) + list(fig.matched):
                    notes.setdefault(note, []).append(ind.label.split(" (")[0])
        rows.append(row)
    parts: list = [
        board.collapsed(
            blocks.table(
                blocks.text_frame(rows, list(rows[0])),
                f"{data.council} at {dates.month_label(data.month)} beside the latest "
                "published DfE figures",
            ),
            "The council beside England, the region and its neighbours",
        )
    ]
    if notes:
        every = len(rows)
        parts.append(
            blocks.bullets(
                [
                    f"{'Every indicator' if len(names) == every else ', '.join(names)}: {note}."
                    for note, names in notes.items()
                ]
            )
        )
    return blocks.View("benchmarks", None, parts)


def definitions(data: WorkforceData) -> blocks.View:
    """How each figure is calculated, the symbols, and where the comparisons come from."""
    hires_target = int(data.targets.get("qsw_hires_this_year", 25))
    frame = blocks.text_frame(
        [
            {"Figure": a, "How it is calculated": b.format(hires_target=hires_target)}
            for a, b in DEFINITIONS
        ],
        ["Figure", "How it is calculated"],
    )
    parts = [
        blocks.paragraph(
            "Figures follow the definitions of the Department for Education's "
            "children's social work workforce census, applied at each month end "
            "(the census itself is taken at 30 September). Each month is worked "
            "out from the data up to that month only."
        ),
        board.collapsed(blocks.table(frame, "How each figure is calculated"), "Definitions"),
        blocks.Heading("Symbols", 3),
        blocks.bullets(
            [
                "z: not applicable (for example a rate with nobody to count).",
                "x: not available (the data for it were not supplied).",
                "c: suppressed, to protect individuals (publication version only): counts from "
                f"1 to {data.threshold}, and other figures that would let them be worked out.",
                "A 12-month figure worked out from fewer than 12 months of data says so.",
            ]
        ),
        blocks.Heading("Comparisons and targets", 3),
        blocks.paragraph(
            f"England, regional and statistical-neighbour figures: {data.bench.source}. "
            "They are the census at 30 September of each year; each month is compared "
            "with the latest census at or before its month end (a September report "
            "with that September's census). A council figure set beside them is worked "
            "out by DfE's definition."
        ),
        *benchmarks(data).blocks,
        blocks.paragraph(
            "Targets come from the council's configuration file (targets section); "
            "a target is met when the figure as shown, to one decimal place, "
            "meets it."
        ),
        blocks.Heading("Real change or noise", 3),
        blocks.paragraph(
            "The statistical process control (XmR) charts follow NHS England's Making Data "
            "Count: process limits are the mean plus or minus 2.66 times the average "
            "month-to-month change. A month outside the limits, a run of 7 months on one "
            "side of the mean, or a trend of 7 months moving the same way is special-cause "
            "variation; anything else is common-cause (normal) variation."
        ),
        blocks.Heading("Data", 3),
        blocks.paragraph(
            f"Source: {data.council} HR and case management monthly extracts. The "
            "page shows totals only; no individual worker is identified. The "
            "numbers behind every chart are under its 'Show the numbers' link, "
            "and all figures are in workforce_indicators.csv."
        ),
    ]
    return blocks.View("definitions", None, parts)
